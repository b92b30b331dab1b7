"""Bad arguments fail typed, before anything is sent, and are never retried."""

from __future__ import annotations

import asyncio  # unasync: remove
import gc  # unasync: remove
import math
import time
import warnings  # unasync: remove
from typing import Any

import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    ConfigurationError,
    HfError,
    InvalidArgument,
)

from ..server import HostileServer

pytestmark = pytest.mark.anyio

TOKEN = "hf_hostile_bad_input_token"
MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]


def client_for(server: HostileServer, **config: Any) -> AsyncHfInferenceClient:
    # retries on: a bad argument must not be retried even when retries are allowed
    config = {"max_retries": 3, "retry_base_delay": 0.5, **config}
    return AsyncHfInferenceClient(
        token=TOKEN, router_url=server.url, default_provider="hf-inference", **config
    )


async def refused(server: HostileServer, call: Any, kind: type[HfError] = InvalidArgument) -> str:
    """Run ``call``; assert it fails with ``kind`` at once, with nothing sent. The message."""
    started = time.monotonic()
    with pytest.raises(kind) as caught:
        await call()
    assert time.monotonic() - started < 1.0  # no retry, no backoff
    assert len(server.requests) == 0
    return str(caught.value)


@pytest.mark.parametrize(
    ("headers", "mentions"),
    [
        ({"X-Trace": "a\r\nX-Injected: 1"}, "extra_headers['X-Trace']"),  # retried 3 times before
        ({"X-Trace": "a\nb"}, "extra_headers['X-Trace']"),
        ({"X Trace": "a"}, "invalid header name 'X Trace'"),
        ({"X-Trace:": "a"}, "invalid header name 'X-Trace:'"),
        ({"": "a"}, "invalid header name ''"),
        ({"X-Trace": 5}, "must be a string, got int"),
        ({"X-Trace": None}, "must be a string, got NoneType"),
        ({"X-Trace": "caf\u00e9"}, "extra_headers['X-Trace']"),
        ({"X-Trace": " padded"}, "extra_headers['X-Trace']"),
        ({"X-Trace": "a\x00b"}, "extra_headers['X-Trace']"),
        ([("X-Trace", "a")], "must be a mapping"),
    ],
)
async def test_bad_extra_headers_are_refused_before_sending(headers: Any, mentions: str) -> None:
    with HostileServer() as server:
        async with client_for(server) as client:

            async def call() -> Any:
                return await client.chat.complete(
                    model=MODEL, messages=MESSAGES, extra_headers=headers
                )

            assert mentions in await refused(server, call)


async def test_a_bad_bill_to_is_refused_before_sending() -> None:
    with HostileServer() as server:
        async with client_for(server) as client:

            async def call() -> Any:
                return await client.chat.complete(
                    model=MODEL, messages=MESSAGES, bill_to="acme\r\nX-Injected: 1"
                )

            assert "bill_to" in await refused(server, call)


@pytest.mark.parametrize(
    ("kwargs", "mentions"),
    [
        ({"temperature": math.nan}, "temperature is nan"),
        ({"top_p": math.inf}, "top_p is inf"),
        ({"extra_body": {"penalty": -math.inf}}, "penalty is -inf"),
        ({"extra_body": {"nested": {"scores": [1.0, math.nan]}}}, "nested.scores[1] is nan"),
        ({"extra_body": {"when": object()}}, "when is of type object"),
        ({"extra_body": {"tags": {"a", "b"}}}, "tags is of type set"),
    ],
)
async def test_a_body_json_cannot_hold_is_refused_naming_the_parameter(
    kwargs: dict[str, Any], mentions: str
) -> None:
    with HostileServer() as server:
        async with client_for(server) as client:

            async def call() -> Any:
                return await client.chat.complete(model=MODEL, messages=MESSAGES, **kwargs)

            assert mentions in await refused(server, call)


@pytest.mark.parametrize(
    ("kwargs", "mentions"),
    [
        ({"extra_body": ["not", "a", "mapping"]}, "extra_body must be a mapping"),
        ({"extra_body": "text"}, "extra_body must be a mapping"),
        ({"provider": 5}, "provider must be a provider name"),
    ],
)
async def test_arguments_of_the_wrong_type_are_typed_errors(
    kwargs: dict[str, Any], mentions: str
) -> None:
    # a raw ValueError / TypeError before
    with HostileServer() as server:
        async with client_for(server) as client:

            async def call() -> Any:
                return await client.chat.complete(model=MODEL, messages=MESSAGES, **kwargs)

            assert mentions in await refused(server, call)


