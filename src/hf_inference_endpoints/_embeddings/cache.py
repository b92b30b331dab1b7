"""The embedding cache: content-hash keys, TTL, a byte bound, pluggable storage (no I/O).

Layers, outermost first:

* :class:`EmbeddingCache` derives the key of a text from (model/target + parameters +
  text), encodes embeddings to bytes and back, and counts hits and misses;
* a :class:`CacheStorage` keeps ``key -> bytes`` with a TTL. The default,
  :class:`InMemoryCacheStorage`, is a per-process LRU map bounded in bytes, with an
  injectable clock. Any object with the four methods of the protocol can replace it
  (Redis, memcached, a dict on disk...).

Plugging in another backend::

    import redis

    class RedisStorage:
        '''CacheStorage over Redis: TTL by EXPIRE, size bound by Redis' maxmemory policy.'''

        def __init__(self, client: redis.Redis, prefix: str = "") -> None:
            self.r, self.prefix = client, prefix

        def get(self, key: str) -> bytes | None:
            return self.r.get(self.prefix + key)

        def set(self, key: str, value: bytes, ttl: float | None) -> None:
            self.r.set(self.prefix + key, value, px=None if ttl is None else int(ttl * 1000))

        def delete(self, key: str) -> None:
            self.r.delete(self.prefix + key)

        def clear(self) -> None:
            for key in self.r.scan_iter(self.prefix + EmbeddingCache.NAMESPACE + ":*"):
                self.r.delete(key)

    client.embeddings.cache = EmbeddingCache(RedisStorage(redis.Redis()), ttl=3600)

Storage methods are called synchronously by both client twins (also from the event loop
in the async one), so a network backend should answer quickly; a storage error is
never fatal to a call: the cache treats it as a miss (``get``) or skips the write.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import sys
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from .._storage.base import recovered, warn_once

if TYPE_CHECKING:
    from .._config import HfInferenceConfig

__all__ = [
    "CacheStorage",
    "Embedding",
    "EmbeddingCache",
    "InMemoryCacheStorage",
    "Precision",
    "decode_embedding",
    "encode_embedding",
    "encode_rows",
]

#: One input's embedding: ``[dim]`` floats (pooled), or nested lists of floats
#: (``[tokens][dim]`` for per-token models; deeper when a backend adds a batch axis).
Embedding = list[Any]

_PACKED = 1  # format byte: rectangular float64 array
_PACKED32 = 2  # format byte: rectangular float32 array
_JSON = 0  # format byte: JSON text (ragged nesting)
_MAX_NDIM = 8


@runtime_checkable
class CacheStorage(Protocol):
    """Where :class:`EmbeddingCache` keeps its entries: ``str`` keys, ``bytes`` values.

    Implementations decide how expiry and size limits are enforced; the in-memory
    default does both. Methods may be called from several threads (sync client) or
    from the event loop (async client) and should not block for long.
    """

    def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, or None when absent or expired."""
        ...

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds (None: until evicted)."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key`` (no error when absent)."""
        ...

    def clear(self) -> None:
        """Forget every entry this storage holds for the cache."""
        ...


