"""The SPARQL 1.1 query service: reading and checking query text, running queries, writing results."""