async def test_nan_in_a_stream_request_is_refused_before_sending() -> None:
    with HostileServer() as server:
        async with client_for(server) as client:

            async def call() -> Any:
                return await client.chat.stream(
                    model=MODEL, messages=MESSAGES, temperature=math.inf
                )

            assert "temperature is inf" in await refused(server, call)


async def test_nan_in_a_nested_task_parameter_is_named() -> None:
    with HostileServer() as server:
        async with client_for(server) as client:

            async def call() -> Any:
                return await client.text_generation.generate(
                    model=MODEL, prompt="hi", temperature=math.nan
                )

            assert "parameters.temperature is nan" in await refused(server, call)


@pytest.mark.parametrize(
    "suffix",
    [
        "/v1\r\nX-Injected: 1",  # CR/LF: httpx2.InvalidURL before
        "/v1 with spaces",
        ":99999/v1",  # port out of range
        ":http/v1",  # port not a number
    ],
)
async def test_a_malformed_model_url_is_refused_before_sending(suffix: str) -> None:
    with HostileServer() as server:
        async with client_for(server) as client:
            url = f"http://127.0.0.1{suffix}" if suffix.startswith(":") else server.url + suffix

            async def call() -> Any:
                return await client.chat.complete(model=url, messages=MESSAGES)

            assert "model URL" in await refused(server, call)


@pytest.mark.parametrize(
    "router_url",
    [
        "http://127.0.0.1:8080\r\nX-Injected: 1",
        "http://127.0.0.1:8080/\n",
        "http://127.0.0.1:99999",
        "http:///no-host",
        "ftp://127.0.0.1",
    ],
)
async def test_a_malformed_router_url_is_a_configuration_error(router_url: str) -> None:
    with pytest.raises(ConfigurationError, match="router_url"):
        AsyncHfInferenceClient(token=TOKEN, router_url=router_url)


@pytest.mark.parametrize(
    ("field", "value"),
    [("token", "hf_abc\r\nX-Injected: 1"), ("bill_to", "acme\n"), ("user_agent", "me/1\r\n")],
)
async def test_config_text_that_goes_into_a_header_is_checked(field: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match="cannot go into an HTTP header") as caught:
        AsyncHfInferenceClient(**{field: value})
    assert "X-Injected" not in str(caught.value)  # a token is never quoted back


# unasync: remove-begin
def test_an_async_client_works_across_two_asyncio_runs() -> None:
    # A pooled connection of the first loop made the second run fail with a raw
    # "RuntimeError: Event loop is closed", after sending the request on it.
    with HostileServer() as server:
        clients = [client_for(server)]

        async def ask() -> str | None:
            reply = await clients[0].chat.complete(model=MODEL, messages=MESSAGES)
            return reply.choices[0].message.content

        with warnings.catch_warnings():
            # the first loop's connection cannot be closed once that loop has ended
            warnings.simplefilter("ignore", ResourceWarning)
            assert asyncio.run(ask()) == "hello"
            assert asyncio.run(ask()) == "hello"
            asyncio.run(clients[0].aclose())
            clients.clear()
            gc.collect()
        assert [r.connection for r in server.requests] == [1, 2]  # each sent once


def test_a_callers_pool_from_an_ended_loop_is_a_typed_error() -> None:
    import httpx2

    with HostileServer() as server:
        pools = [httpx2.AsyncClient()]
        clients = [
            AsyncHfInferenceClient(
                token=TOKEN,
                router_url=server.url,
                default_provider="hf-inference",
                http_client=pools[0],
            )
        ]

        async def ask() -> Any:
            return await clients[0].chat.complete(model=MODEL, messages=MESSAGES)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            asyncio.run(ask())
            with pytest.raises(HfError, match="event loop that has ended"):
                asyncio.run(ask())  # not our pool to replace: a clear error, not RuntimeError
            clients.clear()
            pools.clear()
            gc.collect()
        assert len(server.requests) == 1  # the second call sent nothing


# unasync: remove-end