class InMemoryCacheStorage:
    """A thread-safe LRU map bounded in bytes, with per-entry expiry.

    An entry costs ``len(key) + len(value)`` bytes. Setting an entry evicts the least
    recently used ones until the total fits ``max_bytes``; an entry larger than
    ``max_bytes`` on its own is not stored. An expired entry is dropped when read (or
    evicted in LRU order like any other), so expiry costs nothing per write.

    Args:
        max_bytes: Byte bound of all entries together (0 stores nothing).
        clock: Monotonic clock in seconds (tests pass a fake one).

    Example:
        >>> now = [0.0]
        >>> store = InMemoryCacheStorage(max_bytes=10, clock=lambda: now[0])
        >>> store.set("a", b"1234", ttl=5.0)
        >>> store.set("b", b"1234", ttl=None)
        >>> store.size_bytes, store.get("a")
        (10, b'1234')
        >>> store.set("c", b"12", ttl=None)  # evicts "b", the least recently used
        >>> sorted(store.keys()), store.evictions
        (['a', 'c'], 1)
        >>> now[0] = 5.0
        >>> store.get("a") is None
        True
    """

    local = True  # answers without I/O: called directly, even from an event loop

    def __init__(self, max_bytes: int, *, clock: Callable[[], float] | None = None) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must be >= 0, got {max_bytes}")
        self.max_bytes = max_bytes
        self._clock = clock or time.monotonic
        self._entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.evictions = 0

    @property
    def size_bytes(self) -> int:
        """Bytes held now (keys and values)."""
        return self._size

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[str]:
        """The keys held now, least recently used first (expired ones included)."""
        with self._lock:
            return list(self._entries)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._get(key)

    def _get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires is not None and self._clock() >= expires:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return value

    def set(self, key: str, value: bytes, ttl: float | None) -> None:
        with self._lock:
            self._set(key, value, ttl, None)

    def _set(self, key: str, value: bytes, ttl: float | None, now: float | None) -> None:
        cost = len(key) + len(value)
        if key in self._entries:
            self._drop(key)
        if cost > self.max_bytes or (ttl is not None and ttl <= 0):
            return
        while self._size + cost > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))
            self.evictions += 1
        if ttl is not None:
            ttl += self._clock() if now is None else now
        self._entries[key] = (value, ttl)
        self._size += cost

    def delete(self, key: str) -> None:
        with self._lock:
            if key in self._entries:
                self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """:meth:`get` of every key under one hold of the lock."""
        with self._lock:
            entries = self._entries
            if not entries:
                return [None] * len(keys)
            return [self._get(key) if key in entries else None for key in keys]

    def set_many(self, items: Mapping[str, bytes], ttl: float | None) -> None:
        """:meth:`set` of every item under one hold of the lock (one clock reading)."""
        with self._lock:
            now = self._clock() if ttl is not None else None
            for key, value in items.items():
                self._set(key, value, ttl, now)

    def _drop(self, key: str) -> None:
        value, _ = self._entries.pop(key)
        self._size -= len(key) + len(value)


def _shape(value: Any) -> list[int] | None:
    """The shape of a rectangular nest of lists of numbers, or None if it is not one."""
    shape: list[int] = []
    node = value
    while isinstance(node, list):
        shape.append(len(node))
        if not node or len(shape) > _MAX_NDIM:
            return None
        node = node[0]
    if not shape or isinstance(node, bool) or not isinstance(node, (int, float)):
        return None
    return shape


def _flatten(value: Any, shape: list[int], out: array[float]) -> bool:
    if len(shape) == 1:
        if not isinstance(value, list) or len(value) != shape[0]:
            return False
        try:
            out.extend(value)
        except TypeError:
            return False
        return True
    if not isinstance(value, list) or len(value) != shape[0]:
        return False
    return all(_flatten(item, shape[1:], out) for item in value)


#: How a cache keeps the floats of an embedding (:func:`encode_embedding`).
Precision = Literal["auto", "float32", "float64"]
PRECISIONS: tuple[str, ...] = ("auto", "float32", "float64")

_F32 = struct.Struct("<f")
# Byte tables for :func:`_is_float32`, applied to every 8th byte of little-endian float64s.
_LOW5 = bytes(0 if byte & 0x1F == 0 else 1 for byte in range(256))  # mantissa bits 24-28
_TINY = bytes(1 if byte & 0x7F < 0x39 else 0 for byte in range(256))  # |x| < 2**-111


def _is_float32(packed: bytes, start: int, flat: Sequence[float]) -> bool:
    """Every float64 in ``packed[start:]`` (little-endian) is exactly a float32.

    A float32 has 24 bits of mantissa, a float64 53: the low 29 must be zero. That is
    checked a byte column at a time (C speed, no float objects); the few values too small
    for that test alone (zero, or under 2**-111) are checked one by one. A value too large
    for float32 makes the float32 pack raise OverflowError (the caller keeps float64).
    """
    zeros = bytes(len(flat))
    if not (
        packed[start::8] == zeros
        and packed[start + 1 :: 8] == zeros
        and packed[start + 2 :: 8] == zeros
        and packed[start + 3 :: 8].translate(_LOW5) == zeros
    ):
        return False
    tiny = packed[start + 7 :: 8].translate(_TINY)
    at = tiny.find(1)
    while at != -1:
        value = flat[at]
        if _F32.unpack(_F32.pack(value))[0] != value:
            return False
        at = tiny.find(1, at + 1)
    return True


_structs: dict[tuple[int, int, str], struct.Struct] = {}


