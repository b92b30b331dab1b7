"""``redis://``: caches and rate-limit state shared by processes and machines (redis-py).

The sync client uses ``redis.Redis``. The async client uses redis-py's asyncio client
under asyncio (one per event loop) and the sync client in anyio worker threads under
trio (redis-py has no trio client). Keys are prefixed by ``namespace:``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from .._errors import ConfigurationError

__all__ = ["RedisStorage"]


def _redis_module() -> Any:
    try:
        import redis
    except ImportError:
        raise ConfigurationError(
            "redis:// storage needs redis-py: pip install 'hf-inference-endpoints[redis]'"
        ) from None
    return redis


class RedisStorage:
    """Key/value bytes and atomic scripts on one Redis database.

    Args:
        url: ``redis://[:password@]host:port/db`` (``rediss://``, ``unix://`` too).
        namespace: Prefix of every key this storage reads or writes.
        socket_timeout: Seconds a Redis command may take before it counts as a failure
            (kept short: a slow Redis must not stall inference calls).

    Example:
        >>> store = RedisStorage("redis://localhost:6379/0")  # doctest: +SKIP
        >>> store.set_many({"k": b"v"}, ttl=60)  # doctest: +SKIP
    """

    local = False

    def __init__(self, url: str, *, namespace: str = "hfie", socket_timeout: float = 2.0) -> None:
        self._redis = _redis_module()
        self.url = url
        self.namespace = namespace
        self.socket_timeout = socket_timeout
        self._sync: Any = None
        self._async: Any = None
        self._async_loop: Any = None
        self._lock = threading.Lock()
        self._scripts: dict[str, Any] = {}

    # -- clients ---------------------------------------------------------------------------
    def _options(self) -> dict[str, Any]:
        return {
            "socket_timeout": self.socket_timeout,
            "socket_connect_timeout": self.socket_timeout,
        }

    @property
    def client(self) -> Any:
        """The sync ``redis.Redis`` client (created on first use, thread-safe)."""
        if self._sync is None:
            with self._lock:
                if self._sync is None:
                    self._sync = self._redis.Redis.from_url(self.url, **self._options())
        return self._sync

    def _asyncio_client(self) -> Any:
        import asyncio

        loop = asyncio.get_running_loop()
        if self._async is None or self._async_loop is not loop:
            import redis.asyncio

            self._async = redis.asyncio.Redis.from_url(self.url, **self._options())
            self._async_loop = loop
        return self._async

    @staticmethod
    def _on_asyncio() -> bool:
        import sniffio

        return sniffio.current_async_library() == "asyncio"

    def key(self, key: str) -> str:
        """The Redis key of one of our keys."""
        return f"{self.namespace}:{key}"

    # -- sync ------------------------------------------------------------------------------
    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        values: list[bytes | None] = self.client.mget([self.key(k) for k in keys])
        return values

    def set_many(self, items: Mapping[str, bytes], ttl: float | None) -> None:
        if not items or (ttl is not None and ttl <= 0):
            return
        pipe = self.client.pipeline(transaction=False)
        px = None if ttl is None else max(1, int(ttl * 1000))
        for key, value in items.items():
            pipe.set(self.key(key), value, px=px)
        pipe.execute()

    def get(self, key: str) -> bytes | None:
        return self.get_many([key])[0]

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        self.set_many({key: value}, ttl)

    def delete(self, key: str) -> None:
        self.client.delete(self.key(key))

    def clear(self, prefix: str = "") -> None:
        """Delete every key of this namespace (under ``prefix`` when given)."""
        client = self.client
        batch = []
        for name in client.scan_iter(match=self.key(prefix) + "*", count=500):
            batch.append(name)
            if len(batch) >= 500:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)

    def run_script(self, source: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """Run a Lua script atomically (cached by SHA); ``keys`` are namespaced here."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.client.register_script(source)
        return script(keys=[self.key(k) for k in keys], args=list(args), client=self.client)

    def close(self) -> None:
        """Close the sync client's connections."""
        if self._sync is not None:
            self._sync.close()
            self._sync = None

    # -- async -----------------------------------------------------------------------------
    async def _in_thread(self, fn: Any, *args: Any) -> Any:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(fn, *args)

    async def aget_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        if not self._on_asyncio():
            result: list[bytes | None] = await self._in_thread(self.get_many, keys)
            return result
        values: list[bytes | None] = await self._asyncio_client().mget([self.key(k) for k in keys])
        return values

    async def aset_many(self, items: Mapping[str, bytes], ttl: float | None) -> None:
        if not items or (ttl is not None and ttl <= 0):
            return
        if not self._on_asyncio():
            await self._in_thread(self.set_many, items, ttl)
            return
        pipe = self._asyncio_client().pipeline(transaction=False)
        px = None if ttl is None else max(1, int(ttl * 1000))
        for key, value in items.items():
            pipe.set(self.key(key), value, px=px)
        await pipe.execute()

    async def adelete(self, key: str) -> None:
        if not self._on_asyncio():
            await self._in_thread(self.delete, key)
            return
        await self._asyncio_client().delete(self.key(key))

    async def aclear(self) -> None:
        await self._in_thread(self.clear)

    async def arun_script(self, source: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """:meth:`run_script` for the async client."""
        if not self._on_asyncio():
            return await self._in_thread(self.run_script, source, keys, args)
        client = self._asyncio_client()
        script = client.register_script(source)
        return await script(keys=[self.key(k) for k in keys], args=list(args))

    async def aclose(self) -> None:
        """Close the asyncio client of the running loop (and the sync one)."""
        if self._async is not None:
            client, self._async, self._async_loop = self._async, None, None
            await client.aclose()
        self.close()

    def __repr__(self) -> str:
        from .urls import parse_storage_url

        return f"<RedisStorage {parse_storage_url(self.url)!r} namespace={self.namespace!r}>"
