"""Hostile-server and bad-input tests (written async; the sync copy is generated)."""
