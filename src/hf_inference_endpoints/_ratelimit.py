"""Client-side limits per provider: requests and tokens per minute (no I/O).

``HfInferenceConfig.provider_rate_limits`` gives, per provider, requests per minute (an
int, as always) or ``{"rpm": ..., "tpm": ...}`` (either or both; :func:`parse_limits`).

* Requests: each limited provider gets a :class:`RequestWindow`, a sliding window of send
  times: at most ``rpm`` sends in ANY ``window`` seconds (``rate_limit_window``, 60), the
  rule the providers, the emulator and the shared Redis schedule
  (``_shared_limits``) apply. (A token bucket that starts full would let one minute's
  budget go at once and then refill: up to twice the limit in one sliding minute.)
* Tokens: each provider with a ``tpm`` gets a :class:`TokenWindow`, a sliding window of
  weighted reservations (the rule providers and the emulator apply to tokens): a request
  reserves its estimated tokens (``_tokens.estimate_tokens``), and the count is
  corrected (:meth:`RateLimiter.settle`) from the answer's ``usage`` when it has one.

The twins ask :meth:`RateLimiter.reserve` before every request and sleep for the wait it
returns (through the wait engine, ``_waits.plan_wait``): nothing here sleeps. A
reservation is taken at once, so concurrent callers queue in arrival order without a
lock held across the sleep.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any, NamedTuple

from ._record import Record, record, set_field

__all__ = [
    "LIMIT_KINDS",
    "ProviderLimit",
    "RateLimiter",
    "RequestWindow",
    "TokenReservation",
    "TokenWindow",
    "counts_tokens",
    "parse_limits",
    "rate_limit_key",
]

#: The keys of a provider's limits mapping: requests and tokens per minute.
LIMIT_KINDS = ("rpm", "tpm")


@record
class ProviderLimit(Record):
    """One provider's limits: requests and tokens per minute (None: not limited)."""

    rpm: int | None = None
    tpm: int | None = None

    def __init__(
        self,
        rpm: int | None = None,
        tpm: int | None = None,
    ) -> None:
        set_field(self, "rpm", rpm)
        set_field(self, "tpm", tpm)


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return value


def parse_limits(limits: Mapping[str, Any]) -> dict[str, ProviderLimit]:
    """Every provider's :class:`ProviderLimit` from ``provider_rate_limits``.

    An int is requests per minute (the original shape); a mapping takes ``rpm`` and/or
    ``tpm``.

    Raises:
        ValueError: Not an int >= 1, an empty mapping, or an unknown key.

    Example:
        >>> parse_limits({"groq": 30, "together": {"rpm": 600, "tpm": 200_000}})
        {'groq': ProviderLimit(rpm=30, tpm=None), 'together': ProviderLimit(rpm=600, tpm=200000)}
    """
    if not isinstance(limits, Mapping):
        raise ValueError(f"provider_rate_limits must be a mapping, got {type(limits).__name__}")
    parsed: dict[str, ProviderLimit] = {}
    for provider, spec in limits.items():
        name = f"provider_rate_limits[{provider!r}]"
        if not isinstance(provider, str) or not provider:
            raise ValueError(f"provider_rate_limits keys must be provider names, got {provider!r}")
        if isinstance(spec, Mapping):
            unknown = sorted(str(k) for k in spec if k not in LIMIT_KINDS)
            if unknown or not spec:
                raise ValueError(
                    f"{name} takes 'rpm' and/or 'tpm' (requests and tokens per minute), "
                    f"got {sorted(str(k) for k in spec)}"
                )
            rpm, tpm = spec.get("rpm"), spec.get("tpm")
            parsed[provider] = ProviderLimit(
                None if rpm is None else _count(f"{name}['rpm']", rpm),
                None if tpm is None else _count(f"{name}['tpm']", tpm),
            )
        else:
            parsed[provider] = ProviderLimit(rpm=_count(name, spec))
    return parsed


class TokenReservation(NamedTuple):
    """Tokens reserved for one request: corrected from its answer's ``usage``."""

    key: str | None
    ticket: Any
    tokens: int


def counts_tokens(limits: Mapping[str, Any]) -> bool:
    """Whether any provider has a tokens-per-minute limit (requests then carry an estimate).

    Example:
        >>> counts_tokens({"groq": 30}), counts_tokens({"groq": {"tpm": 6000}})
        (False, True)
    """
    return any(isinstance(spec, Mapping) and spec.get("tpm") for spec in limits.values())


