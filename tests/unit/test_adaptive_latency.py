"""Latency as an AIMD signal, on a fake clock: convergence on a queueing provider, backoff.

The provider is simulated: ``CAPACITY`` workers, each serving one request in ``SERVICE``
seconds; requests beyond them queue (it never answers 429). A client that keeps the
limit full sees only good answers, so without the latency signal its limit runs up to the
maximum and every request waits in the provider's queue; with it, the limit settles near
the capacity while the provider stays busy.
"""

from __future__ import annotations

import heapq

import pytest

from hf_inference_endpoints import ConfigurationError, HfInferenceConfig
from hf_inference_endpoints._adaptive import AdaptiveConcurrency, AimdLimit

CAPACITY = 8
SERVICE = 1.0  # seconds per request (a fake clock: no time passes)
MAXIMUM = 64


def simulate(gate: AimdLimit, answers: int) -> tuple[list[float], list[float], float]:
    """Keep the gate full against the queueing provider; the limit and the round trip
    after each answer, and the provider's utilisation over the second half."""
    now = 0.0
    free_at = [0.0] * CAPACITY  # when each provider worker is next free
    pending: list[tuple[float, float]] = []  # (answered at, sent at)
    limits: list[float] = []
    rtts: list[float] = []
    busy_from = None
    served_late = 0

    def fill() -> None:
        while gate.acquire(None):
            start = max(now, heapq.heappop(free_at))
            heapq.heappush(free_at, start + SERVICE)
            heapq.heappush(pending, (start + SERVICE, now))

    fill()
    for count in range(answers):
        now, sent = heapq.heappop(pending)
        gate.release("ok", started=sent, now=now)
        limits.append(gate.limit)
        rtts.append(now - sent)
        if count == answers // 2:
            busy_from = now
        elif busy_from is not None:
            served_late += 1
        fill()
    assert busy_from is not None
    utilisation = served_late * SERVICE / ((now - busy_from) * CAPACITY)
    return limits, rtts, utilisation


def test_without_the_latency_signal_the_limit_runs_away_and_requests_queue() -> None:
    limits, rtts, utilisation = simulate(AimdLimit(MAXIMUM, latency_tolerance=None), 3000)
    assert limits[-1] == MAXIMUM
    assert min(rtts[-500:]) >= (MAXIMUM / CAPACITY) * SERVICE * 0.9  # 8x the service time
    assert utilisation > 0.99


def test_with_the_latency_signal_the_limit_converges_near_the_capacity() -> None:
    gate = AimdLimit(MAXIMUM)
    limits, rtts, utilisation = simulate(gate, 3000)
    settled = limits[-1000:]
    # a sawtooth around the capacity, not a run to the maximum (64)
    assert min(settled) >= CAPACITY / 2 and max(settled) <= CAPACITY * 2.5
    assert CAPACITY <= sum(settled) / len(settled) <= CAPACITY * 2
    assert max(rtts[-1000:]) <= 3 * SERVICE  # the queue stays short (not 8x the service)
    assert sum(rtts[-1000:]) / 1000 <= 2 * SERVICE
    assert utilisation > 0.9  # and the provider stays busy
    assert gate.latency_cuts > 0
    assert gate.baseline == pytest.approx(SERVICE, rel=0.2)


def test_a_latency_rise_cuts_the_limit_once_per_round_then_it_grows_again() -> None:
    gate = AimdLimit(MAXIMUM, initial=16, warmup=5)
    now = 0.0

    def answer(rtt: float) -> None:
        """A saturated client: the limit is filled, then one answer comes back."""
        nonlocal now
        while gate.acquire(None):
            pass
        gate.release("ok", started=now, now=now + rtt)
        now += 0.1

    for _ in range(20):
        answer(1.0)
    steady = gate.limit
    assert gate.latency_cuts == 0
    answer(8.0)  # the provider slows down: recent jumps above 2x the baseline
    assert gate.latency_cuts == 1
    cut = gate.limit
    assert steady * gate.decrease <= cut < steady  # by the gradient, never below decrease
    answer(8.0)  # sent before the cut: the same round, no second cut
    assert (gate.latency_cuts, gate.limit) == (1, cut)
    for _ in range(40):
        answer(1.0)  # fast again: the recent average comes back under the tolerance
    assert gate.limit > cut


def test_a_lasting_slowdown_becomes_the_new_baseline() -> None:
    gate = AimdLimit(MAXIMUM, initial=8)
    now = 0.0
    for rtt in [1.0] * 20 + [3.0] * 600:  # one request at a time
        assert gate.acquire(None)
        gate.release("ok", started=now, now=now + rtt)
        now += rtt
    cuts = gate.latency_cuts
    assert cuts > 0
    assert gate.baseline is not None and gate.baseline > 1.5  # drifted up towards 3 s
    for _ in range(50):
        assert gate.acquire(None)
        gate.release("ok", started=now, now=now + 3.0)
        now += 3.0
    assert gate.latency_cuts == cuts  # no more cuts: 3 s is the provider's normal now


def test_jitter_on_a_fast_link_is_no_signal() -> None:
    gate = AimdLimit(MAXIMUM, initial=4)
    now = 0.0
    for rtt in [0.001, 0.02, 0.001, 0.03, 0.002] * 20:  # 30x the baseline, but 30 ms
        gate.acquire(None)
        gate.release("ok", started=now, now=now + rtt)
        now += rtt
    assert gate.latency_cuts == 0 and gate.limit == 4.0


def test_snapshot_and_config() -> None:
    adaptive = AdaptiveConcurrency(8, latency_tolerance=3.0)
    gate = adaptive.limit_for("together")
    assert gate.latency_tolerance == 3.0
    assert adaptive.snapshot() == {"together": {"limit": 4.0, "in_flight": 0.0}}
    gate.acquire(None)
    gate.release("ok", started=0.0, now=0.5)
    assert adaptive.snapshot()["together"]["rtt_baseline"] == 0.5
    with pytest.raises(ValueError, match="latency_tolerance"):
        AimdLimit(4, latency_tolerance=1.0)
    assert HfInferenceConfig().adaptive_latency_tolerance == 2.0
    assert HfInferenceConfig(adaptive_latency_tolerance=None).adaptive_latency_tolerance is None
    with pytest.raises(ConfigurationError, match="adaptive_latency_tolerance must be"):
        HfInferenceConfig(adaptive_latency_tolerance=0.5)
