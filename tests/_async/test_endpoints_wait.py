"""client.endpoints.wait on a fake clock: the state machine, health checks, backoff, limits."""

from __future__ import annotations

import json
import types
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    ColdStartTimeout,
    EndpointFailed,
    EndpointPaused,
    NotFound,
    RequestTimeout,
    ValidationError,
)
from hf_inference_endpoints._endpoints import WaitProgress

from .conftest import FakeClock

API = "https://api.endpoints.huggingface.cloud/v2/endpoint/acme/my-ep"
URL = "https://a1b2c3d4e5f6g7h8.us-east-1.aws.endpoints.huggingface.cloud"
TOKEN = "hf_fake_token_for_tests"


def endpoint(state: str, url: str | None = URL, **status: Any) -> dict[str, Any]:
    return {
        "name": "my-ep",
        "healthRoute": "/health",
        "compute": {"scaling": {"minReplica": 1, "maxReplica": 1}},
        "model": {"repository": "gpt2", "image": {"huggingface": {}}},
        "status": {
            "state": state,
            "url": url,
            "message": f"Endpoint is {state}",
            "readyReplica": 1 if state == "running" else 0,
            "targetReplica": 1,
            **status,
        },
    }


class Server:
    """Answers a scripted list of (method, url) -> response and records every request."""

    def __init__(self, *steps: tuple[str, str, httpx2.Response]) -> None:
        self.steps = list(steps)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        assert self.steps, f"unexpected {request.method} {request.url}"
        method, url, response = self.steps.pop(0)
        assert (request.method, str(request.url)) == (method, url)
        return response

    def done(self) -> None:
        assert self.steps == [], self.steps


def get(state: str, url: str | None = URL, **status: Any) -> tuple[str, str, httpx2.Response]:
    return ("GET", API, httpx2.Response(200, json=endpoint(state, url, **status)))


def health(code: int = 200) -> tuple[str, str, httpx2.Response]:
    body = b"" if code == 200 else b'{"error":"unhealthy","error_type":"healthcheck"}'
    return ("GET", f"{URL}/health", httpx2.Response(code, content=body))


