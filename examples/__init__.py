"""Runnable examples; `make demo` runs them against the local emulator."""
