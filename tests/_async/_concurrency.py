"""Keyword arguments that exist only in the async twin's signatures."""

from __future__ import annotations

from typing import Any

__all__ = ["ONE_AT_A_TIME", "at_most"]


def at_most(count: int) -> dict[str, Any]:
    """``max_concurrency=count`` for the async client; nothing for the sync client, which has
    no ``max_concurrency`` (it sends chunks and batches one after the other)."""
    options: dict[str, Any] = {}
    options["max_concurrency"] = count  # unasync: remove
    return options


#: Chunks or batches sent one after the other, in both twins.
ONE_AT_A_TIME = at_most(1)
