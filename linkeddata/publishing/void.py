"""The dataset's self-description (VoID + DCAT): fixed metadata plus statistics computed from the store."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from .. import formats
from ..namespaces import (
    BASE,
    DATASET_IRI,
    DCAT,
    DCTERMS,
    FOAF,
    GRAPH,
    ID,
    ONTOLOGY_IRI,
    RDF,
    RDFS,
    SHAPES_IRI,
    SPARQL_IRI,
    VOID,
    XSD,
)
from ..store.base import Store

VOID_GRAPH = GRAPH["void"].value
TITLE = "Vietnam–China border-locality cooperation"
DESCRIPTION = ("Meetings, cooperation mechanisms, people and posts, agreements and their signatories, reported "
               "figures and cooperation fields of the border localities of Vietnam and China, each fact traceable "
               "to the news article it comes from.")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER_NAME = "Vietnam–China border cooperation linked-data project"
DUMP_FORMATS: tuple[formats.Format, ...] = (formats.TURTLE, formats.N_TRIPLES, formats.N_QUADS, formats.TRIG)
DUMP_NAME = "vn-cn-border"

_N = ox.NamedNode


def dump_path(fmt: formats.Format, gzipped: bool = False) -> str:
    """Path (relative to the base) of a dump: ``dumps/vn-cn-border.ttl`` or ``…ttl.gz``."""
    return f"dumps/{DUMP_NAME}.{fmt.extension}" + (".gz" if gzipped else "")


def void_triples(store: Store) -> list[ox.Triple]:
    """The VoID/DCAT description of the dataset as it is in ``store`` now (statistics included)."""
    ds = _N(DATASET_IRI)
    triples = [
        _t(ds, RDF.type, VOID.Dataset), _t(ds, RDF.type, DCAT.Dataset),
        _t(ds, DCTERMS.title, ox.Literal(TITLE, language="en")),
        _t(ds, RDFS.label, ox.Literal(TITLE, language="en")),
        _t(ds, DCTERMS.description, ox.Literal(DESCRIPTION, language="en")),
        _t(ds, DCTERMS.license, _N(LICENSE)),
        _t(ds, DCTERMS.modified, ox.Literal(dt.datetime.fromtimestamp(store.last_modified, dt.UTC).date().isoformat(),
                                            datatype=XSD.date)),
        _t(ds, VOID.uriSpace, ox.Literal(str(ID))),
        _t(ds, VOID.sparqlEndpoint, _N(SPARQL_IRI)),
        _t(ds, VOID.vocabulary, _N(ONTOLOGY_IRI)),
        _t(ds, DCTERMS.conformsTo, _N(SHAPES_IRI)),
    ]
    publisher = ox.BlankNode("publisher")
    triples += [_t(ds, DCTERMS.publisher, publisher), _t(publisher, RDF.type, FOAF.Organization),
                _t(publisher, FOAF.name, ox.Literal(PUBLISHER_NAME, language="en"))]
    triples += _dumps(ds)
    triples += _statistics(ds, store)
    return triples


def _dumps(ds: ox.NamedNode) -> list[ox.Triple]:
    triples = []
    for fmt in DUMP_FORMATS:
        for gzipped in (False, True):
            url = _N(BASE + dump_path(fmt, gzipped))
            triples.append(_t(ds, VOID.dataDump, url))
            dist = ox.BlankNode(f"dist-{fmt.name}{'-gz' if gzipped else ''}")
            triples += [_t(ds, DCAT.distribution, dist), _t(dist, RDF.type, DCAT.Distribution),
                        _t(dist, DCAT.downloadURL, url), _t(dist, DCAT.mediaType, ox.Literal(fmt.media_type))]
            if gzipped:
                triples.append(_t(dist, DCAT.compressFormat, ox.Literal("application/gzip")))
    return triples


def _statistics(ds: ox.NamedNode, store: Store) -> list[ox.Triple]:
    def count(sparql: str) -> list[ox.QuerySolution]:
        result = store.query(sparql)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    totals = count("SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s) (COUNT(DISTINCT ?p) AS ?p) "
                   "WHERE { ?s ?p ?o FILTER(?p != <http://rdfs.org/ns/void#triples>) }")[0]
    triples = [_t(ds, VOID.triples, totals["t"]), _t(ds, VOID.distinctSubjects, totals["s"]),
               _t(ds, VOID.properties, totals["p"])]
    for i, row in enumerate(count("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")):
        part = ox.BlankNode(f"class-{i}")
        triples += [_t(ds, VOID.classPartition, part), _t(part, VOID["class"], row["c"]), _t(part, VOID.entities, row["n"])]
    for i, row in enumerate(count("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")):
        part = ox.BlankNode(f"property-{i}")
        triples += [_t(ds, VOID.propertyPartition, part), _t(part, VOID.property, row["p"]), _t(part, VOID.triples, row["n"])]
    # One example per class, so a crawler starting here finds a way into every part of the data.
    examples = count(f"SELECT (MIN(?s) AS ?e) WHERE {{ ?s a ?c FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{ID}')) }} "
                     "GROUP BY ?c")
    triples += [_t(ds, VOID.exampleResource, row["e"]) for row in examples if row["e"] is not None]
    schemes = count("SELECT DISTINCT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> }")
    triples += [_t(ds, VOID.rootResource, row["s"]) for row in schemes]
    return triples


def _t(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.Triple:
    return ox.Triple(s, p, o)
