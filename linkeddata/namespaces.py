"""The canonical base IRI and every namespace the project mints or reads: the one place they are written."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, VOID, XSD

BASE = "https://w3id.org/vn-cn-border/"
"""Canonical base IRI of everything this project mints. Data files keep it; the server rewrites it."""

ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_VERSION = "1.0.0"
ONTOLOGY_VERSION_IRI = f"{ONTOLOGY_IRI}/{ONTOLOGY_VERSION}"
SHAPES_IRI = BASE + "shapes"

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

DATASET_IRI = ID["dataset/vn-cn-border"]

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

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
}
"""Prefixes offered in serialisations, the SPARQL editor and the JSON-LD context."""

__all__ = [
    "BASE", "BC", "BCSH", "DATASET_IRI", "DCAT", "DCTERMS", "DOC", "FOAF", "GRAPH", "ID", "ONTOLOGY_IRI",
    "ONTOLOGY_VERSION", "ONTOLOGY_VERSION_IRI", "ORG", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA",
    "SD", "SH", "SHAPES_IRI", "SKOS", "TIME", "VOID", "XSD",
]
