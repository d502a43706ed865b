"""A remote SPARQL 1.1 store (Oxigraph, Fuseki, QLever, Virtuoso, GraphDB…) behind the same ``Store``
interface as the embedded one: reads through the SPARQL 1.1 Protocol query operation, writes through
its update operation. Graphs the server derives itself (the VoID statistics) stay in a local overlay."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence

import httpx
import pyoxigraph as ox

from ..errors import BadInputError, QueryTimeoutError, StoreUnavailableError, UpstreamError
from .base import QueryResult, Subject, Term, WriteClock, graph_term, insert_updates, replace_graph_update

RESULTS_JSON = "application/sparql-results+json"
UNION_PARAMETER: tuple[str, str] = ("union-default-graph", "")
"""Oxigraph's per-query switch to make the default graph the union of all graphs; a store that has its
default graph configured as the union anyway (Fuseki's unionDefaultGraph, GraphDB) ignores it."""
GRAPH_NT = "application/n-triples"
_PROLOGUE_THEN_FORM = re.compile(r"""(?:\s+|\#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*(?:CONSTRUCT|DESCRIBE)\b""",
                                 re.IGNORECASE)
"""A query that returns a graph: its prologue (comments, BASE, PREFIX), then CONSTRUCT or DESCRIBE."""


def _sparql(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term as SPARQL text (pyoxigraph's ``str`` of a term is its N-Triples form, valid SPARQL)."""
    return str(term)


_NONSTANDARD_JSON = (b"__ASK_RETVAL", b"typed-literal", b"nodeID://")
"""Marks of Virtuoso's SPARQL JSON: an ASK as a one-row SELECT of ``__ASK_RETVAL``, SPARQL 1.0's
``typed-literal``, and blank nodes labelled ``nodeID://b123`` (not a valid label)."""
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def _standard_json(content: bytes) -> bytes:
    """SPARQL 1.1 JSON results as the standard writes them, from what a store sent (unchanged when standard)."""
    if not any(mark in content for mark in _NONSTANDARD_JSON):
        return content
    data = json.loads(content)
    bindings = data.get("results", {}).get("bindings", [])
    if data.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        value = bindings[0]["__ASK_RETVAL"]["value"] if bindings else "0"
        return json.dumps({"head": {}, "boolean": value not in ("0", "false")}).encode()
    for binding in bindings:
        for term in binding.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            elif term.get("type") == "bnode":
                term["value"] = _LABEL_UNSAFE.sub("_", term["value"])
    return json.dumps(data).encode()


VIRTUOSO_GRAPHS = frozenset({"http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                             "http://localuriqaserver/sparql"})
"""Graphs a fresh Virtuoso database holds for itself; its default graph is the union of every graph, these too."""
GRAPH_LIST_SECONDS = 10.0


class RemoteStore(WriteClock):
    """Reads and writes a SPARQL service. Queries without a dataset ask for the union of all graphs with
    Oxigraph's ``union-default-graph`` parameter, so a query's own FROM still selects graphs; another store
    must have its default graph configured as the union, or hold all the data (a bulk load). On Virtuoso (told
    by its Server header), whose default graph is every graph including its own, they name the data's graphs."""

    def __init__(self, query_endpoint: str, update_endpoint: str | None = None, timeout: float = 10.0,
                 local_graphs: Iterable[str] = ()) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint
        self.timeout = timeout
        super().__init__()
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
        self._local = ox.Store()
        self._local_graphs = set(local_graphs)
        self._virtuoso: bool | None = None
        self._data_graphs: tuple[float, int, list[str]] | None = None

    # --- the Store interface ---------------------------------------------------------------------------

    @property
    def remote(self) -> bool:
        return True

    def quads(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
              obj: Term | None = None, graph: str | None = None, limit: int | None = None) -> Iterator[ox.Quad]:
        local = [] if graph and graph not in self._local_graphs else list(
            self._local.quads_for_pattern(subject, predicate, obj, ox.NamedNode(graph) if graph else None))
        if graph in self._local_graphs:
            return iter(local)
        if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode):
            # A blank node in a query is a variable, not the stored node: use blank_closure() to reach them.
            return iter(local)
        s, p, o = (_sparql(t) if t is not None else v for t, v in ((subject, "?s"), (predicate, "?p"), (obj, "?o")))
        pattern = f"{s} {p} {o}"
        if graph:
            query = f"SELECT * WHERE {{ GRAPH {graph_term(graph)} {{ {pattern} }} }}"
        else:  # named-graph quads (not the engine's own), then the triples only the default graph holds (a bulk load)
            own = ", ".join(f"<{g}>" for g in sorted(VIRTUOSO_GRAPHS)) if self._is_virtuoso() else ""
            graphs = f"GRAPH ?g {{ {pattern} }} FILTER (?g NOT IN ({own}))" if own else f"GRAPH ?g {{ {pattern} }}"
            query = (f"SELECT * WHERE {{ {{ {graphs} }} UNION "
                     f"{{ {pattern} FILTER NOT EXISTS {{ GRAPH ?h {{ {pattern} }} }} }} }}")
        if limit is not None:  # a page of a popular resource's incoming links, not all of them
            query += f" LIMIT {int(limit)}"
        result = self.query(query, union_default=False)
        assert isinstance(result, ox.QuerySolutions)
        remote = [self._quad(row, subject, predicate, obj, graph) for row in result]
        return itertools.islice(iter(remote + local), limit)

    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, union_default: bool = True,
              base_iri: str | None = None) -> QueryResult:
        params: list[tuple[str, str | int | float | bool | None]] = [("default-graph-uri", g) for g in default_graphs or []]
        params += [("named-graph-uri", g) for g in named_graphs or []]
        if union_default and not default_graphs and not named_graphs:
            if self._is_virtuoso():
                graphs = self._graphs_of_the_data()
                params += [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
            else:
                params.append(UNION_PARAMETER)
        if base_iri:  # the protocol has no base parameter: a BASE ahead of the query's own prologue does it
            sparql = f"BASE <{base_iri}>\n{sparql}"
        # Ask for a graph or for results by the query's form: Virtuoso sends whichever the Accept header
        # names first (a CONSTRUCT as s/p/o JSON rows, a SELECT as RDF), whatever the form.
        accept = GRAPH_NT if _PROLOGUE_THEN_FORM.match(sparql) else RESULTS_JSON
        response = self._post(self.query_endpoint, {"query": sparql}, params, accept=accept)
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        if content_type == GRAPH_NT:
            triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
            return triples
        return ox.parse_query_results(_standard_json(response.content), format=ox.QueryResultsFormat.JSON)

    def blank_closure(self, subject: ox.NamedNode, limit: int, depth: int = 4) -> list[ox.Quad]:
        """Blank nodes cannot be named in a query, so each level is reached by a path from ``subject``
        (the store must keep blank node labels stable across queries, as Oxigraph does, to join the levels)."""
        found: list[ox.Quad] = []
        for level in range(1, depth + 1):
            hops = " . ".join(f"?b{i} ?x{i} ?b{i + 1}" for i in range(level))
            blanks = " && ".join(f"isBlank(?b{i})" for i in range(1, level + 1))
            query = (f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ {hops.replace('?b0', _sparql(subject), 1)} "
                     f"FILTER({blanks}) BIND(?b{level} AS ?s) GRAPH ?g {{ ?s ?p ?o }} }}")
            result = self.query(query)
            assert isinstance(result, ox.QuerySolutions)
            quads = [self._quad(row, None, None, None, None) for row in result]
            found += quads
            if len(found) >= limit:
                return found[:limit]
            if not any(isinstance(q.object, ox.BlankNode) for q in quads):
                break
        return found

    def quads_for(self, subjects: Sequence[ox.NamedNode], predicates: Sequence[ox.NamedNode]) -> list[ox.Quad]:
        """One request for all of them (a page's labels would otherwise cost a round trip each)."""
        if not subjects or not predicates:
            return []
        values = (f"VALUES ?s {{ {' '.join(map(_sparql, subjects))} }} "
                  f"VALUES ?p {{ {' '.join(map(_sparql, predicates))} }}")
        query = (f"SELECT * WHERE {{ {values} {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION "
                 f"{{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} }} }} }}")
        result = self.query(query, union_default=False)
        assert isinstance(result, ox.QuerySolutions)
        return [self._quad(row, None, None, None, None) for row in result]

    def graph_names(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", union_default=False)
        assert isinstance(result, ox.QuerySolutions)
        names = [row["g"] for row in result]
        if any(name is None for name in names):  # Virtuoso matches GRAPH ?g {} once, unbound: ask for content
            result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union_default=False)
            assert isinstance(result, ox.QuerySolutions)
            names = [row["g"] for row in result]
        found = {name.value for name in names if name is not None}
        return sorted((found - VIRTUOSO_GRAPHS if self._is_virtuoso() else found) | self._local_graphs)

    def _is_virtuoso(self) -> bool:
        if self._virtuoso is None:
            response = self._post(self.query_endpoint, {"query": "ASK {}"}, [], accept=RESULTS_JSON)
            self._virtuoso = response.headers.get("server", "").startswith("Virtuoso")
        return self._virtuoso

    def _graphs_of_the_data(self) -> list[str]:
        """The remote graphs but the engine's own, listed again after our writes or every few seconds (others
        may write too)."""
        now = time.monotonic()
        cached = self._data_graphs
        if cached is None or cached[1] != self.generation or now - cached[0] > GRAPH_LIST_SECONDS:
            graphs = [g for g in self.graph_names() if g not in self._local_graphs]
            self._data_graphs = cached = (now, self.generation, graphs)
        return cached[2]

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        node = ox.NamedNode(graph)
        items = list(triples)
        with self._write_lock:
            if graph in self._local_graphs:
                if self._local.contains_named_graph(node):
                    self._local.remove_graph(node)
                self._local.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in items)
            else:
                self.update(replace_graph_update(graph, items))
            self._touch()

    def put_graph(self, graph: str, triples: list[ox.Triple], chunk: int = 10_000) -> None:
        """Bulk replace: one DROP, then INSERT DATA in chunks (not atomic, for the operator's loads)."""
        with self._write_lock:
            self.update(f"DROP SILENT GRAPH {graph_term(graph)}")
            for update in insert_updates(graph, triples, chunk):
                self.update(update)
            self._touch()

    def drop_graph(self, graph: str) -> None:
        with self._write_lock:
            if graph in self._local_graphs:
                node = ox.NamedNode(graph)
                if self._local.contains_named_graph(node):
                    self._local.remove_graph(node)
            else:
                self.update(f"DROP SILENT GRAPH {graph_term(graph)}")
            self._touch()

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION "
                            "{ ?s ?p ?o FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } } } }", union_default=False)
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value) + len(self._local)

    # --- writing and talking -------------------------------------------------------------------------------

    def write(self, sparql: str) -> None:
        """Run an update that changes what readers see (caches and ETags learn of it)."""
        with self._write_lock:
            self.update(sparql)
            self._touch()

    def update(self, sparql: str) -> None:
        if not self.update_endpoint:
            raise UpstreamError("This server has no --update-endpoint: writes to the remote store are disabled.")
        self._post(self.update_endpoint, {"update": sparql}, [], accept="*/*")

    def close(self) -> None:
        self._client.close()

    def _post(self, url: str, form: dict[str, str], params: list[tuple[str, str | int | float | bool | None]],
              accept: str) -> httpx.Response:
        try:
            response = self._client.post(url, data=form, params=params, headers={"Accept": accept})
        except httpx.TimeoutException:
            raise QueryTimeoutError(f"The remote store did not answer within {self.timeout} s.") from None
        except httpx.TransportError as err:
            raise StoreUnavailableError(f"The remote store is unavailable ({type(err).__name__}); retry later.") from None
        if response.status_code == 400:
            raise BadInputError(f"The remote store refused the query: {response.text.strip()[:500]}")
        if response.status_code >= 500 or response.status_code in (502, 503, 504):
            raise StoreUnavailableError(f"The remote store answered {response.status_code}; retry later.")
        if response.status_code >= 300:
            raise UpstreamError(f"The remote store answered {response.status_code}: {response.text.strip()[:500]}")
        return response

    @staticmethod
    def _quad(row: ox.QuerySolution, s: Subject | None, p: ox.NamedNode | None, o: Term | None,
              graph: str | None) -> ox.Quad:
        subject = s if s is not None else row["s"]
        predicate = p if p is not None else row["p"]
        obj = o if o is not None else row["o"]
        g = ox.NamedNode(graph) if graph else row["g"]
        return ox.Quad(subject, predicate, obj, g if g is not None else ox.DefaultGraph())
