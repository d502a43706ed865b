"""Contributors' routes: ``/validate`` (check Turtle, JSON-LD, RDF/XML or N-Triples against the shapes
and the current data) and ``/contributions`` (validation-gated writes with bearer tokens)."""

from __future__ import annotations

import json
from dataclasses import replace

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message

from .. import formats
from ..curation import gate
from ..curation.auth import AuthError, Writer
from ..curation.contributions import Contribution, check_id, contribution_iri, etag_of
from ..curation.idempotency import IdempotencyKey
from ..errors import (
    BadInputError,
    PayloadTooLargeError,
    RdfSyntaxError,
    ResourceNotFoundError,
    UnsupportedMediaTypeError,
)
from ..publishing.rewrite import IriRewriter
from ..terms import Resource
from ..validation import report
from ..validation.outcome import ValidationOutcome
from .body import read_body
from .context import app_context, public_base, rewriter
from .errors import documented
from .middleware import ACCESS_LOG
from .pages import render
from .representation import GZIP_ETAG_SUFFIX
from .workers import client_key, lanes

router = APIRouter()
"""Refused writes: method, path (never the query string), client and reason; never a token."""

REPORT_OFFERS: tuple[formats.Format, ...] = (formats.JSON_SUMMARY, formats.TURTLE, formats.JSON_LD, formats.HTML)
"""What a validation answers in: the JSON summary first (``*/*``), the SHACL report, or a page."""
VALIDATE_SYNTAXES: tuple[formats.Format, ...] = (formats.TURTLE, formats.N_TRIPLES, formats.JSON_LD, formats.RDF_XML)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_TEXT = {"schema": {"type": "string"}}
VALIDATE_BODY = {"requestBody": {"required": True, "content": {
    **{f.media_type: _TEXT for f in VALIDATE_SYNTAXES},
    "multipart/form-data": {"schema": {"type": "object", "properties": {"text": {"type": "string"}}}}}}}
TURTLE_BODY = {"requestBody": {"required": True, "content": {formats.TURTLE.media_type: _TEXT}}}
REPORT_TYPES = [f.media_type for f in REPORT_OFFERS]
JSON_TYPE = [formats.JSON_SUMMARY.media_type]


def _write_responses(ok_status: int) -> dict[int | str, dict[str, object]]:
    responses = documented(JSON_TYPE, 400, 401, 403, 404, 412, 413, 415, 503, 507, ok_status=ok_status)
    return {**responses, 422: {"description": "Does not conform", "content": {formats.JSON_SUMMARY.media_type: {}}},
            409: {"description": "Would break data that depends on it", "content": {formats.JSON_SUMMARY.media_type: {}}},
            202: {"description": "Pending a curator's review (review mode)", "content": {JSON_TYPE[0]: {}}}}


def syntax_of(request: Request, offers: tuple[formats.Format, ...]) -> formats.Format:
    content_type = request.headers.get("content-type")
    fmt = formats.by_media_type(content_type or "", offers)
    if fmt is None:
        names = ", ".join(f.media_type for f in offers)
        raise UnsupportedMediaTypeError(f"Unsupported Content-Type {content_type!r}; send one of: {names}.")
    return fmt


async def _form_document(request: Request, limit: int) -> tuple[bytes, formats.Format]:
    """The text of the HTML form: an uploaded file (syntax from its name) or the pasted Turtle. The raw body
    is capped while it streams (percent-encoding may triple it); the form parser alone would spool it whole."""
    raw = await read_body(request, 3 * limit + 65_536)

    async def replay() -> Message:
        return {"type": "http.request", "body": raw, "more_body": False}

    async with Request(request.scope, replay).form(max_files=1, max_fields=4, max_part_size=limit) as form:
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(limit + 1)
            fmt = formats.by_extension(upload.filename.rpartition(".")[2], VALIDATE_SYNTAXES) or formats.TURTLE
        else:
            text = form.get("text")
            data, fmt = (text if isinstance(text, str) else "").encode("utf-8"), formats.TURTLE
    if len(data) > limit:
        raise PayloadTooLargeError(f"The body is over the limit of {limit} bytes.")
    return data, fmt


