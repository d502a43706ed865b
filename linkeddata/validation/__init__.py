"""Checking RDF before it is published: syntax, SHACL, closure, integrity, and the reports people read."""
