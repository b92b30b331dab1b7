"""The embedding cache: keys, TTL (fake clock), byte bound with LRU eviction, codec, storage."""

from __future__ import annotations

import math
import struct
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hf_inference_endpoints import HfInferenceConfig
from hf_inference_endpoints._embeddings import CacheStorage, EmbeddingCache, InMemoryCacheStorage
from hf_inference_endpoints._embeddings.cache import (
    Precision,
    decode_embedding,
    encode_embedding,
)
from hf_inference_endpoints._storage import StorageWarning


def struct_f32(value: float) -> float:
    """The nearest float32 of ``value``, as a Python float (independent of the codec)."""
    result: float = struct.unpack("<f", struct.pack("<f", value))[0]
    return result


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------------ keys


def test_key_depends_on_model_parameters_and_text() -> None:
    cache = EmbeddingCache()
    base = cache.scope("hf-inference:BAAI/bge-small-en-v1.5", {"normalize": True})
    keys = {
        cache.key(base, "hello"),
        cache.key(base, "hello "),
        cache.key(cache.scope("hf-inference:other/model", {"normalize": True}), "hello"),
        cache.key(cache.scope("together:BAAI/bge-small-en-v1.5", {"normalize": True}), "hello"),
        cache.key(
            cache.scope("hf-inference:BAAI/bge-small-en-v1.5", {"normalize": False}), "hello"
        ),
        cache.key(cache.scope("hf-inference:BAAI/bge-small-en-v1.5", {}), "hello"),
        cache.key(
            cache.scope(
                "hf-inference:BAAI/bge-small-en-v1.5", {"normalize": True, "dimensions": 8}
            ),
            "hello",
        ),
    }
    assert len(keys) == 7
    # what does not change the vector does not change the key
    same = cache.scope("hf-inference:BAAI/bge-small-en-v1.5", {"truncate": None, "normalize": True})
    assert cache.key(same, "hello") == cache.key(base, "hello")
    assert cache.scope("m", {"a": 1, "b": 2}) == cache.scope("m", {"b": 2, "a": 1})
    key = cache.key(base, "hello")
    assert key.startswith(EmbeddingCache.NAMESPACE + ":") and "hello" not in key


def test_a_cached_value_is_only_found_under_its_own_parameters() -> None:
    cache = EmbeddingCache()
    normalized = cache.scope("m", {"normalize": True})
    raw = cache.scope("m", {"normalize": False})
    cache.set(cache.key(normalized, "t"), [0.6, 0.8])
    assert cache.get(cache.key(raw, "t")) is None
    assert cache.get(cache.key(normalized, "t")) == [0.6, 0.8]
    assert (cache.hits, cache.misses) == (1, 1)
    cache.reset_stats()
    assert (cache.hits, cache.misses) == (0, 0)


# ------------------------------------------------------------------ TTL


def test_entries_expire_after_the_ttl() -> None:
    clock = FakeClock()
    cache = EmbeddingCache(ttl=60.0, clock=clock)
    key = cache.key(cache.scope("m", {}), "t")
    cache.set(key, [1.0])
    clock.now += 59.999
    assert cache.get(key) == [1.0]
    clock.now += 0.001
    assert cache.get(key) is None
    assert len(cache.storage) == 0  # type: ignore[arg-type]  # dropped on read


def test_storage_ttl_none_keeps_entries_and_zero_stores_nothing() -> None:
    clock = FakeClock()
    store = InMemoryCacheStorage(1000, clock=clock)
    store.set("forever", b"x", ttl=None)
    store.set("never", b"x", ttl=0)
    clock.now += 1e9
    assert store.get("forever") == b"x"
    assert store.get("never") is None


def test_setting_again_refreshes_the_ttl() -> None:
    clock = FakeClock()
    store = InMemoryCacheStorage(1000, clock=clock)
    store.set("k", b"old", ttl=10)
    clock.now += 8
    store.set("k", b"new", ttl=10)
    clock.now += 8
    assert store.get("k") == b"new"
    assert store.size_bytes == len("k") + len("new")


# ------------------------------------------------------------------ byte bound


def test_byte_bound_evicts_the_least_recently_used() -> None:
    store = InMemoryCacheStorage(30, clock=FakeClock())
    for name in ("a", "b", "c"):
        store.set(name, b"123456789", ttl=None)  # 10 bytes each with the key
    assert store.size_bytes == 30 and store.evictions == 0
    assert store.get("a") == b"123456789"  # "a" is now the most recently used
    store.set("d", b"123456789", ttl=None)
    assert store.keys() == ["c", "a", "d"]  # "b" went
    assert store.evictions == 1
    store.set("big", b"x" * 25, ttl=None)  # needs 28 bytes: evicts c, a, d
    assert store.keys() == ["big"] and store.size_bytes == 28
    assert store.evictions == 4


