"""The SPARQL 1.1 query service without HTTP: safety checks on query text, the dataset a request names
(Protocol §2.1.4), running a query and serialising its results (Query Results JSON, XML, CSV/TSV), and the
Service Description."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from . import formats
from .describe import is_iri
from .errors import BadInputError, QueryRefusedError, UpstreamError
from .namespaces import RDF, SD
from .rewrite import IriRewriter
from .serialize import serialize
from .store import QueryResult, Store, Term

ResultKind = Literal["solutions", "boolean", "graph"]
"""What a query returns: SELECT gives solutions, ASK a boolean, CONSTRUCT and DESCRIBE a graph."""

QUERY_FORMS: dict[str, ResultKind] = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})



class QueryFailedError(UpstreamError):
    """A well-formed query failed while running (a SERVICE endpoint answered an error, the store failed)."""


def offers_for(kind: ResultKind) -> tuple[formats.Format, ...]:
    """The formats a result of this kind can be sent in, from the one format table."""
    return {"solutions": formats.SELECT_FORMATS, "boolean": formats.ASK_FORMATS}.get(kind, formats.RDF_FORMATS)


# --- Reading query text -------------------------------------------------------------------------------

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w.\-:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_GLUABLE_KEYWORDS = frozenset({"SERVICE", "SILENT"})
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class QueryShape:
    """What a lexical scan of a query tells, before any parser runs: enough to refuse it or pick a format."""

    form: str | None
    """SELECT, ASK, CONSTRUCT, DESCRIBE, an update keyword, or None if the text starts with something else."""
    dataset_clause: bool
    """The query names its own dataset with FROM / FROM NAMED."""
    services: tuple[str | None, ...]
    """Absolute IRIs of its SERVICE calls; None for a variable or a target we cannot resolve."""

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS

    @property
    def kind(self) -> ResultKind:
        """The result kind its form promises; SELECT when unknown (the parser will then report the error)."""
        return QUERY_FORMS.get(self.form or "", "solutions")


def _unescape_codepoint(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


def _tokens(query: str) -> list[tuple[str, str]]:
    """Significant tokens (kind, text); ``\\u`` escapes are decoded first, as SPARQL 1.1 §19.2 says."""
    text = _CODEPOINT_ESCAPE.sub(_unescape_codepoint, query)
    found = ((m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text))
    return [piece for kind, value in found if kind not in ("space", "comment") for piece in _split_keyword(kind, value)]


def _split_keyword(kind: str, value: str) -> list[tuple[str, str]]:
    """``SERVICE:x`` reads as one prefixed name here but as ``SERVICE :x`` to the engine: take the reading that
    makes the safety check stricter, so a keyword glued to a default-prefix name is still seen."""
    prefix, colon, local = value.partition(":")
    if kind == "pname" and colon and prefix.upper() in _GLUABLE_KEYWORDS:
        return [("word", prefix), ("pname", ":" + local)]
    return [(kind, value)]


def _is_word(token: tuple[str, str], *words: str) -> bool:
    return token[0] == "word" and token[1].upper() in words


def _prologue(tokens: list[tuple[str, str]]) -> tuple[dict[str, str], int]:
    """The PREFIX declarations and the index of the first token after the prologue."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        if _is_word(tokens[i], "BASE"):
            i += 2
        elif _is_word(tokens[i], "PREFIX") and i + 2 < len(tokens):
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
            i += 3
        else:
            break
    return prefixes, i


def _service_target(tokens: list[tuple[str, str]], i: int, prefixes: dict[str, str]) -> str | None:
    """The absolute IRI a ``SERVICE`` keyword at index ``i`` calls, or None if it is not a fixed absolute IRI."""
    j = i + 1 + (i + 1 < len(tokens) and _is_word(tokens[i + 1], "SILENT"))
    if j >= len(tokens):
        return None
    kind, text = tokens[j]
    iri: str | None = None
    if kind == "iri":
        iri = text[1:-1]
    elif kind == "pname":
        prefix, _, local = text.partition(":")
        iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local) if prefix in prefixes else None
    return iri if iri is not None and _ABSOLUTE_IRI.match(iri) else None


def analyse(query: str) -> QueryShape:
    """The form, dataset clause and SERVICE calls of a query, from its tokens (comments and strings skipped)."""
    tokens = _tokens(query)
    prefixes, start = _prologue(tokens)
    form = tokens[start][1].upper() if start < len(tokens) and tokens[start][0] == "word" else None
    services = tuple(_service_target(tokens, i, prefixes) for i, tok in enumerate(tokens) if _is_word(tok, "SERVICE"))
    return QueryShape(form, any(_is_word(tok, "FROM") for tok in tokens), services)


MAX_NESTING = 200
"""Deepest nesting of ``{…}`` and ``(…)`` accepted: the engine's recursion would exhaust a worker's stack
far below what a query page allows (3,000 nested sub-queries crash it), so deeper is a client's 400."""


