"""Retry policy: backoff, Retry-After, cold starts and deadlines, on a fake clock."""

from __future__ import annotations

import email.utils
from typing import Any

import pytest

from hf_inference_endpoints._errors import (
    AuthenticationError,
    ColdStartTimeout,
    DeadlineExceeded,
    ModelLoading,
    RateLimited,
    RequestTimeout,
    ServerError,
    ServerRequestTimeout,
    ServiceUnavailable,
)
from hf_inference_endpoints._retry import Deadline, RetryPolicy, RetryState, parse_retry_after


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def ceiling(value: float) -> float:
    return value  # "jitter" that always takes the ceiling, so delays are exact


def test_parse_retry_after_seconds_ms_and_date() -> None:
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after": " 2.5 "}) == 2.5
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    date = email.utils.formatdate(1_000_010, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=1_000_000) == pytest.approx(10.0)
    assert parse_retry_after({"retry-after": date}, now=2_000_000) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({"retry-after": "-5"}) == 0.0
    assert parse_retry_after({"retry-after-ms": "nan"}) is None
    assert parse_retry_after({}) is None


def test_exponential_backoff_up_to_max_retries() -> None:
    state = RetryState(
        RetryPolicy(max_retries=3, base_delay=1.0, max_delay=30.0), started=0.0, jitter=ceiling
    )
    err = ServerError("boom", status_code=500)
    assert [state.next_delay(err, now=0.0) for _ in range(3)] == [1.0, 2.0, 4.0]
    with pytest.raises(ServerError):
        state.next_delay(err, now=0.0)
    assert state.attempts == 4


def test_backoff_is_capped_and_jittered() -> None:
    seen: list[float] = []

    def half(value: float) -> float:
        seen.append(value)
        return value / 2

    state = RetryState(
        RetryPolicy(max_retries=10, base_delay=1.0, max_delay=5.0), started=0.0, jitter=half
    )
    delays = [state.next_delay(ServiceUnavailable("x"), now=0.0) for _ in range(5)]
    assert seen == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert delays == [0.5, 1.0, 2.0, 2.5, 2.5]


def test_server_retry_after_wins_but_is_capped() -> None:
    state = RetryState(RetryPolicy(max_retries=3, max_delay=10.0), started=0.0, jitter=ceiling)
    assert state.next_delay(RateLimited("x", retry_after=3.0), now=0.0) == 3.0
    assert state.next_delay(RateLimited("x", retry_after=600.0), now=0.0) == 10.0


def test_non_retryable_errors_raise_at_once() -> None:
    state = RetryState(RetryPolicy(), started=0.0)
    with pytest.raises(AuthenticationError):
        state.next_delay(AuthenticationError("no"), now=0.0)


def test_zero_retries_means_one_attempt() -> None:
    state = RetryState(RetryPolicy(max_retries=0), started=0.0)
    with pytest.raises(RateLimited):
        state.next_delay(RateLimited("x"), now=0.0)


def test_deadline_stops_a_retry_that_would_overrun() -> None:
    clock = FakeClock()
    deadline = Deadline.start(5, clock)
    state = RetryState(RetryPolicy(max_retries=5), started=0.0, deadline=deadline, jitter=ceiling)
    clock.now = 1.0
    assert state.next_delay(RateLimited("x", retry_after=2.0), now=1.0) == 2.0
    clock.now = 3.5  # 1.5 s left: a 2 s wait and another attempt do not fit
    limited = RateLimited("x", retry_after=2.0, provider="together", request_id="r-1")
    with pytest.raises(DeadlineExceeded) as caught:
        state.next_delay(limited, now=3.5)
    assert caught.value.__cause__ is limited
    assert caught.value.provider == "together" and caught.value.request_id == "r-1"
    assert "waiting 2.0 s to retry after RateLimited" in caught.value.message
    assert "1.5 s were left" in caught.value.message
    assert state.attempts == 2  # the refused retry was not counted


def test_a_backoff_is_asked_of_the_calls_one_deadline_as_it_runs_down() -> None:
    # the state keeps no float of its own: it reads the call's Deadline each time, so
    # time spent elsewhere in the call (a lookup, a rate-limit wait) counts
    clock = FakeClock(100.0)
    deadline = Deadline.start(10, clock)
    state = RetryState(
        RetryPolicy(max_retries=5, base_delay=1.0, max_delay=30.0),
        started=100.0,
        deadline=deadline,
        jitter=ceiling,
    )
    assert state.deadline is deadline
    err = ServerError("boom", status_code=500)
    assert state.next_delay(err, now=100.0) == 1.0  # 10 s left
    clock.now = 105.0
    assert state.next_delay(err, now=105.0) == 2.0  # 5 s left
    clock.now = 107.5  # 2.5 s left: the next backoff (4 s) does not fit
    with pytest.raises(DeadlineExceeded):
        state.next_delay(err, now=107.5)


