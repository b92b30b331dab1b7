"""A shared second-level cache of JSON values (provider mappings, endpoint URLs).

Each client keeps its own in-memory cache first (the hot path is untouched); only on a
miss there does it ask this shared level (``cache_url``: disk or Redis) before going to
the network, and it fills this level after a fetch. So a fleet of workers, or a
restarted notebook, looks each thing up once. A failing storage is a miss plus one
:class:`~hf_inference_endpoints._storage.StorageWarning`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .base import recovered, warn_once

__all__ = ["SharedJsonCache", "shared_json_cache"]


class SharedJsonCache:
    """JSON values under ``<kind>:`` keys of a shared storage, each kept ``ttl`` seconds.

    Args:
        storage: A storage from :func:`~hf_inference_endpoints._storage.open_storage`.
        kind: The key prefix (``mapping``, ``endpoint-url``...).
        ttl: Seconds an entry lives.
        owns_storage: Close the storage with the client.
    """

    def __init__(self, storage: Any, kind: str, ttl: float, *, owns_storage: bool = True) -> None:
        self.storage = storage
        self.prefix = f"{kind}:v1:"
        self.ttl = ttl
        self.owns_storage = owns_storage

    def _decode(self, found: Sequence[bytes | None]) -> list[Any]:
        values: list[Any] = []
        for data in found:
            try:
                values.append(None if data is None else json.loads(data))
            except ValueError:
                values.append(None)
        return values

    def _encode(self, items: Mapping[str, Any]) -> dict[str, bytes]:
        return {self.prefix + key: json.dumps(value).encode() for key, value in items.items()}

    def get_many(self, keys: Sequence[str]) -> list[Any]:
        """The values of ``keys`` (None: a miss)."""
        try:
            found = self.storage.get_many([self.prefix + key for key in keys])
        except Exception as exc:
            warn_once(self, f"shared {self.prefix[:-4]} cache read (treated as a miss)", exc)
            return [None] * len(keys)
        recovered(self)
        return self._decode(found)

    async def aget_many(self, keys: Sequence[str]) -> list[Any]:
        """:meth:`get_many` for the async client."""
        try:
            found = await self.storage.aget_many([self.prefix + key for key in keys])
        except Exception as exc:
            warn_once(self, f"shared {self.prefix[:-4]} cache read (treated as a miss)", exc)
            return [None] * len(keys)
        recovered(self)
        return self._decode(found)

    def set_many(self, items: Mapping[str, Any]) -> None:
        """Keep every item for :attr:`ttl` seconds (a storage error skips the write)."""
        try:
            self.storage.set_many(self._encode(items), self.ttl)
        except Exception as exc:
            warn_once(self, f"shared {self.prefix[:-4]} cache write (skipped)", exc)

    async def aset_many(self, items: Mapping[str, Any]) -> None:
        """:meth:`set_many` for the async client."""
        try:
            await self.storage.aset_many(self._encode(items), self.ttl)
        except Exception as exc:
            warn_once(self, f"shared {self.prefix[:-4]} cache write (skipped)", exc)

    def clear(self) -> None:
        """Forget this kind's entries everywhere (``client.clear_caches()``)."""
        try:
            clear = self.storage.clear
            if hasattr(self.storage, "namespace"):  # Redis: only our prefix
                clear(self.prefix)
            else:
                clear()
        except Exception as exc:
            warn_once(self, f"shared {self.prefix[:-4]} cache clear (skipped)", exc)

    def close(self) -> None:
        if self.owns_storage:
            self.storage.close()

    async def aclose(self) -> None:
        if self.owns_storage:
            await self.storage.aclose()


def shared_json_cache(config: Any, kind: str, ttl: float) -> SharedJsonCache | None:
    """The shared level ``config.cache_url`` asks for, or None (memory only, or TTL 0)."""
    url = config.cache_url
    if url is None or ttl <= 0 or url.startswith("memory://"):
        return None
    from .urls import open_storage

    return SharedJsonCache(open_storage(url), kind, ttl)
