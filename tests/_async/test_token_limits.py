"""Tokens per minute through the client: estimated, waited for, corrected from usage (both twins).

A scripted peer (``Wire``) and a fake clock: every wait is asked of the wait engine and
shows up in ``clock.sleeps`` without taking time.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import InvalidArgument, RequestTimeout

from .conftest import FakeClock
from .test_providers import (  # noqa: F401
    MODEL,
    TOGETHER_CHAT,
    Wire,
    chunk,
    clock,
    completion,
    make_client,
    sse,
)

# 40 characters: 10 tokens, + 4 for the message, + max_tokens 36 = 50 estimated
MESSAGES = [{"role": "user", "content": "x" * 40}]
ESTIMATE = 50


def answer(total: int | None = None) -> httpx2.Response:
    body: dict[str, Any] = completion()
    if total is not None:
        body["usage"] = {
            "prompt_tokens": 10,
            "completion_tokens": total - 10,
            "total_tokens": total,
        }
    return httpx2.Response(200, json=body)


async def chat(client: Any, **extra: Any) -> Any:
    return await client.chat.complete(
        model=MODEL, provider="together", messages=MESSAGES, max_tokens=36, **extra
    )


@pytest.mark.anyio
async def test_calls_wait_for_their_estimated_tokens(clock: FakeClock, no_env: None) -> None:  # noqa: F811
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, answer())
    limits = {"together": {"tpm": 2 * ESTIMATE}}
    async with make_client(wire, provider_rate_limits=limits) as client:
        for _ in range(5):
            await chat(client)
    # two fit a window; each later pair waits for the pair before it to leave it
    assert clock.sleeps == [pytest.approx(60.0), pytest.approx(60.0)]
    assert wire.body(1)["max_tokens"] == 36  # the estimate changes nothing that is sent


@pytest.mark.anyio
async def test_usage_in_the_answer_corrects_the_count(clock: FakeClock, no_env: None) -> None:  # noqa: F811
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, answer(total=12))
    limits = {"together": {"tpm": 2 * ESTIMATE}}
    async with make_client(wire, provider_rate_limits=limits) as client:
        for _ in range(5):  # 4 x 12 used + 50 reserved <= 100; uncorrected, the third waits
            await chat(client)
        await chat(client)  # 5 x 12 + 50 > 100: waits for the first to leave the window
    assert clock.sleeps == [pytest.approx(60.0)]


def streamed_answer(total: int | None) -> httpx2.Response:
    """A chat stream; with ``total``, a last chunk with ``usage`` (``include_usage``)."""
    events: list[dict[str, Any]] = [chunk("he"), chunk("llo", "stop")]
    if total is not None:
        usage = {"prompt_tokens": 10, "completion_tokens": total - 10, "total_tokens": total}
        events.append({**chunk(None), "choices": [], "usage": usage})
    return httpx2.Response(200, content=sse(*events), headers={"content-type": "text/event-stream"})


async def stream_chat(client: Any) -> str:
    stream = await client.chat.stream(
        model=MODEL,
        provider="together",
        messages=MESSAGES,
        max_tokens=36,
        stream_options={"include_usage": True},
    )
    async with stream:
        return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])


@pytest.mark.anyio
async def test_a_streams_usage_corrects_the_count(clock: FakeClock, no_env: None) -> None:  # noqa: F811
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, streamed_answer(total=12))
    limits = {"together": {"tpm": 2 * ESTIMATE}}
    async with make_client(wire, provider_rate_limits=limits) as client:
        for _ in range(5):  # 4 x 12 used + 50 reserved <= 100; uncorrected, the third waits
            assert await stream_chat(client) == "hello"
        await stream_chat(client)  # 5 x 12 + 50 > 100: waits for the first to leave the window
    assert clock.sleeps == [pytest.approx(60.0)]


@pytest.mark.anyio
async def test_a_stream_without_usage_keeps_its_estimate(clock: FakeClock, no_env: None) -> None:  # noqa: F811
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, streamed_answer(total=None))
    limits = {"together": {"tpm": 2 * ESTIMATE}}
    async with make_client(wire, provider_rate_limits=limits) as client:
        for _ in range(3):  # 50 each: the third waits for the first
            await stream_chat(client)
    assert clock.sleeps == [pytest.approx(60.0)]


@pytest.mark.anyio
async def test_usage_above_the_estimate_makes_the_next_call_wait(
    clock: FakeClock,  # noqa: F811
    no_env: None,
) -> None:
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, answer(total=90))
    limits = {"together": {"tpm": 2 * ESTIMATE}}
    async with make_client(wire, provider_rate_limits=limits) as client:
        await chat(client)  # estimated 50, used 90
        await chat(client)  # 90 + 50 > 100: waits for the first to leave the window
    assert clock.sleeps == [pytest.approx(60.0)]


@pytest.mark.anyio
async def test_requests_and_tokens_both_hold(clock: FakeClock, no_env: None) -> None:  # noqa: F811
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, answer())
    limits = {"together": {"rpm": 2, "tpm": 10 * ESTIMATE}}
    async with make_client(wire, provider_rate_limits=limits) as client:
        for _ in range(3):
            await chat(client)
    assert clock.sleeps == [pytest.approx(60.0)]  # requests: 2 in any minute


@pytest.mark.anyio
async def test_a_call_that_can_never_fit_is_refused_before_sending(
    clock: FakeClock,  # noqa: F811
    no_env: None,
) -> None:
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, answer())
    async with make_client(wire, provider_rate_limits={"together": {"tpm": 49}}) as client:
        with pytest.raises(InvalidArgument, match="estimated at 50 tokens, more than the 49"):
            await chat(client)
    assert f"POST {TOGETHER_CHAT}" not in wire.urls()


@pytest.mark.anyio
async def test_a_token_wait_longer_than_the_timeout_fails_fast(
    clock: FakeClock,  # noqa: F811
    no_env: None,
) -> None:
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, answer())
    async with make_client(wire, provider_rate_limits={"together": {"tpm": ESTIMATE}}) as client:
        await chat(client)
        with pytest.raises(RequestTimeout, match=r"together \(50 tokens/min\) needs a 60.0 s"):
            await chat(client, timeout=10.0)
        await chat(client)  # the refused call's tokens went back: one window, not two
    assert clock.sleeps == [pytest.approx(60.0)]
