"""client.endpoints against this project's cassettes (cassettes/endpoints/*.yaml).

Each cassette is one management route (WIRE §f.2) or an inference call on an endpoint
(§a.4, §e.2, §f.6), written from the facts in WIRE.md. vcrpy matches method, URL and
JSON body, so a test only passes when the client sends exactly the recorded request;
the tests also check the request as it left the client (headers included) and the
parsed ``EndpointInfo``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    EndpointPaused,
    NotFound,
    ValidationError,
)

from .conftest import FakeClock

API = "https://api.endpoints.huggingface.cloud/v2/endpoint"
CHAT_NAME = "qwen2-5-7b-instruct-vllm"
CHAT = f"{API}/acme/{CHAT_NAME}"
CHAT_URL = "https://q7w2e9r4t1y8u3i6.us-east-1.aws.endpoints.huggingface.cloud"
VLLM_IMAGE = {
    "vLLM": {
        "url": "vllm/vllm-openai:v0.23.0",
        "port": 8000,
        "healthRoute": "/health",
        "tensorParallelSize": 1,
    }
}
UseCassette = Callable[[str], AbstractContextManager[Any]]


class Wire:
    """Keeps every request the client puts on the wire (an httpx2 request event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> None:
        self.requests.append(request)

    def only(self) -> httpx2.Request:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


@asynccontextmanager
async def open_client(
    token: str, wire: Wire, **config: Any
) -> AsyncIterator[AsyncHfInferenceClient]:
    async with (
        httpx2.AsyncClient(event_hooks={"request": [wire]}) as http,
        AsyncHfInferenceClient(
            token=token, http_client=http, **{"default_provider": "hf-inference", **config}
        ) as client,
    ):
        yield client


def assert_sent(
    request: httpx2.Request, token: str, method: str, url: str, body: Any = None
) -> None:
    assert request.method == method
    assert str(request.url) == url
    assert request.headers["authorization"] == f"Bearer {token}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("hf-inference-endpoints/0.1.0; python/")
    if body is None:
        assert request.content == b""
        assert "content-type" not in request.headers
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == body


@pytest.mark.anyio
async def test_list_follows_next_cursor(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    with cassette("endpoints/list_pages.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            items = await client.endpoints.list("acme")
    assert cass.all_played and cass.play_count == 2
    first, second = wire.requests
    assert_sent(first, hf_token, "GET", f"{API}/acme")
    assert_sent(second, hf_token, "GET", f"{API}/acme?cursor=eyJvZmZzZXQiOjF9")
    assert [ep.name for ep in items] == [CHAT_NAME, "e5-embeddings"]
    chat, emb = items
    assert chat.status is not None and emb.status is not None
    assert (chat.status.state, emb.status.state) == ("running", "scaledToZero")
    assert emb.status.url == "https://k3m8p1s6v9x2z5b7.eu-west-1.aws.endpoints.huggingface.cloud"
    assert emb.status.lastUsedAt == "2026-09-02T20:50:00.000Z"
    assert emb.model is not None and emb.model.image is not None
    assert emb.model.image["tei"].url == "ghcr.io/huggingface/text-embeddings-inference:turing-1.8"
    assert chat.response_meta is not None and emb.response_meta is not None
    assert chat.response_meta.request_id != emb.response_meta.request_id


@pytest.mark.anyio
async def test_list_namespace_comes_from_whoami(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("endpoints/list_whoami.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            assert await client.endpoints.list() == []
    assert cass.all_played
    whoami, listing = wire.requests
    assert str(whoami.url) == "https://huggingface.co/api/whoami-v2"
    assert_sent(listing, hf_token, "GET", f"{API}/alice")


@pytest.mark.anyio
async def test_get(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    with cassette("endpoints/get.yaml") as cass:
        async with open_client(hf_token, wire, default_namespace="acme") as client:
            info = await client.endpoints.get(CHAT_NAME)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, "GET", CHAT)
    assert info.name == CHAT_NAME
    assert info.type == "authenticated"
    assert info.accountId is None
    assert info.healthRoute == "/health"
    assert info.tags == ["llm", "staging"]
    assert info.provider is not None
    assert (info.provider.vendor, info.provider.region) == ("aws", "us-east-1")
    compute = info.compute
    assert compute is not None and compute.scaling is not None
    assert (compute.accelerator, compute.instanceType, compute.instanceSize) == (
        "gpu",
        "nvidia-l4",
        "x1",
    )
    scaling = compute.scaling
    assert (scaling.minReplica, scaling.maxReplica, scaling.scaleToZeroTimeout) == (0, 2, 30)
    assert scaling.measure == {"pendingRequests": 1.5}
    model = info.model
    assert model is not None and model.image is not None
    assert model.repository == "Qwen/Qwen2.5-7B-Instruct"
    assert model.revision == "e2c9a7f1b4d63085a1f2c3d4e5f60718293a4b5c"
    assert (model.task, model.framework) == ("text-generation", "pytorch")
    assert model.image["vLLM"].tensorParallelSize == 1
    assert model.env == {"MAX_MODEL_LEN": "16384"}
    status = info.status
    assert status is not None
    assert (status.state, status.message) == ("running", "Endpoint is ready")
    assert status.url == CHAT_URL
    assert (status.readyReplica, status.targetReplica) == (1, 1)
    assert (status.createdAt, status.updatedAt) == (
        "2026-09-01T08:00:00.000Z",
        "2026-09-01T08:07:31.250Z",
    )
    assert status.createdBy is not None and status.createdBy.name == "alice"
    assert status.private is None
    assert info.response_meta is not None and info.response_meta.status_code == 200


@pytest.mark.anyio
async def test_get_unknown_is_not_found(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    with cassette("endpoints/get_not_found.yaml"):
        async with open_client(hf_token, wire) as client:
            with pytest.raises(NotFound) as info:
                await client.endpoints.get("acme/nope")
    err = info.value
    assert err.status_code == 404
    assert err.endpoint == "acme/nope"
    assert err.server_message == "Endpoint nope not found"
    assert err.request_id == "5f0c1e2d-3b4a-4c5d-8e6f-000000000006"
    assert_sent(wire.only(), hf_token, "GET", f"{API}/acme/nope")


@pytest.mark.anyio
async def test_create_sends_the_wire_body(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("endpoints/create.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            info = await client.endpoints.create(
                f"acme/{CHAT_NAME}",
                "Qwen/Qwen2.5-7B-Instruct",
                vendor="aws",
                region="us-east-1",
                accelerator="gpu",
                instance_type="nvidia-l4",
                instance_size="x1",
                task="text-generation",
                min_replica=0,
                max_replica=2,
                scale_to_zero_timeout=30,
                scaling_metric="pendingRequests",
                scaling_threshold=1.5,
                image=client.endpoints.image(
                    "vllm",
                    "vllm/vllm-openai:v0.23.0",
                    port=8000,
                    health_route="/health",
                    tensor_parallel_size=1,
                ),
                env={"MAX_MODEL_LEN": "16384"},
                secrets={"MY_API_SECRET": "s3cr3t-value"},
                tags=["llm", "staging"],
            )
    assert cass.all_played
    body = {
        "accountId": None,
        "compute": {
            "accelerator": "gpu",
            "instanceSize": "x1",
            "instanceType": "nvidia-l4",
            "scaling": {
                "maxReplica": 2,
                "minReplica": 0,
                "scaleToZeroTimeout": 30,
                "measure": {"pendingRequests": 1.5},
            },
        },
        "model": {
            "framework": "pytorch",
            "repository": "Qwen/Qwen2.5-7B-Instruct",
            "revision": None,
            "image": VLLM_IMAGE,
            "task": "text-generation",
            "env": {"MAX_MODEL_LEN": "16384"},
            "secrets": {"MY_API_SECRET": "s3cr3t-value"},
        },
        "name": CHAT_NAME,
        "provider": {"region": "us-east-1", "vendor": "aws"},
        "type": "authenticated",
        "tags": ["llm", "staging"],
    }
    assert_sent(wire.only(), hf_token, "POST", f"{API}/acme", body)
    assert info.status is not None
    assert (info.status.state, info.status.url) == ("pending", None)
    assert (info.status.readyReplica, info.status.targetReplica) == (0, 1)
    assert info.response_meta is not None and info.response_meta.status_code == 202


@pytest.mark.anyio
async def test_create_rejects_bad_input_before_sending(hf_token: str, no_env: None) -> None:
    wire = Wire()
    async with open_client(hf_token, wire, default_namespace="acme") as client:
        for name in ("Qwen_Chat", "a" * 33, "../x", "acme/ev?il", "a b"):
            with pytest.raises(ValidationError):
                await client.endpoints.create(
                    name,
                    "gpt2",
                    vendor="aws",
                    region="us-east-1",
                    accelerator="cpu",
                    instance_type="intel-spr",
                    instance_size="x2",
                )
        with pytest.raises(ValidationError, match="min_replica"):
            await client.endpoints.create(
                "ok",
                "gpt2",
                vendor="aws",
                region="us-east-1",
                accelerator="cpu",
                instance_type="intel-spr",
                instance_size="x2",
                min_replica=3,
                max_replica=1,
            )
    assert wire.requests == []


@pytest.mark.anyio
async def test_update_sends_only_what_changed(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("endpoints/update.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            info = await client.endpoints.update(
                CHAT_NAME,
                namespace="acme",
                instance_type="nvidia-l40s",
                max_replica=4,
                scale_to_zero_timeout=60,
                image=VLLM_IMAGE,
                env={"MAX_MODEL_LEN": "32768"},
            )
    assert cass.all_played
    body = {
        "compute": {
            "instanceType": "nvidia-l40s",
            "scaling": {"maxReplica": 4, "scaleToZeroTimeout": 60},
        },
        "model": {"image": VLLM_IMAGE, "env": {"MAX_MODEL_LEN": "32768"}},
    }
    assert_sent(wire.only(), hf_token, "PUT", CHAT, body)
    assert info.status is not None and info.status.state == "updating"
    assert info.compute is not None and info.compute.instanceType == "nvidia-l40s"


@pytest.mark.anyio
async def test_update_parallelism_resends_the_image_without_credentials(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("endpoints/update_parallelism.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            info = await client.endpoints.update(
                f"acme/{CHAT_NAME}", instance_size="x2", tensor_parallel_size=2
            )
    assert cass.all_played
    get, put = wire.requests
    assert_sent(get, hf_token, "GET", CHAT)
    image = {"vLLM": {**VLLM_IMAGE["vLLM"], "tensorParallelSize": 2}}
    assert_sent(
        put, hf_token, "PUT", CHAT, {"compute": {"instanceSize": "x2"}, "model": {"image": image}}
    )
    assert b"credentials" not in put.content
    assert info.model is not None and info.model.image is not None
    assert info.model.image["vLLM"].tensorParallelSize == 2


@pytest.mark.anyio
async def test_delete(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    with cassette("endpoints/delete.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            assert await client.endpoints.delete(f"acme/{CHAT_NAME}") is None
    assert cass.all_played
    assert_sent(wire.only(), hf_token, "DELETE", CHAT)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("action", "route", "state"),
    [
        ("pause", "pause", "paused"),
        ("resume", "resume", "pending"),
        ("scale_to_zero", "scale-to-zero", "scaledToZero"),
    ],
)
async def test_actions(
    cassette: UseCassette, hf_token: str, no_env: None, action: str, route: str, state: str
) -> None:
    wire = Wire()
    with cassette(f"endpoints/{action}.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            info = await getattr(client.endpoints, action)(f"acme/{CHAT_NAME}")
    assert cass.all_played
    assert_sent(wire.only(), hf_token, "POST", f"{CHAT}/{route}")
    assert info.status is not None and info.status.state == state
    assert info.status.url == CHAT_URL  # kept while paused / scaled to zero / resuming


@pytest.mark.anyio
async def test_resume_tolerates_already_running(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("endpoints/resume_already_running.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            info = await client.endpoints.resume(f"acme/{CHAT_NAME}")
    assert cass.all_played
    resume, get = wire.requests
    assert_sent(resume, hf_token, "POST", f"{CHAT}/resume")
    assert_sent(get, hf_token, "GET", CHAT)
    assert info.status is not None and info.status.state == "running"


@pytest.mark.anyio
async def test_resume_can_refuse_already_running(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("endpoints/resume_already_running.yaml"):
        async with open_client(hf_token, wire) as client:
            with pytest.raises(ValidationError, match="already running") as info:
                await client.endpoints.resume(f"acme/{CHAT_NAME}", running_ok=False)
    assert info.value.status_code == 400
    assert len(wire.requests) == 1


@pytest.mark.anyio
async def test_chat_wakes_a_scaled_to_zero_endpoint(
    cassette: UseCassette, hf_token: str, no_env: None, fake_clock: FakeClock
) -> None:
    wire = Wire()
    messages = [{"role": "user", "content": "Capital of France?"}]
    with cassette("endpoints/chat_scaled_to_zero.yaml") as cass:
        async with open_client(hf_token, wire, request_timeout=120.0) as client:
            reply = await client.chat.complete(
                endpoint=f"acme/{CHAT_NAME}", messages=messages, max_tokens=8
            )
    assert cass.all_played
    get, first, second = wire.requests
    assert_sent(get, hf_token, "GET", CHAT)
    for sent in (first, second):
        assert sent.method == "POST"
        assert str(sent.url) == f"{CHAT_URL}/v1/chat/completions"
        assert sent.headers["authorization"] == f"Bearer {hf_token}"
        # WIRE §f.6: ask the proxy to hold the request while a replica starts
        assert sent.headers["x-scale-up-timeout"] == "108"
        # no "model": the endpoint serves one model (vLLM rejects a wrong name)
        assert json.loads(sent.content) == {"messages": messages, "max_tokens": 8}
    assert fake_clock.sleeps == [1.0]  # the 503 was waited out as a cold start
    assert reply.choices[0].message is not None
    assert reply.choices[0].message.content == "Paris."
    meta = reply.response_meta
    assert meta is not None
    assert (meta.attempts, meta.cold_start_wait) == (2, 1.0)
    assert meta.model == f"acme/{CHAT_NAME}"


@pytest.mark.anyio
async def test_chat_on_a_paused_endpoint_names_it(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("endpoints/chat_paused.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            with pytest.raises(EndpointPaused) as info:
                await client.chat.complete(
                    endpoint=f"acme/{CHAT_NAME}", messages=[{"role": "user", "content": "hi"}]
                )
    assert cass.all_played
    assert len(wire.requests) == 1  # nothing was sent to the paused endpoint
    err = info.value
    assert err.endpoint == f"acme/{CHAT_NAME}"
    assert f"Endpoint acme/{CHAT_NAME} is paused" in str(err)
    assert "auto_resume_paused" in str(err)
