"""The endpoint lookup cache: endpoint -> its last fetched object, for a TTL (no I/O).

Inference with ``endpoint="name"`` needs the endpoint's URL; fetching it on every call
would double the latency, so the fetched object is kept for ``endpoint_cache_ttl``
seconds. Only serving states are stored (a paused or starting endpoint is looked up
again every time), and an entry is dropped on a 404 or a state error from the endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import EndpointInfo

__all__ = ["EndpointCache"]


@dataclass(slots=True)
class _Entry:
    info: EndpointInfo
    expires: float


class EndpointCache:
    """A TTL map ``"namespace/name" -> EndpointInfo`` with an injectable clock.

    Args:
        ttl: Seconds an entry is reused; 0 disables the cache.
        clock: Monotonic clock (tests pass a fake one).
        max_entries: Bound on the number of entries (the oldest is dropped first).

    Example:
        >>> now = [0.0]
        >>> cache = EndpointCache(ttl=10, clock=lambda: now[0])
        >>> from hf_inference_endpoints.models import EndpointInfo
        >>> cache.put("acme/ep", EndpointInfo(name="ep"))
        >>> cache.get("acme/ep").name, cache.hits
        ('ep', 1)
        >>> now[0] = 10.0
        >>> cache.get("acme/ep") is None
        True
    """

    def __init__(
        self, ttl: float, clock: Callable[[], float] | None = None, *, max_entries: int = 1024
    ) -> None:
        self.ttl = ttl
        self._clock = clock or time.monotonic
        self._max = max_entries
        self._entries: dict[str, _Entry] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> EndpointInfo | None:
        """The cached endpoint, or None when absent or expired (an expired entry is dropped)."""
        entry = self._entries.get(key)
        if entry is not None and self._clock() < entry.expires:
            self.hits += 1
            return entry.info
        if entry is not None:
            del self._entries[key]
        self.misses += 1
        return None

    def put(self, key: str, info: EndpointInfo) -> None:
        """Keep ``info`` for ``ttl`` seconds (nothing happens when ``ttl`` is 0)."""
        if self.ttl <= 0:
            return
        self._entries.pop(key, None)
        if len(self._entries) >= self._max:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = _Entry(info, self._clock() + self.ttl)

    def invalidate(self, key: str) -> bool:
        """Drop ``key``; returns whether it was there."""
        return self._entries.pop(key, None) is not None

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()

    def __contains__(self, key: object) -> bool:
        entry = self._entries.get(key) if isinstance(key, str) else None
        return entry is not None and self._clock() < entry.expires

    def __len__(self) -> int:
        return len(self._entries)
