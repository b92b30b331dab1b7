"""``client.with_options(...)``: call options and retry settings set once for a block of calls.

A view shares the client's pool and caches; a keyword the call leaves out takes the view's
value, one it gives wins, and ``extra_headers``/``extra_body`` merge. The network is the
shared scripted ``Wire`` peer, so each test asserts the exact requests sent.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncChat,
    AsyncHfInferenceClient,
    ConfigurationError,
    HfError,
    InvalidArgument,
    ServiceUnavailable,
    ValidationError,
)

from ..wire import Wire
from .conftest import FakeClock

HUB = "https://hub.test"
ROUTER = "https://router.test"
TOKEN = "hf_with_options_token"
MODEL = "org/chat-model"
HF_CHAT = f"{ROUTER}/hf-inference/models/{MODEL}/v1/chat/completions"
ROUTER_CHAT = f"{ROUTER}/v1/chat/completions"
TOGETHER_CHAT = f"{ROUTER}/together/v1/chat/completions"
CLASSIFY = f"{ROUTER}/hf-inference/models/org/classifier"
MESSAGES = [{"role": "user", "content": "Hi"}]
COMPLETION = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": MODEL,
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hey"}}
    ],
}


def answer() -> httpx2.Response:
    return httpx2.Response(200, json=COMPLETION)


def make_client(wire: Wire, **config: Any) -> AsyncHfInferenceClient:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(wire))
    return AsyncHfInferenceClient(
        token=TOKEN,
        hub_url=HUB,
        router_url=ROUTER,
        http_client=http,
        **{"default_provider": "hf-inference", **config},
    )


def headers(request: httpx2.Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.startswith("x-")}


@pytest.mark.anyio
async def test_a_view_sends_its_options_and_a_call_keyword_wins() -> None:
    wire = Wire().add("POST", ROUTER_CHAT, answer()).add("POST", HF_CHAT, answer())
    async with make_client(wire) as client:
        view = client.with_options(
            provider="auto",
            bill_to="acme",
            extra_headers={"X-Team": "a", "X-Shared": "view"},
            extra_body={"seed": 1, "top_p": 0.5},
        )
        await view.chat.complete(
            model=MODEL,
            messages=MESSAGES,
            extra_headers={"X-Shared": "call"},
            extra_body={"seed": 7},
        )
        await view.chat.complete(
            model=MODEL, messages=MESSAGES, provider="hf-inference", bill_to="b"
        )
        await client.chat.complete(model=MODEL, messages=MESSAGES)  # the client itself: none
    assert wire.urls() == [f"POST {ROUTER_CHAT}", f"POST {HF_CHAT}", f"POST {HF_CHAT}"]
    first, second, plain = wire.requests
    assert headers(first) == {"x-hf-bill-to": "acme", "x-team": "a", "x-shared": "call"}
    assert json.loads(first.content)["seed"] == 7 and json.loads(first.content)["top_p"] == 0.5
    assert headers(second) == {"x-hf-bill-to": "b", "x-team": "a", "x-shared": "view"}
    assert json.loads(second.content)["seed"] == 1
    assert headers(plain) == {}
    assert "seed" not in json.loads(plain.content)


@pytest.mark.anyio
async def test_a_view_timeout_is_each_calls_deadline_unless_the_call_gives_one(
    fake_clock: FakeClock,
) -> None:
    wire = Wire().add("POST", HF_CHAT, answer())
    async with make_client(wire) as client:
        view = client.with_options(timeout=5)
        await view.chat.complete(model=MODEL, messages=MESSAGES)
        await view.chat.complete(model=MODEL, messages=MESSAGES, timeout=2)
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    reads = [r.extensions["timeout"]["read"] for r in wire.requests]
    assert reads == [5.0, 2.0, client.config.request_timeout]


@pytest.mark.anyio
async def test_a_view_retries_as_its_settings_say_and_the_client_as_before(
    fake_clock: FakeClock,
) -> None:
    busy = httpx2.Response(503, json={"error": "busy"})
    wire = Wire().add("POST", HF_CHAT, busy)
    async with make_client(wire, max_retries=2) as client:
        view = client.with_options(max_retries=0)
        with pytest.raises(ServiceUnavailable):
            await view.chat.complete(model=MODEL, messages=MESSAGES)
        assert len(wire.requests) == 1
        with pytest.raises(ServiceUnavailable):
            await client.chat.complete(model=MODEL, messages=MESSAGES)
        assert len(wire.requests) == 4  # 1 + 2 retries
        assert view.config.max_retries == 0 and client.config.max_retries == 2


@pytest.mark.anyio
async def test_a_view_shares_the_pool_and_the_caches() -> None:
    mapping = {"together": {"status": "live", "providerId": "tg/chat", "task": "conversational"}}
    wire = Wire().mapping(HUB, MODEL, mapping).add("POST", TOGETHER_CHAT, answer())
    async with make_client(wire) as client:
        view = client.with_options(provider="together", max_retries=1)
        await view.chat.complete(model=MODEL, messages=MESSAGES)
        await client.chat.complete(model=MODEL, messages=MESSAGES, provider="together")
        assert view._transport.http_client is client._transport.http_client
        assert view._providers.cache is client._providers.cache
        assert view.endpoints.cache is client.endpoints.cache
        assert view.embeddings.cache is client.embeddings.cache
        client.clear_caches()  # one list of caches: the view's lookups are gone too
        await view.chat.complete(model=MODEL, messages=MESSAGES)
    lookups = [u for u in wire.urls() if u.startswith("GET")]
    assert len(lookups) == 2  # once before clear_caches (shared by the view and the client)
    assert [json.loads(r.content)["model"] for r in wire.requests if r.method == "POST"] == [
        "tg/chat"
    ] * 3


@pytest.mark.anyio
async def test_a_view_of_a_view_adds_to_its_options_and_infer_takes_them() -> None:
    wire = Wire().add("POST", CLASSIFY, httpx2.Response(200, json=[[{"label": "A", "score": 1}]]))
    async with make_client(wire) as client:
        view = client.with_options(bill_to="acme", extra_headers={"X-A": "1"})
        deeper = view.with_options(extra_headers={"X-B": "2"})
        await deeper.infer("text-classification", "org/classifier", "hello")
        await deeper.text.classify("org/classifier", "hello")
    assert [headers(r) for r in wire.requests] == [
        {"x-hf-bill-to": "acme", "x-a": "1", "x-b": "2"}
    ] * 2


@pytest.mark.anyio
async def test_a_client_without_options_uses_the_plain_classes() -> None:
    async with make_client(Wire()) as client:
        assert type(client) is AsyncHfInferenceClient and type(client.chat) is AsyncChat
        view = client.with_options(timeout=3)
        assert isinstance(view, AsyncHfInferenceClient) and isinstance(view.chat, AsyncChat)
        assert view.chat is view.chat  # made once per view
        assert client.chat._client is client and view.chat._client is view
        assert not view.is_closed
    assert view.is_closed  # closing the client closes the pool the view shares


@pytest.mark.anyio
async def test_unknown_keywords_and_bad_settings_are_refused() -> None:
    async with make_client(Wire()) as client:
        with pytest.raises(InvalidArgument, match="not 'token'"):
            client.with_options(token="hf_other")
        with pytest.raises(ValidationError):
            client.with_options(stream=True)
        with pytest.raises(ConfigurationError):
            client.with_options(max_retries=-1)


@pytest.mark.anyio
async def test_a_view_with_retry_settings_is_closed_with_its_client() -> None:
    wire = Wire().add("POST", HF_CHAT, answer())
    client = make_client(wire)
    view = client.with_options(max_retries=0)
    await view.aclose()  # closes the shared pool, as closing the client does
    assert client.is_closed and view.is_closed and view._transport.is_closed
    with pytest.raises(HfError, match="closed"):
        await view.chat.complete(model=MODEL, messages=MESSAGES)
    with pytest.raises(HfError, match="closed"):
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert wire.requests == []


@pytest.mark.anyio
async def test_a_view_sends_every_call_to_its_endpoint_with_one_lookup() -> None:
    from .test_endpoints_routing import URL, Server, chat, get
    from .test_endpoints_routing import make_client as endpoint_client

    server = Server(get("running"), chat(), chat())
    async with endpoint_client(server) as client:
        view = client.with_options(endpoint="my-ep")
        first = await view.chat.complete(messages=MESSAGES)  # no model: the endpoint serves
        second = await view.chat.complete(messages=MESSAGES)
        assert client.endpoints.cache.get("acme/my-ep") is not None  # shared with the client
    assert first.choices[0].message.content == second.choices[0].message.content == "hello"
    assert [str(r.url) for r in server.requests][1:] == [f"{URL}/v1/chat/completions"] * 2
    server.done()
