"""Adaptive concurrency per provider: AIMD on in-flight requests (no I/O).

With ``HfInferenceConfig.adaptive_concurrency = N`` every provider gets an
:class:`AimdLimit`: requests beyond its current limit wait for a slot. Each good answer
(< 400) while the limit is full raises it by ``1 / limit`` (about one more slot per round
of answers, up to ``N``; an idle limit does not grow); a 429 or a 5xx halves it (down to 1), once per round: answers to requests sent
before the last cut do not cut again. A bulk job thus converges on what the provider
serves instead of storming it. The transport reports the limit and the requests in
flight to telemetry (``hf.client.concurrency.limit`` / ``.in_flight``).

The waiting is the twins' business: :meth:`AimdLimit.acquire` takes a slot or queues the
caller's event (``AsyncEvent`` / ``SyncEvent`` from ``_io``), which :meth:`AimdLimit.release`
hands back to be set; a woken caller tries again.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

__all__ = ["AdaptiveConcurrency", "AimdLimit", "Outcome", "outcome_of"]

Outcome = Literal["ok", "overload", "neutral"]


def outcome_of(status: int) -> Outcome:
    """How an answer's status moves the limit: < 400 ok, 429 and 5xx overload.

    Example:
        >>> outcome_of(200), outcome_of(429), outcome_of(503), outcome_of(404)
        ('ok', 'overload', 'overload', 'neutral')
    """
    if status < 400:
        return "ok"
    if status == 429 or status >= 500:
        return "overload"
    return "neutral"


class AimdLimit:
    """One provider's in-flight limit (additive increase, multiplicative decrease).

    Args:
        maximum: The most requests in flight.
        initial: The starting limit (default ``min(4, maximum)``).
        minimum: The fewest (at least 1).
        decrease: Factor applied on overload.

    Example:
        >>> gate = AimdLimit(8, initial=2)
        >>> gate.acquire(None), gate.acquire(None), gate.acquire("waiter")
        (True, True, False)
        >>> gate.release("overload", started=0.0, now=1.0)  # the waiter tries again
        ['waiter']
        >>> gate.limit, gate.in_flight, gate.acquire("waiter")
        (1.0, 1, False)
        >>> gate.release("ok", started=2.0, now=3.0), gate.limit
        (['waiter'], 2.0)
    """

    __slots__ = (
        "_last_cut",
        "_lock",
        "decrease",
        "in_flight",
        "limit",
        "maximum",
        "minimum",
        "waiters",
    )

    def __init__(
        self,
        maximum: int,
        *,
        initial: int | None = None,
        minimum: int = 1,
        decrease: float = 0.5,
    ) -> None:
        if maximum < 1 or minimum < 1 or minimum > maximum:
            raise ValueError("need 1 <= minimum <= maximum")
        self.maximum = float(maximum)
        self.minimum = float(minimum)
        self.limit = float(min(4, maximum) if initial is None else initial)
        self.decrease = decrease
        self.in_flight = 0
        self.waiters: list[Any] = []
        self._last_cut = float("-inf")
        self._lock = threading.Lock()

    def acquire(self, waiter: Any) -> bool:
        """Take a slot (True), or queue ``waiter`` to be handed back by a release (False)."""
        with self._lock:
            if self.in_flight < int(self.limit):
                self.in_flight += 1
                return True
            if waiter is not None:
                self.waiters.append(waiter)
            return False

    def release(self, outcome: Outcome, *, started: float, now: float) -> list[Any]:
        """Give a slot back and learn from its answer; returns the waiters to wake."""
        with self._lock:
            saturated = self.in_flight >= int(self.limit) or bool(self.waiters)
            self.in_flight -= 1
            if outcome == "ok" and saturated:  # grow only while the limit is what holds us
                self.limit = min(self.maximum, self.limit + 1.0 / self.limit)
            elif outcome == "overload" and started >= self._last_cut:
                self.limit = max(self.minimum, self.limit * self.decrease)
                self._last_cut = now
            waiters, self.waiters = self.waiters, []
            return waiters  # all retry: a cancelled waiter cannot swallow the wake-up


class AdaptiveConcurrency:
    """An :class:`AimdLimit` per provider, created on first use (thread-safe).

    Args:
        maximum: The most requests in flight per provider.
    """

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.limits: dict[str, AimdLimit] = {}
        self._lock = threading.Lock()

    def limit_for(self, provider: str) -> AimdLimit:
        gate = self.limits.get(provider)
        if gate is None:
            with self._lock:
                gate = self.limits.setdefault(provider, AimdLimit(self.maximum))
        return gate

    def snapshot(self) -> dict[str, dict[str, float]]:
        """``{provider: {"limit": ..., "in_flight": ...}}`` now."""
        return {
            name: {"limit": gate.limit, "in_flight": float(gate.in_flight)}
            for name, gate in self.limits.items()
        }
