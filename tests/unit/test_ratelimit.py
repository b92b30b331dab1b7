"""Client-side request limits: the sliding window, per-provider windows, the request key."""

from __future__ import annotations

import bisect
import random
import threading

import pytest

from hf_inference_endpoints._ratelimit import RateLimiter, RequestWindow, rate_limit_key


def test_a_window_lets_its_limit_through_then_waits_for_the_oldest_to_leave() -> None:
    window = RequestWindow(3, 60.0)
    assert [window.reserve(0.0), window.reserve(1.0), window.reserve(2.0)] == [0.0] * 3
    # the 4th goes when the 1st leaves the window; the 5th and 6th queue behind it
    assert window.reserve(2.0) == pytest.approx(58.0)
    assert window.reserve(2.0) == pytest.approx(59.0)
    assert window.reserve(2.0) == pytest.approx(60.0)
    assert window.reserved == 6
    assert window.reserve(500.0) == 0.0 and window.reserved == 1  # the old sends expired


def test_a_full_bucket_burst_does_not_come_back_as_a_second_burst() -> None:
    # The old token bucket let 6 go at 0 and 6 more by 60 s: 12 in the minute [0, 60].
    window = RequestWindow(6, 60.0)
    sends = [0.0 + window.reserve(0.0) for _ in range(12)]
    assert sends[:6] == [0.0] * 6 and sends[6:] == [pytest.approx(60.0)] * 6
    assert sum(1 for t in sends if t < 60.0) == 6


@pytest.mark.parametrize("seed", range(20))
def test_no_window_ever_holds_more_than_the_limit(seed: int) -> None:
    """Random arrivals on a fake clock: every window of length ``window`` holds <= limit."""
    rng = random.Random(seed)
    limit, length = rng.randint(1, 12), rng.choice([1.0, 6.0, 60.0])
    limiter = RateLimiter({"p": limit}, window=length)
    now, sends = 0.0, []
    for _ in range(400):
        now += rng.expovariate(limit / length * rng.choice([0.3, 1.0, 3.0]))
        ticket = limiter.new_ticket()
        wait = limiter.reserve("p", now, ticket=ticket)
        assert wait >= 0.0
        if rng.random() < 0.05:  # cancelled while queued: its slot is freed
            limiter.refund("p", now, ticket=ticket)
        elif rng.random() < 0.05:  # cancelled without a ticket: the slot stays taken
            limiter.refund("p", now)
        else:
            sends.append(now + wait)
    sends.sort()
    # the fullest window starts at a send: count the sends in [t, t + length)
    fullest = max(bisect.bisect_left(sends, t + length) - i for i, t in enumerate(sends))
    assert fullest <= limit
    assert sends == sorted(sends)


def test_a_refund_by_ticket_frees_exactly_that_slot() -> None:
    window = RequestWindow(2, 60.0)
    assert window.reserve(0.0, ticket="a") == 0.0
    assert window.reserve(0.0, ticket="b") == 0.0
    assert window.reserve(0.0, ticket="c") == pytest.approx(60.0)
    window.refund("c")  # cancelled while queued
    assert window.reserve(0.0) == pytest.approx(60.0)  # its slot, not a later one
    window.refund("a")  # "a" was never sent after all: [0, 60) holds only "b"
    window.refund("a")  # twice: nothing more
    window.refund("nobody")
    window.refund(None)  # no ticket: nothing freed
    assert window.reserved == 2


def test_a_freed_slot_goes_to_the_next_caller() -> None:
    window = RequestWindow(2, 60.0)
    window.reserve(0.0, ticket="a")
    window.reserve(0.0)
    window.refund("a")
    assert window.reserve(1.0) == 0.0


@pytest.mark.parametrize(("limit", "length"), [(0, 60.0), (1, 0.0), (-1, 1.0)])
def test_bad_windows(limit: int, length: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        RequestWindow(limit, length)


def test_limiter_keeps_one_window_per_provider_and_leaves_others_unlimited() -> None:
    limiter = RateLimiter({"together": 2, "groq": 1})
    assert bool(limiter) and not RateLimiter({})
    assert [limiter.reserve("together", 0.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(60.0)]
    assert limiter.reserve("groq", 0.0) == 0.0
    assert limiter.reserve("groq", 0.0) == pytest.approx(60.0)
    assert limiter.reserve("fal-ai", 0.0) == 0.0
    assert limiter.reserve(None, 0.0) == 0.0
    limiter.refund("groq", 0.0)  # no ticket: the slot at 60 s stays taken
    assert limiter.reserve("groq", 0.0) == pytest.approx(120.0)
    limiter.refund("nobody", 0.0)  # no bucket: nothing to do
    limiter.refund(None, 0.0)


def test_concurrent_reservations_never_hand_out_the_same_slot() -> None:
    limiter = RateLimiter({"together": 60})
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            wait = limiter.reserve("together", 0.0)
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 200 reservations at t=0, 60 a minute: 60 now, 60 at 60 s, 60 at 120 s, 20 at 180 s
    expected = [0.0] * 60 + [60.0] * 60 + [120.0] * 60 + [180.0] * 20
    assert sorted(waits) == [pytest.approx(w) for w in expected]


@pytest.mark.parametrize(
    ("provider", "task", "key"),
    [
        ("together", "conversational", "together"),
        ("router:groq", "conversational", "groq"),
        ("router:fastest", "conversational", "fastest"),
        ("hf-inference", "text-classification", "hf-inference"),
        ("together", "download", None),
        ("hub", "hub", None),
        (None, "conversational", None),
    ],
)
def test_rate_limit_key(provider: str | None, task: str, key: str | None) -> None:
    assert rate_limit_key(provider, task) == key
