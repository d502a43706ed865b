"""SPARQL 1.1 Query Results in JSON, XML, CSV and TSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .. import formats
from ..errors import BadInputError
from ..store.base import Term

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
