"""Hand-written async source of truth; ``_sync`` is generated from it by codegen/unasync.py."""
