"""Calls that stop early give their connection back and leave no warning behind.

Async only (anyio cancel scopes, on asyncio and trio): a call cancelled while waiting for
the headers, during a retry wait, during a cold-start wait, and a stream cancelled
mid-body, with the scope inside or around ``async with``. Both twins: a stream closed
early. Sync only: a stream dropped without ``close()`` is released by the garbage
collector (an async stream cannot await its close from ``__del__``; it must be closed).

Each test then checks that the pool has no request in flight, that the same client still
works, that the server sees every socket closed once the client is, and that a garbage
collection raises no ResourceWarning or unraisable exception (the pytest config turns
both into errors).
"""

from __future__ import annotations

import gc
import time
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient

from ..faults import server as fs

MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
CANCEL_AFTER = 0.2  # seconds; every server-side wait below is 30 s
IS_ASYNC = False
IS_ASYNC = True  # unasync: remove


def make_client(server: fs.FaultServer, **config: Any) -> AsyncHfInferenceClient:
    config = {"max_retries": 2, "request_timeout": 10.0, "stream_timeout": 10.0, **config}
    return AsyncHfInferenceClient(
        token="hf_cancel_token",
        router_url=server.url,
        **{"default_provider": "hf-inference", **config},
    )


def in_flight(client: AsyncHfInferenceClient) -> int:
    pool = client._transport.http_client._transport  # type: ignore[attr-defined]
    return int(pool.in_flight)


async def still_works(client: AsyncHfInferenceClient, server: fs.FaultServer) -> None:
    server.script(fs.completion("again"))
    reply = await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert reply.choices[0].message.content == "again"
    assert in_flight(client) == 0


def settle(server: fs.FaultServer) -> None:
    assert server.wait_until_idle(), "a socket stayed open after the client closed"
    assert server.errors == []
    gc.collect()  # a leaked generator or socket would warn here, and warnings are errors


# unasync: remove-begin
import anyio  # noqa: E402


@pytest.mark.anyio
@pytest.mark.parametrize("call", ["complete", "stream"])
async def test_cancelled_while_waiting_for_the_headers(call: str, no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            await still_works(client, server)  # warm: imports done, a pooled connection
            server.script(fs.slow_headers(30.0))
            started = time.monotonic()
            with anyio.move_on_after(CANCEL_AFTER) as scope:
                if call == "complete":
                    await client.chat.complete(model=MODEL, messages=MESSAGES)
                else:
                    await client.chat.stream(model=MODEL, messages=MESSAGES)
            assert scope.cancelled_caught
            assert time.monotonic() - started < CANCEL_AFTER + 2.0
            assert len(server.requests) == 2  # the warm-up, then the one cancelled
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            lambda: fs.respond(429, json_body={"error": "busy"}, headers={"retry-after": "30"}),
            id="retry-wait",
        ),
        pytest.param(
            lambda: fs.respond(
                503, json_body={"error": "Model is currently loading", "estimated_time": 30.0}
            ),
            id="cold-start-wait",
        ),
    ],
)
@pytest.mark.parametrize("call", ["complete", "stream"])
async def test_cancelled_while_sleeping_before_a_retry(
    answer: Any, call: str, no_env: None
) -> None:
    with fs.FaultServer() as server:
        async with make_client(server, retry_max_delay=60.0) as client:
            await still_works(client, server)
            server.script(answer())
            started = time.monotonic()
            with anyio.move_on_after(CANCEL_AFTER) as scope:
                if call == "complete":
                    await client.chat.complete(model=MODEL, messages=MESSAGES)
                else:
                    await client.chat.stream(model=MODEL, messages=MESSAGES)
            assert scope.cancelled_caught
            assert time.monotonic() - started < CANCEL_AFTER + 2.0
            assert len(server.requests) == 2  # the warm-up, then no retry: cancelled asleep
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)


@pytest.mark.anyio
async def test_cancelled_mid_stream_inside_async_with(no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            await still_works(client, server)
            server.script(fs.stall_stream(seconds=30.0))
            received = []
            async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                with anyio.move_on_after(CANCEL_AFTER) as scope:
                    async for chunk in stream:
                        received.append(chunk)
                assert scope.cancelled_caught and len(received) == 2
            assert stream.is_closed
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)


@pytest.mark.anyio
async def test_cancelled_mid_stream_around_async_with(no_env: None) -> None:
    """The scope is already cancelled when ``__aexit__`` closes the stream: it still closes."""
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            await still_works(client, server)
            server.script(fs.stall_stream(seconds=30.0))
            received = []
            stream = None
            with anyio.move_on_after(CANCEL_AFTER) as scope:
                async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                    async for chunk in stream:
                        received.append(chunk)
            assert scope.cancelled_caught and len(received) == 2
            assert stream is not None and stream.is_closed
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)


@pytest.mark.anyio
async def test_cancelled_task_mid_stream_then_closed_by_its_owner(no_env: None) -> None:
    """A reader task is cancelled from outside (task group); the owner closes the stream."""
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            await still_works(client, server)
            server.script(fs.stall_stream(seconds=30.0))
            stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
            received: list[Any] = []

            async def read() -> None:
                async for chunk in stream:
                    received.append(chunk)

            async with anyio.create_task_group() as tg:
                tg.start_soon(read)
                await anyio.sleep(CANCEL_AFTER)
                tg.cancel_scope.cancel()
            assert len(received) == 2
            await stream.aclose()
            assert stream.is_closed
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)


# unasync: remove-end


@pytest.mark.anyio
async def test_stream_closed_early_releases_its_connection(no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            await still_works(client, server)
            server.script(fs.stall_stream(seconds=30.0))
            stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
            async for _ in stream:
                break
            assert in_flight(client) == 1
            await stream.aclose()
            assert stream.is_closed
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)


@pytest.mark.anyio
async def test_stream_left_by_an_exception_releases_its_connection(no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            await still_works(client, server)
            server.script(fs.stall_stream(seconds=30.0))
            with pytest.raises(KeyError):
                async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                    async for _ in stream:
                        raise KeyError("the caller's own bug")
            assert stream.is_closed
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)


@pytest.mark.anyio
@pytest.mark.skipif(
    IS_ASYNC, reason="an async stream cannot await its close from __del__: use async with"
)
async def test_stream_garbage_collected_releases_its_connection(no_env: None) -> None:
    with fs.FaultServer() as server:
        async with make_client(server) as client:
            await still_works(client, server)
            server.script(fs.stall_stream(seconds=30.0))
            stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
            async for _ in stream:
                break
            assert in_flight(client) == 1
            del stream
            gc.collect()
            assert in_flight(client) == 0
            await still_works(client, server)
        settle(server)
