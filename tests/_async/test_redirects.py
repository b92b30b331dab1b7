"""Redirects on both twins: on the pool the client builds, a hop to another origin carries
no credential, billing, cookie, provider or extra header; a same-origin hop keeps them all;
httpx2's method and body rules apply; a loop ends in a typed error. A caller's own
``http_client`` keeps its own redirect settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, RequestTimeout, ServerError

from ..media import png
from .conftest import FakeClock
from .test_transport import completion

TOKEN = "hf_redirect_test_token"
MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
ROUTER = "http://127.0.0.1:8080"
CHAT_URL = f"{ROUTER}/hf-inference/models/{MODEL}/v1/chat/completions"
OTHER = "http://127.0.0.1:9090"  # same host, another port: another origin
EXTRA = {"X-Trace-Id": "trace-1", "x-api-key": "sk-provider-key"}
#: What must not reach another origin (the cookie is the jar's, set for 127.0.0.1).
SECRETS = ("authorization", "x-hf-bill-to", "cookie", "x-trace-id", "x-api-key")
Handler = Callable[[httpx2.Request], httpx2.Response]


class Server:
    """Answers each request with the next scripted handler, keeping what it saw."""

    def __init__(self, *handlers: Handler) -> None:
        self.handlers = list(handlers)
        self.seen: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append(request)
        return self.handlers.pop(0)(request)

    def urls(self) -> list[str]:
        return [f"{r.method} {r.url}" for r in self.seen]


def moved(location: str, status: int = 307) -> Handler:
    return lambda r: httpx2.Response(status, headers={"location": location})


def answer(r: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json=completion())


def own_pool_client(server: Server, **config: Any) -> AsyncHfInferenceClient:
    """A client on the pool it builds itself (the one that follows redirects), whose
    network transport is swapped for the in-process server (no socket is opened)."""
    config.setdefault("token", TOKEN)
    client = AsyncHfInferenceClient(
        router_url=ROUTER, **{"default_provider": "hf-inference", **config}
    )
    http = client._transport.http_client
    assert http.follow_redirects is False  # the transport follows them, not httpx2
    http._transport = httpx2.MockTransport(server)  # type: ignore[attr-defined]
    http._mounts = {}  # type: ignore[attr-defined]  # no proxy from the environment
    http.cookies.set("session", "abc", domain="127.0.0.1")
    return client


async def chat(client: AsyncHfInferenceClient, **kwargs: Any) -> Any:
    return await client.chat.complete(
        model=MODEL, messages=MESSAGES, bill_to="acme", extra_headers=EXTRA, **kwargs
    )


def assert_everything_sent(request: httpx2.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["x-hf-bill-to"] == "acme"
    assert request.headers["cookie"] == "session=abc"
    assert request.headers["x-trace-id"] == "trace-1"
    assert request.headers["x-api-key"] == "sk-provider-key"


@pytest.mark.anyio
async def test_a_redirect_to_another_origin_carries_no_credential(no_env: None) -> None:
    server = Server(moved(f"{OTHER}/v1/chat/completions?region=eu"), answer)
    async with own_pool_client(server) as client:
        result = await chat(client)
    assert result.choices[0].message.content == "hello"
    assert server.urls() == [f"POST {CHAT_URL}", f"POST {OTHER}/v1/chat/completions?region=eu"]
    first, second = server.seen
    assert_everything_sent(first)
    for name in SECRETS:
        assert name not in second.headers, name
    assert second.headers["host"] == "127.0.0.1:9090"
    assert second.headers["user-agent"] == first.headers["user-agent"]
    assert second.headers["accept"] == first.headers["accept"]
    assert second.headers["content-type"] == "application/json"
    assert second.content == first.content  # 307: the same method and body
    assert json.loads(second.content)["messages"] == MESSAGES
    assert result.response_meta.url == f"{OTHER}/v1/chat/completions?region=eu"
    assert result.response_meta.attempts == 1


@pytest.mark.anyio
async def test_a_redirect_on_the_same_origin_keeps_every_header(no_env: None) -> None:
    server = Server(moved("/v2/chat/completions", status=308), answer)
    async with own_pool_client(server) as client:
        await chat(client)
    assert server.urls() == [f"POST {CHAT_URL}", f"POST {ROUTER}/v2/chat/completions"]
    first, second = server.seen
    assert_everything_sent(first)
    assert_everything_sent(second)
    assert second.content == first.content


@pytest.mark.anyio
async def test_credentials_dropped_on_the_way_do_not_come_back(no_env: None) -> None:
    """Same origin (kept), another origin (dropped), back to the first (still dropped)."""
    server = Server(
        moved(f"{ROUTER}/hop"),
        moved(f"{OTHER}/elsewhere"),
        moved(f"{ROUTER}/back"),
        answer,
    )
    async with own_pool_client(server) as client:
        await chat(client)
    assert [str(r.url) for r in server.seen] == [
        CHAT_URL,
        f"{ROUTER}/hop",
        f"{OTHER}/elsewhere",
        f"{ROUTER}/back",
    ]
    assert_everything_sent(server.seen[1])
    for request in server.seen[2:]:  # each of these hops crossed an origin
        for name in SECRETS:
            assert name not in request.headers, name


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "method"), [(301, "GET"), (302, "GET"), (303, "GET")])
async def test_httpx2_method_rules_apply(status: int, method: str, no_env: None) -> None:
    """301/302 turn a POST into a GET as browsers do, 303 always: no body follows."""
    server = Server(moved(f"{OTHER}/result", status=status), answer)
    async with own_pool_client(server) as client:
        await chat(client)
    second = server.seen[1]
    assert (second.method, str(second.url)) == (method, f"{OTHER}/result")
    assert second.content == b""
    assert "content-length" not in second.headers
    assert "authorization" not in second.headers


@pytest.mark.anyio
async def test_more_than_five_redirects_is_a_server_error_naming_the_url(
    fake_clock: FakeClock, no_env: None
) -> None:
    server = Server(*(moved(f"{ROUTER}/loop/{n}") for n in range(6)))
    async with own_pool_client(server) as client:
        with pytest.raises(ServerError) as info:
            await chat(client)
    assert len(server.seen) == 6  # the call and 5 redirects, as httpx2's max_redirects=5
    assert fake_clock.sleeps == []  # not retried
    error = info.value
    assert error.status_code == 307 and not error.is_retryable
    assert f"POST {CHAT_URL} was redirected more than 5 times" in error.message
    assert f"{ROUTER}/loop/5" in error.message
    assert error.provider == "hf-inference" and error.model == MODEL


@pytest.mark.anyio
async def test_an_error_after_a_redirect_retries_from_the_start(
    fake_clock: FakeClock, no_env: None
) -> None:
    server = Server(
        moved(f"{OTHER}/v1/chat/completions"),
        lambda r: httpx2.Response(500, json={"error": "boom"}),
        answer,
    )
    async with own_pool_client(server, retry_base_delay=0.01) as client:
        result = await chat(client)
    assert [str(r.url) for r in server.seen] == [
        CHAT_URL,
        f"{OTHER}/v1/chat/completions",
        CHAT_URL,
    ]
    assert_everything_sent(server.seen[2])
    assert len(fake_clock.sleeps) == 1
    assert result.response_meta.attempts == 2


@pytest.mark.anyio
async def test_each_hop_gets_what_is_left_of_the_deadline(
    fake_clock: FakeClock, no_env: None
) -> None:
    def slow_redirect(seconds: float, location: str) -> Handler:
        def handle(r: httpx2.Request) -> httpx2.Response:
            fake_clock.now += seconds
            return httpx2.Response(307, headers={"location": location})

        return handle

    server = Server(slow_redirect(4.0, f"{OTHER}/a"), answer)
    async with own_pool_client(server) as client:
        await chat(client, timeout=10.0)
    assert server.seen[0].extensions["timeout"]["read"] == 10.0
    assert server.seen[1].extensions["timeout"]["read"] == 6.0

    server = Server(slow_redirect(11.0, f"{OTHER}/a"))
    async with own_pool_client(server) as client:
        with pytest.raises(RequestTimeout):
            await chat(client, timeout=10.0)
    assert len(server.seen) == 1  # the hop is not sent past the deadline


@pytest.mark.anyio
async def test_a_download_follows_a_redirect_on_the_own_pool_without_credentials(
    no_env: None,
) -> None:
    files, cdn = "https://files.example.com", "https://cdn.other.example"
    image = png(2, 2)
    server = Server(
        moved(f"{files}/cat.png?v=2", status=302),
        moved(f"{cdn}/cat.png?sig=abc", status=302),
        lambda r: httpx2.Response(200, content=image),
        lambda r: httpx2.Response(200, json=[{"label": "cat", "score": 0.9}]),
    )
    async with own_pool_client(server, bill_to="acme") as client:
        labels = await client.images.classify(model=MODEL, image=f"{files}/moved.png")
    assert labels[0].label == "cat"
    assert [f"{r.method} {r.url}" for r in server.seen[:3]] == [
        f"GET {files}/moved.png",
        f"GET {files}/cat.png?v=2",
        f"GET {cdn}/cat.png?sig=abc",
    ]
    for request in server.seen[:3]:
        assert "authorization" not in request.headers
        assert "x-hf-bill-to" not in request.headers
    inference = server.seen[3]
    assert inference.headers["authorization"] == f"Bearer {TOKEN}"
    assert inference.content == image


@pytest.mark.anyio
async def test_a_callers_http_client_keeps_its_own_redirect_settings(
    fake_clock: FakeClock, no_env: None
) -> None:
    server = Server(moved(f"{OTHER}/v1/chat/completions"))
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(server))  # follow_redirects=False
    async with AsyncHfInferenceClient(
        default_provider="hf-inference", token=TOKEN, router_url=ROUTER, http_client=http
    ) as client:
        with pytest.raises(ServerError) as info:
            await chat(client)
    assert len(server.seen) == 1 and info.value.status_code == 307

    server = Server(*(moved(f"{ROUTER}/loop/{n}") for n in range(3)))
    http = httpx2.AsyncClient(
        transport=httpx2.MockTransport(server), follow_redirects=True, max_redirects=2
    )
    async with AsyncHfInferenceClient(
        default_provider="hf-inference", token=TOKEN, router_url=ROUTER, http_client=http
    ) as client:
        with pytest.raises(ServerError) as info:
            await chat(client)
    assert len(server.seen) == 3  # httpx2 followed 2, then raised TooManyRedirects
    assert "redirected more than 2 times" in info.value.message
    assert not info.value.is_retryable and fake_clock.sleeps == []
