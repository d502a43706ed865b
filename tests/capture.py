"""A capture server on 127.0.0.1: records every request it receives, so a test can prove that the publisher
made none (no SERVICE call, no remote JSON-LD context, no LOAD) — or exactly the one it allowed."""

from __future__ import annotations

import http.server
import threading

EMPTY_SPARQL_RESULT = b'{"head": {"vars": []}, "results": {"bindings": [{}]}}'


class CaptureServer:
    """Answers every method with ``body`` (an empty SPARQL result unless told otherwise)."""

    def __init__(self, body: bytes = EMPTY_SPARQL_RESULT, content_type: str = "application/sparql-results+json") -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                seen.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _answer  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port: int = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> CaptureServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
