"""Checking: SHACL validation of the graph and the report people read."""
