"""Reading RDF files into the store: each source folder's files become named graphs, and a malformed
file stops the load with ``file:line:col`` rather than serving a silently smaller dataset."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import formats
from ..curation.contributions import FOLDER_NAME as CONTRIBUTIONS
from ..errors import RdfSyntaxError
from ..namespaces import BASE, GRAPH
from .embedded import EmbeddedStore


@dataclass(frozen=True)
class Source:
    """A folder of RDF files and the named graph (or graph prefix) its content goes to."""

    folder: Path
    graph_prefix: str
    per_file: bool
    """True: one graph per file (``graph/data/meetings``); False: one graph for the folder."""

    def graph_for(self, path: Path) -> str:
        return f"{self.graph_prefix}/{path.stem}" if self.per_file else self.graph_prefix


def sources(root: Path) -> list[Source]:
    """The project's bundled sources: the ontology, the shapes and the data (each data file its own graph)."""
    return [
        Source(root / "ontology", GRAPH["ontology"].value, per_file=False),
        Source(root / "shapes", GRAPH["shapes"].value, per_file=False),
        Source(root / "data", GRAPH["data"].value, per_file=True),
        Source(root / "data" / CONTRIBUTIONS, GRAPH["contribution"].value, per_file=True),
    ]


def data_files(root: Path) -> list[Path]:
    """The instance data: ``data/`` and its accepted contributions (not the ontology, not the shapes)."""
    return rdf_files(root / "data") + rdf_files(root / "data" / CONTRIBUTIONS)


def rdf_files(folder: Path) -> list[Path]:
    """RDF files directly in ``folder`` (sorted, so loads are reproducible)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and formats.by_extension(p.suffix) is not None)


def parse_file(path: Path, base_iri: str = BASE) -> list[ox.Triple]:
    """Triples of one RDF file, or ``RdfSyntaxError`` naming the file, line and column."""
    fmt = formats.by_extension(path.suffix)
    if fmt is None or not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise RdfSyntaxError(f"not a known RDF file extension: {path.suffix!r}", source=str(path))
    return parse_bytes(path.read_bytes(), fmt, source=str(path), base_iri=base_iri)


def parse_bytes(data: bytes, fmt: formats.Format, *, source: str = "<input>", base_iri: str = BASE) -> list[ox.Triple]:
    """Triples of an RDF document held in memory (quads are flattened to their triples). Blank node labels
    are made unique, so ``_:b1`` of one document never merges with ``_:b1`` of another in the store."""
    assert isinstance(fmt.oxigraph, ox.RdfFormat), f"{fmt.name} is not an RDF syntax"
    try:
        return [q.triple for q in ox.parse(data, format=fmt.oxigraph, base_iri=base_iri, rename_blank_nodes=True)]
    except SyntaxError as err:
        raise _located(err, source) from None
    except ValueError as err:  # pyoxigraph reports some IRI and encoding errors as ValueError
        raise RdfSyntaxError(str(err), source=source) from None


def load_sources(store: EmbeddedStore, root: Path) -> None:
    """Load every bundled source file into ``store``, each into its named graph, streamed by the store
    itself (no Python object per triple). A malformed file raises ``RdfSyntaxError`` with its location."""
    for source in sources(root):
        for path in rdf_files(source.folder):
            fmt = formats.by_extension(path.suffix)
            assert fmt is not None and isinstance(fmt.oxigraph, ox.RdfFormat)
            try:
                store.load_file(path, fmt.oxigraph, source.graph_for(path), base_iri=BASE)
            except SyntaxError as err:
                raise _located(err, str(path)) from None
            except ValueError as err:
                raise RdfSyntaxError(str(err), source=str(path)) from None

def read_sources(root: Path) -> dict[str, list[ox.Triple]]:
    """Every bundled source file's triples, grouped by the named graph they belong in."""
    graphs: dict[str, list[ox.Triple]] = {}
    for source in sources(root):
        for path in rdf_files(source.folder):
            graphs.setdefault(source.graph_for(path), []).extend(parse_file(path))
    return graphs


def _located(err: SyntaxError, source: str) -> RdfSyntaxError:
    """pyoxigraph puts the (1-based) line and column in the SyntaxError; keep only the reason in the message."""
    message = str(err.args[0]) if err.args else str(err)
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    return RdfSyntaxError(message, source=source, line=err.lineno, column=err.offset)
