"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (query operation only; read-only): reading the request,
negotiating the format, the service description and the HTML query page. Queries run in the worker pool."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import formats
from ..errors import (
    BadInputError,
    LinkedDataError,
    PayloadTooLargeError,
    QueryRefusedError,
    QueryTimeoutError,
    UnsupportedMediaTypeError,
    UriTooLongError,
)
from ..isolation.lanes import Lanes
from ..publishing.negotiation import negotiate
from ..publishing.rewrite import IriRewriter
from ..publishing.serialize import public_prefixes
from ..settings import Settings
from ..sparql.description import example_queries, service_description
from ..sparql.query import QueryShape, ResultKind, check_query, dataset_for
from ..sparql.service import QueryJob, QueryOutcome, execute, offers_for, write_graph
from ..store.base import Store
from ..terms import show_iri
from .body import read_body, utf8
from .context import app_context, rewriter
from .errors import documented, error_headers, status_for
from .pages import render
from .workers import client_key, lanes


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Stop the workers when the application shuts down (each pool starts on its first job)."""
    try:
        yield
    finally:
        found: Lanes | None = getattr(app.state, "lanes", None)
        if found is not None:
            found.close()
        executor: ThreadPoolExecutor | None = getattr(app.state, "remote_sparql_executor", None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


router = APIRouter(lifespan=_lifespan)

UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
FORMAT_PARAMS = ("format", "output", "results")
"""Names clients give the result format in the URL; SPARQLWrapper sends two of them, or one twice
(``format=tsv&format=text/tab-separated-values``)."""
_POOL_LOCK = threading.Lock()
REMOTE_QUERY_THREADS = 8
"""Queries sent to a remote store at once from one process; more wait their turn."""
_ALL_FORMATS = tuple(dict.fromkeys((*formats.SELECT_FORMATS, *formats.ASK_FORMATS, *formats.RDF_FORMATS)))
_RESPONSES = documented([f.media_type for f in (*_ALL_FORMATS, formats.HTML)], 400, 403, 406, 413, 414, 415, 502, 503)
_STRING = {"type": "string"}
_GRAPHS = {"type": "array", "items": _STRING}
_PROTOCOL_PARAMS = [
    {"name": "query", "in": "query", "schema": _STRING, "description": "The query; without it, the service description"},
    {"name": "default-graph-uri", "in": "query", "schema": _GRAPHS, "style": "form", "explode": True},
    {"name": "named-graph-uri", "in": "query", "schema": _GRAPHS, "style": "form", "explode": True},
    {"name": "format", "in": "query", "schema": {"type": "string", "enum": sorted({f.name for f in (*_ALL_FORMATS, formats.HTML)})}},
]
_GET_DOC = {"parameters": _PROTOCOL_PARAMS}
_POST_DOC = {"requestBody": {"required": True, "content": {
    "application/sparql-query": {"schema": _STRING},
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"], "properties": {
        "query": _STRING, "default-graph-uri": _GRAPHS, "named-graph-uri": _GRAPHS}}}}}}


@dataclass(frozen=True)
class ProtocolRequest:
    """The parameters of one query request, from the URL and (for POST) the body."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = ()
    """Every value of ``format``, ``output`` and ``results`` (clients send several names for one format)."""


# --- Routes ----------------------------------------------------------------------------------------------

@router.api_route("/sparql", methods=["GET"], response_class=Response, responses=_RESPONSES,
                  openapi_extra=_GET_DOC)
async def sparql_get(request: Request) -> Response:
    """Query via GET (Protocol §2.1.1); without a query, the service description or the query page."""
    params = _protocol_request(list(request.query_params.multi_items()), via_uri=True, request=request)
    return await _respond(request, params)


@router.post("/sparql", response_class=Response, responses=_RESPONSES, openapi_extra=_POST_DOC)
async def sparql_post(request: Request) -> Response:
    """Query via URL-encoded POST or direct POST (Protocol §2.1.2, §2.1.3)."""
    pairs = await _post_pairs(request)
    params = _protocol_request(pairs, via_uri=False, request=request)
    return await _respond(request, params)


# --- Reading the request -----------------------------------------------------------------------------------

def _protocol_request(pairs: list[tuple[str, str]], *, via_uri: bool, request: Request) -> ProtocolRequest:
    """Check the parameters (one query, no update, length limit) and gather them."""
    names = [name for name, _ in pairs]
    if any(name in UPDATE_PARAMS for name in names):
        raise QueryRefusedError("This endpoint is read-only: the SPARQL update operation is not offered.")
    if names.count("query") > 1:
        raise BadInputError(f"Give exactly one 'query' parameter, not {names.count('query')}.")
    values = dict(pairs)
    query = values.get("query")
    limit = app_context(request).settings.max_query_length
    if query is not None and len(query) > limit:
        message = f"The query is {len(query)} characters long; the limit is {limit}."
        if via_uri:
            raise UriTooLongError(message + " Send long queries by POST.")
        raise PayloadTooLargeError(message)
    return ProtocolRequest(query, [v for k, v in pairs if k == "default-graph-uri"],
                           [v for k, v in pairs if k == "named-graph-uri"],
                           tuple(dict.fromkeys(v for k, v in pairs if k in FORMAT_PARAMS and v)))


