"""Publishing resources: describing them, content negotiation, serialising, IRI rewriting, the VoID description."""