class RequestWindow:
    """At most ``limit`` sends in any ``window`` seconds, reserved ahead in arrival order.

    A sliding log of send times (ascending: each reservation goes no earlier than the
    last). A new send goes at the earliest time, not before the last reservation, where
    the window ending at it holds fewer than ``limit`` sends: at once while the log has
    room, else ``window`` seconds after the ``limit``-th newest send. Any window of
    length ``window`` then holds at most ``limit`` reserved sends, whatever the arrivals.

    Args:
        limit: Sends allowed in any window.
        window: Seconds of the window (60: requests per minute).

    Example:
        >>> window = RequestWindow(2, 60.0)
        >>> [window.reserve(0.0), window.reserve(1.0), window.reserve(2.0)]
        [0.0, 0.0, 58.0]
        >>> window.reserve(200.0)
        0.0
    """

    __slots__ = ("_sends", "_tickets", "limit", "window")

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._sends: deque[tuple[float, Any]] = deque()  # (send time, ticket), ascending
        self._tickets: dict[Any, tuple[float, Any]] = {}

    def reserve(self, now: float, *, ticket: Any = None, earliest: float = 0.0) -> float:
        """Reserve one send; the seconds to wait before it (0 = now).

        Args:
            now: The clock reading.
            ticket: A key to :meth:`refund` this reservation by.
            earliest: Not before this time (another limit's wait).
        """
        sends = self._sends
        while sends and sends[0][0] <= now - self.window:
            _, old = sends.popleft()
            if old is not None:
                self._tickets.pop(old, None)
        at = max(now, earliest, sends[-1][0] if sends else now)
        if len(sends) >= self.limit:  # the limit-th newest send must leave the window first
            at = max(at, sends[-self.limit][0] + self.window)
        entry = (at, ticket)
        sends.append(entry)
        if ticket is not None:
            self._tickets[ticket] = entry
        return at - now

    def refund(self, ticket: Any = None) -> None:
        """A reservation that was not sent frees its slot (found by its ticket).

        Without a ticket the slot stays taken (it simply goes unused): freeing another
        caller's slot instead could let ``limit + 1`` sends into one window.
        """
        entry = self._tickets.pop(ticket, None) if ticket is not None else None
        if entry is not None:
            self._sends.remove(entry)

    @property
    def reserved(self) -> int:
        """Sends in the window (and ahead of it) at the last update."""
        return len(self._sends)


class TokenWindow:
    """Tokens per sliding window, reserved ahead in arrival order (a weighted log).

    A reservation of ``amount`` tokens goes at the earliest time (not before the last
    reservation) where the tokens reserved in the ``window`` seconds up to it, plus
    ``amount``, stay within ``limit``; :meth:`reserve` returns the wait until then.

    Args:
        limit: Tokens allowed in any window.
        window: Seconds of the window (60: tokens per minute).

    Example:
        >>> window = TokenWindow(100, 60.0)
        >>> window.reserve(70, 0.0, ticket="a"), window.reserve(50, 1.0, ticket="b")
        (0.0, 59.0)
        >>> window.settle("a", 40)  # the answer's usage said 40
        >>> window.reserve(10, 2.0)  # queued behind "b" (arrival order), with room beside it
        58.0
    """

    __slots__ = ("_by_ticket", "_entries", "_total", "limit", "window")

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._entries: deque[list[Any]] = deque()  # [at, amount, ticket], at ascending
        self._by_ticket: dict[Any, list[Any]] = {}
        self._total = 0

    def _expire(self, now: float) -> None:
        entries = self._entries
        while entries and entries[0][0] <= now - self.window:
            _, amount, ticket = entries.popleft()
            self._total -= amount
            if ticket is not None:
                self._by_ticket.pop(ticket, None)

    def reserve(
        self, amount: int, now: float, *, ticket: Any = None, earliest: float = 0.0
    ) -> float:
        """Reserve ``amount`` tokens; the seconds to wait before sending (0 = now).

        Args:
            amount: The request's tokens (at most ``limit``).
            now: The clock reading.
            ticket: A key to :meth:`settle` or :meth:`refund` this reservation by.
            earliest: Not before this time (another limit's wait).

        Raises:
            ValueError: ``amount`` is above the limit: no window could ever hold it.
        """
        if amount > self.limit:
            raise ValueError(f"{amount} tokens never fit a limit of {self.limit}")
        self._expire(now)
        entries = self._entries
        at = max(now, earliest, entries[-1][0] if entries else now)
        total = self._total
        for entry in entries:  # oldest first: each one leaving the window frees its tokens
            if entry[0] > at - self.window and total + amount <= self.limit:
                break
            at = max(at, entry[0] + self.window)
            total -= entry[1]
        entry = [at, amount, ticket]
        entries.append(entry)
        self._total += amount
        if ticket is not None:
            self._by_ticket[ticket] = entry
        return at - now

    def settle(self, ticket: Any, actual: int) -> None:
        """Correct a reservation to the tokens the answer says it used."""
        entry = self._by_ticket.get(ticket)
        if entry is not None:
            self._total += actual - entry[1]
            entry[1] = actual

    def refund(self, ticket: Any) -> None:
        """A reservation that was not sent counts no tokens."""
        self.settle(ticket, 0)

    @property
    def reserved(self) -> int:
        """Tokens reserved in the window (and ahead of it) at the last update."""
        return self._total