def test_an_entry_larger_than_the_bound_is_not_stored() -> None:
    store = InMemoryCacheStorage(10)
    store.set("k", b"small", ttl=None)
    store.set("k", b"far too large for it", ttl=None)
    assert store.get("k") is None  # the old value went too: never serve a stale one
    assert store.size_bytes == 0
    assert InMemoryCacheStorage(0).get("x") is None
    with pytest.raises(ValueError, match="max_bytes"):
        InMemoryCacheStorage(-1)


@pytest.mark.parametrize(
    ("vector", "precision", "kept"),
    [
        ([0.1] * 100, "auto", 3),  # not float32 values: 800 bytes of float64 + header + key
        ([0.25] * 100, "float64", 3),
        ([0.25] * 100, "auto", 6),  # exactly float32: 400 bytes each, twice as many fit
        ([0.1] * 100, "float32", 6),
    ],
)
def test_cache_byte_bound_counts_encoded_vectors(
    vector: list[float], precision: Precision, kept: int
) -> None:
    cache = EmbeddingCache(max_bytes=3 * 1000, clock=FakeClock(), precision=precision)
    scope = cache.scope("m", {})
    for i in range(10):
        cache.set(cache.key(scope, str(i)), vector)
    store = cache.storage
    assert isinstance(store, InMemoryCacheStorage)
    assert store.size_bytes <= 3000
    assert len(store) == kept
    expected = vector if precision != "float32" else [struct_f32(v) for v in vector]
    assert cache.get(cache.key(scope, "9")) == expected
    assert cache.get(cache.key(scope, "0")) is None


def test_delete_and_clear() -> None:
    cache = EmbeddingCache()
    scope = cache.scope("m", {})
    cache.set(cache.key(scope, "a"), [1.0])
    cache.set(cache.key(scope, "b"), [2.0])
    cache.delete(cache.key(scope, "a"))
    assert cache.get(cache.key(scope, "a")) is None
    cache.clear()
    assert cache.get(cache.key(scope, "b")) is None
    assert isinstance(cache.storage, InMemoryCacheStorage) and cache.storage.size_bytes == 0


# ------------------------------------------------------------------ codec


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(
    st.one_of(
        st.lists(finite, min_size=1, max_size=20),
        st.integers(1, 4).flatmap(
            lambda dim: st.lists(
                st.lists(finite, min_size=dim, max_size=dim), min_size=1, max_size=5
            )
        ),
    )
)
def test_codec_round_trips_exactly(value: list[object]) -> None:
    assert decode_embedding(encode_embedding(value)) == value


def test_codec_handles_ragged_and_integer_values() -> None:
    ragged = [[1.0, 2.0], [3.0]]
    assert decode_embedding(encode_embedding(ragged)) == ragged
    assert decode_embedding(encode_embedding([1, 2])) == [1.0, 2.0]
    deep = [[[0.5, 1.5], [2.5, 3.5]], [[4.5, 5.5], [6.5, 7.5]]]
    assert decode_embedding(encode_embedding(deep)) == deep
    packed = encode_embedding([0.1] * 384)
    assert len(packed) == 2 + 4 + 384 * 8


finite32 = st.floats(allow_nan=False, allow_infinity=False, width=32)


@given(
    st.one_of(
        st.lists(finite32, min_size=1, max_size=20),
        st.integers(1, 4).flatmap(
            lambda dim: st.lists(
                st.lists(finite32, min_size=dim, max_size=dim), min_size=1, max_size=5
            )
        ),
    )
)
def test_float32_values_are_kept_in_four_bytes_and_read_back_exactly(
    value: list[object],
) -> None:
    encoded = encode_embedding(value)
    assert decode_embedding(encoded) == value
    count = len(value) * (len(value[0]) if isinstance(value[0], list) else 1)
    assert encoded[0] == 2 and len(encoded) == 2 + 4 * (encoded[1] + count)