async def _post_pairs(request: Request) -> list[tuple[str, str]]:
    """URL parameters plus those the body carries, by its media type."""
    media, charset = _content_type(request.headers.get("content-type", ""))
    url_pairs = list(request.query_params.multi_items())
    if media == "application/sparql-update":
        raise QueryRefusedError("This endpoint is read-only: the SPARQL update operation is not offered.")
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        shown = media or "none"
        raise UnsupportedMediaTypeError(f"Unsupported Content-Type ({shown}): send application/sparql-query "
                                       "or application/x-www-form-urlencoded.")
    if charset not in ("", "utf-8", "utf8"):
        raise BadInputError(f"The request body must be UTF-8, not {charset}.")
    limit = app_context(request).settings.max_query_length
    text = utf8(await read_body(request, limit * 12 + 4096))
    if media == "application/sparql-query":
        return [*url_pairs, ("query", text)]
    try:
        return url_pairs + parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadInputError("The form's percent-encoded bytes are not UTF-8.") from None


def _content_type(header: str) -> tuple[str, str]:
    """The bare media type and the charset parameter, lower-cased ("" when absent)."""
    media, *params = (part.strip() for part in header.split(";"))
    charset = next((p.partition("=")[2].strip().strip('"') for p in params
                    if p.partition("=")[0].strip().lower() == "charset"), "")
    return media.lower(), charset.lower()


# --- Answering --------------------------------------------------------------------------------------------

async def _respond(request: Request, params: ProtocolRequest) -> Response:
    if params.query is None:
        return await _service_description(request, params)
    settings = app_context(request).settings
    public = rewriter(request)
    shape = check_query(public.text_to_canonical(params.query), settings.service_allowlist,
                        settings.max_query_nesting)
    fmt = _choose(request, params, offers_for(shape.kind))
    if fmt is formats.HTML:
        return await _html_with_results(request, params, shape)
    outcome = await _run(request, params, shape, fmt)
    return Response(outcome.body, media_type=outcome.content_type, headers=_result_headers(outcome, settings))


def _choose(request: Request, params: ProtocolRequest, offers: Sequence[formats.Format]) -> formats.Format:
    """``?format=`` when given (unknown: 400), else the Accept header; HTML is offered last, for browsers."""
    choices = (*offers, formats.HTML)
    if params.formats:
        return _one_format(params.formats, choices)
    return negotiate(request.headers.get("accept"), choices)


def _one_format(values: Sequence[str], choices: tuple[formats.Format, ...]) -> formats.Format:
    """The one format all the ``format``/``output``/``results`` values name; 400 naming two that differ."""
    named = {value: formats.from_parameter(value, choices) for value in values}
    first, fmt = next(iter(named.items()))
    for value, other in named.items():
        if other is not fmt:
            raise BadInputError(f"Conflicting result formats: {first!r} names {fmt.label}, {value!r} names {other.label}.")
    return fmt


async def _run(request: Request, params: ProtocolRequest, shape: QueryShape,
               fmt: formats.Format) -> QueryOutcome:
    assert params.query is not None
    settings = app_context(request).settings
    public = rewriter(request)
    graphs = dataset_for([public.to_canonical(g) for g in params.default_graphs],
                         [public.to_canonical(g) for g in params.named_graphs], shape)
    job = QueryJob(public.text_to_canonical(params.query), graphs, shape.kind, fmt.name,
                   public.public_base, settings.max_result_rows)
    dataset = app_context(request).dataset
    found = lanes(request)
    if found is None:
        return await _remote(request, dataset.store, job, settings.query_timeout)
    outcome: QueryOutcome = await found.run_async("query", job, client_key(request), settings.query_timeout)
    return outcome


async def _remote(request: Request, store: Store, job: QueryJob, timeout: float) -> QueryOutcome:
    """A remote store runs the query itself, on threads of its own (slow remote queries never take the threads
    the pages need) and within one total deadline (httpx's timeouts are per phase of a request)."""
    state = request.app.state
    with _POOL_LOCK:
        executor: ThreadPoolExecutor | None = getattr(state, "remote_sparql_executor", None)
        if executor is None:
            executor = ThreadPoolExecutor(max_workers=REMOTE_QUERY_THREADS, thread_name_prefix="remote-sparql")
            state.remote_sparql_executor = executor
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(executor, execute, store, job), timeout + 1)
    except TimeoutError:
        raise QueryTimeoutError(f"The remote store did not answer within {timeout} s.") from None


def _result_headers(outcome: QueryOutcome, settings: Settings) -> dict[str, str]:
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Limit"] = str(settings.max_result_rows)
    return headers


