"""Inference with ``endpoint=``: URL lookup and cache, states, wake-ups, invalidation."""

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
    ServerError,
    ServiceUnavailable,
    ValidationError,
)

from .conftest import FakeClock

API = "https://api.endpoints.huggingface.cloud/v2/endpoint"
MGMT = f"{API}/acme/my-ep"
URL = "https://a1b2c3d4e5f6g7h8.us-east-1.aws.endpoints.huggingface.cloud"
MOVED = "https://z9y8x7w6v5u4t3s2.us-east-1.aws.endpoints.huggingface.cloud"
TOKEN = "hf_fake_token_for_tests"
MESSAGES = [{"role": "user", "content": "hi"}]


def endpoint(
    state: str, url: str | None = URL, *, min_replica: int = 1, **status: Any
) -> dict[str, Any]:
    return {
        "name": "my-ep",
        "healthRoute": "/health",
        "compute": {"scaling": {"minReplica": min_replica, "maxReplica": 1}},
        "model": {"repository": "Qwen/Qwen2.5-7B-Instruct", "task": "text-generation"},
        "status": {
            "state": state,
            "url": url,
            "message": f"Endpoint is {state}",
            "readyReplica": 1 if state == "running" else 0,
            "targetReplica": 1,
            **status,
        },
    }


def completion(text: str = "hello") -> dict[str, Any]:
    return {
        "id": "",
        "object": "chat.completion",
        "created": 1,
        "model": "tgi",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }


Step = tuple[str, str, httpx2.Response]


