"""The emulated /v2/endpoint API: routes, bodies, the time-scaled state machine, data plane gates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from hf_inference_endpoints.emulator import EmulatorSettings, create_app
from hf_inference_endpoints.emulator.endpoints_api import PAUSED_BODY, WAKING_BODY, store_of

from .conftest import AUTH

pytestmark = pytest.mark.anyio

API = "/endpoints-api/v2/endpoint"
NS = "emulator-user"
SCALE = 0.01  # the conftest settings' time_scale
#: A dedicated endpoint's 401 (docs/wire.md §5.2).
ENDPOINT_UNAUTHORIZED_BODY = {"error": "401 Unauthorized", "code": "UNAUTHORIZED"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sim(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass."""
        self.now += seconds * SCALE


@pytest.fixture
def clock(app: Starlette) -> Clock:
    fake = Clock()
    app.state.emulator.clock = fake
    return fake


def create_body(name: str = "my-ep", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "accountId": None,
        "compute": {
            "accelerator": "cpu",
            "instanceSize": "x2",
            "instanceType": "intel-spr",
            "scaling": {"maxReplica": 1, "minReplica": 1, "scaleToZeroTimeout": None},
        },
        "model": {
            "framework": "pytorch",
            "repository": "gpt2",
            "revision": None,
            "image": {"huggingface": {}},
            "task": "text-generation",
        },
        "name": name,
        "provider": {"region": "us-east-1", "vendor": "aws"},
        "type": "authenticated",
    }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


async def create(client: httpx2.AsyncClient, name: str = "my-ep", **changes: Any) -> dict[str, Any]:
    response = await client.post(f"{API}/{NS}", json=create_body(name, **changes))
    assert response.status_code == 202, response.text
    data: dict[str, Any] = response.json()
    return data


async def state_of(client: httpx2.AsyncClient, name: str = "my-ep") -> dict[str, Any]:
    response = await client.get(f"{API}/{NS}/{name}")
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()["status"]
    return status


async def running(
    client: httpx2.AsyncClient, clock: Clock, name: str = "my-ep", **changes: Any
) -> None:
    await create(client, name, **changes)
    clock.sim(2 + 8)
    assert (await state_of(client, name))["state"] == "running"


async def generate(
    client: httpx2.AsyncClient, name: str = "my-ep", **headers: str
) -> httpx2.Response:
    return await client.post(
        f"/tgi/{name}/generate",
        json={"inputs": "Hello", "parameters": {"max_new_tokens": 3}},
        headers=headers,
    )


async def test_create_answers_the_object_pending(client: httpx2.AsyncClient, clock: Clock) -> None:
    data = await create(client)
    assert data["name"] == "my-ep"
    assert data["type"] == "authenticated"
    assert data["provider"] == {"region": "us-east-1", "vendor": "aws"}
    assert data["compute"]["scaling"]["minReplica"] == 1
    assert data["model"]["repository"] == "gpt2"
    assert data["healthRoute"] == "/health"
    status = data["status"]
    assert status["state"] == "pending"
    assert status["message"] == "Endpoint waiting to be scheduled"
    assert status["url"] is None
    assert (status["readyReplica"], status["targetReplica"]) == (0, 1)
    assert status["createdBy"]["name"] == NS
    assert status["createdAt"].endswith("Z")


