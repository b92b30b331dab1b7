"""Retry policy, Retry-After parsing and deadline arithmetic (no I/O).

The transport of each twin asks :class:`RetryState` what to do after a failed
attempt; the answer is a delay in seconds, or the error to raise. Cold starts
(503 + ``estimated_time``) are waited out on their own budget
(``cold_start_timeout``) and do not use up ``max_retries``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any

from ._errors import (
    ColdStartTimeout,
    DeadlineExceeded,
    HfError,
    InvalidArgument,
    ModelLoading,
)
from ._record import Record, record, set_field
from ._waits import plan_wait

if TYPE_CHECKING:
    from ._config import HfInferenceConfig

__all__ = ["Deadline", "RetryPolicy", "RetryState", "deadline_error", "parse_retry_after"]

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
        import email.utils  # an HTTP date is rare; the import is not (~2 ms)

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


@record
class RetryPolicy(Record):
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

    def __init__(
        self,
        max_retries: int = 3,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        wait_for_model: bool = True,
        cold_start_timeout: float = 300.0,
    ) -> None:
        set_field(self, "max_retries", max_retries)
        set_field(self, "base_delay", base_delay)
        set_field(self, "max_delay", max_delay)
        set_field(self, "wait_for_model", wait_for_model)
        set_field(self, "cold_start_timeout", cold_start_timeout)

    @classmethod
    def from_config(cls, config: HfInferenceConfig) -> RetryPolicy:
        """The policy a client's config sets (``max_retries``, ``retry_*_delay``,
        ``auto_wait_for_model``, ``cold_start_timeout``)."""
        return cls(
            max_retries=config.max_retries,
            base_delay=config.retry_base_delay,
            max_delay=config.retry_max_delay,
            wait_for_model=config.auto_wait_for_model,
            cold_start_timeout=config.cold_start_timeout,
        )


def _default_backoff(policy: RetryPolicy) -> Iterator[float]:
    # backoff is imported only when a retry happens: it pulls in asyncio, which a sync
    # client that never retries should not pay for at import time. An import can fail
    # with OSError when the process is out of file descriptors (the very failure being
    # retried): the same exponential sequence is then computed here, so the retry path
    # never lets a raw OSError out.
    try:
        import backoff
    except OSError:
        return _plain_expo(policy)
    gen = backoff.expo(base=2, factor=policy.base_delay, max_value=policy.max_delay)
    next(gen)  # prime the generator (backoff's generators yield None first)
    return gen


def _plain_expo(policy: RetryPolicy) -> Iterator[float]:
    """``backoff.expo(base=2, factor=base_delay, max_value=max_delay)``, without backoff."""
    delay = policy.base_delay
    while True:
        yield min(delay, policy.max_delay)
        delay *= 2


class RetryState:
    """The retry bookkeeping of one call (all its attempts).

    Every wait it plans (backoff, ``Retry-After``, cold-start polls) is asked of the
    wait engine (:func:`~hf_inference_endpoints._waits.plan_wait`) against the call's
    one :class:`Deadline`: a wait that the deadline cannot fit, with an attempt after
    it, is refused (``DeadlineExceeded``; ``ColdStartTimeout`` for a loading model).

    Args:
        policy: The retry policy.
        started: Clock reading when the request began (for ``elapsed`` and cold starts).
        deadline: The call's deadline (None: no limit); no attempt starts past it.
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
        "call_left",
        "cold_waited",
        "deadline",
        "policy",
        "reservation",
        "retries",
        "started",
    )

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        started: float,
        deadline: Deadline | None = None,
        jitter: Callable[[float], float] | None = None,
    ) -> None:
        self.policy = policy
        self.started = started
        self.deadline = deadline
        self.retries = 0
        self.attempts = 1
        # seconds of the call's deadline left when the current attempt began (None: no
        # limit): which limit can cut the attempt's I/O, the call's or the attempt's own
        self.call_left: float | None = None
        self.cold_waited = 0.0  # seconds slept waiting for a loading model
        # the tokens the current attempt reserved (a TokenReservation), for a stream
        # to correct from its usage once it has read it
        self.reservation: Any = None
        self._cold_started: float | None = None
        self._backoff: Iterator[float] | None = None
        self._jitter = jitter or (lambda ceiling: random.uniform(0.0, ceiling))

    def remaining(self) -> float | None:
        """Seconds left of the call's deadline (its own clock), or None when unbounded."""
        deadline = self.deadline
        return None if deadline is None or deadline.at is None else deadline.remaining()

    def next_delay(self, error: HfError, now: float) -> float:
        """Decide what to do after ``error``.

        Args:
            error: The error the last attempt produced.
            now: Current clock reading.

        Returns:
            The delay to sleep before the next attempt.

        Raises:
            HfError: ``error`` itself when it is final, or ``ColdStartTimeout`` when a
                model was still loading at the end of the cold-start budget (or of the
                call's deadline).
            DeadlineExceeded: The call's deadline cannot fit the wait and another
                attempt (``error`` is its ``__cause__``).
        """
        if isinstance(error, DeadlineExceeded):  # the call's time is up: nothing to retry
            raise error
        if isinstance(error, ModelLoading):
            delay = self._cold_start_delay(error, now)
        else:
            if not error.is_retryable or self.retries >= self.policy.max_retries:
                raise error
            delay = self._backoff_delay(error)
            self.retries += 1
        left = self.remaining()
        pause = plan_wait(delay, left)
        if pause is None:  # no time left for the wait and another attempt
            if isinstance(error, ModelLoading):
                raise self._cold_timeout(error, now, by_deadline=True)
            raise self._out_of_time(error, delay, left) from error
        delay = pause.seconds
        self.attempts += 1
        if isinstance(error, ModelLoading):
            self.cold_waited += delay
        return delay

    def _out_of_time(self, error: HfError, delay: float, left: float | None) -> DeadlineExceeded:
        """The call's deadline refused a retry wait after ``error``."""
        assert self.deadline is not None and self.deadline.timeout is not None
        doing = (
            f"waiting {delay:.1f} s to retry after {type(error).__name__} "
            f"({error.message}); {max(0.0, left or 0.0):.1f} s were left"
        )
        exc = deadline_error(
            self.deadline.timeout, model=error.model, provider=error.provider, doing=doing
        )
        exc.endpoint, exc.request_id = error.endpoint, error.request_id  # not in the message:
        return exc  # a download's "endpoint" is the file's URL

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

    def _cold_timeout(
        self, error: ModelLoading, now: float, *, by_deadline: bool = False
    ) -> ColdStartTimeout:
        began = self._cold_started if self._cold_started is not None else now
        waited = now - began
        if error.endpoint:
            what = f"Endpoint {error.endpoint} was still waking up"
        else:
            what = "The model was still loading"
        if by_deadline:  # the call's own timeout, not cold_start_timeout, ran out
            why = f"{what} when the call's timeout ran out; pass a larger timeout= or warm it up first"
        else:
            why = (
                f"{what} after waiting {waited:.1f} s "
                f"(cold_start_timeout={self.policy.cold_start_timeout:g} s); "
                "raise cold_start_timeout or warm the model up first"
            )
        return ColdStartTimeout(
            why,
            waited=waited,
            status_code=error.status_code,
            request_id=error.request_id,
            provider=error.provider,
            model=error.model,
            endpoint=error.endpoint,
            server_message=error.server_message,
            body=error.body,
        )


