"""The RDF stores the server reads: the Store protocol, the embedded and remote backends, loading, the dataset."""
