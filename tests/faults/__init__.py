"""A raw-socket fault server for the fault matrix, the cancellation tests and the soak test.

``server.py`` holds the server and its behaviours; ``table.py`` runs the fault matrix and
writes ``docs/FAULT_MATRIX.md`` (``python -m tests.faults.table``).
"""
