"""Where shared state lives: caches and rate-limit state, chosen by URL.

``memory://`` (the default) keeps everything in this process; ``disk:///path`` keeps a
cache on local disk (``diskcache``, survives a restart); ``redis://host:port/db`` shares
caches and rate limits between processes and machines (redis-py).

Every storage offers the same small key/value surface in two flavours: plain methods
(``get_many``, ``set_many``, ``delete``, ``clear``) for the sync client and ``a``-prefixed
coroutines (``aget_many``...) for the async one. A storage whose ``local`` attribute is
true answers fast enough to be called directly even from an event loop (memory, disk):
the async client then skips the await. See :func:`open_storage`.
"""

from __future__ import annotations

from .base import AsyncStorage, Storage, StorageWarning, warn_once
from .urls import StorageURL, open_storage, parse_storage_url

__all__ = [
    "AsyncStorage",
    "Storage",
    "StorageURL",
    "StorageWarning",
    "open_storage",
    "parse_storage_url",
    "warn_once",
]