def _negotiated_outcome(request: Request, outcome: ValidationOutcome, submitted: bytes, status: int | None = None) -> Response:
    from ..publishing.negotiation import negotiate

    fmt = negotiate(request.headers.get("accept"), REPORT_OFFERS)
    code = status or (400 if outcome.errors else 200)
    headers = {"Vary": "Accept"}
    rw = rewriter(request)
    if fmt is formats.JSON_SUMMARY:
        return JSONResponse(json.loads(rw.text_to_public(report.as_json(outcome))), status_code=code, headers=headers)
    if fmt is formats.HTML:
        # What we found speaks this server's IRIs; what the user sent is shown exactly as sent.
        public = _public_outcome(outcome, rw)
        page = render("validate.html", outcome=public, view=_annotated_lines(submitted, public), lang="en",
                      base=public_base(request), alternates=[], limit=app_context(request).settings.max_body_bytes)
        return Response(page, status_code=code, media_type=fmt.content_type, headers=headers)
    text = report.as_rdf(outcome, fmt, rewriter(request))
    return Response(text, status_code=code, media_type=fmt.content_type, headers=headers)


def _public_outcome(outcome: ValidationOutcome, rw: IriRewriter) -> ValidationOutcome:
    """The outcome with canonical IRIs (in terms and in messages) as this server's public ones."""
    def text(value: str | None) -> str | None:
        return None if value is None else rw.text_to_public(value)

    def node(term: Resource | ox.Literal) -> Resource | ox.Literal:
        return ox.NamedNode(rw.to_public(term.value)) if isinstance(term, ox.NamedNode) else term

    results = tuple(replace(r, focus_node=node(r.focus_node), message=rw.text_to_public(r.message),
                            value=None if r.value is None else rw.term(r.value), focus_label=text(r.focus_label),
                            path_text=text(r.path_text)) for r in outcome.results)
    errors = tuple(RdfSyntaxError(rw.text_to_public(e.message), source=e.source, line=e.line, column=e.column)
                   for e in outcome.errors)
    return replace(outcome, results=results, errors=errors)


def _annotated_lines(submitted: bytes, outcome: ValidationOutcome) -> list[tuple[int, str, list[str]]]:
    """(number, line, messages) for each submitted line, so the page can mark the offending ones."""
    messages: dict[int, list[str]] = {}
    for err in outcome.errors:
        if err.line:
            messages.setdefault(err.line, []).append(f"col {err.column}: {err.message}")
    for result in outcome.results:
        if result.line and result.file == "contribution":
            messages.setdefault(result.line, []).append(f"{result.severity}: {result.message}")
    lines = submitted.decode("utf-8", "replace").splitlines()
    return [(n, line, messages.get(n, [])) for n, line in enumerate(lines, start=1)]


@router.get("/validate", response_class=Response, responses=documented([formats.HTML.media_type]))
def validate_page(request: Request) -> Response:
    body = render("validate.html", outcome=None, view=[], lang="en", base=public_base(request), alternates=[],
                  limit=app_context(request).settings.max_body_bytes)
    return Response(body, media_type=formats.HTML.content_type)


@router.post("/validate", summary="Validate an RDF document against the shapes, in the context of the data",
             response_class=Response, openapi_extra=VALIDATE_BODY,
             responses={**documented(REPORT_TYPES, 406, 413, 415),
                        400: {"description": "Unreadable", "content": {m: {} for m in [*REPORT_TYPES, "text/plain"]}}})