def make_client(server: Server, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("default_namespace", "acme")
    return AsyncHfInferenceClient(
        token=TOKEN,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
        **{"default_provider": "hf-inference", **config},
    )


@pytest.fixture
def clock(fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The fake clock for the endpoints module too, and no jitter (factor exactly 1)."""
    monkeypatch.setattr("hf_inference_endpoints._async.endpoints.async_sleep", fake_clock.sleep)
    monkeypatch.setattr(
        "hf_inference_endpoints._async.endpoints.async_monotonic", fake_clock.monotonic
    )
    monkeypatch.setattr(
        "hf_inference_endpoints._endpoints.states.random", types.SimpleNamespace(random=lambda: 0.5)
    )
    return fake_clock


@pytest.mark.anyio
async def test_reaches_running_then_checks_health(clock: FakeClock) -> None:
    server = Server(
        get("pending", None),
        get("pending", None),
        get("initializing", None),
        get("running"),
        health(),
    )
    seen: list[WaitProgress] = []
    async with make_client(server) as client:
        info = await client.endpoints.wait("my-ep", on_progress=seen.append)
    server.done()
    assert info.status is not None and info.status.state == "running"
    # x1.5 while nothing changes, back to 1 s after a change
    assert clock.sleeps == [1.0, 1.5, 1.0]
    assert [(p.previous, p.state) for p in seen] == [
        (None, "pending"),
        ("pending", "initializing"),
        ("initializing", "running"),
    ]
    assert [p.elapsed for p in seen] == [0.0, 2.5, 3.5]
    assert seen[-1].info is info
    assert (seen[-1].ready_replica, seen[-1].target_replica) == (1, 1)
    assert seen[0].endpoint == "acme/my-ep"
    check = server.requests[-1]
    assert check.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.anyio
async def test_running_is_not_ready_until_health_answers(clock: FakeClock) -> None:
    server = Server(
        get("running"), health(503), get("running"), health(503), get("running"), health()
    )
    async with make_client(server) as client:
        await client.endpoints.wait("acme/my-ep")
    server.done()
    assert clock.sleeps == [1.0, 1.5]  # health checks are single tries: no transport retries


@pytest.mark.anyio
async def test_uses_the_endpoints_health_route(clock: FakeClock) -> None:
    custom = endpoint("running")
    custom["healthRoute"] = "/ready"
    server = Server(
        ("GET", API, httpx2.Response(200, json=custom)),
        ("GET", f"{URL}/ready", httpx2.Response(200)),
    )
    async with make_client(server) as client:
        await client.endpoints.wait("my-ep")
    server.done()


@pytest.mark.anyio
@pytest.mark.parametrize("state", ["failed", "updateFailed"])
async def test_fails_fast_on_a_failed_state(clock: FakeClock, state: str) -> None:
    server = Server(
        get("initializing", None),
        get(state, None, message="Endpoint failed to deploy", errorMessage="CUDA out of memory"),
    )
    async with make_client(server) as client:
        with pytest.raises(EndpointFailed) as info:
            await client.endpoints.wait("my-ep", timeout=600)
    server.done()
    err = info.value
    assert err.server_message == "CUDA out of memory"
    assert err.endpoint == "acme/my-ep"
    assert str(err).startswith(f"Endpoint acme/my-ep is {state}: CUDA out of memory")
    assert clock.sleeps == [1.0]


@pytest.mark.anyio
async def test_refuses_to_wait_on_a_paused_endpoint(clock: FakeClock) -> None:
    server = Server(get("paused"))
    async with make_client(server) as client:
        with pytest.raises(EndpointPaused, match="resume it") as info:
            await client.endpoints.wait("my-ep")
    server.done()
    assert info.value.endpoint == "acme/my-ep"
    assert clock.sleeps == []


@pytest.mark.anyio
async def test_times_out_with_growing_polls(clock: FakeClock) -> None:
    server = Server(*[get("initializing", None) for _ in range(5)])
    async with make_client(server) as client:
        with pytest.raises(ColdStartTimeout) as info:
            await client.endpoints.wait("my-ep", timeout=10)
    server.done()  # no poll once the last sleep has reached the limit
    assert clock.sleeps == [1.0, 1.5, 2.25, 3.375, 1.875]  # the last one ends at the limit
    assert sum(clock.sleeps) == 10
    err = info.value
    assert isinstance(err, RequestTimeout)
    assert err.waited == 10
    assert "still initializing after waiting 10.0 s" in str(err)
    assert err.server_message == "Endpoint is initializing"


@pytest.mark.anyio
async def test_poll_interval_is_capped(clock: FakeClock) -> None:
    server = Server(*[get("updating") for _ in range(7)], get("running"), health())
    async with make_client(server) as client:
        await client.endpoints.wait("my-ep", poll_interval=2, max_poll_interval=5, timeout=1000)
    server.done()
    assert clock.sleeps == [2, 3, 4.5, 5, 5, 5, 5]


@pytest.mark.anyio
async def test_default_limit_is_the_cold_start_timeout(clock: FakeClock) -> None:
    server = Server(*[get("pending", None) for _ in range(2)])
    async with make_client(server, cold_start_timeout=2.0) as client:
        with pytest.raises(ColdStartTimeout):
            await client.endpoints.wait("my-ep")
    server.done()
    assert clock.sleeps == [1.0, 1.0]


@pytest.mark.anyio
async def test_wakes_a_scaled_to_zero_endpoint(clock: FakeClock) -> None:
    server = Server(
        get("scaledToZero"),
        health(503),  # the wake-up request (WIRE §f.6: any authenticated request)
        get("initializing"),
        get("running"),
        health(),
    )
    async with make_client(server) as client:
        await client.endpoints.wait("my-ep")
    server.done()
    assert clock.sleeps == [1.0, 1.0]


@pytest.mark.anyio
async def test_waits_for_other_states_without_health_checks(clock: FakeClock) -> None:
    server = Server(get("running"), get("paused"))
    async with make_client(server) as client:
        info = await client.endpoints.wait("my-ep", until="paused")
    server.done()
    assert info.status is not None and info.status.state == "paused"


@pytest.mark.anyio
async def test_bad_until_and_unknown_endpoint(clock: FakeClock) -> None:
    server = Server(("GET", API, httpx2.Response(404, json={"error": "Endpoint my-ep not found"})))
    async with make_client(server) as client:
        with pytest.raises(ValidationError, match="until must be one of"):
            await client.endpoints.wait("my-ep", until="failed")
        with pytest.raises(NotFound):
            await client.endpoints.wait("my-ep")
    server.done()


@pytest.mark.anyio
async def test_jitter_spreads_the_polls(
    fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hf_inference_endpoints._async.endpoints.async_sleep", fake_clock.sleep)
    monkeypatch.setattr(
        "hf_inference_endpoints._async.endpoints.async_monotonic", fake_clock.monotonic
    )
    draws = iter([0.0, 1.0 - 1e-9, 0.25])
    monkeypatch.setattr(
        "hf_inference_endpoints._endpoints.states.random",
        types.SimpleNamespace(random=lambda: next(draws)),
    )
    server = Server(*[get("pending", None) for _ in range(3)], get("running"), health())
    async with make_client(server) as client:
        await client.endpoints.wait("my-ep", timeout=100)
    server.done()
    low, high, mid = fake_clock.sleeps
    assert low == pytest.approx(0.9)
    assert high == pytest.approx(1.5 * 1.1)
    assert mid == pytest.approx(2.25 * 0.95)


def test_progress_is_printable() -> None:
    from hf_inference_endpoints.models import EndpointInfo

    progress = WaitProgress("acme/my-ep", "running", None, "ok", 0.0, 1, 1, EndpointInfo())
    assert json.dumps(str(progress))
