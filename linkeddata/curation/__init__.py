"""Contributions: tokens, the validation gate in front of the data, and the accepted contributions."""
