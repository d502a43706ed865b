"""The canonical base IRI and every namespace the project mints or reads: the one place they are written.

A namespace's attributes are the terms in it, as pyoxigraph named nodes (``BC.Meeting``, ``RDF.type``); names
that are not Python identifiers use indexing (``ID["meeting/x"]``, ``VOID["class"]``); ``str(BC)`` is its IRI."""

from __future__ import annotations

import pyoxigraph as ox


class Namespace:
    """An IRI prefix whose terms are named nodes."""

    __slots__ = ("iri",)

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, local: str) -> ox.NamedNode:
        if local.startswith("__"):
            raise AttributeError(local)
        return ox.NamedNode(self.iri + local)

    def __getitem__(self, local: str) -> ox.NamedNode:
        return ox.NamedNode(self.iri + local)

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"

    def local(self, iri: str) -> str | None:
        """The part of ``iri`` after this namespace, or None when ``iri`` is not in it."""
        return iri[len(self.iri):] if iri.startswith(self.iri) else None


BASE = "https://w3id.org/vn-cn-border/"
"""Canonical base IRI of everything this project mints. Data files keep it; the server rewrites it."""

ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_VERSION = "1.1.0"
ONTOLOGY_VERSION_IRI = f"{ONTOLOGY_IRI}/{ONTOLOGY_VERSION}"
SHAPES_IRI = BASE + "shapes"
SPARQL_IRI = BASE + "sparql"

BC = Namespace(ONTOLOGY_IRI + "#")
"""Ontology terms are hash IRIs: they resolve through the ontology document."""
BCSH = Namespace(SHAPES_IRI + "#")
"""Shapes are hash IRIs: they resolve through the shapes document."""
ID = Namespace(BASE + "id/")
"""Things (non-information resources): ``id/{kind}/{slug}``. They answer 303 to ``doc/{kind}/{slug}``."""
DOC = Namespace(BASE + "doc/")
"""Documents describing the things under ``id/``."""
GRAPH = Namespace(BASE + "graph/")
"""Named graphs of the store: one per source folder, one per contribution."""

DATASET_IRI = ID["dataset/vn-cn-border"].value

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
OA = Namespace("http://www.w3.org/ns/oa#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DASH = Namespace("http://datashapes.org/dash#")
"""DASH: the shapes say how pages show a property's values (``dash:viewer``)."""

PREFIXES: dict[str, str] = {
    "bc": str(BC),
    "bcsh": str(BCSH),
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "time": str(TIME),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "sh": str(SH),
    "void": str(VOID),
    "dcat": str(DCAT),
    "oa": str(OA),
}
"""Prefixes offered in serialisations, the SPARQL editor and the JSON-LD context."""

__all__ = [
    "BASE", "BC", "BCSH", "DASH", "DATASET_IRI", "DCAT", "DCTERMS", "DOC", "FOAF", "GRAPH", "ID", "OA", "ONTOLOGY_IRI",
    "ONTOLOGY_VERSION", "ONTOLOGY_VERSION_IRI", "ORG", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA",
    "SD", "SH", "SHAPES_IRI", "SKOS", "SPARQL_IRI", "TIME", "VOID", "XSD", "Namespace",
]
