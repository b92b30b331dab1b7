"""``timeout=`` bounds everything an ``endpoint=`` call does, on the fake clock.

The endpoint lookup, a resume, a wait for a starting endpoint, the wake-up of a
scaled-to-zero one and the ``on_error`` re-resolution all come out of the call's
``timeout``; the inference request gets only what is left (its ``read`` timeout).
"""

from __future__ import annotations

import json
import types
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    ColdStartTimeout,
    DeadlineExceeded,
    EmbeddingBatchError,
    RequestTimeout,
)

from .conftest import FakeClock
from .test_endpoints_routing import endpoint

API = "https://api.endpoints.huggingface.cloud/v2/endpoint"
MGMT = f"{API}/acme/my-ep"
URL = "https://a1b2c3d4e5f6g7h8.us-east-1.aws.endpoints.huggingface.cloud"
MOVED = "https://z9y8x7w6v5u4t3s2.us-east-1.aws.endpoints.huggingface.cloud"
CHAT = f"{URL}/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]
WAKING = {"error": "503 Service Unavailable", "code": "SERVICE_UNAVAILABLE"}


def completion() -> dict[str, Any]:
    return {
        "id": "",
        "object": "chat.completion",
        "created": 1,
        "model": "tgi",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
        ],
    }


def events(*items: Any, done: bool = False) -> httpx2.Response:
    body = b"".join(b"data: " + json.dumps(item).encode() + b"\n\n" for item in items)
    body += b"data: [DONE]\n\n" if done else b""
    return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})


Took = float | Callable[[httpx2.Request], float]
Answer = httpx2.Response | Callable[[httpx2.Request], httpx2.Response]


