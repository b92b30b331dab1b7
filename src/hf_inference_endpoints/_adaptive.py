"""Adaptive concurrency per provider: AIMD on in-flight requests (no I/O).

With ``HfInferenceConfig.adaptive_concurrency = N`` every provider gets an
:class:`AimdLimit`: requests beyond its current limit wait for a slot. Each good answer
(< 400) while the limit is full raises it by ``1 / limit`` (about one more slot per round
of answers, up to ``N``; an idle limit does not grow); a 429 or a 5xx halves it (down to
1), once per round: answers to requests sent before the last cut do not cut again.

Latency counts too (gradient style, as TCP Vegas or Netflix's gradient limiter): each
answer's round trip (send to headers) updates a *baseline*, a smoothed minimum (it
follows a faster answer at once and a slower one only very slowly), and a *recent*
average. When the recent round trip is more than ``latency_tolerance`` times the
baseline (and more than ``latency_floor`` seconds above it, so jitter on a fast link is
no signal), the provider is queueing our requests: instead of growing, the limit is cut,
once per round, by the gradient ``baseline / recent`` (never below ``decrease``) -- by
Little's law, the requests the provider serves at once without queueing them. A bulk
job thus converges on what the provider serves before it answers 429 at all. A slowdown
that does not go away at the minimum limit is not our doing: the baseline takes the
recent round trip (the provider's new normal) and the limit grows again.

The transport reports the limit, the requests in flight and both round trips to
telemetry (``hf.client.concurrency.limit`` / ``.in_flight`` / ``.rtt_baseline`` /
``.rtt_recent``).

The waiting is the twins' business: :meth:`AimdLimit.acquire` takes a slot or queues the
caller's event (``AsyncEvent`` / ``SyncEvent`` from ``_io``), which :meth:`AimdLimit.release`
hands back to be set; a woken caller tries again.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

__all__ = ["AdaptiveConcurrency", "AimdLimit", "Outcome", "describe", "outcome_of"]

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
        decrease: Factor applied on overload (and the deepest latency cut).
        latency_tolerance: How many times the baseline round trip the recent one may
            reach before the limit is cut (None: latency is no signal).
        latency_floor: Seconds the recent round trip must also exceed the baseline by.
        warmup: Answers measured before latency is judged.

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
        "baseline",
        "decrease",
        "in_flight",
        "latency_cuts",
        "latency_floor",
        "latency_tolerance",
        "limit",
        "maximum",
        "minimum",
        "recent",
        "samples",
        "waiters",
        "warmup",
    )

    #: Weight of a new round trip in the recent average.
    RECENT_WEIGHT = 0.2
    #: How fast the baseline follows round trips slower than itself.
    BASELINE_DRIFT = 0.001

    def __init__(
        self,
        maximum: int,
        *,
        initial: int | None = None,
        minimum: int = 1,
        decrease: float = 0.5,
        latency_tolerance: float | None = 2.0,
        latency_floor: float = 0.05,
        warmup: int = 5,
    ) -> None:
        if maximum < 1 or minimum < 1 or minimum > maximum:
            raise ValueError("need 1 <= minimum <= maximum")
        if latency_tolerance is not None and latency_tolerance <= 1:
            raise ValueError("latency_tolerance must be above 1 (or None)")
        self.maximum = float(maximum)
        self.minimum = float(minimum)
        self.limit = float(min(4, maximum) if initial is None else initial)
        self.decrease = decrease
        self.latency_tolerance = latency_tolerance
        self.latency_floor = latency_floor
        self.warmup = warmup
        self.in_flight = 0
        self.waiters: list[Any] = []
        self.baseline: float | None = None  # smoothed minimum round trip (seconds)
        self.recent: float | None = None  # recent average round trip (seconds)
        self.samples = 0
        self.latency_cuts = 0
        self._last_cut = float("-inf")
        self._lock = threading.Lock()

    def _measure(self, rtt: float) -> float | None:
        """Learn from one round trip; the cut factor when latency says overload, else None."""
        if self.baseline is None or self.recent is None:
            self.baseline = self.recent = rtt
        else:
            if rtt < self.baseline:
                self.baseline = rtt
            else:
                self.baseline += (rtt - self.baseline) * self.BASELINE_DRIFT
            self.recent += (rtt - self.recent) * self.RECENT_WEIGHT
        self.samples += 1
        tolerance = self.latency_tolerance
        if tolerance is None or self.samples < self.warmup:
            return None
        if self.recent <= tolerance * self.baseline:
            return None
        if self.recent - self.baseline <= self.latency_floor:
            return None
        if self.limit <= self.minimum:  # as low as it goes and still slow: not our queue
            self.baseline = self.recent
            return None
        return max(self.decrease, self.baseline / self.recent)

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
        """Give a slot back and learn from its answer (its status, and its round trip
        ``now - started`` when it is good); returns the waiters to wake."""
        with self._lock:
            saturated = self.in_flight >= int(self.limit) or bool(self.waiters)
            self.in_flight -= 1
            slow = self._measure(now - started) if outcome == "ok" else None
            if slow is not None:
                if started >= self._last_cut:  # once per round, as for a 429
                    self.limit = max(self.minimum, self.limit * slow)
                    self._last_cut = now
                    self.latency_cuts += 1
            elif outcome == "ok" and saturated:  # grow only while the limit is what holds us
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
        latency_tolerance: Passed to every :class:`AimdLimit` (None: latency is no signal).
    """

    def __init__(self, maximum: int, *, latency_tolerance: float | None = 2.0) -> None:
        self.maximum = maximum
        self.latency_tolerance = latency_tolerance
        self.limits: dict[str, AimdLimit] = {}
        self._lock = threading.Lock()

    def limit_for(self, provider: str) -> AimdLimit:
        gate = self.limits.get(provider)
        if gate is None:
            with self._lock:
                gate = self.limits.setdefault(
                    provider, AimdLimit(self.maximum, latency_tolerance=self.latency_tolerance)
                )
        return gate

    def snapshot(self) -> dict[str, dict[str, float]]:
        """``{provider: {"limit", "in_flight"}}`` now, with ``rtt_baseline`` and
        ``rtt_recent`` (seconds) once a round trip was measured."""
        out: dict[str, dict[str, float]] = {}
        for name, gate in self.limits.items():
            out[name] = {"limit": gate.limit, "in_flight": float(gate.in_flight)}
            if gate.baseline is not None and gate.recent is not None:
                out[name].update(rtt_baseline=gate.baseline, rtt_recent=gate.recent)
        return out


def describe(snapshot: dict[str, dict[str, float]]) -> str | None:
    """One line of :meth:`AdaptiveConcurrency.snapshot` for progress reports (None: empty).

    Example:
        >>> describe({"together": {"limit": 12.4, "in_flight": 12.0,
        ...                        "rtt_baseline": 0.41, "rtt_recent": 0.8}})
        'together: 12/12 in flight (rtt 0.80 s, baseline 0.41 s)'
        >>> describe({}) is None
        True
    """
    parts = []
    for name, state in snapshot.items():
        text = f"{name}: {state['in_flight']:.0f}/{int(state['limit'])} in flight"
        if "rtt_recent" in state:
            text += f" (rtt {state['rtt_recent']:.2f} s, baseline {state['rtt_baseline']:.2f} s)"
        parts.append(text)
    return "; ".join(parts) or None
