"""``disk:///path``: a cache on local disk (``diskcache``; survives a restart).

Local disk answers in microseconds, so both client flavours call it directly
(``local = True``: no thread hop, no await on the hot path).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from .._errors import ConfigurationError

__all__ = ["DiskStorage"]


class DiskStorage:
    """Key/value bytes in a ``diskcache.Cache`` folder, with per-entry expiry.

    Args:
        path: The folder (created if missing); ``~`` is expanded.
        namespace: Sub-folder, so several kinds of state can share one path.
        size_limit: Byte bound (diskcache evicts least recently stored first).

    Example:
        >>> import tempfile
        >>> store = DiskStorage(tempfile.mkdtemp())
        >>> store.set_many({"k": b"v"}, ttl=60)
        >>> store.get_many(["k", "missing"])
        [b'v', None]
        >>> store.close()
    """

    local = True

    def __init__(
        self, path: str, *, namespace: str = "hfie", size_limit: int = 1024 * 1024 * 1024
    ) -> None:
        try:
            import diskcache
        except ImportError:
            raise ConfigurationError(
                "disk:// storage needs diskcache: pip install 'hf-inference-endpoints[disk]'"
            ) from None
        folder = os.path.join(os.path.expanduser(path), namespace)
        self.path = folder
        self._cache: Any = diskcache.Cache(folder, size_limit=size_limit)

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        get = self._cache.get
        return [get(key) for key in keys]

    def set_many(self, items: Mapping[str, bytes], ttl: float | None) -> None:
        if ttl is not None and ttl <= 0:
            return
        with self._cache.transact():
            for key, value in items.items():
                self._cache.set(key, value, expire=ttl)

    def get(self, key: str) -> bytes | None:
        value: bytes | None = self._cache.get(key)
        return value

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        self.set_many({key: value}, ttl)

    def delete(self, key: str) -> None:
        self._cache.delete(key)

    def clear(self) -> None:
        self._cache.clear()

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return self.get_many(keys)

    async def aset_many(self, items: Mapping[str, bytes], ttl: float | None) -> None:
        self.set_many(items, ttl)

    async def adelete(self, key: str) -> None:
        self.delete(key)

    async def aclear(self) -> None:
        self.clear()

    def close(self) -> None:
        """Close the folder's database handles."""
        self._cache.close()

    async def aclose(self) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<DiskStorage {self.path}>"
