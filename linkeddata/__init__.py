"""A linked-data publisher for Vietnam–China border-locality cooperation."""

__version__ = "0.1.0"