async def validate(request: Request) -> Response:
    """200 with the outcome whether or not it conforms; 400 syntax error (line and column); 413; 415."""
    limit = app_context(request).settings.max_body_bytes
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type in FORM_TYPES:
        body, fmt = await _form_document(request, limit)
    else:
        fmt = syntax_of(request, VALIDATE_SYNTAXES)
        body = await read_body(request, limit)
    ctx = app_context(request)
    # The contributor may have written this server's own IRIs: they mean the canonical ones.
    canonical = rewriter(request).bytes_to_canonical(body)
    outcome = await run_in_threadpool(gate.check, ctx.dataset, canonical, fmt, ctx.settings, None, _runner(request))
    return _negotiated_outcome(request, outcome, body)


def _runner(request: Request) -> gate.Runner | None:
    """Validation in the worker lane, for this client, within the validation time limit (None: a remote
    store, whose validations run on this thread)."""
    found, client = lanes(request), client_key(request)
    timeout = app_context(request).settings.validation_timeout
    if found is None:
        return None
    return lambda job: found.run("validation", job, client, timeout)


@router.get("/contributions", summary="List contributions with author, time, size and status", response_class=Response,
            responses=documented(JSON_TYPE))
def list_contributions(request: Request) -> Response:
    """Published contributions for everyone; with a token, also its own pending ones (a curator's: all)."""
    records = gate.records(app_context(request).dataset, _reader(request))
    return JSONResponse({"contributions": [_public_record(request, r) for r in records]})


@router.post("/contributions", status_code=201, summary="Add a contribution (Turtle); needs a bearer token",
             response_class=Response, openapi_extra=TURTLE_BODY, responses=_write_responses(201))
async def add_contribution(request: Request) -> Response:
    return await _write(request, None)


@router.get("/contributions/{cid}", summary="Read one contribution as Turtle", response_class=Response,
            responses=documented([formats.TURTLE.media_type], 404))
def read_contribution(request: Request, cid: str) -> Response:
    data = gate.read(app_context(request).dataset, check_id(cid), _reader(request))
    return Response(data, media_type=formats.TURTLE.content_type, headers={"ETag": etag_of(data)})


@router.post("/contributions/{cid}/review", summary="A curator accepts or rejects a pending contribution (review mode)",
             response_class=Response, responses=documented(JSON_TYPE, 400, 401, 403, 404, 409, 422, 503),
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["decision"], "properties": {
                     "decision": {"type": "string", "enum": ["accept", "reject"]}, "reason": {"type": "string"}}}}}}})
async def review_contribution(request: Request, cid: str) -> Response:
    """``{"decision": "accept"}`` publishes it (validated again against the data as it is now);
    ``{"decision": "reject", "reason": "…"}`` keeps it unpublished, with the reason."""
    ctx = app_context(request)
    curator = _author(request)
    try:
        decision = json.loads(await read_body(request, 65_536))
    except ValueError:
        decision = None
    if not isinstance(decision, dict) or decision.get("decision") not in ("accept", "reject") \
            or not isinstance(decision.get("reason", ""), str):
        raise BadInputError('Send {"decision": "accept"} or {"decision": "reject", "reason": "…"} as JSON.')
    answer = await run_in_threadpool(gate.review, ctx.dataset, check_id(cid), curator, decision["decision"] == "accept",
                                     decision.get("reason", ""), ctx.settings, _runner(request))
    assert answer.record is not None
    return _record_response(request, answer.record, answer.status, {})


@router.get("/contributions/{cid}/versions/{number}", summary="Read a replaced version of a contribution as Turtle",
            response_class=Response, responses=documented([formats.TURTLE.media_type], 404))
def read_contribution_version(request: Request, cid: str, number: str) -> Response:
    if not number.isascii() or not number.isdigit():
        raise ResourceNotFoundError(f"No version {number!r} of contribution {cid!r}: versions are numbered 1, 2, …")
    data = gate.read_version(app_context(request).dataset, check_id(cid), int(number))
    return Response(data, media_type=formats.TURTLE.content_type, headers={"ETag": etag_of(data)})