async def _service_description(request: Request, params: ProtocolRequest) -> Response:
    """SPARQL 1.1 Service Description in the negotiated RDF syntax; a browser gets the query page."""
    fmt = _choose(request, params, formats.RDF_FORMATS)
    if fmt is formats.HTML:
        return _page(request, params, {})
    ctx = app_context(request)
    public = rewriter(request)
    graphs = await run_in_threadpool(ctx.dataset.store.graph_names)  # a remote store answers over HTTP
    triples = service_description(public.public_base + "sparql", graphs, ctx.settings.service_allowlist)
    body = write_graph(triples, fmt, public)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


# --- The HTML query page ----------------------------------------------------------------------------------

async def _html_with_results(request: Request, params: ProtocolRequest, shape: QueryShape) -> Response:
    """Run the query for the page (SPARQL JSON or Turtle underneath) and show results or the error."""
    underlying = formats.TURTLE if shape.kind == "graph" else formats.SPARQL_JSON
    try:
        outcome = await _run(request, params, shape, underlying)
    except LinkedDataError as err:
        return _page(request, params, {"error": str(err)}, status=status_for(err), headers=error_headers(err))
    results = _page_results(outcome, IriRewriter(rewriter(request).public_base))
    settings = app_context(request).settings
    results["downloads"] = _downloads(params, shape.kind)
    results["truncated"] = outcome.truncated
    results["limit"] = settings.max_result_rows
    return _page(request, params, results, headers=_result_headers(outcome, settings))


def _page_results(outcome: QueryOutcome, public: IriRewriter) -> dict[str, object]:
    if outcome.kind == "graph":
        return {"graph": outcome.body.decode("utf-8")}
    data = json.loads(outcome.body)
    if outcome.kind == "boolean":
        return {"boolean": bool(data["boolean"])}
    prefixes = public_prefixes(public)
    variables: list[str] = data["head"]["vars"]
    rows = [[_cell(binding.get(v), prefixes) for v in variables] for binding in data["results"]["bindings"]]
    return {"variables": variables, "rows": rows}


@dataclass(frozen=True)
class Cell:
    """What a results-table cell shows: IRIs shortened with a prefix and linked (ours already point here)."""

    text: str
    href: str = ""
    title: str = ""
    suffix: str = ""
    """``@lang`` or ``^^datatype`` of a literal."""


def _cell(term: dict[str, object] | None, prefixes: dict[str, str]) -> Cell:
    if term is None:
        return Cell("")
    value, kind = str(term.get("value", "")), term.get("type")
    if kind == "uri":
        return Cell(show_iri(value, prefixes), value if value.startswith(("http:", "https:")) else "", value)
    if kind == "bnode":
        return Cell("_:" + value)
    if kind == "literal":
        datatype = term.get("datatype")
        suffix = f"@{term['xml:lang']}" if "xml:lang" in term else ""
        return Cell(value, suffix=suffix or (f"^^{show_iri(str(datatype), prefixes)}" if datatype else ""))
    return Cell(json.dumps(term.get("value"), ensure_ascii=False))


def _downloads(params: ProtocolRequest, kind: ResultKind) -> list[dict[str, str]]:
    """Links to the same results in every format the query form offers."""
    base = [("query", params.query or "")] + [("default-graph-uri", g) for g in params.default_graphs] + \
        [("named-graph-uri", g) for g in params.named_graphs]
    return [{"label": f.label, "name": f.name, "href": "?" + urlencode([*base, ("format", f.name)])}
            for f in offers_for(kind)]


def _page(request: Request, params: ProtocolRequest, results: dict[str, object], *, status: int = 200,
          headers: dict[str, str] | None = None) -> Response:
    settings = app_context(request).settings
    public = rewriter(request)
    prefixes = public_prefixes(public)
    examples = [{"question": e.question, "href": "?" + urlencode({"query": public_text(e.text, public)})}
                for e in example_queries(settings.root / "queries")]
    body = render("sparql.html", lang="en", base=public.public_base, alternates=[],
                  endpoint=public.public_base + "sparql", timeout=f"{settings.query_timeout:g}",
                  query=_starter(prefixes) if params.query is None else params.query, examples=examples,
                  prefixes=prefixes, all_formats=_ALL_FORMATS, **results)
    return HTMLResponse(body, status_code=status, headers={"Vary": "Accept", **(headers or {})})


def public_text(text: str, public: IriRewriter) -> str:
    """A query text with canonical IRIs shown as this server's, so copying it elsewhere still works here."""
    return text if public.identity else text.replace(public.canonical_base, public.public_base)


def _starter(prefixes: dict[str, str]) -> str:
    lines = [f"PREFIX {name}: <{namespace}>" for name, namespace in prefixes.items()]
    return "\n".join([*lines, "", "SELECT ?s ?p ?o WHERE {", "  ?s ?p ?o", "}", "LIMIT 10"]) + "\n"

