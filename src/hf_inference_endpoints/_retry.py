"""Retry policy, Retry-After parsing and deadline arithmetic (no I/O).

The transport of each twin asks :class:`RetryState` what to do after a failed
attempt; the answer is a delay in seconds, or the error to raise. Cold starts
(503 + ``estimated_time``) are waited out on their own budget
(``cold_start_timeout``) and do not use up ``max_retries``.
"""

from __future__ import annotations

import email.utils
import math
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ._errors import ColdStartTimeout, HfError, ModelLoading, RequestTimeout

__all__ = ["RetryPolicy", "RetryState", "parse_retry_after"]

#: Shortest wait between two cold-start polls, so a server saying "0 s" is not hammered.
MIN_COLD_START_POLL = 0.25


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Read how long the server asked us to wait.

    Understands ``retry-after-ms`` (milliseconds), ``Retry-After`` in seconds and
    ``Retry-After`` as an HTTP date.

    Args:
        headers: Response headers (case-insensitive mapping).
        now: Current wall-clock time (epoch seconds), for the HTTP-date form.

    Returns:
        Seconds to wait (never negative), or None when the server said nothing usable.

    Example:
        >>> parse_retry_after({"retry-after-ms": "1500"})
        1.5
    """
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            value = float(raw_ms) / 1000.0
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            return max(0.0, value)
    raw = headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        import time

        current = time.time() if now is None else now
        return max(0.0, when.timestamp() - current)
    return max(0.0, seconds) if math.isfinite(seconds) else None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a client retries.

    Attributes:
        max_retries: Retries after the first attempt on retryable errors.
        base_delay: First backoff delay in seconds (doubles each retry, full jitter).
        max_delay: Cap on any single delay, including one a server asked for.
        wait_for_model: Wait out "model loading" answers.
        cold_start_timeout: Budget for cold-start waits, in seconds.
    """

    max_retries: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    wait_for_model: bool = True
    cold_start_timeout: float = 300.0


def _default_backoff(policy: RetryPolicy) -> Iterator[float]:
    # backoff is imported only when a retry happens: it pulls in asyncio, which a
    # sync client that never retries should not pay for at import time.
    import backoff

    gen = backoff.expo(base=2, factor=policy.base_delay, max_value=policy.max_delay)
    next(gen)  # prime the generator (backoff's generators yield None first)
    return gen


class RetryState:
    """The retry bookkeeping of one call (all its attempts).

    Args:
        policy: The retry policy.
        started: Clock reading when the call began.
        deadline: Clock reading after which no attempt may start (None: no limit).
        jitter: Maps a backoff ceiling to the actual delay (full jitter by default).

    Example:
        >>> from hf_inference_endpoints._errors import RateLimited
        >>> state = RetryState(RetryPolicy(max_retries=1), started=0.0)
        >>> state.next_delay(RateLimited("busy", retry_after=2.0), now=0.0)
        2.0
    """

    __slots__ = (
        "_backoff",
        "_cold_started",
        "_jitter",
        "attempts",
        "cold_waited",
        "deadline",
        "policy",
        "retries",
        "started",
    )

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        started: float,
        deadline: float | None = None,
        jitter: Callable[[float], float] | None = None,
    ) -> None:
        self.policy = policy
        self.started = started
        self.deadline = deadline
        self.retries = 0
        self.attempts = 1
        self.cold_waited = 0.0  # seconds slept waiting for a loading model
        self._cold_started: float | None = None
        self._backoff: Iterator[float] | None = None
        self._jitter = jitter or (lambda ceiling: random.uniform(0.0, ceiling))

    def remaining(self, now: float) -> float | None:
        """Seconds left before the call's deadline, or None when unbounded."""
        return None if self.deadline is None else self.deadline - now

    def next_delay(self, error: HfError, now: float) -> float:
        """Decide what to do after ``error``.

        Args:
            error: The error the last attempt produced.
            now: Current clock reading.

        Returns:
            The delay to sleep before the next attempt.

        Raises:
            HfError: ``error`` itself when it is final, or ``ColdStartTimeout`` when a
                model was still loading at the end of the cold-start budget.
        """
        if isinstance(error, ModelLoading):
            delay = self._cold_start_delay(error, now)
        else:
            if not error.is_retryable or self.retries >= self.policy.max_retries:
                raise error
            delay = self._backoff_delay(error)
            self.retries += 1
        remaining = self.remaining(now)
        if remaining is not None and delay >= remaining:
            if isinstance(error, ModelLoading):
                raise self._cold_timeout(error, now)
            raise error
        self.attempts += 1
        if isinstance(error, ModelLoading):
            self.cold_waited += delay
        return delay

    def _backoff_delay(self, error: HfError) -> float:
        asked = error.retry_after
        if asked is not None:
            return min(asked, self.policy.max_delay)
        if self._backoff is None:
            self._backoff = _default_backoff(self.policy)
        ceiling = min(next(self._backoff), self.policy.max_delay)
        return self._jitter(ceiling)

    def _cold_start_delay(self, error: ModelLoading, now: float) -> float:
        if not self.policy.wait_for_model:
            raise error
        if self._cold_started is None:
            self._cold_started = now
        waited = now - self._cold_started
        budget = self.policy.cold_start_timeout - waited
        if budget <= 0:
            raise self._cold_timeout(error, now)
        hint = error.retry_after
        delay = max(MIN_COLD_START_POLL, self.policy.base_delay if hint is None else hint)
        return min(delay, self.policy.max_delay, budget)

    def _cold_timeout(self, error: ModelLoading, now: float) -> ColdStartTimeout:
        began = self._cold_started if self._cold_started is not None else now
        waited = now - began
        if error.endpoint:
            what = f"Endpoint {error.endpoint} was still waking up"
        else:
            what = "The model was still loading"
        return ColdStartTimeout(
            f"{what} after waiting {waited:.1f} s "
            f"(cold_start_timeout={self.policy.cold_start_timeout:g} s); "
            "raise cold_start_timeout or warm the model up first",
            waited=waited,
            status_code=error.status_code,
            request_id=error.request_id,
            provider=error.provider,
            model=error.model,
            endpoint=error.endpoint,
            server_message=error.server_message,
            body=error.body,
        )


def deadline_error(timeout: float, *, model: str | None, provider: str | None) -> RequestTimeout:
    """The error raised when a call's total ``timeout`` runs out."""
    return RequestTimeout(
        f"The call did not finish within its timeout of {timeout:g} s",
        model=model,
        provider=provider,
    )
