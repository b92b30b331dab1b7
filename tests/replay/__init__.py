"""Replays of the shared reference recordings (skipped when ../shared is absent)."""