class RateLimiter:
    """Request and token windows by provider, created on first use; thread-safe.

    Args:
        limits: ``provider_rate_limits``: requests per minute (int) or ``{"rpm", "tpm"}``
            by provider; providers not listed are unlimited.
        window: Seconds the request and token limits count in (60: per minute).

    Example:
        >>> limiter = RateLimiter({"together": 2})
        >>> [limiter.reserve("together", 0.0) for _ in range(3)]
        [0.0, 0.0, 60.0]
        >>> limiter.reserve("groq", 0.0)
        0.0
        >>> tokens = RateLimiter({"groq": {"tpm": 1000}})
        >>> tokens.reserve("groq", 0.0, tokens=800), tokens.reserve("groq", 0.0, tokens=800)
        (0.0, 60.0)
    """

    local = True  # no I/O: called directly, even from an event loop

    def __init__(self, limits: Mapping[str, Any], *, window: float = 60.0) -> None:
        parsed = parse_limits(limits)
        self.limits = {p: limit.rpm for p, limit in parsed.items() if limit.rpm}
        self.token_limits = {p: limit.tpm for p, limit in parsed.items() if limit.tpm}
        self.window = window
        self._requests: dict[str, RequestWindow] = {}
        self._windows: dict[str, TokenWindow] = {}
        self._tickets = itertools.count()
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.limits or self.token_limits)

    def new_ticket(self) -> str:
        """A key for one reservation, to :meth:`settle` its tokens later."""
        return f"t{next(self._tickets)}"

    def describe(self, provider: str | None) -> str:
        """The provider's limits in words (error messages)."""
        parts = []
        if provider in self.limits:
            parts.append(f"{self.limits[provider]} requests/min")
        if provider in self.token_limits:
            parts.append(f"{self.token_limits[provider]} tokens/min")
        return ", ".join(parts) or "no limit"

    def reserve(
        self, provider: str | None, now: float, tokens: int = 0, ticket: Any = None
    ) -> float:
        """Seconds to wait before sending a request of ``tokens`` to ``provider``.

        Raises:
            ValueError: ``tokens`` is above the provider's tokens per minute.
        """
        if provider is None:
            return 0.0
        limit = self.limits.get(provider)
        token_limit = self.token_limits.get(provider) if tokens > 0 else None
        if limit is None and token_limit is None:
            return 0.0
        if token_limit is not None and tokens > token_limit:
            raise ValueError(f"{tokens} tokens never fit {provider}'s {token_limit} tokens/min")
        wait = 0.0
        with self._lock:
            if limit is not None:
                requests = self._requests.get(provider)
                if requests is None:
                    requests = self._requests[provider] = RequestWindow(limit, self.window)
                wait = requests.reserve(now, ticket=ticket)
            if token_limit is not None:
                window = self._windows.get(provider)
                if window is None:
                    window = self._windows[provider] = TokenWindow(token_limit, self.window)
                wait = window.reserve(tokens, now, ticket=ticket, earliest=now + wait)
        return wait

    def refund(self, provider: str | None, now: float, tokens: int = 0, ticket: Any = None) -> None:
        """Give back what :meth:`reserve` took for a request that was not sent."""
        if provider is None:
            return
        with self._lock:
            requests = self._requests.get(provider)
            if requests is not None:
                requests.refund(ticket)
            window = self._windows.get(provider)
            if window is not None and tokens > 0:
                window.refund(ticket)

    def settle(self, provider: str | None, ticket: Any, estimated: int, actual: int) -> None:
        """Correct a reservation's tokens to what the answer's ``usage`` says."""
        if provider is None:
            return
        with self._lock:
            window = self._windows.get(provider)
            if window is not None:
                window.settle(ticket, actual)

    # The surface of the shared limiter (``_shared_limits.SharedRateLimiter``): the
    # transport calls these only on a limiter that is not ``local``.
    async def areserve(
        self, provider: str | None, now: float, tokens: int = 0, ticket: Any = None
    ) -> float:
        """:meth:`reserve` for the async client."""
        return self.reserve(provider, now, tokens, ticket)

    async def asettle(self, provider: str | None, ticket: Any, estimated: int, actual: int) -> None:
        """:meth:`settle` for the async client."""
        self.settle(provider, ticket, estimated, actual)

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
