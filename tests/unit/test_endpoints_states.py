"""The state machine decisions of wait and of inference routing, and the poll schedule."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import ValidationError
from hf_inference_endpoints._endpoints import (
    PollSchedule,
    RouteAction,
    WaitAction,
    WaitProgress,
    failure_message,
    health_route,
    route_decision,
    validate_until,
    wait_decision,
)
from hf_inference_endpoints.models import EndpointInfo

URL = "https://x4k9q2m7c1vz8w3e.us-east-1.aws.endpoints.huggingface.cloud"


def info(state: str | None, url: str | None = URL, **status: Any) -> EndpointInfo:
    return EndpointInfo.model_validate(
        {"name": "ep", "status": {"state": state, "url": url, **status}}
    )


@pytest.mark.parametrize(
    ("state", "url", "action"),
    [
        ("running", URL, WaitAction.CHECK_HEALTH),
        ("running", None, WaitAction.POLL),
        ("pending", None, WaitAction.POLL),
        ("initializing", None, WaitAction.POLL),
        ("initializing", URL, WaitAction.POLL),
        ("updating", URL, WaitAction.POLL),
        ("scaledToZero", URL, WaitAction.WAKE),
        ("scaledToZero", None, WaitAction.POLL),
        ("paused", URL, WaitAction.PAUSED),
        ("failed", None, WaitAction.FAIL),
        ("updateFailed", URL, WaitAction.FAIL),
        ("someNewState", URL, WaitAction.POLL),
        (None, None, WaitAction.POLL),
    ],
)
def test_waiting_for_running(state: str | None, url: str | None, action: WaitAction) -> None:
    assert wait_decision(info(state, url), "running") is action


@pytest.mark.parametrize(
    ("until", "state", "action"),
    [
        ("paused", "paused", WaitAction.DONE),
        ("paused", "running", WaitAction.POLL),
        ("scaledToZero", "scaledToZero", WaitAction.DONE),
        ("scaledToZero", "failed", WaitAction.FAIL),
        ("initializing", "initializing", WaitAction.DONE),
        ("updating", "updateFailed", WaitAction.FAIL),
    ],
)
def test_waiting_for_other_states(until: str, state: str, action: WaitAction) -> None:
    assert wait_decision(info(state), until) is action


@pytest.mark.parametrize("until", ["failed", "updateFailed", "deleted", "Running", ""])
def test_until_must_be_a_reachable_state(until: str) -> None:
    with pytest.raises(ValidationError, match="until must be one of"):
        validate_until(until)


@pytest.mark.parametrize(
    ("state", "url", "extra", "action", "cacheable"),
    [
        ("running", URL, {}, RouteAction.SEND, True),
        ("updating", URL, {}, RouteAction.SEND, True),
        ("scaledToZero", URL, {}, RouteAction.SEND_WAKING, False),
        ("initializing", URL, {}, RouteAction.SEND_WAKING, False),
        ("pending", URL, {}, RouteAction.SEND_WAKING, False),
        ("pending", None, {}, RouteAction.WAIT, False),
        ("initializing", None, {}, RouteAction.WAIT, False),
        ("paused", URL, {}, RouteAction.PAUSED, False),
        ("failed", URL, {}, RouteAction.FAIL, False),
        ("updateFailed", URL, {"readyReplica": 1}, RouteAction.SEND, False),
        ("updateFailed", URL, {"readyReplica": 0}, RouteAction.FAIL, False),
        ("updateFailed", None, {}, RouteAction.FAIL, False),
        ("brandNew", URL, {}, RouteAction.SEND, False),
        ("brandNew", None, {}, RouteAction.WAIT, False),
    ],
)
def test_routing(
    state: str, url: str | None, extra: dict[str, Any], action: RouteAction, cacheable: bool
) -> None:
    route = route_decision(info(state, url, **extra))
    assert route.action is action
    assert route.cacheable is cacheable
    if action in (RouteAction.SEND, RouteAction.SEND_WAKING):
        assert route.url == URL


def test_trailing_slash_is_dropped_from_the_url() -> None:
    assert route_decision(info("running", URL + "/")).url == URL


def test_failure_message_prefers_error_message() -> None:
    assert (
        failure_message(info("failed", message="Endpoint failed to deploy"))
        == "Endpoint failed to deploy"
    )
    assert failure_message(info("failed", message="m", errorMessage="OOM")) == "OOM"
    assert failure_message(EndpointInfo()) == "no status message"


def test_health_route() -> None:
    assert health_route(EndpointInfo(healthRoute="/ready")) == "/ready"
    assert health_route(EndpointInfo(healthRoute="ready")) == "/ready"
    image = EndpointInfo.model_validate(
        {"model": {"image": {"tgi": {"url": "x", "healthRoute": "/h"}}}}
    )
    assert health_route(image) == "/h"
    assert health_route(EndpointInfo()) == "/health"


def test_poll_schedule_grows_caps_and_resets() -> None:
    schedule = PollSchedule(initial=1.0, maximum=5.0, factor=1.5, jitter=0.0)
    assert [schedule.next_delay() for _ in range(6)] == [1.0, 1.5, 2.25, 3.375, 5.0, 5.0]
    schedule.reset()
    assert schedule.next_delay() == 1.0


def test_poll_schedule_jitter_stays_within_bounds_and_still_grows() -> None:
    low = PollSchedule(initial=1.0, maximum=100.0, jitter=0.1, rng=lambda: 0.0)
    high = PollSchedule(initial=1.0, maximum=100.0, jitter=0.1, rng=lambda: 0.999999)
    lows = [low.next_delay() for _ in range(5)]
    highs = [high.next_delay() for _ in range(5)]
    assert lows[0] == pytest.approx(0.9) and highs[0] == pytest.approx(1.1, rel=1e-5)
    # with +-10 % jitter and x1.5 growth, every delay is longer than any before it
    assert all(lows[i + 1] > highs[i] for i in range(4))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial": 0},
        {"initial": 2, "maximum": 1},
        {"factor": 0.5},
        {"jitter": 1.0},
        {"jitter": -0.1},
    ],
)
def test_poll_schedule_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        PollSchedule(**kwargs)


def test_progress_reads_well() -> None:
    progress = WaitProgress(
        endpoint="acme/ep",
        state="running",
        previous="initializing",
        message="Endpoint is ready",
        elapsed=12.34,
        ready_replica=1,
        target_replica=2,
        info=EndpointInfo(),
    )
    assert (
        str(progress)
        == "acme/ep initializing -> running [1/2 replicas] after 12.3 s: Endpoint is ready"
    )
