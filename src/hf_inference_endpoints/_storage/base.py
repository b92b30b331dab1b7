"""The storage protocols (sync and async flavours) and the one-warning rule (no I/O)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

__all__ = ["AsyncStorage", "Storage", "StorageWarning", "warn_once"]


class StorageWarning(RuntimeWarning):
    """A shared-state backend failed; the call went on without it (a cache miss, local limits)."""


@runtime_checkable
class Storage(Protocol):
    """A key/value store of bytes with per-entry TTL, used by the sync client.

    ``local`` is true when calls are cheap enough to make from an event loop (no network).
    """

    local: bool

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of ``keys`` in order (None where absent or expired)."""
        ...

    def set_many(self, items: Mapping[str, bytes], ttl: float | None) -> None:
        """Store every item for ``ttl`` seconds (None: until evicted)."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key`` (no error when absent)."""
        ...

    def clear(self) -> None:
        """Forget every entry of this storage's namespace."""
        ...


@runtime_checkable
class AsyncStorage(Protocol):
    """The async flavour of :class:`Storage` (asyncio and trio), used by the async client."""

    local: bool

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of ``keys`` in order (None where absent or expired)."""
        ...

    async def aset_many(self, items: Mapping[str, bytes], ttl: float | None) -> None:
        """Store every item for ``ttl`` seconds (None: until evicted)."""
        ...


class _Warned:
    """Remembers which backends already warned, so an outage gives one warning, not one per call."""

    def __init__(self) -> None:
        self.ids: set[int] = set()


_WARNED = _Warned()


def warn_once(owner: object, what: str, exc: BaseException) -> None:
    """Warn (once per ``owner`` until :func:`recovered`) that a backend failed.

    Args:
        owner: The object whose backend failed (a cache, a limiter).
        what: What was skipped, e.g. ``"embedding cache read (treated as a miss)"``.
        exc: The backend's error (its type and message are shown, never its URL).
    """
    if id(owner) in _WARNED.ids:
        return
    _WARNED.ids.add(id(owner))
    warnings.warn(
        f"shared-state backend failed: {what}: {type(exc).__name__}: {exc}",
        StorageWarning,
        stacklevel=3,
    )


def recovered(owner: object) -> None:
    """The backend of ``owner`` answered again: a later failure warns again."""
    _WARNED.ids.discard(id(owner))
