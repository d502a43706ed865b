"""The ``linkeddata`` command: ``validate`` contributions against the ontology, shapes and data; ``serve`` them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from .settings import Settings, from_env
from .validation import report
from .validation.validate import validate_paths

EXIT_CODES = """exit codes:
  0  conforms (warnings and infos allowed)
  1  violations (or warnings, with --strict)
  2  unreadable input (syntax error, missing file) or wrong usage"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linkeddata", description=__doc__, epilog=EXIT_CODES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_validate(commands)
    _add_serve(commands)
    _add_load(commands)
    _add_build(commands)
    _add_contributions(commands)
    _add_token(commands)
    _add_history(commands)  # issue 16
    return parser


def _add_root(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", type=Path, help="folder holding ontology/, shapes/ and data/")


def _add_validate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = commands.add_parser(
        "validate", help="check RDF files (default: all of <root>/data) and report problems",
        description="Check RDF files against the project's ontology and SHACL shapes. With no PATH, the whole "
                    "<root>/data folder is checked; given files are checked as a contribution, in the context "
                    "of the existing data, and only the problems they cause are reported.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    validate.add_argument("paths", nargs="*", metavar="PATH", help="RDF files or folders (syntax from the extension)")
    validate.add_argument("--format", default=report.TEXT, choices=report.REPORT_FORMATS,
                          help="report as text (default), JSON, or a SHACL validation report in an RDF syntax")
    validate.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    _add_root(validate)
    validate.set_defaults(handler=_validate)


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="publish the data over HTTP (options override LINKEDDATA_* variables)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--public-url", help="origin (and path) clients reach us at; IRIs are rewritten to it")
    serve.add_argument("--workers", type=int)
    serve.add_argument("--trust-proxy", action="store_true", default=None, help="honour X-Forwarded-Proto/Host")
    _add_root(serve)
    serve.add_argument("--query-timeout", type=float, metavar="S", help="seconds a SPARQL query may run")
    serve.add_argument("--tokens-file", type=Path, help="write tokens, one 'name:sha256-hex[:role]' per line")
    serve.add_argument("--review", action="store_true", default=None, dest="review_contributions",
                       help="contributors' new contributions wait for a curator's review before they are published")
    serve.add_argument("--sparql-endpoint", help="serve a remote SPARQL 1.1 store instead of the embedded one")
    serve.add_argument("--update-endpoint", help="the remote store's update endpoint (for contributions)")
    serve.add_argument("--store", type=Path, help="open this store folder (written by 'linkeddata build') instead "
                                                  "of parsing the sources")
    serve.set_defaults(handler=_serve)


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    build = commands.add_parser(
        "build", help="parse ontology/, shapes/ and data/ once into a store folder for 'serve --store'",
        description="Write a prepared pyoxigraph store (a RocksDB folder) holding what 'serve' would load, so "
                    "'serve --store DIR' starts without parsing. The folder records which source files it was built "
                    "from; 'serve --store' refuses a store older than the sources. Rebuilding replaces it.")
    _add_root(build)
    build.add_argument("--store", type=Path, required=True, help="the folder to write (not kept in git)")
    build.set_defaults(handler=_build)


def _build(args: argparse.Namespace) -> int:
    import time

    from .errors import LinkedDataError
    from .store.built import build

    root: Path = args.root or from_env().root
    started = time.monotonic()
    try:
        count = build(root, args.store)
    except LinkedDataError as err:
        print(f"linkeddata build: {err}", file=sys.stderr)
        return 2
    print(f"built {args.store}: {count} quads from {root} in {time.monotonic() - started:.1f} s")
    return 0


def _add_load(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    load = commands.add_parser(
        "load", help="load ontology/, shapes/ and data/ into a remote SPARQL store (idempotent)",
        description="Put every bundled file into the remote store through its SPARQL 1.1 update endpoint, each "
                    "in its own named graph (graph/ontology, graph/shapes, graph/data/<file>, "
                    "graph/contribution/<id>); each graph is dropped first, so running it again changes nothing.")
    load.add_argument("--update-endpoint", required=True, help="the store's SPARQL 1.1 update endpoint")
    _add_root(load)
    load.add_argument("--timeout", type=float, default=300.0, help="seconds for each update request")
    load.set_defaults(handler=_load)


def _load(args: argparse.Namespace) -> int:
    from .errors import LinkedDataError
    from .store.loading import read_sources
    from .store.remote import RemoteStore

    root: Path = args.root or from_env().root
    store = RemoteStore(args.update_endpoint, args.update_endpoint, timeout=args.timeout)
    try:
        graphs = read_sources(root)
        for graph, triples in graphs.items():
            store.put_graph(graph, triples)
            print(f"{graph}: {len(triples)} triples")
    except LinkedDataError as err:
        print(f"linkeddata load: {err}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


def _add_contributions(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    contrib = commands.add_parser("contributions", help="list, show or withdraw accepted contributions (operator)")
    contrib.add_argument("action", choices=["list", "show", "withdraw"])
    contrib.add_argument("id", nargs="?", help="the contribution (for show and withdraw)")
    _add_root(contrib)
    contrib.add_argument("--sparql-endpoint", help="the shared remote store (its contributions are kept there)")
    contrib.add_argument("--update-endpoint", help="the remote store's update endpoint (for withdraw)")
    contrib.set_defaults(handler=_contributions)


def _add_token(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = commands.add_parser(
        "token", help="make a write token: prints the token once, and the line for the tokens file",
        description="Print a new random bearer token (give it to the contributor) and the 'name:sha256' line to "
                    "append to the tokens file (LINKEDDATA_TOKENS_FILE) or the LINKEDDATA_TOKENS variable. "
                    "A line is 'name:sha256-hex[:role]'; a line without a role is a contributor's.")
    token.add_argument("name", help="who the token is for (recorded as the author of their contributions)")
    token.add_argument("--role", default="contributor", choices=["contributor", "curator"],
                       help="contributor (default): adds, and changes only its own; curator: may change any")
    token.set_defaults(handler=_token)


def _contributions(args: argparse.Namespace) -> int:
    from .curation import gate, shared
    from .curation.contributions import ContributionFolder, check_id
    from .errors import LinkedDataError, ResourceNotFoundError
    from .store.remote import RemoteStore

    settings = from_env().with_overrides(root=args.root, sparql_endpoint=args.sparql_endpoint,
                                         update_endpoint=args.update_endpoint)
    folder = ContributionFolder(settings.root / "data")
    store = RemoteStore(settings.sparql_endpoint, settings.update_endpoint, settings.query_timeout) \
        if settings.sparql_endpoint else None
    if args.action != "list" and not args.id:
        print(f"linkeddata contributions {args.action}: give the contribution id", file=sys.stderr)
        return 2
    try:
        if args.action == "list":
            for record in shared.records(store) if store else folder.records():
                print(f"{record.id}\t{record.status}\t{record.author}\t{record.created}\t{record.size} bytes")
        elif args.action == "show":
            sys.stdout.write((shared.read(store, check_id(args.id)) if store else folder.read(args.id)).decode("utf-8"))
        else:
            return _withdraw(settings, check_id(args.id), gate)
    except ResourceNotFoundError as err:
        print(f"linkeddata contributions: {err}", file=sys.stderr)
        return 2
    except LinkedDataError as err:
        print(f"linkeddata contributions: {err}", file=sys.stderr)
        return 1
    finally:
        if store:
            store.close()
    return 0


def _withdraw(settings: Settings, cid: str, gate: ModuleType) -> int:
    """The operator's withdraw goes through the gate: refused (exit 1) when published data depends on it."""
    from .store.dataset import Dataset

    try:
        gate.withdraw(Dataset.open(settings), cid)
    except gate.ConflictError as err:
        print(f"linkeddata contributions: {err}", file=sys.stderr)
        for resource, where in err.dependants.items():
            print(f"  {resource} (published in {', '.join(where) or 'the store'})", file=sys.stderr)
        return 1
    print(f"withdrawn: {cid} (running servers drop it on their next request)")
    return 0


def _token(args: argparse.Namespace) -> int:
    from .curation.auth import new_token

    try:
        token, line = new_token(args.name, args.role)
    except ValueError as err:
        print(f"linkeddata token: {err}", file=sys.stderr)
        return 2
    print(f"token (give it to {args.name}; it is not stored): {token}")
    print(f"tokens file line: {line}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    root: Path = args.root or from_env().root
    outcome = validate_paths(args.paths, root)
    if outcome.errors:
        # ``file:line:col: message`` on stderr whatever the format, as compilers do; JSON still gets its body.
        print("\n".join([*report.error_lines(outcome), report.summary(outcome)]), file=sys.stderr)
        if args.format != report.JSON:
            return outcome.exit_code()
    sys.stdout.write(report.render(outcome, args.format))
    return outcome.exit_code(strict=args.strict)


def serve_settings(args: argparse.Namespace, base: Settings | None = None) -> Settings:
    """Settings from the environment, with the options given on the command line applied over them."""
    return (base or from_env()).with_overrides(
        host=args.host, port=args.port, public_url=args.public_url, workers=args.workers,
        trust_proxy=args.trust_proxy, root=args.root, query_timeout=args.query_timeout, tokens_file=args.tokens_file,
        sparql_endpoint=args.sparql_endpoint, update_endpoint=args.update_endpoint, store=args.store,
        review_contributions=args.review_contributions)


def _serve(args: argparse.Namespace) -> int:
    from .web.server import serve

    serve(serve_settings(args))
    return 0


def _add_history(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "history", help="the versions of a resource, or of the whole dataset",
        description="Print one tab-separated line per version: number, time (UTC), activity, author, the "
                    "contribution changed, whether the resource was described after it, and the message.")
    command.add_argument("iri", nargs="?", help="the resource (full IRI, or a path such as meeting/x); "
                                                "without it, every version of the dataset")
    command.add_argument("--diff", action="store_true", help="also print what each version changed (RDF Patch rows)")
    _add_root(command)
    command.set_defaults(handler=_history)


def _history(args: argparse.Namespace) -> int:
    """Exit 0 with the versions; 1 when the resource has none (never published)."""
    from .history import History
    from .history.listing import lines, resource_iri

    found = lines(History.of(args.root or from_env().root), resource_iri(args.iri) if args.iri else None, args.diff)
    for line in found:
        print(line)
    if not found:
        print(f"linkeddata history: no version of {resource_iri(args.iri)}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse itself exits 2 on wrong usage)."""
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
