"""Provider rate limits shared by every process using one Redis (``rate_limit_url``).

Each request reserves a send time in a per-provider *schedule* kept on Redis: at most
``rpm`` sends and ``tpm`` tokens in any window of one minute (a sliding window, the rule
the providers and the emulator apply), and none before a ``Retry-After`` pause that any
worker reported. One Lua script does the whole reservation atomically on Redis' own
clock, so workers on different machines need no clock agreement, and each reservation is
one round trip. Tokens are weighted entries (``"<tokens>|<ticket>"`` in a sorted set by
send time); the same script corrects an entry from the answer's ``usage`` (``settle``).

Why not the ``limits`` library (docs/SCALING.md has the full evaluation): it answers "may
I send now?" (``hit(cost=...)`` -> bool), so waiting callers would poll Redis and race
each other; it has no reservation ("you go at t"), no way to correct a hit's cost
afterwards, no place to share a ``Retry-After`` pause, its moving window stores one list
element per unit of cost (a 2,000-token request pushes 2,000 timestamps) and its
timestamps come from each client's clock. All of it is one Lua script here.

When Redis fails, the limiter falls back to this process's own limits
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

#: KEYS: schedule (zset of send times), pause (float: no send before), tokens (zset of
#: send times, members ``"<tokens>|<ticket>"``).
#: ARGV: request limit (0: none), window seconds, ticket, pause seconds (>0: pause),
#: token limit (0: none), tokens, settle (>= 0: correct the ticket's tokens to it).
RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[2])
local settle = tonumber(ARGV[7])
if settle >= 0 then
  local old = ARGV[6] .. '|' .. ARGV[3]
  local score = redis.call('ZSCORE', KEYS[3], old)
  if score then
    redis.call('ZREM', KEYS[3], old)
    redis.call('ZADD', KEYS[3], score, ARGV[7] .. '|' .. ARGV[3])
  end
  return '0'
end
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
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[1])
  if n >= limit then
    local e = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
    local free = tonumber(e[2]) + window
    if free > at then at = free end
  end
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] ~= nil and tonumber(last[2]) > at then at = tonumber(last[2]) end
end
local token_limit = tonumber(ARGV[5])
local tokens = tonumber(ARGV[6])
local weighed = token_limit > 0 and tokens > 0
if weighed then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
  local e = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
  local n = #e / 2
  if n > 0 and tonumber(e[2 * n]) > at then at = tonumber(e[2 * n]) end
  local amounts = {}
  local total = 0
  for i = 1, n do
    amounts[i] = tonumber(string.match(e[2 * i - 1], '^(%d+)|')) or 0
    total = total + amounts[i]
  end
  for i = 1, n do
    local sent = tonumber(e[2 * i])
    if sent > at - window and total + tokens <= token_limit then break end
    if sent + window > at then at = sent + window end
    total = total - amounts[i]
  end
end
if limit > 0 then
  redis.call('ZADD', KEYS[1], at, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil((at - now + window) * 1000) + 1000)
end
if weighed then
  redis.call('ZADD', KEYS[3], at, ARGV[6] .. '|' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[3], math.ceil((at - now + window) * 1000) + 1000)
end
return tostring(at - now)
"""


class RateLimitBackendUnavailable(HfError):
    """The shared rate-limit backend failed and ``rate_limit_backend_required`` is set."""