def nesting_depth(query: str) -> int:
    """How deep ``{`` and ``(`` nest outside strings, IRIs and comments."""
    depth = deepest = 0
    for kind, text in _tokens(query):
        if kind == "other" and text in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and text in "})":
            depth = max(depth - 1, 0)
    return deepest


def check_query(query: str, service_allowlist: Sequence[str]) -> QueryShape:
    """The query's shape, or ``QueryRefusedError`` for an update or a SERVICE call off the allow-list,
    or ``BadInputError`` for a query nested deeper than ``MAX_NESTING``."""
    depth = nesting_depth(query)
    if depth > MAX_NESTING:
        raise BadInputError(f"The query nests groups or expressions {depth} levels deep; at most {MAX_NESTING} "
                            "are accepted.")
    shape = analyse(query)
    if shape.is_update:
        raise QueryRefusedError(f"This endpoint is read-only: SPARQL updates ({shape.form} ...) are not accepted.")
    for target in shape.services:
        if target is None or target not in service_allowlist:
            allowed = ", ".join(service_allowlist) or "none"
            raise QueryRefusedError(f"SERVICE {'<' + target + '>' if target else 'with a variable or relative IRI'} "
                                    f"is not allowed here (allowed endpoints: {allowed}).")
    return shape


# --- The dataset a query sees --------------------------------------------------------------------------

@dataclass(frozen=True)
class DatasetSpec:
    """Which graphs of the store a query sees (Protocol §2.1.4): protocol-named graphs override the query's
    FROM / FROM NAMED, which override the service default (the union of all graphs). Never loads anything."""

    default_graphs: tuple[str, ...] | None = None
    """Graphs merged into the default graph when the protocol named any graph; None otherwise."""
    named_graphs: tuple[str, ...] = ()
    from_query: bool = False
    """The query's own FROM / FROM NAMED select the graphs (they only pick graphs already in the store)."""


def dataset_for(default_uris: Sequence[str], named_uris: Sequence[str], shape: QueryShape) -> DatasetSpec:
    """The dataset of a request from its ``default-graph-uri`` / ``named-graph-uri`` values and the query."""
    for iri in (*default_uris, *named_uris):
        if not _ABSOLUTE_IRI.match(iri) or not is_iri(iri):
            raise BadInputError(f"Not an absolute IRI in default-graph-uri / named-graph-uri: {iri!r}")
    if default_uris or named_uris:
        return DatasetSpec(tuple(default_uris), tuple(named_uris))
    return DatasetSpec(from_query=shape.dataset_clause)


def evaluate(store: Store, query: str, dataset: DatasetSpec) -> QueryResult:
    """Run a read-only query on the store; a syntax error becomes ``BadInputError`` with its position."""
    try:
        if dataset.default_graphs is not None:
            return store.query(query, default_graphs=list(dataset.default_graphs),
                               named_graphs=list(dataset.named_graphs))
        if dataset.from_query:
            return store.query(query, union_default=False)
        return store.query(query)
    except SyntaxError as err:
        raise BadInputError(f"SPARQL syntax {err}") from None
    except OSError as err:
        raise QueryFailedError(f"The query failed: {err}") from None


# --- Running a query and serialising what it returns ---------------------------------------------------

@dataclass(frozen=True)
class QueryJob:
    """Everything a query worker needs, picklable: the query (canonical IRIs), its dataset and output."""

    query: str
    dataset: DatasetSpec
    kind: ResultKind
    """The result kind the query's form promises; the format was negotiated for it."""
    format_name: str
    public_base: str
    max_rows: int


@dataclass(frozen=True)
class QueryOutcome:
    """A fully serialised answer: the body is complete before any response header is sent."""

    kind: ResultKind
    content_type: str
    body: bytes
    truncated: bool
    """More solutions (or triples) than ``max_rows`` existed; the body holds the first ``max_rows``."""


def kind_of(result: QueryResult) -> ResultKind:
    if isinstance(result, ox.QuerySolutions):
        return "solutions"
    return "boolean" if isinstance(result, ox.QueryBoolean) else "graph"


def execute(store: Store, job: QueryJob) -> QueryOutcome:
    """Run a job and serialise its result, IRIs rewritten to the public base, at most ``max_rows`` rows."""
    result = evaluate(store, job.query, job.dataset)
    kind = kind_of(result)
    if kind != job.kind:
        raise BadInputError(f"Could not read the query form: it returned {kind}, not {job.kind}.")
    fmt = formats.by_name(job.format_name, offers_for(kind))
    rewriter = IriRewriter(job.public_base)
    try:
        body, truncated = _serialize(result, fmt, rewriter, job.max_rows)
    except OSError as err:
        raise QueryFailedError(f"The query failed: {err}") from None
    return QueryOutcome(kind, fmt.content_type, body, truncated)


