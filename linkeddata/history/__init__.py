"""Every version of the data: the version log (RDF Patch per change), the data as it was at any version,
and the one hook the write path calls, ``record(root, Change(...))``."""

from .timeline import Change, History, record

__all__ = ["Change", "History", "record"]
