"""Failover lives above the transport: the transport refuses a request with fallbacks
(its failover would be lost), and ``_failover`` tries each provider in turn."""

from __future__ import annotations

import dataclasses
import json

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, DeadlineExceeded
from hf_inference_endpoints._async._execute import execute
from hf_inference_endpoints._async._failover import with_failover
from hf_inference_endpoints._call import Answer
from hf_inference_endpoints._errors import ErrorContext
from hf_inference_endpoints._request import PreparedRequest
from hf_inference_endpoints._retry import Deadline
from tests.calls import describe

from ..wire import Wire

FIRST = "https://one.test/v1/x"
SECOND = "https://two.test/v1/x"


def request(url: str, provider: str, *fallbacks: PreparedRequest) -> PreparedRequest:
    return PreparedRequest(
        "POST",
        url,
        {"content-type": "application/json"},
        b"{}",
        context=ErrorContext(provider=provider, model="org/m"),
        task="conversational",
        fallbacks=fallbacks,
    )


@pytest.mark.anyio
async def test_the_transport_refuses_a_request_with_fallbacks() -> None:
    wire = Wire().add("POST", FIRST, httpx2.Response(200, json={}))
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(wire))
    async with AsyncHfInferenceClient(
        default_provider="hf-inference", token="hf_x", http_client=http
    ) as client:
        prepared = request(FIRST, "one", request(SECOND, "two"))
        with pytest.raises(TypeError, match="has fallbacks: send it through _failover"):
            await client._transport.request(prepared, lambda body: body)
    assert wire.requests == []


@pytest.mark.anyio
async def test_failover_tries_the_next_provider_after_a_429() -> None:
    wire = Wire().add("POST", FIRST, httpx2.Response(429, json={"error": "busy"}))
    wire.add("POST", SECOND, httpx2.Response(200, json={"ok": True}))
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(wire))
    async with AsyncHfInferenceClient(
        default_provider="hf-inference", token="hf_x", http_client=http
    ) as client:
        prepared = request(FIRST, "one", request(SECOND, "two"))
        call = describe(client, "org/m", None, "conversational", {}, answer=Answer(json.loads))
        result, meta = await execute(client, call, prepared)
    assert result == {"ok": True}
    assert meta.providers_tried == ("one", "two")
    assert wire.urls() == [f"POST {FIRST}", f"POST {SECOND}"]


@pytest.mark.anyio
async def test_failover_stops_at_the_calls_deadline() -> None:
    # the call's own timeout= ran out on the first provider (here a client-side rate
    # limit whose wait does not fit what is left): neither that provider nor the next
    # one gets another attempt with the little time that remains
    deadline = Deadline.start(10.0, lambda: 0.0)
    prepared = dataclasses.replace(request(FIRST, "one", request(SECOND, "two")), deadline=deadline)
    tried: list[tuple[str, bool]] = []

    async def attempt(candidate: PreparedRequest, retry: bool) -> object:
        tried.append((candidate.url, retry))
        raise DeadlineExceeded("the rate limit needs a 30 s wait, 10 s are left")

    with pytest.raises(DeadlineExceeded):
        await with_failover(prepared, attempt)
    assert tried == [(FIRST, False)]
    assert not DeadlineExceeded("x").is_retryable
