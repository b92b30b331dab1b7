"""``timeout=`` is one total deadline, whatever the server does (sync, asyncio and trio).

A per-read timeout restarts with every byte, so a server that trickles its headers or its
body one byte at a time, or keeps a stream alive with comments only, used to hold a call
for minutes (``chat.complete(timeout=2)`` returned after 124 s). Each test here points the
client at such a server on a real loopback socket and checks the call ends with
``RequestTimeout`` within ``timeout`` + 0.5 s (the slack the contract allows), and that the
connection went back (nothing in flight) and the server saw the client leave.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, DeadlineExceeded, RequestTimeout

from ..faults import server as fs

MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
TIMEOUT = 1.5
SLACK = 0.5


def make_client(server: fs.FaultServer, **config: Any) -> AsyncHfInferenceClient:
    config = {"max_retries": 0, **config}
    return AsyncHfInferenceClient(
        token="hf_deadline_token",
        router_url=server.url,
        **{"default_provider": "hf-inference", **config},
    )


def in_flight(client: AsyncHfInferenceClient) -> int:
    return int(client._transport.http_client._transport.in_flight)  # type: ignore[attr-defined]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "behaviour",
    [
        pytest.param(fs.trickle_headers, id="trickled-headers"),
        pytest.param(fs.trickle_body, id="trickled-body"),
    ],
)
async def test_complete_ends_by_its_timeout_against_a_trickling_server(
    behaviour: Any, no_env: None
) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            server.script(behaviour())
            started = time.monotonic()
            with pytest.raises(RequestTimeout):
                await client.chat.complete(model=MODEL, messages=MESSAGES, timeout=TIMEOUT)
            assert time.monotonic() - started < TIMEOUT + SLACK
            assert in_flight(client) == 0
        assert server.wait_until_idle()


@pytest.mark.anyio
async def test_request_timeout_bounds_an_attempt_without_timeout(no_env: None) -> None:
    """``request_timeout`` is a whole attempt's time, not one read's."""
    with fs.FaultServer() as server:
        async with make_client(server, request_timeout=TIMEOUT) as client:
            server.script(fs.trickle_body())
            started = time.monotonic()
            with pytest.raises(RequestTimeout):
                await client.chat.complete(model=MODEL, messages=MESSAGES)
            assert time.monotonic() - started < TIMEOUT + SLACK
        assert server.wait_until_idle()


@pytest.mark.anyio
async def test_opening_a_stream_ends_by_its_timeout_against_trickled_headers(
    no_env: None,
) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            server.script(fs.trickle_headers())
            started = time.monotonic()
            with pytest.raises(RequestTimeout):
                await client.chat.stream(model=MODEL, messages=MESSAGES, timeout=TIMEOUT)
            assert time.monotonic() - started < TIMEOUT + SLACK
            assert in_flight(client) == 0
        assert server.wait_until_idle()


@pytest.mark.anyio
@pytest.mark.parametrize(
    "behaviour",
    [
        pytest.param(fs.keep_alive_only, id="keep-alive-comments"),
        pytest.param(fs.endless_stream, id="events-without-end"),
    ],
)
async def test_timeout_bounds_the_whole_stream(behaviour: Any, no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            server.script(behaviour())
            started = time.monotonic()
            received = 0
            with pytest.raises(DeadlineExceeded, match="timeout="):
                async with await client.chat.stream(
                    model=MODEL, messages=MESSAGES, timeout=TIMEOUT
                ) as stream:
                    async for _chunk in stream:
                        received += 1
            assert received >= 1
            assert time.monotonic() - started < TIMEOUT + SLACK
            assert in_flight(client) == 0
        assert server.wait_until_idle()


@pytest.mark.anyio
async def test_stream_timeout_counts_comments_as_silence(no_env: None) -> None:
    """Keep-alive comments are not events: ``stream_timeout`` runs through them."""
    idle = 1.0
    with fs.FaultServer() as server:
        async with make_client(server, stream_timeout=idle) as client:
            server.script(fs.keep_alive_only(every=0.1))
            started = time.monotonic()
            with pytest.raises(RequestTimeout, match="stream_timeout"):
                async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                    async for _chunk in stream:
                        pass
            # the comments go on for 30 s: ending within twice the slack of the idle
            # bound shows they did not reset it (one slack was exceeded once under load)
            assert time.monotonic() - started < idle + 2 * SLACK
            assert in_flight(client) == 0
        assert server.wait_until_idle()


@pytest.mark.anyio
async def test_a_stream_within_its_timeout_is_untouched(no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server, stream_timeout=5.0) as client:
            server.script(fs.stream())
            async with await client.chat.stream(
                model=MODEL, messages=MESSAGES, timeout=30.0
            ) as stream:
                text = "".join(
                    [c.choices[0].delta.content or "" async for c in stream if c.choices]
                )
            assert text
            assert in_flight(client) == 0


@pytest.mark.anyio
async def test_a_task_call_ends_by_its_timeout_against_a_trickled_body(no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            server.script(fs.trickle_body())
            started = time.monotonic()
            with pytest.raises(RequestTimeout):
                await client.text.classify(
                    "org/classifier", "I like you", provider="hf-inference", timeout=TIMEOUT
                )
            assert time.monotonic() - started < TIMEOUT + SLACK
            assert in_flight(client) == 0
        assert server.wait_until_idle()


@pytest.mark.anyio
async def test_a_url_input_download_ends_by_the_call_timeout(no_env: None) -> None:
    """The file named by URL trickles in: the download is part of the call's time."""
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            server.script(fs.trickle_body())
            started = time.monotonic()
            with pytest.raises(RequestTimeout):
                await client.images.classify(
                    "org/vit", f"{server.url}/cat.png", provider="hf-inference", timeout=TIMEOUT
                )
            assert time.monotonic() - started < TIMEOUT + SLACK
            assert [r.method for r in server.requests] == ["GET"]  # never got to the POST
            assert in_flight(client) == 0
        assert server.wait_until_idle()


@pytest.mark.anyio
async def test_an_endpoint_wait_ends_by_its_timeout_against_a_trickling_api(
    no_env: None,
) -> None:
    with fs.FaultServer() as server:
        client = AsyncHfInferenceClient(
            token="hf_deadline_token", endpoints_api_url=server.url, max_retries=0
        )
        async with client:
            server.script(fs.trickle_body())
            started = time.monotonic()
            with pytest.raises(RequestTimeout):
                await client.endpoints.wait("acme/my-endpoint", timeout=TIMEOUT)
            assert time.monotonic() - started < TIMEOUT + SLACK
            assert in_flight(client) == 0
        assert server.wait_until_idle()