class Wire:
    """Answers on the fake clock: each (method, URL) takes its time, then answers.

    A route holds a list of (took, answer); the last one repeats. A request whose read
    timeout (the ``timeout`` extension the client set) is shorter than ``took`` takes
    its read timeout and ends in ``httpx2.ReadTimeout``, as a real socket would.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.routes: dict[tuple[str, str], list[tuple[Took, Answer]]] = {}
        self.sent: list[tuple[str, str, float | None, float]] = []  # method, url, read, clock
        self.requests: list[httpx2.Request] = []

    def add(self, method: str, url: str, took: Took, answer: Answer) -> Wire:
        self.routes.setdefault((method, url), []).append((took, answer))
        return self

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        key = (request.method, str(request.url))
        assert key in self.routes, f"unexpected {request.method} {request.url}"
        queue = self.routes[key]
        took, answer = queue.pop(0) if len(queue) > 1 else queue[0]
        read = request.extensions["timeout"]["read"]
        self.requests.append(request)
        self.sent.append((request.method, str(request.url), read, self.clock.now))
        seconds = took(request) if callable(took) else took
        if read is not None and seconds > read:
            self.clock.now += read
            raise httpx2.ReadTimeout("timed out", request=request)
        self.clock.now += seconds
        return answer(request) if callable(answer) else answer

    def urls(self) -> list[str]:
        return [f"{method} {url}" for method, url, _, _ in self.sent]

    def reads(self, method: str, url: str) -> list[float | None]:
        return [read for m, u, read, _ in self.sent if (m, u) == (method, url)]


def lookup(state: str = "running", url: str | None = URL, **kwargs: Any) -> httpx2.Response:
    return httpx2.Response(200, json=endpoint(state, url, **kwargs))


def labels() -> httpx2.Response:
    return httpx2.Response(200, json=LABELS)


def make_client(wire: Wire, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("default_namespace", "acme")
    return AsyncHfInferenceClient(
        token="hf_fake_token_for_tests",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        **{"default_provider": "hf-inference", **config},
    )


@pytest.fixture
def clock(fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """One fake clock for the transport, the client, endpoints and embeddings."""
    for module in ("endpoints", "embeddings"):
        monkeypatch.setattr(
            f"hf_inference_endpoints._async.{module}.async_monotonic", fake_clock.monotonic
        )
    monkeypatch.setattr("hf_inference_endpoints._async.endpoints.async_sleep", fake_clock.sleep)
    monkeypatch.setattr(
        "hf_inference_endpoints._endpoints.states.random", types.SimpleNamespace(random=lambda: 0.5)
    )
    return fake_clock


# ------------------------------------------------------------- every method, one budget

Call = Callable[[AsyncHfInferenceClient, float | None], Awaitable[Any]]


async def chat_complete(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    return await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=timeout)


async def chat_stream(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    stream = await client.chat.stream(endpoint="my-ep", messages=MESSAGES, timeout=timeout)
    async with stream:
        return [chunk async for chunk in stream]


async def generate(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    return await client.text_generation.generate(endpoint="my-ep", prompt="Hi", timeout=timeout)


async def generate_stream(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    stream = await client.text_generation.stream(endpoint="my-ep", prompt="Hi", timeout=timeout)
    async with stream:
        return [event async for event in stream]


async def classify(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    return await client.text.classify(text="I like you", endpoint="my-ep", timeout=timeout)


async def infer(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    return await client.infer("text-classification", inputs="hi", endpoint="my-ep", timeout=timeout)


async def embed(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    return await client.embeddings.create(inputs=["a", "b"], endpoint="my-ep", timeout=timeout)


async def similarity(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
    return await client.embeddings.similarity(
        source_sentence="a", sentences=["b"], endpoint="my-ep", timeout=timeout
    )


CHUNK = {
    "id": "c",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "tgi",
    "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}],
}
TOKEN_EVENT = {
    "index": 1,
    "token": {"id": 1, "text": "hi", "logprob": 0.0, "special": False},
    "generated_text": "hi",
    "details": None,
}
LABELS = [{"label": "POSITIVE", "score": 0.9}]

GENERATED = [{"generated_text": "!"}]
METHODS: dict[str, tuple[Call, str, httpx2.Response, Callable[[Any], Any], Any]] = {
    # method: (call, URL posted to, answer, what to read from the result, its value)
    "chat.complete": (
        chat_complete,
        CHAT,
        httpx2.Response(200, json=completion()),
        lambda r: r.choices[0].message.content,
        "hi",
    ),
    "chat.stream": (
        chat_stream,
        CHAT,
        events(CHUNK, done=True),
        lambda r: [c.choices[0].delta.content for c in r],
        ["hi"],
    ),
    "text_generation.generate": (
        generate,
        URL,
        httpx2.Response(200, json=GENERATED),
        lambda r: r.generated_text,
        "!",
    ),
    "text_generation.stream": (
        generate_stream,
        URL,
        events(TOKEN_EVENT),
        lambda r: [e.generated_text for e in r],
        ["hi"],
    ),
    "text.classify": (
        classify,
        URL,
        labels(),
        lambda r: [(e.label, e.score) for e in r],
        [("POSITIVE", 0.9)],
    ),
    "infer": (infer, URL, labels(), lambda r: r, LABELS),
    "embeddings.create": (
        embed,
        URL,
        httpx2.Response(200, json=[[1.0], [2.0]]),
        lambda r: r.to_list(),
        [[1.0], [2.0]],
    ),
    "embeddings.similarity": (
        similarity,
        URL,
        httpx2.Response(200, json=[0.5]),
        lambda r: list(r),
        [0.5],
    ),
}


@pytest.mark.anyio
@pytest.mark.parametrize("method", list(METHODS))
async def test_a_slow_lookup_leaves_the_request_only_the_rest(
    clock: FakeClock, method: str
) -> None:
    call, url, answer, read_result, expected = METHODS[method]
    # the endpoint lookup takes 7 of the call's 10 s: the request gets the 3 s left
    wire = Wire(clock).add("GET", MGMT, 7.0, lookup()).add("POST", url, 0.5, answer)
    async with make_client(wire) as client:
        result = await call(client, 10)
    assert wire.urls() == [f"GET {MGMT}", f"POST {url}"]
    assert wire.reads("GET", MGMT) == [10.0]  # the lookup had the whole timeout
    assert wire.reads("POST", url) == [3.0]  # and the request only what was left
    assert read_result(result) == expected


@pytest.mark.anyio
async def test_only_a_call_with_a_timeout_is_capped(clock: FakeClock) -> None:
    answer = httpx2.Response(200, json=completion())
    wire = Wire(clock).add("GET", MGMT, 100.0, lookup()).add("POST", CHAT, 1.0, answer)
    async with make_client(wire) as client:
        # no timeout: the configured per-request limits, whatever the lookup took
        reply = await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
        assert reply.response_meta is not None and reply.response_meta.elapsed == 1.0
        client.endpoints.cache.clear()
        # timeout=150: the lookup's 100 s come out of it
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=150)
    assert wire.reads("GET", MGMT) == [120.0, 120.0]  # request_timeout, under 150 s
    assert wire.reads("POST", CHAT) == [120.0, 50.0]


# ------------------------------------------------------------- a lookup that takes it all


@pytest.mark.anyio
async def test_a_lookup_slower_than_the_timeout_sends_nothing(clock: FakeClock) -> None:
    answer = httpx2.Response(200, json=completion())
    wire = Wire(clock).add("GET", MGMT, 12.0, lookup()).add("POST", CHAT, 0.5, answer)
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=10)
    assert wire.urls() == [f"GET {MGMT}"]  # cut at its read timeout, never retried
    assert wire.reads("GET", MGMT) == [10.0]
    assert clock.now == 1010.0
    err = caught.value
    assert type(err) is DeadlineExceeded
    assert err.endpoint == "acme/my-ep"
    assert err.message == (
        "The call on endpoint acme/my-ep did not finish within its timeout of 10 s: "
        "it ran out while looking up the endpoint"
    )


@pytest.mark.anyio
async def test_a_lookup_that_answers_at_the_deadline_sends_nothing(clock: FakeClock) -> None:
    wire = Wire(clock).add("GET", MGMT, 10.0, lookup()).add("POST", URL, 0.5, labels())
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.text.classify(text="hi", endpoint="my-ep", timeout=10)
    assert wire.urls() == [f"GET {MGMT}"]
    assert caught.value.endpoint == "acme/my-ep"
    assert caught.value.message.endswith(
        "within its timeout of 10 s: it ran out while resolving the endpoint "
        "(nothing was sent to it)"
    )


@pytest.mark.anyio
async def test_embedding_batches_not_sent_when_the_lookup_took_the_time(clock: FakeClock) -> None:
    answer = httpx2.Response(200, json=[[1.0], [2.0]])
    wire = Wire(clock).add("GET", MGMT, 6.0, lookup()).add("POST", URL, 0.5, answer)
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.embeddings.create(inputs=["a", "b"], endpoint="my-ep", timeout=5)
    assert wire.urls() == [f"GET {MGMT}"]
    assert wire.reads("GET", MGMT) == [5.0]
    assert not isinstance(caught.value, EmbeddingBatchError)
    assert caught.value.message == (
        "embeddings.create did not finish within its timeout of 5 s: "
        "2 of 2 texts were not embedded (their batches were never sent)"
    )


# ------------------------------------------------------------- waits end at the deadline


@pytest.mark.anyio
@pytest.mark.parametrize("state", ["paused", "pending"])
async def test_a_resume_or_start_wait_stops_at_the_call_timeout(
    clock: FakeClock, state: str
) -> None:
    # paused + auto_resume_paused: resumed, then waited for; pending without a URL: waited
    # for. Either way the endpoint never gets there: the wait ends at the call's 10 s,
    # far before cold_start_timeout (300 s), with no request sent to the endpoint.
    wire = (
        Wire(clock)
        .add("GET", MGMT, 0.5, lookup(state, None))
        .add("GET", MGMT, 0.5, lookup("pending", None))
        .add("POST", f"{MGMT}/resume", 0.5, lookup("pending", None))
    )
    async with make_client(wire, auto_resume_paused=True) as client:
        with pytest.raises(ColdStartTimeout) as caught:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=10)
    assert clock.now == pytest.approx(1010.0)
    assert all(method == "GET" or url.endswith("/resume") for method, url, _, _ in wire.sent)
    for _, _, read, sent_at in wire.sent:  # every lookup had only the time left
        assert read == pytest.approx(1010.0 - sent_at)
    err = caught.value
    assert err.endpoint == "acme/my-ep"
    assert err.waited == pytest.approx(1010.0 - wire.sent[2 if state == "paused" else 1][3])
    assert "Endpoint acme/my-ep was still pending after waiting" in err.message
    assert err.message.endswith(
        "for 'running', when the call's timeout of 10 s ran out; "
        "pass a larger timeout= or check its logs"
    )


@pytest.mark.anyio
async def test_the_wait_still_stops_at_cold_start_timeout_when_that_comes_first(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("GET", MGMT, 0.0, lookup("initializing", None))
    async with make_client(wire, cold_start_timeout=4) as client:
        with pytest.raises(ColdStartTimeout) as caught:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=100)
    assert clock.now == 1004.0
    assert clock.sleeps == [1.0, 1.5, 1.5]  # the last one ends at cold_start_timeout
    assert "still initializing after waiting 4.0 s for 'running' (timeout 4 s)" in str(caught.value)
    # each wait poll gets what is left of cold_start_timeout; none once it has run out
    assert wire.reads("GET", MGMT) == [100.0, 4.0, 3.0, 1.5]


@pytest.mark.anyio
async def test_a_scaled_to_zero_wake_is_cut_at_the_call_timeout(clock: FakeClock) -> None:
    def proxy_hold(request: httpx2.Request) -> float:
        return float(request.headers["x-scale-up-timeout"])  # then 503: still waking

    wire = (
        Wire(clock)
        .add("GET", MGMT, 2.0, lookup("scaledToZero", min_replica=0))
        .add("POST", CHAT, proxy_hold, httpx2.Response(503, json=WAKING))
    )
    async with make_client(wire) as client:
        with pytest.raises(ColdStartTimeout) as caught:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=10)
    assert wire.urls() == [f"GET {MGMT}", f"POST {CHAT}"]
    assert wire.reads("POST", CHAT) == [8.0]  # the 8 s the lookup left
    # the proxy is asked to hold the request for less than that (90 %, whole seconds),
    # so it answers 503 before the client gives up; waiting for the next cold-start
    # poll (1 s) would reach the deadline, so the call stops there
    assert wire.requests[1].headers["x-scale-up-timeout"] == "7"
    assert clock.now == 1009.0 and clock.sleeps == []
    err = caught.value
    assert err.endpoint == "acme/my-ep"
    assert err.message == (
        "Endpoint acme/my-ep was still waking up when the call's timeout ran out; "
        "pass a larger timeout= or warm it up first"
    )


@pytest.mark.anyio
async def test_the_scale_up_header_asks_for_what_is_left(clock: FakeClock) -> None:
    wire = (
        Wire(clock)
        .add("GET", MGMT, 2.0, lookup("scaledToZero", min_replica=0))
        .add("POST", CHAT, 1.0, httpx2.Response(200, json=completion()))
    )
    async with make_client(wire) as client:
        for timeout in (None, 60, 3):
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=timeout)
    assert wire.reads("POST", CHAT) == [120.0, 58.0, 1.0]
    # no timeout: 90 % of request_timeout (as before); 60 s: 90 % of the 58 s left;
    # 3 s: the 1 s left, at least 1
    posts = [r for r in wire.requests if r.method == "POST"]
    assert [r.headers["x-scale-up-timeout"] for r in posts] == ["108", "52", "1"]


# ------------------------------------------------------------- on_error re-resolution


@pytest.mark.anyio
async def test_following_a_moved_endpoint_stays_within_the_timeout(clock: FakeClock) -> None:
    wire = (
        Wire(clock)
        .add("GET", MGMT, 1.0, lookup())
        .add("GET", MGMT, 30.0, lookup("running", MOVED))
        .add("POST", CHAT, 1.0, httpx2.Response(200, json=completion()))
        .add("POST", CHAT, 2.0, httpx2.Response(404, json={"error": "Not Found"}))
        .add("POST", f"{MOVED}/v1/chat/completions", 1.0, httpx2.Response(200, json=completion()))
    )
    async with make_client(wire, endpoint_cache_ttl=300) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)  # cached
        started = clock.now
        with pytest.raises(RequestTimeout) as caught:
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES, timeout=10)
    # the cached URL answers 404 after 2 s: the lookup that follows the endpoint gets the
    # 8 s left, runs out, and the moved URL is never tried
    assert wire.urls() == [f"GET {MGMT}", f"POST {CHAT}", f"POST {CHAT}", f"GET {MGMT}"]
    assert wire.reads("GET", MGMT) == [120.0, 8.0]
    assert clock.now == started + 10
    assert caught.value.endpoint == "acme/my-ep"
    assert "it ran out while looking up the endpoint" in caught.value.message
