"""Ingest: read run files incrementally into the index (``cairn.store``)."""
