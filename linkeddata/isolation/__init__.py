"""Running untrusted work (SPARQL queries) in worker processes with deadlines."""