def test_a_408_whose_retry_the_deadline_refuses_is_our_deadline_not_the_servers() -> None:
    clock = FakeClock()
    state = RetryState(
        RetryPolicy(max_retries=3, base_delay=4.0),
        started=0.0,
        deadline=Deadline.start(3, clock),
        jitter=ceiling,
    )
    server_408 = ServerRequestTimeout("the server timed out", status_code=408)
    assert server_408.is_retryable
    with pytest.raises(RequestTimeout) as caught:
        state.next_delay(server_408, now=0.0)
    assert type(caught.value) is DeadlineExceeded  # not ServerRequestTimeout
    assert caught.value.status_code is None
    assert caught.value.__cause__ is server_408


def test_without_a_timeout_the_deadline_never_refuses_a_wait() -> None:
    state = RetryState(
        RetryPolicy(max_retries=1, max_delay=600.0),
        started=0.0,
        deadline=Deadline.start(None, FakeClock()),
        jitter=ceiling,
    )
    assert state.next_delay(RateLimited("x", retry_after=500.0), now=0.0) == 500.0


def test_cold_start_waits_estimated_time_without_using_retries() -> None:
    policy = RetryPolicy(max_retries=0, max_delay=30.0, cold_start_timeout=60.0)
    state = RetryState(policy, started=0.0)
    loading = ModelLoading("loading", estimated_time=20.0)
    assert state.next_delay(loading, now=0.0) == 20.0
    assert state.next_delay(loading, now=20.0) == 20.0
    assert state.next_delay(loading, now=40.0) == 20.0  # budget left: exactly 20
    with pytest.raises(ColdStartTimeout) as info:
        state.next_delay(loading, now=60.0)
    assert info.value.waited == 60.0
    assert "cold_start_timeout=60" in str(info.value)


def test_cold_start_last_wait_is_trimmed_to_the_budget() -> None:
    state = RetryState(RetryPolicy(cold_start_timeout=25.0), started=0.0)
    loading = ModelLoading("loading", estimated_time=20.0)
    assert state.next_delay(loading, now=0.0) == 20.0
    assert state.next_delay(loading, now=20.0) == 5.0


def test_cold_start_polls_not_faster_than_the_floor() -> None:
    state = RetryState(RetryPolicy(), started=0.0)
    assert state.next_delay(ModelLoading("x", estimated_time=0.0), now=0.0) == 0.25


def test_cold_start_disabled_raises_model_loading() -> None:
    state = RetryState(RetryPolicy(wait_for_model=False), started=0.0)
    with pytest.raises(ModelLoading):
        state.next_delay(ModelLoading("x", estimated_time=1.0), now=0.0)


def test_cold_start_past_the_call_deadline_is_a_cold_start_timeout() -> None:
    state = RetryState(
        RetryPolicy(cold_start_timeout=300.0), started=0.0, deadline=Deadline.start(10, FakeClock())
    )
    with pytest.raises(ColdStartTimeout):
        state.next_delay(ModelLoading("x", estimated_time=20.0), now=0.0)


def test_cold_start_waits_are_added_up() -> None:
    state = RetryState(RetryPolicy(), started=0.0)
    state.next_delay(ModelLoading("x", estimated_time=2.0), now=0.0)
    state.next_delay(ModelLoading("x", estimated_time=3.0), now=2.0)
    state.next_delay(RateLimited("x", retry_after=1.0), now=5.0)
    assert state.cold_waited == 5.0


def test_backoff_delays_survive_an_import_that_fails_with_oserror(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Out of file descriptors, ``import backoff`` raises OSError: the delays stay the same."""
    import builtins
    import sys

    from hf_inference_endpoints._retry import _default_backoff

    policy = RetryPolicy(base_delay=0.5, max_delay=3.0)
    with_backoff = _default_backoff(policy)
    expected = [next(with_backoff) for _ in range(5)]
    real_import = builtins.__import__

    def no_fds(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "backoff":
            raise OSError(24, "Too many open files")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "backoff")
    monkeypatch.setattr(builtins, "__import__", no_fds)
    gen = _default_backoff(policy)
    assert [next(gen) for _ in range(5)] == expected == [0.5, 1.0, 2.0, 3.0, 3.0]