def _record(ndim: int, n: int, code: str) -> struct.Struct:
    """The layout of one packed value: format byte, ndim, shape, then ``n`` floats."""
    layout = _structs.get((ndim, n, code))
    if layout is None:
        if len(_structs) > 256:  # a bounded memo: few distinct shapes in practice
            _structs.clear()
        layout = _structs[(ndim, n, code)] = struct.Struct(f"<BB{ndim}I{n}{code}")
    return layout


def _pack(shape: Sequence[int], flat: Sequence[float], precision: str) -> bytes | None:
    """Header + floats, float32 when ``precision`` allows it; None if not all numbers."""
    n, ndim = len(flat), len(shape)
    try:
        if precision == "float32":
            try:
                return _record(ndim, n, "f").pack(_PACKED32, ndim, *shape, *flat)
            except OverflowError:  # beyond float32's range: float64 keeps it
                pass
        packed = _record(ndim, n, "d").pack(_PACKED, ndim, *shape, *flat)
    except (struct.error, TypeError, OverflowError):
        return None
    if precision == "auto" and _is_float32(packed, 2 + 4 * ndim, flat):
        try:
            return _record(ndim, n, "f").pack(_PACKED32, ndim, *shape, *flat)
        except OverflowError:
            pass
    return packed


def encode_rows(matrix: Any, precision: Precision = "auto") -> list[bytes]:
    """:func:`encode_embedding` of each row of a 2-D float64 numpy array, the same bytes.

    The answers read into arrays (:mod:`.arrays`) are encoded a batch at a time, without
    a Python float: the float32 test runs on the whole batch (a row whose first value is
    not a float32 is settled by that value), then each precision's rows are laid out
    with their headers in one structured array and cut into one ``bytes`` a row.

    Example:
        >>> import numpy  # doctest: +SKIP
        >>> rows = numpy.array([[0.5, 1.0], [0.1, 0.2]])  # doctest: +SKIP
        >>> encode_rows(rows) == [encode_embedding([0.5, 1.0]), encode_embedding([0.1, 0.2])]  # doctest: +SKIP
        True
    """
    import numpy as np

    values = np.ascontiguousarray(matrix, dtype="<f8")
    rows = values.shape[0]
    if precision == "float64" or rows == 0:
        return _records(np, values, _PACKED, "<f8")
    with np.errstate(over="ignore", invalid="ignore"):
        if precision == "float32":  # beyond float32's range (a finite value made inf): float64
            narrow_values = values.astype("<f4")
            fits = (np.isfinite(narrow_values) | ~np.isfinite(values)).all(axis=1)
        else:  # auto: exactly a float32, as the byte test of the list path (_is_float32)
            first = values[:, 0]
            maybe = (first.astype("<f4") == first) | _float32_nan(np, first)
            fits = np.zeros(rows, dtype=bool)
            if maybe.any():
                candidates = values[maybe]
                narrow = candidates.astype("<f4")
                fits[maybe] = ((narrow == candidates) | _float32_nan(np, candidates)).all(axis=1)
            if not fits.any():
                return _records(np, values, _PACKED, "<f8")
            narrow_values = values.astype("<f4")
    if fits.all():
        return _records(np, narrow_values, _PACKED32, "<f4")
    wide = iter(_records(np, values[~fits], _PACKED, "<f8"))
    narrow_rows = iter(_records(np, narrow_values[fits], _PACKED32, "<f4"))
    return [next(narrow_rows) if fit else next(wide) for fit in fits.tolist()]


def _float32_nan(np: Any, values: Any) -> Any:
    """Where ``values`` is a NaN a float32 holds: none of its low 29 mantissa bits set
    (a NaN whose payload sits there is kept as float64 by the byte test too)."""
    return np.isnan(values) & ((values.view("<u8") & 0x1FFFFFFF) == 0)


def _records(np: Any, values: Any, code: int, dtype: str) -> list[bytes]:
    """One packed value (header, then the floats) per row of ``values``."""
    rows, dim = values.shape
    layout = np.dtype([("head", "V6"), ("values", dtype, (dim,))])
    records = np.empty(rows, dtype=layout)
    records["head"] = np.void(_record(1, 0, "d").pack(code, 1, dim))
    records["values"] = values
    blob, size = records.tobytes(), layout.itemsize
    return [blob[start : start + size] for start in range(0, rows * size, size)]