class Server:
    """Answers a scripted list of (method, url) -> response and records every request."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        assert self.steps, f"unexpected {request.method} {request.url}"
        method, url, response = self.steps.pop(0)
        assert (request.method, str(request.url)) == (method, url)
        return response

    def add(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def done(self) -> None:
        assert self.steps == [], self.steps


def get(state: str, url: str | None = URL, **kwargs: Any) -> Step:
    return ("GET", MGMT, httpx2.Response(200, json=endpoint(state, url, **kwargs)))


def chat(url: str = URL, status: int = 200, body: Any = None) -> Step:
    answer = completion() if body is None else body
    return ("POST", f"{url}/v1/chat/completions", httpx2.Response(status, json=answer))


WAKING = {"error": "503 Service Unavailable", "code": "SERVICE_UNAVAILABLE"}
PAUSED = {
    "error": "Bad Request: The endpoint is paused, ask a maintainer to restart it",
    "code": "BAD_REQUEST",
}


def make_client(server: Server, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("default_namespace", "acme")
    return AsyncHfInferenceClient(
        token=TOKEN,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
        **{"default_provider": "hf-inference", **config},
    )


@pytest.fixture
def clock(fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    monkeypatch.setattr("hf_inference_endpoints._async.endpoints.async_sleep", fake_clock.sleep)
    monkeypatch.setattr(
        "hf_inference_endpoints._async.endpoints.async_monotonic", fake_clock.monotonic
    )
    monkeypatch.setattr(
        "hf_inference_endpoints._endpoints.states.random", types.SimpleNamespace(random=lambda: 0.5)
    )
    return fake_clock


@pytest.mark.anyio
async def test_chat_on_an_endpoint_and_the_cache(clock: FakeClock) -> None:
    server = Server(get("running"), chat(), chat())
    async with make_client(server, endpoint_cache_ttl=300) as client:
        first = await client.chat.complete(endpoint="my-ep", messages=MESSAGES, max_tokens=5)
        clock.now += 299
        await client.chat.complete(endpoint="acme/my-ep", messages=MESSAGES)  # cache hit
        server.done()
        clock.now += 1  # expired: looked up again
        server.add(get("running"), chat())
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        assert client.endpoints.cache.hits == 1
    server.done()
    lookup, sent = server.requests[:2]
    assert lookup.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert "x-scale-up-timeout" not in sent.headers
    assert json.loads(sent.content) == {"messages": MESSAGES, "max_tokens": 5}
    meta = first.response_meta
    assert meta is not None
    assert (meta.provider, meta.model, meta.url) == (
        "endpoint",
        "acme/my-ep",
        f"{URL}/v1/chat/completions",
    )


@pytest.mark.anyio
async def test_model_is_sent_as_the_served_name_when_given(clock: FakeClock) -> None:
    server = Server(get("running"), chat())
    async with make_client(server) as client:
        await client.chat.complete(
            endpoint="my-ep", model="Qwen/Qwen2.5-7B-Instruct", messages=MESSAGES
        )
    assert json.loads(server.requests[1].content) == {
        "model": "Qwen/Qwen2.5-7B-Instruct",
        "messages": MESSAGES,
    }


@pytest.mark.anyio
async def test_text_generation_posts_to_the_url(clock: FakeClock) -> None:
    server = Server(
        get("running"),
        ("POST", URL, httpx2.Response(200, json=[{"generated_text": " world"}])),
    )
    async with make_client(server) as client:
        out = await client.text_generation.generate(
            endpoint="my-ep", prompt="Hello", max_new_tokens=3
        )
    server.done()
    assert out.generated_text == " world"
    assert json.loads(server.requests[1].content) == {
        "inputs": "Hello",
        "parameters": {"max_new_tokens": 3},
    }


@pytest.mark.anyio
async def test_namespace_comes_from_whoami_once(clock: FakeClock) -> None:
    whoami = (
        "GET",
        "https://huggingface.co/api/whoami-v2",
        httpx2.Response(200, json={"type": "user", "name": "acme"}),
    )
    server = Server(whoami, get("running"), chat(), chat())
    async with make_client(server, default_namespace=None, endpoint_cache_ttl=300) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()


@pytest.mark.anyio
async def test_whoami_of_an_org_token_asks_for_a_namespace(clock: FakeClock) -> None:
    whoami = (
        "GET",
        "https://huggingface.co/api/whoami-v2",
        httpx2.Response(200, json={"type": "org", "name": "acme"}),
    )
    server = Server(whoami)
    async with make_client(server, default_namespace=None) as client:
        with pytest.raises(ValidationError, match="pass namespace="):
            await client.endpoints.get("my-ep")


@pytest.mark.anyio
async def test_bad_input_never_leaves(clock: FakeClock) -> None:
    server = Server()
    async with make_client(server) as client:
        with pytest.raises(ValidationError, match="pass one of them"):
            await client.chat.complete(endpoint="my-ep", provider="together", messages=MESSAGES)
        for bad in ("my ep", "a/b/c", "../x", "ep?x", "ep#x", "é"):
            with pytest.raises(ValidationError):
                await client.chat.complete(endpoint=bad, messages=MESSAGES)
        with pytest.raises(ValidationError, match="model is required"):
            await client.chat.complete(messages=MESSAGES)
    assert server.requests == []


@pytest.mark.anyio
async def test_paused_endpoint_raises_and_is_not_cached(clock: FakeClock) -> None:
    server = Server(get("paused"), get("paused"))
    async with make_client(server) as client:
        for _ in range(2):
            with pytest.raises(EndpointPaused) as info:
                await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
            assert info.value.endpoint == "acme/my-ep"
    server.done()


@pytest.mark.anyio
async def test_auto_resume_paused_resumes_and_waits(clock: FakeClock) -> None:
    server = Server(
        get("paused"),
        ("POST", f"{MGMT}/resume", httpx2.Response(200, json=endpoint("pending"))),
        get("pending"),
        get("initializing"),
        get("running"),
        ("GET", f"{URL}/health", httpx2.Response(200)),
        chat(),
    )
    async with make_client(server, auto_resume_paused=True) as client:
        reply = await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()
    assert reply.choices[0].message is not None
    assert clock.sleeps == [1.0, 1.0]


@pytest.mark.anyio
async def test_failed_endpoint_says_why(clock: FakeClock) -> None:
    server = Server(get("failed", None, message="Endpoint failed to deploy"))
    async with make_client(server) as client:
        with pytest.raises(EndpointFailed) as info:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()
    assert info.value.server_message == "Endpoint failed to deploy"
    assert "acme/my-ep is failed" in str(info.value)


@pytest.mark.anyio
async def test_new_endpoint_is_waited_for(clock: FakeClock) -> None:
    server = Server(
        get("pending", None),
        get("pending", None),
        get("running"),
        ("GET", f"{URL}/health", httpx2.Response(200)),
        chat(),
    )
    async with make_client(server) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()


@pytest.mark.anyio
async def test_scaled_to_zero_is_woken_within_the_cold_start_budget(clock: FakeClock) -> None:
    server = Server(
        get("scaledToZero", min_replica=0),
        chat(status=503, body=WAKING),
        chat(status=503, body=WAKING),
        chat(),
    )
    async with make_client(server, cold_start_timeout=60, request_timeout=None) as client:
        reply = await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()
    assert [r.headers["x-scale-up-timeout"] for r in server.requests[1:]] == ["60"] * 3
    assert clock.sleeps == [1.0, 1.0]
    assert reply.response_meta is not None and reply.response_meta.cold_start_wait == 2.0


@pytest.mark.anyio
async def test_scaled_to_zero_that_never_wakes_times_out(clock: FakeClock) -> None:
    server = Server(get("scaledToZero"), *[chat(status=503, body=WAKING) for _ in range(4)])
    async with make_client(server, cold_start_timeout=3) as client:
        with pytest.raises(ColdStartTimeout) as info:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()
    assert info.value.endpoint == "acme/my-ep"
    assert info.value.waited == 3.0
    assert str(info.value).startswith("Endpoint acme/my-ep was still waking up after waiting 3.0 s")


@pytest.mark.anyio
async def test_cached_running_endpoint_that_scaled_down_is_waited_out(clock: FakeClock) -> None:
    # minReplica 0: a 503 from a "running" endpoint means it scaled to zero since
    server = Server(get("running", min_replica=0), chat(status=503, body=WAKING), chat())
    async with make_client(server) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()
    assert "x-scale-up-timeout" not in server.requests[1].headers
    assert clock.sleeps == [1.0]


@pytest.mark.anyio
async def test_503_on_an_always_on_endpoint_is_unavailable_not_cold(clock: FakeClock) -> None:
    server = Server(get("running"), *[chat(status=503, body={"error": "overloaded"})] * 4)
    async with make_client(server, max_retries=3) as client:
        with pytest.raises(ServiceUnavailable) as info:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()
    assert "(endpoint state: running)" in str(info.value)
    assert len(clock.sleeps) == 3  # max_retries, not the cold-start budget


@pytest.mark.anyio
async def test_errors_name_the_endpoint_state(clock: FakeClock) -> None:
    server = Server(get("updating"), chat(status=500, body={"error": "boom"}))
    async with make_client(server, max_retries=0) as client:
        with pytest.raises(ServerError) as info:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    assert "(endpoint state: updating)" in str(info.value)
    assert info.value.endpoint == "acme/my-ep"


@pytest.mark.anyio
async def test_404_on_a_cached_url_follows_the_endpoint(clock: FakeClock) -> None:
    server = Server(get("running"), chat())
    async with make_client(server, endpoint_cache_ttl=300) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        # the endpoint was recreated elsewhere: the cached URL answers 404
        server.add(
            chat(status=404, body={"error": "Not Found"}),
            get("running", MOVED),
            chat(MOVED),
        )
        reply = await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        server.done()
        assert reply.response_meta is not None
        assert reply.response_meta.url == f"{MOVED}/v1/chat/completions"
        # and the new URL is what the cache now holds
        server.add(chat(MOVED))
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()


@pytest.mark.anyio
async def test_404_when_the_endpoint_is_gone(clock: FakeClock) -> None:
    server = Server(get("running"), chat())
    async with make_client(server, endpoint_cache_ttl=300) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        server.add(
            chat(status=404, body={"error": "Not Found"}),
            ("GET", MGMT, httpx2.Response(404, json={"error": "Endpoint my-ep not found"})),
        )
        with pytest.raises(NotFound) as info:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        assert info.value.server_message == "Endpoint my-ep not found"
        assert "acme/my-ep" not in client.endpoints.cache
    server.done()


@pytest.mark.anyio
async def test_404_on_a_fresh_url_is_not_retried(clock: FakeClock) -> None:
    server = Server(get("running"), chat(status=404, body={"error": "no route"}))
    async with make_client(server) as client:
        with pytest.raises(NotFound) as info:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()
    assert "(endpoint state: running)" in str(info.value)


@pytest.mark.anyio
async def test_paused_after_caching_drops_the_cache(clock: FakeClock) -> None:
    server = Server(get("running"), chat())
    async with make_client(server, endpoint_cache_ttl=300) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        server.add(chat(status=400, body=PAUSED))
        with pytest.raises(EndpointPaused):
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        assert "acme/my-ep" not in client.endpoints.cache
        server.add(get("running"), chat())  # looked up again next time
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()


@pytest.mark.anyio
async def test_paused_after_caching_auto_resumes(clock: FakeClock) -> None:
    server = Server(get("running"), chat())
    async with make_client(server, endpoint_cache_ttl=300, auto_resume_paused=True) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        server.add(
            chat(status=400, body=PAUSED),
            get("paused"),
            ("POST", f"{MGMT}/resume", httpx2.Response(200, json=endpoint("pending"))),
            get("running"),
            ("GET", f"{URL}/health", httpx2.Response(200)),
            chat(),
        )
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    server.done()


@pytest.mark.anyio
async def test_management_calls_refresh_or_drop_the_cache(clock: FakeClock) -> None:
    server = Server(get("running"), chat())
    async with make_client(server, endpoint_cache_ttl=300) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        assert "acme/my-ep" in client.endpoints.cache
        server.add(
            ("POST", f"{MGMT}/scale-to-zero", httpx2.Response(200, json=endpoint("scaledToZero")))
        )
        await client.endpoints.scale_to_zero("my-ep")
        assert "acme/my-ep" not in client.endpoints.cache
        server.add(get("running"))
        await client.endpoints.get("my-ep")
        assert "acme/my-ep" in client.endpoints.cache
        client.clear_caches()
        assert "acme/my-ep" not in client.endpoints.cache
    server.done()


def rerank(url: str = URL, status: int = 200, body: Any = None) -> Step:
    answer = [{"index": 0, "score": 0.9}] if body is None else body
    return ("POST", f"{url}/rerank", httpx2.Response(status, json=answer))


@pytest.mark.anyio
async def test_rank_on_a_moved_endpoint_keeps_its_rerank_route(clock: FakeClock) -> None:
    server = Server(get("running"), rerank())
    async with make_client(server, endpoint_cache_ttl=300) as client:
        await client.text.rank("q", ["a"], endpoint="my-ep")
        # the endpoint was recreated elsewhere: the retry goes to the new URL's /rerank
        server.add(
            rerank(status=404, body={"error": "Not Found"}),
            get("running", MOVED),
            rerank(MOVED),
        )
        ranked = await client.text.rank("q", ["a"], endpoint="my-ep")
        server.done()
    assert [(r.index, r.score) for r in ranked] == [(0, 0.9)]
    assert ranked[0].response_meta is not None
    assert ranked[0].response_meta.url == f"{MOVED}/rerank"
    assert [str(r.url) for r in server.requests[-2:]] == [MGMT, f"{MOVED}/rerank"]
