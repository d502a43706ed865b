"""The dataset's versions described with DCAT 3 (§ 11 "Versioning"): each version its own dataset with
``dcat:version``, ``dcat:previousVersion``, ``adms:versionNotes``, its dump and its patch; the dataset
``dcat:hasVersion`` each and ``dcat:hasCurrentVersion`` the newest."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ADMS, BASE, DATASET_IRI, DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD
from .log import Version
from .timeline import History

PATCH_PATH = "history/patches/{n}"
DUMP_PATH = "history/dumps/{n}.nq"
_N = ox.NamedNode


def version_iri(number: int) -> str:
    return f"{DATASET_IRI}/version/{number}"


def dataset_version_triples(root: Path) -> list[ox.Triple]:
    """The versions of the project folder ``root``, described (for the dataset's VoID/DCAT description)."""
    return version_triples(History.of(root).versions())


def version_triples(versions: list[Version]) -> list[ox.Triple]:
    """The DCAT description of every version of the dataset (oldest first)."""
    dataset = _N(DATASET_IRI)
    triples: list[ox.Triple] = []
    for version in versions:
        node = _N(version_iri(version.number))
        triples += [
            ox.Triple(dataset, DCAT.hasVersion, node),
            ox.Triple(node, RDF.type, DCAT.Dataset),
            ox.Triple(node, RDFS.label, ox.Literal(f"Version {version.number} of the dataset", language="en")),
            ox.Triple(node, DCAT.version, ox.Literal(str(version.number))),
            ox.Triple(node, DCTERMS.issued, ox.Literal(version.time, datatype=XSD.dateTime)),
            ox.Triple(node, DCTERMS.isVersionOf, dataset),
            ox.Triple(node, VOID.dataDump, _N(BASE + DUMP_PATH.format(n=version.number))),
            ox.Triple(node, RDFS.seeAlso, _N(BASE + PATCH_PATH.format(n=version.number))),
        ]
        author = ox.BlankNode(f"author-{version.number}")
        triples += [ox.Triple(node, PROV.wasAttributedTo, author), ox.Triple(author, RDF.type, PROV.Agent),
                    ox.Triple(author, FOAF.name, ox.Literal(version.author))]
        if version.message:
            triples.append(ox.Triple(node, ADMS.versionNotes, ox.Literal(version.message, language="en")))
        if version.number > 1:
            triples.append(ox.Triple(node, DCAT.previousVersion, _N(version_iri(version.number - 1))))
    if versions:
        triples += [ox.Triple(dataset, DCAT.hasCurrentVersion, _N(version_iri(versions[-1].number))),
                    ox.Triple(dataset, DCAT.version, ox.Literal(str(versions[-1].number)))]
    return triples
