"""Shared embedding caches (issue 16): disk and a real redis-server, both twins.

A storage that fails is a miss plus one ``StorageWarning``; the call still succeeds.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient
from hf_inference_endpoints._errors import ConfigurationError
from hf_inference_endpoints._storage import StorageWarning, parse_storage_url
from hf_inference_endpoints._storage.redis import RedisStorage

from .test_embeddings import Wire, emulated, emulator_client

MODEL = "org/embedder"
TEXTS = ["alpha", "beta", "gamma", "alpha"]


@pytest.mark.anyio
async def test_two_clients_share_a_redis_cache(emulator: Any, no_env: None, redis_url: str) -> None:
    first, second = Wire(), Wire()
    async with emulator_client(emulator, first, cache_url=redis_url) as client:
        assert not client.embeddings.cache.local  # type: ignore[union-attr]
        result = await client.embeddings.create(MODEL, TEXTS)
    assert first.texts_sent() == ["alpha", "beta", "gamma"]
    async with emulator_client(emulator, second, cache_url=redis_url) as other:
        again = await other.embeddings.create(MODEL, [*TEXTS, "delta"])
    assert second.texts_sent() == ["delta"]  # the other process' entries answered the rest
    assert again.cached == 3
    assert again.to_list() == [emulated(emulator, MODEL, t) for t in [*TEXTS, "delta"]]
    assert result.to_list() == again.to_list()[:4]


@pytest.mark.anyio
async def test_a_disk_cache_survives_a_new_client(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    url = f"disk://{tmp_path}/cache"
    first, second = Wire(), Wire()
    async with emulator_client(emulator, first, cache_url=url) as client:
        assert client.embeddings.cache.local  # type: ignore[union-attr]
        await client.embeddings.create(MODEL, TEXTS)
    async with emulator_client(emulator, second, cache_url=url) as restarted:
        result = await restarted.embeddings.create(MODEL, TEXTS)
    assert first.texts_sent() == ["alpha", "beta", "gamma"]
    assert second.requests == []
    assert result.cached == 3
    assert result.to_list() == [emulated(emulator, MODEL, t) for t in TEXTS]


@pytest.mark.anyio
async def test_redis_down_is_a_miss_and_one_warning(
    emulator: Any, no_env: None, redis_server: Any, redis_url: str
) -> None:
    wire = Wire()
    redis_server.stop()
    try:
        async with emulator_client(emulator, wire, cache_url=redis_url) as client:
            assert client.embeddings.cache is not None
            client.embeddings.cache.storage.socket_timeout = 0.5  # type: ignore[attr-defined]
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                one = await client.embeddings.create(MODEL, ["alpha"])
                two = await client.embeddings.create(MODEL, ["alpha", "beta"])
    finally:
        redis_server.start()
    storage_warnings = [w for w in caught if issubclass(w.category, StorageWarning)]
    assert len(storage_warnings) == 1, [str(w.message) for w in caught]
    assert "embedding cache read" in str(storage_warnings[0].message)
    assert one.embedding == emulated(emulator, MODEL, "alpha")
    assert two.to_list() == [emulated(emulator, MODEL, t) for t in ["alpha", "beta"]]
    assert wire.texts_sent() == ["alpha", "alpha", "beta"]  # every call went to the server


@pytest.mark.anyio
async def test_redis_storage_round_trip_and_namespace(redis_url: str) -> None:
    store = RedisStorage(redis_url, namespace="t1")
    other = RedisStorage(redis_url, namespace="t2")
    try:
        await store.aset_many({"a": b"1", "b": b"2"}, 60)
        assert await store.aget_many(["a", "b", "c"]) == [b"1", b"2", None]
        assert await other.aget_many(["a"]) == [None]
        assert store.get_many(["a"]) == [b"1"]
        await store.aset_many({"gone": b"x"}, 0.001)
        assert store.client.pttl("t1:a") > 50_000
    finally:
        await store.aclose()
        await other.aclose()


def test_storage_urls_are_checked_up_front(no_env: None) -> None:
    with pytest.raises(ConfigurationError, match="unknown storage scheme"):
        AsyncHfInferenceClient(token="hf_x", cache_url="mongodb://x")
    with pytest.raises(ConfigurationError, match="absolute folder"):
        AsyncHfInferenceClient(token="hf_x", cache_url="disk://relative")
    assert "hunter2" not in repr(parse_storage_url("redis://:hunter2@h:1/0"))


@pytest.mark.anyio
async def test_provider_mappings_are_shared_after_a_local_miss(
    emulator: Any, no_env: None, redis_url: str
) -> None:
    model = "BAAI/bge-small-en-v1.5"
    first, second = Wire(), Wire()
    async with emulator_client(emulator, first, cache_url=redis_url) as client:
        entries = await client._providers.mapping(model)
        assert await client._providers.mapping(model) == entries  # local hit: no request
    async with emulator_client(emulator, second, cache_url=redis_url) as other:
        shared = await other._providers.mapping(model)
    assert [url for url in first.gets() if "/api/models/" in url] == [
        f"{emulator.hub_url}/api/models/{model}?expand[]=inferenceProviderMapping"
    ]
    assert second.gets() == []  # the other client's lookup answered
    assert shared == entries
    assert [e.provider for e in shared] == ["hf-inference"]
