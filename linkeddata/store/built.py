"""A prepared store on disk: ``linkeddata build`` parses the sources once into a pyoxigraph (RocksDB) folder, and
``linkeddata serve --store`` opens that folder instead of parsing them again, so the server is ready at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..curation.contributions import FOLDER_NAME as CONTRIBUTIONS
from ..errors import LinkedDataError
from ..publishing.void import VOID_GRAPH, void_triples
from .embedded import EmbeddedStore
from .loading import load_sources, rdf_files, sources

MANIFEST = "linkeddata-build.json"
"""Written into the store folder: which source files (size, modification time) the store was built from."""


class StoreFolderError(LinkedDataError):
    """The store folder is missing, not one ``linkeddata build`` wrote, or older than the sources."""


def source_signature(root: Path) -> dict[str, list[int]]:
    """Each bundled source file (accepted contributions aside: the server follows those itself) with its size and
    modification time, keyed by its path under ``root``."""
    return {str(path.relative_to(root)): [path.stat().st_size, path.stat().st_mtime_ns]
            for source in sources(root) if source.folder.name != CONTRIBUTIONS for path in rdf_files(source.folder)}


def build(root: Path, folder: Path) -> int:
    """Parse the sources under ``root`` into a new store at ``folder`` (replacing an earlier build there, never
    another folder); returns the number of quads. Built beside the target and renamed, so a failed build leaves
    the previous one intact."""
    if folder.exists() and any(folder.iterdir()) and not (folder / MANIFEST).is_file():
        raise StoreFolderError(f"{folder} is not empty and holds no {MANIFEST}: not a store this command built")
    partial = folder.with_name(folder.name + ".building")
    shutil.rmtree(partial, ignore_errors=True)
    signature = source_signature(root)
    store = EmbeddedStore(str(partial))
    load_sources(store, root)
    store.replace_graph(VOID_GRAPH, void_triples(store))
    store.oxigraph.optimize()
    count = len(store)
    del store  # closes the database before the folder moves
    (partial / MANIFEST).write_text(json.dumps({"sources": signature, "quads": count}, indent=1) + "\n",
                                    encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    partial.rename(folder)
    return count


def open_built(root: Path, folder: Path) -> EmbeddedStore:
    """The store ``build`` wrote at ``folder``, if it was built from the sources ``root`` holds now."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise StoreFolderError(f"{folder}: no {MANIFEST}; build the store first: linkeddata build --store {folder}")
    built_from = json.loads(manifest.read_text(encoding="utf-8"))["sources"]
    if built_from != source_signature(root):
        raise StoreFolderError(f"{folder} was built from other source files than {root} holds now; "
                               f"rebuild it: linkeddata build --root {root} --store {folder}")
    try:
        return EmbeddedStore(str(folder))
    except OSError as err:  # another process holds the database open
        raise StoreFolderError(f"{folder}: {err}") from None