def encode_embedding(value: Embedding, precision: Precision = "auto") -> bytes:
    """Bytes for one embedding: packed floats with their shape (JSON if ragged).

    Args:
        value: A vector, or a rectangular nest of vectors (a ragged one is kept as JSON).
        precision: ``"auto"`` keeps float32 (4 bytes a value) when every value is exactly
            a float32 -- a model that computes in float32 and sends its floats in full
            (sentence-transformers answers, for one) -- and float64 otherwise, so the
            floats read back are always the ones given. ``"float32"`` always keeps
            float32: half the memory of float64 for answers printed with fewer digits
            (TEI's shortest float32 form), read back as the nearest float32 (identical
            as float32, within 6e-8 relative as float64). ``"float64"`` always keeps
            8 bytes a value.

    Example:
        >>> decode_embedding(encode_embedding([[0.5, -1.0], [2.0, 3.25]]))
        [[0.5, -1.0], [2.0, 3.25]]
        >>> len(encode_embedding([0.1] * 4)), len(encode_embedding([0.5] * 4))
        (38, 22)
        >>> decode_embedding(encode_embedding([0.1], "float32"))
        [0.10000000149011612]
    """
    if getattr(value, "ndim", 0) == 1:  # a row of an answer read into a numpy array
        return encode_rows(value.reshape(1, -1), precision)[0]  # type: ignore[attr-defined]
    if value and type(value[0]) is float:  # one vector of floats, the usual case
        packed = _pack((len(value),), value, precision)
        if packed is not None:
            return packed
    shape = _shape(value)
    if shape is not None:
        flat: array[float] = array("d")
        if _flatten(value, shape, flat):
            packed = _pack(shape, flat, precision)
            if packed is not None:
                return packed
    return bytes([_JSON]) + json.dumps(value, separators=(",", ":")).encode()


def decode_embedding(data: bytes) -> Embedding:
    """The embedding :func:`encode_embedding` stored.

    Raises:
        ValueError: ``data`` was not made by :func:`encode_embedding`.
    """
    if not data:
        raise ValueError("empty cache value")
    if data[0] == _JSON:
        value = json.loads(data[1:])
        if not isinstance(value, list):
            raise ValueError("cached JSON value is not a list")
        return value
    if data[0] not in (_PACKED, _PACKED32) or len(data) < 2:
        raise ValueError("unknown cache value format")
    ndim = data[1]
    offset = 2 + 4 * ndim
    if not 1 <= ndim <= _MAX_NDIM or len(data) < offset:
        raise ValueError("corrupt cache value header")
    shape = struct.unpack_from(f"<{ndim}I", data, 2)
    flat: array[float] = array("f" if data[0] == _PACKED32 else "d")
    if (len(data) - offset) % flat.itemsize:
        raise ValueError("cache value size does not match its shape")
    flat.frombytes(data[offset:])
    if sys.byteorder != "little":
        flat.byteswap()
    if len(flat) != math.prod(shape):
        raise ValueError("cache value size does not match its shape")
    nested: list[Any] = flat.tolist()
    for size in reversed(shape[1:]):
        nested = [nested[i : i + size] for i in range(0, len(nested), size)]
    return nested