async def test_the_state_machine_runs_on_simulated_time(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await create(client)
    clock.sim(1.9)
    assert (await state_of(client))["state"] == "pending"
    clock.sim(0.1)
    status = await state_of(client)
    assert (status["state"], status["url"]) == ("initializing", None)
    clock.sim(7.9)
    assert (await state_of(client))["state"] == "initializing"
    clock.sim(0.1)
    status = await state_of(client)
    assert status["state"] == "running"
    assert status["message"] == "Endpoint is ready"
    assert status["url"] == "http://emulator/tgi/my-ep"
    assert (status["readyReplica"], status["targetReplica"]) == (1, 1)
    assert (await generate(client)).status_code == 200


async def test_embedding_endpoints_get_a_tei_url(client: httpx2.AsyncClient, clock: Clock) -> None:
    await running(
        client,
        clock,
        "e5",
        model={
            "task": "sentence-embeddings",
            "image": {"tei": {"url": "tei:1", "healthRoute": "/health"}},
        },
    )
    assert (await state_of(client, "e5"))["url"] == "http://emulator/tei/e5"
    response = await client.post("/tei/e5/embed", json={"inputs": "hi"})
    assert response.status_code == 200


async def test_failure_on_demand(client: httpx2.AsyncClient, clock: Clock) -> None:
    body = create_body()
    body["model"]["env"] = {"EMULATOR_FAIL": "CUDA out of memory"}
    assert (await client.post(f"{API}/{NS}", json=body)).status_code == 202
    clock.sim(10)
    status = await state_of(client)
    assert (status["state"], status["message"], status["url"]) == (
        "failed",
        "CUDA out of memory",
        None,
    )
    # an update fixing it redeploys
    response = await client.put(f"{API}/{NS}/my-ep", json={"model": {"env": {}}})
    assert response.json()["status"]["state"] == "pending"
    clock.sim(10)
    assert (await state_of(client))["state"] == "running"


async def test_update_merges_and_goes_through_updating(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(client, clock)
    response = await client.put(
        f"{API}/{NS}/my-ep",
        json={"compute": {"scaling": {"maxReplica": 4}}, "model": {"env": {"A": "1"}}},
    )
    data = response.json()
    assert data["status"]["state"] == "updating"
    assert data["status"]["url"] == "http://emulator/tgi/my-ep"  # kept while updating
    assert data["compute"]["scaling"] == {
        "maxReplica": 4,
        "minReplica": 1,
        "scaleToZeroTimeout": None,
    }
    assert data["compute"]["instanceType"] == "intel-spr"
    assert data["model"]["env"] == {"A": "1"}
    assert (await generate(client)).status_code == 200  # old replicas keep serving
    clock.sim(5)
    assert (await state_of(client))["state"] == "running"
    await client.put(f"{API}/{NS}/my-ep", json={"model": {"env": {"EMULATOR_FAIL": "bad image"}}})
    clock.sim(5)
    status = await state_of(client)
    assert (status["state"], status["message"]) == ("updateFailed", "bad image")


async def test_pause_blocks_traffic_and_resume_restarts(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(client, clock)
    paused = await client.post(f"{API}/{NS}/my-ep/pause")
    assert paused.json()["status"]["state"] == "paused"
    assert paused.json()["status"]["url"] == "http://emulator/tgi/my-ep"
    response = await generate(client)
    assert (response.status_code, response.json()) == (400, PAUSED_BODY)
    clock.sim(1000)
    assert (await state_of(client))["state"] == "paused"  # traffic never wakes a paused one
    resumed = await client.post(f"{API}/{NS}/my-ep/resume")
    assert resumed.json()["status"]["state"] == "pending"
    clock.sim(10)
    assert (await state_of(client))["state"] == "running"
    again = await client.post(f"{API}/{NS}/my-ep/resume")
    assert again.status_code == 400
    assert "already running" in again.json()["error"]


async def test_scale_to_zero_then_traffic_wakes_it(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(client, clock)
    scaled = await client.post(f"{API}/{NS}/my-ep/scale-to-zero")
    status = scaled.json()["status"]
    assert (status["state"], status["readyReplica"], status["targetReplica"]) == (
        "scaledToZero",
        0,
        0,
    )
    assert status["url"] == "http://emulator/tgi/my-ep"
    response = await generate(client)
    assert (response.status_code, response.json()) == (503, WAKING_BODY)
    assert "retry-after" not in response.headers
    assert (await state_of(client))["state"] == "initializing"
    clock.sim(44)
    assert (await generate(client)).status_code == 503
    clock.sim(1)
    assert (await generate(client)).status_code == 200
    assert (await state_of(client))["state"] == "running"


async def test_unauthenticated_traffic_does_not_wake(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(client, clock)
    await client.post(f"{API}/{NS}/my-ep/scale-to-zero")
    response = await client.post(
        "/tgi/my-ep/generate", json={"inputs": "x"}, headers={"Authorization": ""}
    )
    assert (response.status_code, response.json()) == (401, ENDPOINT_UNAUTHORIZED_BODY)
    assert (await state_of(client))["state"] == "scaledToZero"


@pytest.mark.parametrize("path", ["/tgi/my-ep/generate", "/tgi/my-ep", "/tgi/my-ep/health"])
async def test_a_refused_token_gets_a_dedicated_endpoints_401(
    client: httpx2.AsyncClient, clock: Clock, path: str
) -> None:
    await running(client, clock)
    for authorization in ("", "Basic abc"):
        response = await client.post(
            path, json={"inputs": "x"}, headers={"Authorization": authorization}
        )
        assert response.status_code == 401
        assert response.json() == ENDPOINT_UNAUTHORIZED_BODY
        assert response.headers["x-request-id"]


NO_TOKEN = {"Authorization": ""}  # the client's default AUTH header, emptied


async def test_a_public_endpoint_takes_calls_without_a_token(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(client, clock, "open-ep", type="public")
    anonymous = await generate(client, "open-ep", **NO_TOKEN)
    assert anonymous.status_code == 200, anonymous.text
    assert anonymous.json()["generated_text"]
    health = await client.get("/tgi/open-ep/health", headers=NO_TOKEN)
    assert health.status_code == 200
    any_token = await generate(client, "open-ep", Authorization="Bearer not-checked")
    assert any_token.status_code == 200
    # the Hub, the router and a plain emulated server still need one
    assert (await client.get("/hub/api/whoami-v2", headers=NO_TOKEN)).status_code == 401
    plain = await client.post("/tgi/no-such-ep/generate", json={"inputs": "x"}, headers=NO_TOKEN)
    assert plain.status_code == 401


@pytest.mark.parametrize("security", ["authenticated", "protected", "private"])
async def test_other_endpoint_types_need_a_token(
    client: httpx2.AsyncClient, clock: Clock, security: str
) -> None:
    await running(client, clock, "closed-ep", type=security)
    anonymous = await generate(client, "closed-ep", **NO_TOKEN)
    assert anonymous.status_code == 401
    with_token = await generate(client, "closed-ep")
    assert with_token.status_code == 200, with_token.text


async def test_anonymous_traffic_wakes_a_public_endpoint(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(client, clock, "open-ep", type="public")
    await client.post(f"{API}/{NS}/open-ep/scale-to-zero")
    response = await generate(client, "open-ep", **NO_TOKEN)
    assert (response.status_code, response.json()) == (503, WAKING_BODY)
    assert (await state_of(client, "open-ep"))["state"] == "initializing"


async def test_idle_endpoint_scales_down_after_its_timeout(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(
        client,
        clock,
        compute={"scaling": {"minReplica": 0, "maxReplica": 1, "scaleToZeroTimeout": 15}},
    )
    clock.sim(14 * 60)
    assert (await generate(client)).status_code == 200  # traffic resets the idle clock
    clock.sim(14 * 60)
    assert (await state_of(client))["state"] == "running"
    clock.sim(60)
    assert (await state_of(client))["state"] == "scaledToZero"


async def test_min_replica_above_zero_never_idles_down(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await running(
        client,
        clock,
        compute={"scaling": {"minReplica": 1, "maxReplica": 1, "scaleToZeroTimeout": 15}},
    )
    clock.sim(100 * 60)
    assert (await state_of(client))["state"] == "running"


@pytest.fixture
def fast_settings() -> EmulatorSettings:
    return EmulatorSettings(time_scale=0.0005)


@pytest.fixture
async def real_time_client(fast_settings: EmulatorSettings) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(fast_settings)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://emulator", headers=AUTH
    ) as c:
        yield c


async def test_scale_up_timeout_holds_the_request(real_time_client: httpx2.AsyncClient) -> None:
    client = real_time_client
    await client.post(f"{API}/{NS}", json=create_body())
    # pending + initializing = 10 simulated s = 5 ms: a held request sees it through
    response = await generate(client, **{"X-Scale-Up-Timeout": "60"})
    assert response.status_code == 200
    await client.post(f"{API}/{NS}/my-ep/scale-to-zero")
    # waking takes 45 simulated s; a 10 s hold is not enough
    short = await generate(client, **{"X-Scale-Up-Timeout": "10"})
    assert (short.status_code, short.json()) == (503, WAKING_BODY)
    held = await generate(client, **{"X-Scale-Up-Timeout": "120"})
    assert held.status_code == 200


async def test_list_pages_with_next_cursor(
    app: Starlette, client: httpx2.AsyncClient, clock: Clock
) -> None:
    store_of(app.state.emulator).page_size = 2
    for name in ("a", "b", "c"):
        await create(client, name)
    other = await client.post(f"{API}/emulator-org", json=create_body("d"))
    assert other.status_code == 202
    first = (await client.get(f"{API}/{NS}")).json()
    assert [e["name"] for e in first["items"]] == ["a", "b"]
    assert first["nextCursor"] == "2"
    second = (await client.get(f"{API}/{NS}", params={"cursor": first["nextCursor"]})).json()
    assert [e["name"] for e in second["items"]] == ["c"]
    assert second["nextCursor"] is None
    org = (await client.get(f"{API}/emulator-org")).json()
    assert [e["name"] for e in org["items"]] == ["d"]


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        (create_body("Bad_Name"), 400, "name"),
        (create_body("x" * 33), 400, "name"),
        (
            create_body(
                compute={"scaling": {"minReplica": 0, "maxReplica": 1, "scaleToZeroTimeout": 5}}
            ),
            400,
            "15 and 2880",
        ),
        (create_body(compute={"scaling": {"minReplica": 2, "maxReplica": 1}}), 400, "minReplica"),
        (
            create_body(model={"image": {"tgi": {"url": "a"}, "tei": {"url": "b"}}}),
            400,
            "one image",
        ),
        ({"name": "x"}, 400, "Invalid endpoint"),
        (create_body(compute={"instanceSize": "x99"}), 400, "Invalid instanceSize 'x99'"),
        (create_body(compute={"accelerator": "tpu"}), 400, "Invalid accelerator 'tpu'"),
    ],
)
async def test_create_rejects_what_the_api_would(
    client: httpx2.AsyncClient, body: dict[str, Any], status: int, said: str
) -> None:
    response = await client.post(f"{API}/{NS}", json=body)
    assert response.status_code == status
    assert said in response.json()["error"]


async def test_conflicts_permissions_and_unknowns(client: httpx2.AsyncClient, clock: Clock) -> None:
    await create(client)
    duplicate = await client.post(f"{API}/{NS}", json=create_body())
    assert duplicate.status_code == 409
    foreign = await client.get(f"{API}/someone-else")
    assert foreign.status_code == 403
    missing = await client.get(f"{API}/{NS}/nope")
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": "Endpoint nope not found in namespace emulator-user"},
    )
    assert (await client.post(f"{API}/{NS}/nope/pause")).status_code == 404
    bad_json = await client.post(
        f"{API}/{NS}", content=b"{", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 422
    no_token = await client.get(f"{API}/{NS}", headers={"Authorization": ""})
    assert no_token.status_code == 401


async def test_delete_then_gone(client: httpx2.AsyncClient, clock: Clock) -> None:
    await running(client, clock)
    await client.post(f"{API}/{NS}/my-ep/pause")
    assert (await client.delete(f"{API}/{NS}/my-ep")).status_code == 200
    assert (await client.get(f"{API}/{NS}/my-ep")).status_code == 404
    # its URL is gone too, until an endpoint of that name exists again
    gone = await generate(client)
    assert (gone.status_code, gone.json()) == (404, {"error": "Not Found"})
    await running(client, clock)
    assert (await generate(client)).status_code == 200
    # names that never were endpoints stay plain emulated TGI servers
    assert (await generate(client, "plain-tgi")).status_code == 200


async def test_scale_to_zero_refused_on_paused(client: httpx2.AsyncClient, clock: Clock) -> None:
    await running(client, clock)
    await client.post(f"{API}/{NS}/my-ep/pause")
    response = await client.post(f"{API}/{NS}/my-ep/scale-to-zero")
    assert response.status_code == 400


async def test_reset_forgets_endpoints(
    app: Starlette, client: httpx2.AsyncClient, clock: Clock
) -> None:
    await create(client)
    assert (await client.post("/_emulator/reset")).status_code == 200
    assert (await client.get(f"{API}/{NS}/my-ep")).status_code == 404
