"""The own pool's requests skip httpx2's ``send`` loop (``_transport._send``), on real sockets.

What that loop did and the library still needs is done by ``_send`` itself: a server's
cookies go into the client's jar and come back, a redirect gets its next hop, transport
errors carry their request, httpx2's ``HTTP Request:`` log line is written. A client
given auth or event hooks afterwards goes back through ``send``, so they run.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, NetworkError
from tests.faults import server as fs

TOKEN = "hf_directsendtoken000000000000000000"
MESSAGES = [{"role": "user", "content": "hi"}]


def client_for(url: str, **config: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(token=TOKEN, max_retries=0, **config)


async def chat(client: AsyncHfInferenceClient, url: str) -> Any:
    return await client.chat.complete(model=url, messages=MESSAGES)


@pytest.mark.anyio
async def test_the_own_pool_sends_past_httpx2s_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_send(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("httpx2's send was used")

    with fs.FaultServer() as server:
        server.script(fs.completion("direct"))
        async with client_for(server.url) as client:
            monkeypatch.setattr(client._transport.http_client, "send", no_send)
            result = await chat(client, server.url)
    assert result.choices[0].message.content == "direct"
    assert result.response_meta.url == f"{server.url}/v1/chat/completions"


@pytest.mark.anyio
async def test_a_cookie_the_server_sets_comes_back_on_the_next_request() -> None:
    with fs.FaultServer() as server:
        cookie = fs.respond(
            json_body=fs.chat_completion("first"), headers={"set-cookie": "route=abc; Path=/"}
        )
        server.script(cookie, fs.completion("second"))
        async with client_for(server.url) as client:
            await chat(client, server.url)
            second = await chat(client, server.url)
    first_seen, second_seen = list(server.requests)
    assert "cookie" not in first_seen.headers
    assert second_seen.headers["cookie"] == "route=abc"
    assert second.choices[0].message.content == "second"


@pytest.mark.anyio
async def test_a_redirect_is_followed_and_logged_as_httpx2_does(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with fs.FaultServer() as server:
        server.script(fs.redirect(f"{server.url}/v2/chat/completions"), fs.completion("moved"))
        caplog.set_level(logging.INFO, logger="httpx2")
        async with client_for(server.url) as client:
            result = await chat(client, server.url)
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", "/v1/chat/completions"),
        ("POST", "/v2/chat/completions"),
    ]
    assert result.choices[0].message.content == "moved"
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx2"]
    assert lines == [
        f'HTTP Request: POST {server.url}/v1/chat/completions "HTTP/1.1 307 Temporary Redirect"',
        f'HTTP Request: POST {server.url}/v2/chat/completions "HTTP/1.1 200 OK"',
    ]


@pytest.mark.anyio
async def test_event_hooks_added_to_the_own_pool_still_run() -> None:
    seen: list[str] = []

    async def on_request(request: httpx2.Request) -> None:
        seen.append(f"request {request.url.path}")

    async def on_response(response: httpx2.Response) -> None:
        seen.append(f"response {response.status_code}")

    with fs.FaultServer() as server:
        server.script(fs.completion())
        async with client_for(server.url) as client:
            client._transport.http_client.event_hooks = {
                "request": [on_request],
                "response": [on_response],
            }
            await chat(client, server.url)
    assert seen == ["request /v1/chat/completions", "response 200"]


@pytest.mark.anyio
async def test_a_connection_error_names_the_url() -> None:
    with fs.refused_port() as refused:
        async with client_for(refused.url) as client:
            with pytest.raises(NetworkError, match=f"{refused.url}/v1/chat/completions"):
                await chat(client, refused.url)


@pytest.mark.anyio
async def test_a_pool_its_caller_closed_is_refused_as_httpx2_refuses_it() -> None:
    with fs.FaultServer() as server:
        server.script(fs.completion())
        async with client_for(server.url) as client:
            await client._transport.http_client.aclose()
            with pytest.raises(RuntimeError, match="client has been closed"):
                await chat(client, server.url)
    assert len(server.requests) == 0