class EmbeddingCache:
    """Answers repeated embedding requests without a request.

    An entry's key is a SHA-256 of the call's *scope* (model or URL, provider, and every
    parameter that changes the vector: ``normalize``, ``truncate``, ``prompt_name``,
    ``dimensions``, ``extra_body``...) and of the text, so the same text under other
    parameters is a different entry.

    Args:
        storage: Where entries live; default an :class:`InMemoryCacheStorage` of
            ``max_bytes``.
        ttl: Seconds an entry lives (None: until evicted).
        max_bytes: Byte bound of the default storage (ignored when ``storage`` is given).
        clock: Clock of the default storage (tests pass a fake one).
        precision: How vectors are kept (:func:`encode_embedding`): ``"auto"`` (float32
            when that is exact, i.e. the model computed in float32 and the server sent
            its floats in full; float64 otherwise: a hit always gives back the floats
            the server sent), ``"float32"`` (always half the memory of float64; a hit
            gives the nearest float32 of each value) or ``"float64"``.

    Attributes:
        hits: Lookups answered from the cache since creation (or :meth:`reset_stats`).
        misses: Lookups that found nothing usable.

    Example:
        >>> cache = EmbeddingCache(ttl=60)
        >>> scope = cache.scope("BAAI/bge-small-en-v1.5", {"normalize": True})
        >>> cache.set(cache.key(scope, "hello"), [0.6, 0.8])
        >>> cache.get(cache.key(scope, "hello")), cache.hits
        ([0.6, 0.8], 1)
        >>> cache.get(cache.key(cache.scope("other/model", {}), "hello")) is None
        True
    """

    #: Prefix of every key (bumped when the key or value format changes).
    NAMESPACE = "hfie:emb:v2"

    def __init__(
        self,
        storage: CacheStorage | None = None,
        *,
        ttl: float | None = 86400.0,
        max_bytes: int = 100 * 1024 * 1024,
        clock: Callable[[], float] | None = None,
        precision: Precision = "auto",
    ) -> None:
        if ttl is not None and ttl < 0:
            raise ValueError(f"ttl must be >= 0 or None, got {ttl}")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        self.precision: Precision = precision
        self.storage: CacheStorage = (
            storage if storage is not None else InMemoryCacheStorage(max_bytes, clock=clock)
        )
        self.ttl = ttl
        #: The storage was opened for this cache (``cache_url``): the client closes it.
        self.owns_storage = False
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_config(
        cls, config: HfInferenceConfig, *, clock: Callable[[], float] | None = None
    ) -> EmbeddingCache | None:
        """The cache the config asks for, or None when caching is off.

        Off when ``enable_embedding_cache`` is false, or ``embedding_cache_ttl`` or
        ``max_embedding_cache_size`` is 0.
        """
        if (
            not config.enable_embedding_cache
            or config.embedding_cache_ttl <= 0
            or config.max_embedding_cache_size <= 0
        ):
            return None
        storage = None
        if config.cache_url is not None:
            from .._storage import open_storage

            storage = open_storage(config.cache_url)
        cache = cls(
            storage,
            ttl=config.embedding_cache_ttl,
            max_bytes=config.max_embedding_cache_size,
            clock=clock,
        )
        cache.owns_storage = storage is not None
        return cache

    @staticmethod
    def scope(model: str, params: Mapping[str, Any]) -> str:
        """A digest of what, besides the text, decides an embedding.

        Args:
            model: The target: Hub id (with provider), endpoint name or URL.
            params: JSON-able parameters; ``None`` values are ignored, key order is not
                significant.

        Returns:
            A hex digest to pass to :meth:`key`.
        """
        canonical = json.dumps(
            {"model": model, "params": {k: v for k, v in params.items() if v is not None}},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    def key(self, scope: str, text: str) -> str:
        """The storage key of ``text`` within ``scope``."""
        digest = hashlib.sha256(f"{scope}\x1f{text}".encode()).hexdigest()
        return f"{self.NAMESPACE}:{digest}"

    def keys(self, scope: str, texts: Sequence[str]) -> list[str]:
        """:meth:`key` of every text (the scope is hashed once)."""
        prefix = hashlib.sha256(f"{scope}\x1f".encode())
        namespace = self.NAMESPACE + ":"
        keys: list[str] = []
        for text in texts:
            hasher = prefix.copy()
            hasher.update(text.encode())
            keys.append(namespace + hasher.hexdigest())
        return keys

    def get_local(self, keys: Sequence[str]) -> list[Embedding | None]:
        """:meth:`get` of every key, in one ``get_many`` when the storage has one."""
        get_many = getattr(self.storage, "get_many", None)
        if get_many is None:
            return [self.get(key) for key in keys]
        try:
            found = get_many(keys)
        except Exception as exc:  # a broken backend must not fail the call
            warn_once(self, "embedding cache read (treated as a miss)", exc)
            found = [None] * len(keys)
        values = self._decode_many(found)
        for key, data, value in zip(keys, found, values, strict=True):
            if data is not None and value is None:  # an unreadable value is dropped
                self._forget(key)
        return values

    @property
    def local(self) -> bool:
        """Whether the storage answers without I/O worth awaiting (memory, disk).

        The async client reads a local storage directly (no await on the hot path) and a
        remote one (Redis) with :meth:`aget_many` / :meth:`aset_many`.
        """
        return bool(getattr(self.storage, "local", True))

    def get(self, key: str) -> Embedding | None:
        """The cached embedding, or None (a value that cannot be read counts as a miss)."""
        try:
            data = self.storage.get(key)
        except Exception as exc:  # a broken backend must not fail the call
            warn_once(self, "embedding cache read (treated as a miss)", exc)
            data = None
        try:
            value = None if data is None else decode_embedding(data)
        except ValueError:  # an unreadable value is dropped
            value = None
            self._forget(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def set(self, key: str, value: Embedding) -> None:
        """Keep ``value`` under ``key`` for :attr:`ttl` (a storage error skips the write)."""
        try:
            self.storage.set(key, encode_embedding(value, self.precision), self.ttl)
        except Exception as exc:  # caching is best effort
            warn_once(self, "embedding cache write (skipped)", exc)

    def set_rows(self, keys: Sequence[str], matrix: Any) -> None:
        """:meth:`set` of each row of a 2-D numpy array under its key, encoded together."""
        try:
            encoded = encode_rows(matrix, self.precision)
            set_many = getattr(self.storage, "set_many", None)
            if set_many is not None:
                set_many(dict(zip(keys, encoded, strict=True)), self.ttl)
            else:
                for key, data in zip(keys, encoded, strict=True):
                    self.storage.set(key, data, self.ttl)
        except Exception as exc:  # caching is best effort
            warn_once(self, "embedding cache write (skipped)", exc)

    def _decode_many(self, found: Sequence[bytes | None]) -> list[Embedding | None]:
        values: list[Embedding | None] = []
        for data in found:
            try:
                value = None if data is None else decode_embedding(data)
            except ValueError:
                value = None
            values.append(value)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
        return values

    def get_many(self, keys: Sequence[str]) -> list[Embedding | None]:
        """The cached embeddings of ``keys`` in one storage round trip (None: a miss).

        A storage that fails counts every key as a miss and warns once (until it answers).
        """
        try:
            found = self.storage.get_many(keys)  # type: ignore[attr-defined]
        except Exception as exc:
            warn_once(self, "embedding cache read (treated as a miss)", exc)
            found = [None] * len(keys)
        else:
            recovered(self)
        return self._decode_many(found)

    async def aget_many(self, keys: Sequence[str]) -> list[Embedding | None]:
        """:meth:`get_many` for the async client (the storage's ``aget_many``)."""
        try:
            found = await self.storage.aget_many(keys)  # type: ignore[attr-defined]
        except Exception as exc:
            warn_once(self, "embedding cache read (treated as a miss)", exc)
            found = [None] * len(keys)
        else:
            recovered(self)
        return self._decode_many(found)

    def set_many(self, items: Mapping[str, Embedding]) -> None:
        """Keep every ``key -> embedding`` for :attr:`ttl` (a storage error skips the write)."""
        precision = self.precision
        try:
            encoded = {key: encode_embedding(value, precision) for key, value in items.items()}
            self.storage.set_many(encoded, self.ttl)  # type: ignore[attr-defined]
        except Exception as exc:
            warn_once(self, "embedding cache write (skipped)", exc)

    async def aset_many(self, items: Mapping[str, Embedding]) -> None:
        """:meth:`set_many` for the async client (the storage's ``aset_many``)."""
        precision = self.precision
        try:
            encoded = {key: encode_embedding(value, precision) for key, value in items.items()}
            await self.storage.aset_many(encoded, self.ttl)  # type: ignore[attr-defined]
        except Exception as exc:
            warn_once(self, "embedding cache write (skipped)", exc)

    def delete(self, key: str) -> None:
        """Forget one entry."""
        self._forget(key)

    def clear(self) -> None:
        """Forget every entry (``client.clear_caches()`` calls this)."""
        try:
            self.storage.clear()
        except Exception as exc:
            warn_once(self, "embedding cache clear (skipped)", exc)

    def reset_stats(self) -> None:
        """Zero :attr:`hits` and :attr:`misses`."""
        self.hits = self.misses = 0

    def _forget(self, key: str) -> None:
        try:
            self.storage.delete(key)
        except Exception as exc:
            warn_once(self, "embedding cache delete (skipped)", exc)

    def __repr__(self) -> str:
        return (
            f"<EmbeddingCache storage={type(self.storage).__name__} ttl={self.ttl} "
            f"hits={self.hits} misses={self.misses}>"
        )
