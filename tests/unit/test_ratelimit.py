"""Client-side rate limits: token-bucket arithmetic, per-provider buckets, the request key."""

from __future__ import annotations

import threading

import pytest

from hf_inference_endpoints._ratelimit import RateLimiter, TokenBucket, rate_limit_key


def test_a_full_bucket_lets_a_minute_of_requests_through_then_spaces_them() -> None:
    bucket = TokenBucket(6, now=0.0)  # 6/min: 6 at once, then one every 10 s
    assert [bucket.reserve(0.0) for _ in range(6)] == [0.0] * 6
    assert bucket.reserve(0.0) == pytest.approx(10.0)
    assert bucket.reserve(0.0) == pytest.approx(20.0)  # reservations queue behind each other


def test_tokens_refill_with_time_up_to_the_capacity() -> None:
    bucket = TokenBucket(60, capacity=2, now=0.0)  # one token a second, burst of 2
    assert bucket.reserve(0.0) == 0.0 and bucket.reserve(0.0) == 0.0
    assert bucket.reserve(0.0) == pytest.approx(1.0)
    assert bucket.reserve(5.0) == 0.0  # refilled (to 2 at most) by then
    assert bucket.tokens == pytest.approx(1.0)
    assert bucket.reserve(100.0) == 0.0 and bucket.tokens == pytest.approx(1.0)


def test_a_refund_gives_the_token_back() -> None:
    bucket = TokenBucket(60, capacity=1, now=0.0)
    assert bucket.reserve(0.0) == 0.0
    assert bucket.reserve(0.0) == pytest.approx(1.0)
    bucket.refund(0.0)
    assert bucket.reserve(0.0) == pytest.approx(1.0)


def test_time_going_backwards_never_adds_tokens() -> None:
    bucket = TokenBucket(60, capacity=1, now=10.0)
    bucket.reserve(10.0)
    assert bucket.reserve(5.0) == pytest.approx(1.0)


@pytest.mark.parametrize(("per_minute", "capacity"), [(0, None), (-1, None), (10, 0.5)])
def test_bad_buckets(per_minute: float, capacity: float | None) -> None:
    with pytest.raises(ValueError, match="must be"):
        TokenBucket(per_minute, capacity=capacity, now=0.0)


def test_limiter_keeps_one_bucket_per_provider_and_leaves_others_unlimited() -> None:
    limiter = RateLimiter({"together": 2, "groq": 1})
    assert bool(limiter) and not RateLimiter({})
    assert [limiter.reserve("together", 0.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(30.0)]
    assert limiter.reserve("groq", 0.0) == 0.0
    assert limiter.reserve("groq", 0.0) == pytest.approx(60.0)
    assert limiter.reserve("fal-ai", 0.0) == 0.0
    assert limiter.reserve(None, 0.0) == 0.0
    limiter.refund("groq", 0.0)
    assert limiter.reserve("groq", 0.0) == pytest.approx(60.0)
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
    # 200 reservations at t=0 on a 60/min bucket: 60 free, then one per second
    assert sorted(waits) == [0.0] * 60 + [pytest.approx(float(i)) for i in range(1, 141)]


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