def test_precision_decides_what_is_kept() -> None:
    model_floats = [0.6000000238418579, -0.125, 3.0517578125e-05]  # float32 values, in full
    tei_floats = [0.6, -0.125, 3.0517578e-05]  # the same, printed in float32's shortest form
    assert len(encode_embedding(model_floats)) == 2 + 4 + 3 * 4
    assert len(encode_embedding(tei_floats)) == 2 + 4 + 3 * 8  # auto: float64, exact
    assert decode_embedding(encode_embedding(tei_floats)) == tei_floats
    assert decode_embedding(encode_embedding(tei_floats, "float32")) == model_floats
    assert decode_embedding(encode_embedding(model_floats, "float64")) == model_floats
    assert len(encode_embedding(model_floats, "float64")) == 2 + 4 + 3 * 8
    # beyond float32's range: float64 even when float32 is asked for
    assert decode_embedding(encode_embedding([1e300, 0.5], "float32")) == [1e300, 0.5]
    with pytest.raises(ValueError, match="precision"):
        EmbeddingCache(precision="float16")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x07abc",
        b"\x01\x01",
        b"\x01\x01\x02\x00\x00\x00" + b"\0" * 8,
        b"\x02\x01\x02\x00\x00\x00" + b"\0" * 4,  # float32: one value of two
        b"\x02\x01\x01\x00\x00\x00" + b"\0" * 3,  # float32: a partial value
    ],
)
def test_codec_rejects_foreign_bytes(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_embedding(data)


# ------------------------------------------------------------------ pluggable storage


class DictStorage:
    """A minimal third-party backend: no TTL, no bound."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.ttls: list[float | None] = []

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        self.ttls.append(ttl)
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)

    def clear(self) -> None:
        self.data.clear()


class BrokenStorage(DictStorage):
    def get(self, key: str) -> bytes | None:
        raise ConnectionError("backend down")

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        raise ConnectionError("backend down")


def test_any_object_with_the_four_methods_is_a_storage() -> None:
    storage = DictStorage()
    assert isinstance(storage, CacheStorage)
    assert isinstance(InMemoryCacheStorage(10), CacheStorage)
    cache = EmbeddingCache(storage, ttl=3600)
    key = cache.key(cache.scope("m", {}), "t")
    cache.set(key, [math.pi])
    assert storage.ttls == [3600]
    assert cache.get(key) == [math.pi]
    assert "DictStorage" in repr(cache)


def test_a_broken_backend_or_value_is_a_miss_not_a_failure() -> None:
    cache = EmbeddingCache(BrokenStorage())
    key = cache.key(cache.scope("m", {}), "t")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cache.set(key, [1.0])  # swallowed
        assert cache.get(key) is None
    # one warning per outage, not one per operation
    assert [w.category for w in caught] == [StorageWarning]
    assert "backend down" in str(caught[0].message)
    storage = DictStorage()
    storage.data["k"] = b"\x07garbage"
    cache = EmbeddingCache(storage)
    assert cache.get("k") is None
    assert "k" not in storage.data  # the unreadable value is dropped
    assert cache.misses == 1


def test_from_config() -> None:
    config = HfInferenceConfig(token=None, embedding_cache_ttl=5.0, max_embedding_cache_size=1234)
    cache = EmbeddingCache.from_config(config)
    assert cache is not None and cache.ttl == 5.0
    assert isinstance(cache.storage, InMemoryCacheStorage) and cache.storage.max_bytes == 1234
    for off in (
        {"enable_embedding_cache": False},
        {"embedding_cache_ttl": 0.0},
        {"max_embedding_cache_size": 0},
    ):
        assert EmbeddingCache.from_config(config.replace(**off)) is None
    with pytest.raises(ValueError, match="ttl"):
        EmbeddingCache(ttl=-1)


@given(st.text(), st.lists(st.text(), max_size=5))
def test_keys_of_a_call_are_the_keys_one_by_one(scope: str, texts: list[str]) -> None:
    cache = EmbeddingCache()
    assert cache.keys(scope, texts) == [cache.key(scope, text) for text in texts]


@pytest.mark.parametrize("storage", [DictStorage(), InMemoryCacheStorage(10_000)])
def test_a_call_reads_and_writes_its_keys_together_on_any_storage(storage: object) -> None:
    numpy = pytest.importorskip("numpy")
    clock = FakeClock()
    if isinstance(storage, InMemoryCacheStorage):
        storage._clock = clock
    cache = EmbeddingCache(storage, ttl=10)  # type: ignore[arg-type]
    keys = cache.keys(cache.scope("m", {}), ["a", "b", "c"])
    cache.set(keys[1], [0.1, 0.2])
    storage.set("junk", b"\x07garbage", None)  # type: ignore[attr-defined]
    assert cache.get_local([keys[0], keys[1], "junk"]) == [None, [0.1, 0.2], None]
    assert (cache.hits, cache.misses) == (1, 2)
    assert storage.get("junk") is None  # type: ignore[attr-defined]  # unreadable: dropped
    cache.set_rows([keys[0], keys[2]], numpy.array([[0.5, 1.0], [0.25, 3.0]]))
    assert cache.get_local(keys) == [[0.5, 1.0], [0.1, 0.2], [0.25, 3.0]]
    if isinstance(storage, InMemoryCacheStorage):  # one clock reading, the same TTL for each
        clock.now += 10
        assert storage.get_many(keys) == [None, None, None] and len(storage) == 0
