"""Client-side request rate limits per provider: token buckets (no I/O).

``HfInferenceConfig.provider_rate_limits`` gives requests per minute per provider.
Each limited provider gets a :class:`TokenBucket` holding up to one minute's worth of
requests and refilled continuously at ``limit / 60`` tokens per second. The twins
ask :meth:`RateLimiter.reserve` before every request and sleep for the wait it
returns (``async_sleep`` / ``sync_sleep``): nothing here sleeps. A reservation is
taken at once, so concurrent callers queue in arrival order without a lock held
across the sleep.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

__all__ = ["RateLimiter", "TokenBucket", "rate_limit_key"]


class TokenBucket:
    """A token bucket that lends tokens ahead: ``reserve`` returns how long to wait.

    Args:
        per_minute: Tokens added per minute (the sustained request rate).
        capacity: Most tokens held at once (the burst); defaults to ``per_minute``.
        now: Clock reading at creation (the bucket starts full).

    Example:
        >>> bucket = TokenBucket(60, capacity=1, now=0.0)
        >>> bucket.reserve(0.0), bucket.reserve(0.0), bucket.reserve(0.0)
        (0.0, 1.0, 2.0)
        >>> bucket.reserve(10.0)
        0.0
    """

    __slots__ = ("_stamp", "_tokens", "capacity", "rate")

    def __init__(self, per_minute: float, *, capacity: float | None = None, now: float) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute if capacity is None else capacity)
        if self.capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._tokens = self.capacity
        self._stamp = now

    def _refill(self, now: float) -> None:
        if now > self._stamp:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now

    def reserve(self, now: float) -> float:
        """Take one token; return the seconds to wait before using it (0 = go now)."""
        self._refill(now)
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def refund(self, now: float) -> None:
        """Give back a token reserved but not used (e.g. the wait was cancelled)."""
        self._refill(now)
        self._tokens = min(self.capacity, self._tokens + 1.0)

    @property
    def tokens(self) -> float:
        """Tokens available at the last update (negative: requests queued ahead)."""
        return self._tokens


class RateLimiter:
    """Token buckets by provider name, created on first use; thread-safe.

    Args:
        limits: Requests per minute by provider; providers not listed are unlimited.

    Example:
        >>> limiter = RateLimiter({"together": 2})
        >>> [limiter.reserve("together", 0.0) for _ in range(3)]
        [0.0, 0.0, 30.0]
        >>> limiter.reserve("groq", 0.0)
        0.0
    """

    local = True  # no I/O: called directly, even from an event loop

    def __init__(self, limits: Mapping[str, int]) -> None:
        self.limits = dict(limits)
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.limits)

    def reserve(self, provider: str | None, now: float) -> float:
        """Seconds to wait before sending a request to ``provider`` (0 when unlimited)."""
        if provider is None:
            return 0.0
        limit = self.limits.get(provider)
        if limit is None:
            return 0.0
        with self._lock:
            bucket = self._buckets.get(provider)
            if bucket is None:
                bucket = self._buckets[provider] = TokenBucket(limit, now=now)
            return bucket.reserve(now)

    def refund(self, provider: str | None, now: float) -> None:
        """Return a token taken by :meth:`reserve` for a request that was not sent."""
        if provider is None:
            return
        with self._lock:
            bucket = self._buckets.get(provider)
            if bucket is not None:
                bucket.refund(now)

    # The surface of the shared limiter (``_shared_limits.SharedRateLimiter``): the
    # transport calls these only on a limiter that is not ``local``.
    async def areserve(self, provider: str | None, now: float) -> float:
        """:meth:`reserve` for the async client."""
        return self.reserve(provider, now)

    def penalize(self, provider: str | None, seconds: float) -> None:
        """Nothing: in one process each call honours its own ``Retry-After``."""

    async def apenalize(self, provider: str | None, seconds: float) -> None:
        """Nothing (see :meth:`penalize`)."""

    def close(self) -> None:
        """Nothing to close."""

    async def aclose(self) -> None:
        """Nothing to close."""


def rate_limit_key(provider: str | None, task: str) -> str | None:
    """The provider a request counts against, or None for requests that are not limited.

    Hub lookups and output downloads are not provider requests. A chat forced onto a
    provider through the OpenAI-compatible router (``router:together``) counts
    against that provider.

    Example:
        >>> rate_limit_key("router:together", "conversational")
        'together'
        >>> rate_limit_key("hub", "hub") is None
        True
    """
    if provider is None or task in ("hub", "download"):
        return None
    if provider.startswith("router:"):
        return provider.split(":", 1)[1]
    return provider
