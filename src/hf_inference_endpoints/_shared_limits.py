"""Provider rate limits shared by every process using one Redis (``rate_limit_url``).

Each request reserves a send time in a per-provider *schedule* kept on Redis: at most
``limit`` sends in any window of one minute (a sliding window, the rule the providers and
the emulator apply), and none before a ``Retry-After`` pause that any worker reported.
One Lua script does the whole reservation atomically on Redis' own clock, so workers on
different machines need no clock agreement, and each reservation is one round trip.

Why not the ``limits`` library: it answers "may I send now?" (``hit`` -> bool) and its
window statistics, so waiting callers would poll Redis and race each other; it has no
reservation ("you go at t") and no place to share a ``Retry-After`` pause. Both are a
few lines of Lua here.

When Redis fails, the limiter falls back to this process's own token buckets
(``provider_rate_limits``, as without ``rate_limit_url``) with one ``StorageWarning``, or
raises :class:`RateLimitBackendUnavailable` when ``rate_limit_backend_required`` is set.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Mapping
from typing import Any

from ._errors import ConfigurationError, HfError
from ._ratelimit import RateLimiter
from ._storage.base import recovered, warn_once

__all__ = ["RESERVE_SCRIPT", "RateLimitBackendUnavailable", "SharedRateLimiter", "make_limiter"]

#: KEYS: schedule (zset of send times), pause (float: no send before).
#: ARGV: limit (0: none), window seconds, member id, pause seconds (0: reserve; >0: pause).
RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local pause_for = tonumber(ARGV[4])
if pause_for > 0 then
  local untilt = now + pause_for
  local current = tonumber(redis.call('GET', KEYS[2]) or '0')
  if untilt > current then
    redis.call('SET', KEYS[2], tostring(untilt), 'PX', math.ceil(pause_for * 1000) + 1000)
  end
  return '0'
end
local at = now
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > at then at = paused end
local limit = tonumber(ARGV[1])
if limit > 0 then
  local window = tonumber(ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[1])
  if n >= limit then
    local e = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
    local free = tonumber(e[2]) + window
    if free > at then at = free end
  end
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] ~= nil and tonumber(last[2]) > at then at = tonumber(last[2]) end
  redis.call('ZADD', KEYS[1], at, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil((at - now + window) * 1000) + 1000)
end
return tostring(at - now)
"""


class RateLimitBackendUnavailable(HfError):
    """The shared rate-limit backend failed and ``rate_limit_backend_required`` is set."""


class SharedRateLimiter:
    """Request limits per provider, shared through a Redis storage.

    Args:
        storage: A :class:`~hf_inference_endpoints._storage.redis.RedisStorage`.
        limits: Requests per minute by provider (others are only paused by ``Retry-After``).
        required: Raise instead of falling back to local limits when Redis fails.
        window: Seconds of the sliding window (60: per minute).
        margin: Fraction added to the window, so network jitter between the reservation
            and the provider's clock cannot squeeze ``limit + 1`` sends into its window.

    Example:
        >>> from hf_inference_endpoints._storage.redis import RedisStorage
        >>> limiter = SharedRateLimiter(RedisStorage("redis://localhost"), {"together": 600})
        >>> limiter.reserve("together", 0.0)  # doctest: +SKIP
        0.0
    """

    local = False

    def __init__(
        self,
        storage: Any,
        limits: Mapping[str, int],
        *,
        required: bool = False,
        window: float = 60.0,
        margin: float = 0.02,
    ) -> None:
        self.storage = storage
        self.limits = dict(limits)
        self.required = required
        self.window = window * (1.0 + margin)
        self.fallback = RateLimiter(limits)
        self._ids = itertools.count()
        import uuid  # Redis only: not at import

        self._tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def __bool__(self) -> bool:
        return True  # even unlimited providers share Retry-After pauses

    def _args(self, provider: str, pause: float = 0.0) -> tuple[list[str], list[Any]]:
        keys = [f"rl:{provider}:schedule", f"rl:{provider}:pause"]
        member = f"{self._tag}-{next(self._ids)}-{time.monotonic():.6f}"
        return keys, [self.limits.get(provider, 0), self.window, member, pause]

    def _failed(self, exc: Exception) -> None:
        if self.required:
            raise RateLimitBackendUnavailable(
                f"The shared rate-limit backend failed ({type(exc).__name__}: {exc}) and "
                "rate_limit_backend_required is set"
            ) from exc
        warn_once(self, "shared rate limit (falling back to this process's limits)", exc)

    def reserve(self, provider: str | None, now: float) -> float:
        """Seconds to wait before sending to ``provider`` (its slot is taken)."""
        if provider is None:
            return 0.0
        try:
            wait = float(self.storage.run_script(RESERVE_SCRIPT, *self._args(provider)))
        except RateLimitBackendUnavailable:
            raise
        except Exception as exc:
            self._failed(exc)
            return self.fallback.reserve(provider, now)
        recovered(self)
        return wait

    async def areserve(self, provider: str | None, now: float) -> float:
        """:meth:`reserve` for the async client."""
        if provider is None:
            return 0.0
        try:
            wait = float(await self.storage.arun_script(RESERVE_SCRIPT, *self._args(provider)))
        except Exception as exc:
            self._failed(exc)
            return self.fallback.reserve(provider, now)
        recovered(self)
        return wait

    def refund(self, provider: str | None, now: float) -> None:
        """A slot of the shared schedule is not given back (it simply goes unused)."""
        self.fallback.refund(provider, now)

    def penalize(self, provider: str | None, seconds: float) -> None:
        """Tell every worker to send nothing to ``provider`` for ``seconds`` (a 429's wait)."""
        if provider is None or seconds <= 0:
            return
        try:
            self.storage.run_script(RESERVE_SCRIPT, *self._args(provider, seconds))
        except Exception as exc:
            self._failed(exc)

    async def apenalize(self, provider: str | None, seconds: float) -> None:
        """:meth:`penalize` for the async client."""
        if provider is None or seconds <= 0:
            return
        try:
            await self.storage.arun_script(RESERVE_SCRIPT, *self._args(provider, seconds))
        except Exception as exc:
            self._failed(exc)

    def clear(self) -> None:
        """Forget every schedule and pause (tests; a new deployment)."""
        self.storage.clear("rl:")

    async def aclose(self) -> None:
        """Close the Redis connections."""
        await self.storage.aclose()

    def close(self) -> None:
        """Close the Redis connections."""
        self.storage.close()


def make_limiter(config: Any) -> RateLimiter | SharedRateLimiter | None:
    """The limiter a config asks for: None (no limits), local buckets, or shared on Redis.

    Raises:
        ConfigurationError: ``rate_limit_url`` names a backend that cannot share limits.
    """
    url = config.rate_limit_url
    if url is None or url.startswith("memory://"):
        return RateLimiter(config.provider_rate_limits) or None
    from ._storage import open_storage, parse_storage_url

    if not parse_storage_url(url).is_redis:
        raise ConfigurationError(
            f"rate_limit_url must be memory:// or redis://...; got {url.split('://')[0]}://"
        )
    return SharedRateLimiter(
        open_storage(url),
        config.provider_rate_limits,
        required=config.rate_limit_backend_required,
        window=config.rate_limit_window,
    )
