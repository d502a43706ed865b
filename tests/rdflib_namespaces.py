"""The project's namespaces as rdflib namespaces, for tests that read the data with rdflib (the package itself
reads RDF with pyoxigraph and keeps rdflib to its SHACL adapter)."""

from __future__ import annotations

from rdflib import Namespace

from linkeddata import namespaces

BC = Namespace(str(namespaces.BC))
BCSH = Namespace(str(namespaces.BCSH))
ID = Namespace(str(namespaces.ID))
ORG = Namespace(str(namespaces.ORG))
SCHEMA = Namespace(str(namespaces.SCHEMA))