def _serialize(result: QueryResult, fmt: formats.Format, rewriter: IriRewriter, max_rows: int) -> tuple[bytes, bool]:
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), fmt), False
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        table = [[_public(sol[i], rewriter) for i in range(len(variables))] for sol in rows[:max_rows]]
        return write_solutions(variables, table, fmt), len(rows) > max_rows
    triples = list(islice(result, max_rows + 1))
    return write_graph(triples[:max_rows], fmt, rewriter), len(triples) > max_rows


def _public(term: Term | None, rewriter: IriRewriter) -> Term | None:
    return None if term is None else rewriter.term(term)


def write_graph(triples: Sequence[ox.Triple], fmt: formats.Format, rewriter: IriRewriter) -> bytes:
    """A graph with canonical IRIs, written with public ones (quad syntaxes put it in the default graph)."""
    return serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], fmt, rewriter)


# --- SPARQL 1.1 Query Results: JSON, XML, CSV, TSV ------------------------------------------------------

Row = Sequence[Term | None]


def write_boolean(value: bool, fmt: formats.Format) -> bytes:
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return (_XML_HEAD + f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    raise BadInputError(f"{fmt.label} cannot carry a boolean result")


def write_solutions(variables: Sequence[str], rows: Iterable[Row], fmt: formats.Format) -> bytes:
    writers = {"json": _json_solutions, "xml": _xml_solutions, "csv": _csv_solutions, "tsv": _tsv_solutions}
    if fmt.name not in writers:
        raise BadInputError(f"{fmt.label} cannot carry SELECT results")
    return writers[fmt.name](variables, rows).encode()


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: _json_term(v) for k, v in parts.items()}}
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}}, ensure_ascii=False)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != _XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    out = [_XML_HEAD, "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>\n<results>"]
    for row in rows:
        cells = (f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                 for v, t in zip(variables, row, strict=True) if t is not None)
        out.append("<result>" + "".join(cells) + "</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)


def _csv_value(term: Term | None) -> str:
    """CSV keeps values only (SPARQL 1.1 CSV/TSV §2): IRIs bare, literals lexical, blank nodes ``_:label``."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term) if isinstance(term, ox.Triple) else term.value


def _csv_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buffer.getvalue()


def _tsv_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """TSV keeps terms in their SPARQL/N-Triples syntax; pyoxigraph already escapes tabs and newlines."""
    lines = ["\t".join("?" + v for v in variables)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return "\n".join(lines) + "\n"


# --- SPARQL 1.1 Service Description --------------------------------------------------------------------

def service_description(endpoint: str, graph_names: Iterable[str], service_allowlist: Sequence[str]) -> list[ox.Triple]:
    """The description served at the endpoint, which is its own subject (canonical IRIs: the caller's
    serialiser rewrites them to the public origin)."""
    service = ox.NamedNode(endpoint)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples = [_t(service, RDF.type, SD.Service), _t(service, SD.endpoint, service),
               _t(service, SD.supportedLanguage, SD.SPARQL11Query), _t(service, SD.feature, SD.UnionDefaultGraph),
               _t(service, SD.defaultDataset, dataset), _t(dataset, RDF.type, SD.Dataset),
               _t(dataset, SD.defaultGraph, default_graph), _t(default_graph, RDF.type, SD.Graph)]
    if service_allowlist:
        triples.append(_t(service, SD.feature, SD.BasicFederatedQuery))
    iris = {fmt.w3c_iri for fmt in (*formats.SELECT_FORMATS, *formats.ASK_FORMATS, *formats.RDF_FORMATS)}
    triples += [_t(service, SD.resultFormat, ox.NamedNode(iri)) for iri in sorted(i for i in iris if i)]
    for index, name in enumerate(graph_names):
        node = ox.BlankNode(f"graph{index}")
        triples += [_t(dataset, SD.namedGraph, node), _t(node, RDF.type, SD.NamedGraph),
                    _t(node, SD.name, ox.NamedNode(name))]
    return triples


def _t(subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: ox.NamedNode | ox.BlankNode | str) -> ox.Triple:
    node = ox.NamedNode(obj) if isinstance(obj, str) else obj
    return ox.Triple(subject, ox.NamedNode(predicate), node)


# --- Example queries for people ------------------------------------------------------------------------

@dataclass(frozen=True)
class ExampleQuery:
    """One ``queries/*.rq`` file: its first ``#`` comment line is the question it answers."""

    name: str
    question: str
    text: str


def example_queries(folder: Path) -> list[ExampleQuery]:
    """The example queries in ``folder``, sorted by file name; a missing folder gives none."""
    if not folder.is_dir():
        return []
    return [_example(path) for path in sorted(folder.glob("*.rq")) if path.is_file()]


def _example(path: Path) -> ExampleQuery:
    text = path.read_text(encoding="utf-8")
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    question = re.sub(r"^question:\s*", "", first.lstrip("#").strip(), flags=re.IGNORECASE) if first.startswith("#") else ""
    return ExampleQuery(path.stem, question or path.stem.replace("-", " ").replace("_", " "), text)
