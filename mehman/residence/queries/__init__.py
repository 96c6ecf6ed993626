"""Composite reads of residence: worklists, the terms list, digests (one module per topic)."""