def deadline_error(
    timeout: float,
    *,
    model: str | None,
    provider: str | None,
    endpoint: str | None = None,
    doing: str | None = None,
) -> DeadlineExceeded:
    """The error raised when a call's total ``timeout`` runs out.

    Args:
        timeout: The call's ``timeout`` (seconds).
        model: The model of the call, if known.
        provider: The provider of the call, if known.
        endpoint: The dedicated endpoint (``namespace/name``) of the call, if any.
        doing: What the call was doing when the time ran out (``"looking up the
            endpoint"``), for the message.

    Example:
        >>> deadline_error(10, model=None, provider="endpoint", endpoint="acme/ep").message
        'The call on endpoint acme/ep did not finish within its timeout of 10 s'
    """
    who = f"The call on endpoint {endpoint}" if endpoint else "The call"
    message = f"{who} did not finish within its timeout of {timeout:g} s"
    if doing:
        message += f": it ran out while {doing}"
    return DeadlineExceeded(message, model=model, provider=provider, endpoint=endpoint)


@record
class Deadline(Record):
    """When a call's total ``timeout`` runs out, on the monotonic clock it was started with.

    One per public call: each step of the call (a lookup, a wait, the request) gets what
    is left of it. A deadline without ``timeout`` never runs out.

    Attributes:
        timeout: The call's ``timeout`` in seconds (None: no limit).
        at: The clock reading at which it runs out (None: never).
        clock: The twin's monotonic clock (``async_monotonic`` / ``sync_monotonic``).

    Example:
        >>> ticks = iter([100.0, 104.0])
        >>> deadline = Deadline.start(10, lambda: next(ticks))
        >>> deadline.remaining()
        6.0
    """

    timeout: float | None
    at: float | None
    clock: Callable[[], float] = field(repr=False, compare=False)

    def __init__(
        self,
        timeout: float | None,
        at: float | None,
        clock: Callable[[], float],
    ) -> None:
        set_field(self, "timeout", timeout)
        set_field(self, "at", at)
        set_field(self, "clock", clock)

    @classmethod
    def start(cls, timeout: float | None, clock: Callable[[], float]) -> Deadline:
        """The deadline of a call starting now.

        Args:
            timeout: Seconds for the whole call (None: no limit).
            clock: The monotonic clock to read now and later.

        Raises:
            ValidationError: ``timeout`` is not a number of seconds >= 0.
        """
        if timeout is None:
            return cls(None, None, clock)
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or math.isnan(timeout)
            or timeout < 0
        ):
            raise InvalidArgument(f"timeout must be seconds >= 0 or None, got {timeout!r}")
        return cls(timeout, clock() + timeout, clock)

    def remaining(self) -> float | None:
        """Seconds left (<= 0 once passed), or None without a timeout."""
        return None if self.at is None else self.at - self.clock()

    def expired(self) -> bool:
        """Whether the call's time is up (never without a timeout)."""
        return self.at is not None and self.clock() >= self.at

    def left(
        self,
        *,
        model: str | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        doing: str | None = None,
    ) -> float | None:
        """Seconds left for the next step (None: no limit).

        Raises:
            RequestTimeout: None are left (see :func:`deadline_error` for the arguments).
        """
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            assert self.timeout is not None
            raise deadline_error(
                self.timeout, model=model, provider=provider, endpoint=endpoint, doing=doing
            )
        return remaining

    def within(self, seconds: float) -> Deadline:
        """The deadline of a step that may take at most ``seconds`` of this call.

        This deadline, or ``seconds`` from now on its clock when that comes sooner: one
        value for a wait with a limit of its own (an endpoint wait) inside a call with a
        ``timeout=``. Its ``timeout`` is the limit that binds.

        Example:
            >>> ticks = iter([100.0, 100.0])
            >>> Deadline.start(10, lambda: next(ticks)).within(30).timeout
            10
        """
        now = self.clock()
        ends = now + max(0.0, seconds)
        if self.at is not None and self.at <= ends:
            return self
        return Deadline(seconds, ends, self.clock)

    def cap(self, seconds: float) -> float:
        """``seconds``, or the time left when that is shorter (never below 0)."""
        remaining = self.remaining()
        return seconds if remaining is None else max(0.0, min(seconds, remaining))