class SharedRateLimiter:
    """Request and token limits per provider, shared through a Redis storage.

    Args:
        storage: A :class:`~hf_inference_endpoints._storage.redis.RedisStorage`.
        limits: ``provider_rate_limits``: requests per minute (int) or ``{"rpm", "tpm"}``
            by provider (others are only paused by ``Retry-After``).
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
        limits: Mapping[str, Any],
        *,
        required: bool = False,
        window: float = 60.0,
        margin: float = 0.02,
    ) -> None:
        self.storage = storage
        self.required = required
        self.window = window * (1.0 + margin)
        self.fallback = RateLimiter(limits, window=window)
        self.limits = self.fallback.limits
        self.token_limits = self.fallback.token_limits
        self._ids = itertools.count()
        import uuid  # Redis only: not at import

        self._tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def __bool__(self) -> bool:
        return True  # even unlimited providers share Retry-After pauses

    def new_ticket(self) -> str:
        """A key for one reservation, unique across processes (its schedule member)."""
        return f"{self._tag}-{next(self._ids)}-{time.monotonic():.6f}"

    def describe(self, provider: str | None) -> str:
        """The provider's limits in words (error messages)."""
        return self.fallback.describe(provider)

    def _args(
        self,
        provider: str,
        *,
        pause: float = 0.0,
        tokens: int = 0,
        ticket: Any = None,
        settle: int = -1,
    ) -> tuple[list[str], list[Any]]:
        keys = [f"rl:{provider}:schedule", f"rl:{provider}:pause", f"rl:{provider}:tokens"]
        member = ticket if ticket is not None else self.new_ticket()
        token_limit = self.token_limits.get(provider, 0) if tokens > 0 else 0
        args = [self.limits.get(provider, 0), self.window, member, pause]
        return keys, [*args, token_limit, tokens, settle]

    def _failed(self, exc: Exception) -> None:
        if self.required:
            raise RateLimitBackendUnavailable(
                f"The shared rate-limit backend failed ({type(exc).__name__}: {exc}) and "
                "rate_limit_backend_required is set"
            ) from exc
        warn_once(self, "shared rate limit (falling back to this process's limits)", exc)

    def _check(self, provider: str, tokens: int) -> None:
        limit = self.token_limits.get(provider)
        if limit is not None and tokens > limit:
            raise ValueError(f"{tokens} tokens never fit {provider}'s {limit} tokens/min")

    def reserve(
        self, provider: str | None, now: float, tokens: int = 0, ticket: Any = None
    ) -> float:
        """Seconds to wait before sending to ``provider`` (its slot and tokens are taken)."""
        if provider is None:
            return 0.0
        self._check(provider, tokens)
        keys, args = self._args(provider, tokens=tokens, ticket=ticket)
        try:
            wait = float(self.storage.run_script(RESERVE_SCRIPT, keys, args))
        except RateLimitBackendUnavailable:
            raise
        except Exception as exc:
            self._failed(exc)
            return self.fallback.reserve(provider, now, tokens, ticket)
        recovered(self)
        return wait

    async def areserve(
        self, provider: str | None, now: float, tokens: int = 0, ticket: Any = None
    ) -> float:
        """:meth:`reserve` for the async client."""
        if provider is None:
            return 0.0
        self._check(provider, tokens)
        keys, args = self._args(provider, tokens=tokens, ticket=ticket)
        try:
            wait = float(await self.storage.arun_script(RESERVE_SCRIPT, keys, args))
        except Exception as exc:
            self._failed(exc)
            return self.fallback.reserve(provider, now, tokens, ticket)
        recovered(self)
        return wait

    def refund(self, provider: str | None, now: float, tokens: int = 0, ticket: Any = None) -> None:
        """A slot of the shared schedule is not given back (it simply goes unused)."""
        self.fallback.refund(provider, now, tokens, ticket)

    def settle(self, provider: str | None, ticket: Any, estimated: int, actual: int) -> None:
        """Correct a reservation's tokens to the answer's ``usage``, for every worker."""
        if provider is None:
            return
        self.fallback.settle(provider, ticket, estimated, actual)  # reserved there in an outage
        keys, args = self._args(provider, tokens=estimated, ticket=ticket, settle=actual)
        try:
            self.storage.run_script(RESERVE_SCRIPT, keys, args)
        except Exception as exc:
            self._failed(exc)

    async def asettle(self, provider: str | None, ticket: Any, estimated: int, actual: int) -> None:
        """:meth:`settle` for the async client."""
        if provider is None:
            return
        self.fallback.settle(provider, ticket, estimated, actual)
        keys, args = self._args(provider, tokens=estimated, ticket=ticket, settle=actual)
        try:
            await self.storage.arun_script(RESERVE_SCRIPT, keys, args)
        except Exception as exc:
            self._failed(exc)

    def penalize(self, provider: str | None, seconds: float) -> None:
        """Tell every worker to send nothing to ``provider`` for ``seconds`` (a 429's wait)."""
        if provider is None or seconds <= 0:
            return
        try:
            self.storage.run_script(RESERVE_SCRIPT, *self._args(provider, pause=seconds))
        except Exception as exc:
            self._failed(exc)

    async def apenalize(self, provider: str | None, seconds: float) -> None:
        """:meth:`penalize` for the async client."""
        if provider is None or seconds <= 0:
            return
        try:
            await self.storage.arun_script(RESERVE_SCRIPT, *self._args(provider, pause=seconds))
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
    """The limiter a config asks for: None (no limits), local windows, or shared on Redis.

    Raises:
        ConfigurationError: ``rate_limit_url`` names a backend that cannot share limits.
    """
    url = config.rate_limit_url
    if url is None or url.startswith("memory://"):
        return RateLimiter(config.provider_rate_limits, window=config.rate_limit_window) or None
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
