"""Named graphs as documents: ``graph/data/meetings``, ``graph/contribution/<id>``… are IRIs we mint (they
appear in TriG, N-Quads and SPARQL results), so each dereferences to its content."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .. import formats
from ..errors import ResourceNotFoundError
from ..namespaces import GRAPH
from ..publishing.describe import is_iri
from ..publishing.serialize import in_default_graph, serialize
from .context import app_context, public_base, rewriter
from .i18n import page_language
from .pages import PageBuilder, render
from .representation import representation
from .resources import choose_format, split_extension

router = APIRouter()
LISTED_SUBJECTS = 2_000


@router.api_route("/graph/{path:path}", methods=["GET"], include_in_schema=False)
def graph_document(request: Request, path: str, format: str | None = None) -> Response:
    stem, ext = split_extension(path)
    graph = str(GRAPH) + stem
    dataset = app_context(request).dataset
    quads = list(dataset.store.quads(graph=graph)) if is_iri(graph) else []
    if not quads:
        raise ResourceNotFoundError(f"No graph is published at {public_base(request)}graph/{stem}")
    fmt, negotiated = choose_format(request, ext, format)
    lang = page_language(request) if fmt is formats.HTML else ""
    rw = rewriter(request)
    url = rw.to_public(graph)
    alternates = [(f"{url}.{f.extension}", f) for f in formats.DOCUMENT_FORMATS]
    if fmt is formats.HTML:
        pages = PageBuilder(dataset.store, rw, lang)
        subjects = sorted({q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)})[:LISTED_SUBJECTS]
        listed = sorted(((pages.label(s), rw.to_public(s)) for s in subjects), key=lambda item: item[0].lower())
        body = render("graph.html", graph=url, triples=len(quads), subjects=listed, lang=lang,
                      alternates=alternates, base=public_base(request))
    else:
        body = serialize(in_default_graph(quads), fmt, rw)
    return representation(request, body, fmt, negotiated=negotiated, last_modified=dataset.store.last_modified,
                          alternates=alternates, content_location=f"{url}.{fmt.extension}", language=lang,
                          language_negotiated=negotiated or bool(lang))
