"""The endpoint lookup cache: TTL on an injected clock, invalidation, bounds."""

from __future__ import annotations

from hf_inference_endpoints._endpoints import EndpointCache
from hf_inference_endpoints.models import EndpointInfo


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_entries_live_for_the_ttl() -> None:
    clock = Clock()
    cache = EndpointCache(ttl=300, clock=clock)
    ep = EndpointInfo(name="ep")
    assert cache.get("acme/ep") is None
    cache.put("acme/ep", ep)
    clock.now += 299.9
    assert cache.get("acme/ep") is ep
    assert "acme/ep" in cache
    clock.now += 0.1
    assert cache.get("acme/ep") is None
    assert "acme/ep" not in cache
    assert len(cache) == 0  # the expired entry was dropped
    assert (cache.hits, cache.misses) == (1, 2)


def test_put_refreshes_the_ttl() -> None:
    clock = Clock()
    cache = EndpointCache(ttl=10, clock=clock)
    cache.put("k", EndpointInfo(name="a"))
    clock.now += 9
    newer = EndpointInfo(name="b")
    cache.put("k", newer)
    clock.now += 9
    assert cache.get("k") is newer


def test_invalidate_and_clear() -> None:
    cache = EndpointCache(ttl=10, clock=Clock())
    cache.put("a", EndpointInfo())
    cache.put("b", EndpointInfo())
    assert cache.invalidate("a") is True
    assert cache.invalidate("a") is False
    assert cache.get("a") is None
    cache.clear()
    assert len(cache) == 0


def test_zero_ttl_disables_it() -> None:
    cache = EndpointCache(ttl=0, clock=Clock())
    cache.put("a", EndpointInfo())
    assert cache.get("a") is None and len(cache) == 0


def test_bounded_oldest_first() -> None:
    cache = EndpointCache(ttl=10, clock=Clock(), max_entries=2)
    for key in ("a", "b", "c"):
        cache.put(key, EndpointInfo(name=key))
    assert cache.get("a") is None
    assert cache.get("b") is not None and cache.get("c") is not None
