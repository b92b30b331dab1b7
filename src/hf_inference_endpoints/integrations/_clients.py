"""The clients behind a framework adapter: one config, an owned sync client, per-call async ones.

An adapter (a LangChain or LlamaIndex model object) has no close hook its framework
calls, and frameworks run async code on whatever event loop is current (a new one per
``asyncio.run``). So:

* the sync client is created on first use, shared by every sync call of the adapter
  (and the threads of a ``batch``), and closed by :meth:`AdapterClients.close` or, at
  the latest, when the adapter is garbage collected;
* each async call gets its own :class:`AsyncHfInferenceClient` over the same config,
  closed when the call ends, so no connection outlives the event loop it was opened
  on. Pass an ``async_client`` of your own to pool connections across calls (you close it);
* the embedding cache is one object shared by all of them, so repeats are free
  whichever client embeds them.

No framework is imported here.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._async._client import AsyncHfInferenceClient
    from .._config import HfInferenceConfig
    from .._embeddings import EmbeddingCache
    from .._sync._client import HfInferenceClient

__all__ = ["AdapterClients", "config_overrides"]


def config_overrides(
    *,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    max_retries: int | None,
) -> dict[str, Any]:
    """The ``HfInferenceConfig`` fields an adapter's own fields set (None = keep the config's).

    Example:
        >>> config_overrides(token=None, router_url="http://127.0.0.1:8080", hub_url=None,
        ...                  max_retries=2)
        {'router_url': 'http://127.0.0.1:8080', 'max_retries': 2}
    """
    values = {
        "token": token,
        "router_url": router_url,
        "hub_url": hub_url,
        "max_retries": max_retries,
    }
    return {name: value for name, value in values.items() if value is not None}


class AdapterClients:
    """Clients for one adapter object (see the module docstring for their lifetimes).

    Args:
        config: A base config (default: the config of ``client`` or ``async_client`` when
            given, else ``HfInferenceConfig.from_env()``, read once).
        overrides: Fields to change in it (:func:`config_overrides`).
        client: A sync client of the caller's to use instead of an owned one.
        async_client: An async client of the caller's to use for every async call.
    """

    def __init__(
        self,
        config: HfInferenceConfig | None,
        overrides: Mapping[str, Any],
        *,
        client: HfInferenceClient | None = None,
        async_client: AsyncHfInferenceClient | None = None,
    ) -> None:
        if config is None and client is not None:
            config = client.config
        elif config is None and async_client is not None:
            config = async_client.config
        self._base = config
        self._overrides = dict(overrides)
        self._config: HfInferenceConfig | None = None
        self._given_client = client
        self._given_async_client = async_client
        self._owned: HfInferenceClient | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._cache: EmbeddingCache | None = None
        self._cache_made = False
        self._lock = threading.Lock()

    @property
    def config(self) -> HfInferenceConfig:
        """The config every owned client uses (built on first use)."""
        if self._config is None:
            from .._config import HfInferenceConfig

            if self._base is None:
                self._config = HfInferenceConfig.from_env(**self._overrides)
            else:
                self._config = self._base.replace(**self._overrides)
        return self._config

    def embedding_cache(self) -> EmbeddingCache | None:
        """The cache shared by this adapter's clients (None when the config turns it off)."""
        with self._lock:
            return self._shared_cache()

    def _shared_cache(self) -> EmbeddingCache | None:  # called with the lock held
        if not self._cache_made:
            from .._embeddings import EmbeddingCache

            if self._given_client is not None:  # the caller's client keeps its own cache
                self._cache = self._given_client.embeddings.cache
            else:
                self._cache = EmbeddingCache.from_config(self.config)
            self._cache_made = True
        return self._cache

    def sync(self) -> HfInferenceClient:
        """The sync client: the caller's, or one created now and kept until :meth:`close`."""
        if self._given_client is not None:
            return self._given_client
        with self._lock:
            if self._owned is None:
                from .._sync._client import HfInferenceClient

                owned = HfInferenceClient(self.config)
                owned.embeddings.cache = self._shared_cache()
                self._finalizer = weakref.finalize(self, owned.close)
                self._owned = owned
            return self._owned

    @asynccontextmanager
    async def async_client(self) -> AsyncIterator[AsyncHfInferenceClient]:
        """An async client for one call: the caller's, or a new one closed after the call."""
        if self._given_async_client is not None:
            yield self._given_async_client
            return
        from .._async._client import AsyncHfInferenceClient

        async with AsyncHfInferenceClient(self.config) as client:
            client.embeddings.cache = self.embedding_cache()
            yield client

    def close(self) -> None:
        """Close the owned sync client (the caller's clients are left open)."""
        with self._lock:
            owned, self._owned = self._owned, None
            if self._finalizer is not None:
                self._finalizer.detach()
                self._finalizer = None
        if owned is not None:
            owned.close()
