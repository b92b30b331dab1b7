"""Hostile event streams: a huge line is decoded in linear time, an endless event is capped."""

from __future__ import annotations

import time
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceConfig, StreamInterrupted

from ..server import HostileServer, endless_event, long_sse_line

pytestmark = pytest.mark.anyio

TOKEN = "hf_hostile_stream_token"
MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
MIB = 1024 * 1024


def client_for(server: HostileServer, **config: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        token=TOKEN,
        router_url=server.url,
        default_provider="hf-inference",
        max_retries=0,
        request_timeout=30.0,
        **config,
    )


async def test_a_40_mib_event_line_streams_in_linear_time() -> None:
    # The quadratic decoder took 12 s end to end for this (8-20 s in the decoder alone).
    with HostileServer() as server:
        server.script(long_sse_line(40 * MIB))
        async with client_for(server, max_event_bytes=64 * MIB) as client:
            started = time.monotonic()
            async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                chunks = [chunk async for chunk in stream]
            elapsed = time.monotonic() - started
    (chunk,) = chunks
    assert chunk.choices[0].delta.content == "x" * (40 * MIB)
    assert chunk.choices[0].finish_reason == "stop"
    assert elapsed < 8.0


async def test_an_event_past_max_event_bytes_ends_the_stream_typed() -> None:
    with HostileServer() as server:
        server.script(endless_event())
        async with client_for(server, max_event_bytes=MIB) as client:
            started = time.monotonic()
            stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
            with pytest.raises(StreamInterrupted, match="max_event_bytes") as caught:
                async for _ in stream:
                    pass
            elapsed = time.monotonic() - started
            assert stream.is_closed
    assert "1048576 bytes" in str(caught.value)
    assert caught.value.request_id == "hostile-req"
    assert elapsed < 5.0


async def test_the_default_event_cap_is_16_mib_well_below_max_response_bytes() -> None:
    config = HfInferenceConfig()
    assert config.max_event_bytes == 16 * MIB
    assert config.max_response_bytes is not None
    assert config.stream_event_limit == 16 * MIB < config.max_response_bytes
    with HostileServer() as server:
        server.script(endless_event())
        async with client_for(server) as client:
            stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
            with pytest.raises(StreamInterrupted, match=f"past {16 * MIB} bytes"):
                async for _ in stream:
                    pass