@router.put("/contributions/{cid}", summary="Replace a contribution (Turtle); needs a bearer token",
            response_class=Response, openapi_extra=TURTLE_BODY, responses=_write_responses(200))
async def replace_contribution(request: Request, cid: str) -> Response:
    ctx = app_context(request)
    if gate.current(ctx.dataset, check_id(cid)) is None:  # 404 before reading the body; withdrawn stays so
        raise ResourceNotFoundError(f"No accepted contribution {cid!r} (a withdrawn one cannot be replaced)")
    return await _write(request, cid)


@router.delete("/contributions/{cid}", status_code=204, summary="Withdraw a contribution; needs a bearer token",
               response_class=Response,
               responses={204: {"description": "Withdrawn"}, **documented([], 401, 403, 404, 409, 412, 503)})
async def withdraw_contribution(request: Request, cid: str) -> Response:
    ctx = app_context(request)
    writer = _author(request)
    conditions = _conditions(request, b"")
    answer = await run_in_threadpool(gate.withdraw, ctx.dataset, check_id(cid), writer, conditions)
    return Response(status_code=answer.status, headers=_replay_header(answer))


async def _write(request: Request, cid: str | None) -> Response:
    ctx = app_context(request)
    writer = _author(request)
    fmt = syntax_of(request, gate.ACCEPTED_SYNTAXES)
    rw = rewriter(request)
    body = rw.bytes_to_canonical(await read_body(request, ctx.settings.max_body_bytes))
    conditions = _conditions(request, body)
    answer = await run_in_threadpool(gate.accept, ctx.dataset, body, fmt, writer, ctx.settings, cid, conditions,
                                    _runner(request))
    assert answer.record is not None
    return _record_response(request, answer.record, answer.status, _replay_header(answer))


def _public_record(request: Request, record: Contribution) -> dict[str, object]:
    """A contribution's record as JSON, its IRIs at the serving origin (as everything else it answers)."""
    rw = rewriter(request)
    payload = record.as_json()
    payload["iri"] = rw.to_public(contribution_iri(record.id))
    if isinstance(payload.get("revisionOf"), str):
        payload["revisionOf"] = rw.to_public(str(payload["revisionOf"]))
    return payload


def _record_response(request: Request, record: Contribution, status: int, headers: dict[str, str]) -> Response:
    payload = _public_record(request, record)
    location = f"{public_base(request)}contributions/{record.id}"
    return JSONResponse(payload, status_code=status, headers={"Location": location, **headers})


def _conditions(request: Request, body: bytes) -> gate.Conditions:
    """``If-Match`` and ``Idempotency-Key`` (its fingerprint covers method, path and the body as received)."""
    key = request.headers.get("idempotency-key")
    fingerprinted = IdempotencyKey.of(key, request.method, request.url.path, body) if key is not None else None
    if_match = request.headers.get("if-match")
    if if_match is not None:  # the tag of the gzipped representation names the same version
        if_match = if_match.replace(GZIP_ETAG_SUFFIX + '"', '"')
    return gate.Conditions(if_match=if_match, key=fingerprinted)


def _replay_header(answer: gate.Answer) -> dict[str, str]:
    """A replayed answer says so (the draft leaves the header name open; this one is common)."""
    return {"Idempotent-Replayed": "true"} if answer.replayed else {}



def _reader(request: Request) -> Writer | None:
    """Who is reading, if the request carries a token (reads need none: a missing one is no error)."""
    if request.headers.get("authorization") is None:
        return None
    return _author(request)


def _author(request: Request) -> Writer:
    """Who the request's write token belongs to; a refusal is logged first (the reason, never the token)."""
    try:
        return app_context(request).tokens.authenticate(request.headers.get("authorization"))
    except AuthError as err:
        client = request.client.host if request.client else "-"
        ACCESS_LOG.warning("refused write: %s %r from %s: %s", request.method, request.url.path, client, err)
        raise
