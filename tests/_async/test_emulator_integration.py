"""SPEC §5.2 scenarios against the local emulator over real sockets, on both twins.

INT-001 chat, INT-002 streamed chat, INT-003 text generation, INT-008 cold start
recovery, INT-009 rate limiting, a mid-stream failure and a 401 — plus the promise
that every connection goes back to the pool.
"""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    ColdStartTimeout,
    PaymentRequired,
    RateLimited,
    StreamInterrupted,
)
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

from ..conftest import EMULATOR_TOKEN

MODEL = "org/chat-model"
QUESTION = "What is the capital of France"
MESSAGES = [{"role": "user", "content": QUESTION}]


def client_for(emulator: Any, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("token", EMULATOR_TOKEN)
    return AsyncHfInferenceClient(
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        endpoints_api_url=emulator.endpoints_api_url,
        **{"default_provider": "hf-inference", **config},
    )


def in_flight(client: AsyncHfInferenceClient) -> int:
    """Requests the connection pool still has checked out."""
    pool = client._transport.http_client._transport  # type: ignore[attr-defined]
    return int(pool.in_flight)


def fault(spec: str) -> dict[str, str]:
    return {"X-Emulator-Fault": spec}


@pytest.mark.anyio
async def test_int_001_chat_completion(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        reply = await client.chat.complete(model=MODEL, messages=MESSAGES, max_tokens=50)
        assert in_flight(client) == 0
    text = reply.choices[0].message.content
    assert text == f"{REPLY_PREFIX} {QUESTION}"
    assert reply.usage is not None
    assert reply.usage.prompt_tokens == len(QUESTION.split())
    assert reply.usage.completion_tokens == len(text.split())
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert reply.response_meta is not None
    assert reply.response_meta.request_id
    assert reply.response_meta.provider == "hf-inference"


@pytest.mark.anyio
async def test_int_002_streamed_chat(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        stream = await client.chat.stream(
            model=MODEL, messages=MESSAGES, stream_options={"include_usage": True}
        )
        pieces: list[str] = []
        usage = None
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            if chunk.usage is not None:
                usage = chunk.usage
        assert stream.is_closed
        assert in_flight(client) == 0
    assert "".join(pieces).strip() == f"{REPLY_PREFIX} {QUESTION}"
    assert usage is not None and usage.completion_tokens == len(pieces)


@pytest.mark.anyio
async def test_int_003_text_generation_native(emulator: Any, no_env: None) -> None:
    url = emulator.tgi_url("my-llm")
    async with client_for(emulator) as client:
        out = await client.text_generation.generate(
            model=url, prompt="one two three four five", max_new_tokens=3, details=True
        )
        events = [
            e
            async for e in await client.text_generation.stream(
                model=url, prompt="one two three four five", max_new_tokens=3
            )
        ]
        assert in_flight(client) == 0
    assert out.details is not None
    assert out.details.generated_tokens == 3
    assert out.details.finish_reason == "length"
    assert len(out.generated_text.split()) == 3
    assert events[-1].generated_text == out.generated_text
    assert [e.token.text.strip() for e in events] == out.generated_text.split()


@pytest.mark.anyio
async def test_int_008_cold_start_is_waited_out(emulator: Any, no_env: None) -> None:
    emulator.reset()  # the model starts cold again
    async with client_for(emulator, retry_max_delay=0.01, cold_start_timeout=30.0) as client:
        reply = await client.chat.complete(model="org/cold-model", messages=MESSAGES)
    assert reply.choices[0].message.content
    assert reply.response_meta is not None
    assert reply.response_meta.attempts > 1
    assert reply.response_meta.cold_start_wait > 0


@pytest.mark.anyio
async def test_int_008_cold_start_timeout(emulator: Any, no_env: None) -> None:
    # 0.6 s of real loading: a busy machine cannot let it warm up before the 5 ms budget
    emulator.reset()
    async with client_for(emulator, retry_max_delay=0.001, cold_start_timeout=0.005) as client:
        with pytest.raises(ColdStartTimeout) as info:
            await client.chat.complete(model="org/slow-cold-model", messages=MESSAGES)
        assert in_flight(client) == 0
    assert info.value.model == "org/slow-cold-model"
    assert "cold_start_timeout" in str(info.value)


@pytest.mark.anyio
async def test_int_009_rate_limit_is_retried_after_the_asked_delay(
    emulator: Any, no_env: None
) -> None:
    emulator.reset()  # fault counters are per spec and model: start from zero
    async with client_for(emulator) as client:
        reply = await client.chat.complete(
            model=MODEL,
            messages=MESSAGES,
            extra_headers=fault("429:retry_after_ms=100;times=2"),
        )
        assert in_flight(client) == 0
    assert reply.response_meta is not None and reply.response_meta.attempts == 3


@pytest.mark.anyio
async def test_int_009_rate_limit_gives_up_as_rate_limited(emulator: Any, no_env: None) -> None:
    emulator.reset()
    async with client_for(emulator, max_retries=1) as client:
        with pytest.raises(RateLimited) as info:
            await client.chat.complete(
                model=MODEL,
                messages=MESSAGES,
                extra_headers=fault("429:retry_after_ms=100;times=5"),
            )
    assert info.value.retry_after == 0.001  # 100 emulated ms at the emulator's time_scale=0.01
    assert info.value.request_id


@pytest.mark.anyio
async def test_out_of_credits_is_payment_required_and_not_retried(
    emulator: Any, no_env: None
) -> None:
    emulator.reset()
    async with client_for(emulator, max_retries=3) as client:
        with pytest.raises(PaymentRequired) as info:
            await client.chat.complete(
                model=MODEL, messages=MESSAGES, extra_headers=fault("402:times=2")
            )
        # the fault allowed two: the one request sent used one, the next one is the second
        with pytest.raises(PaymentRequired):
            await client.chat.complete(
                model=MODEL, messages=MESSAGES, extra_headers=fault("402:times=2")
            )
        reply = await client.chat.complete(
            model=MODEL, messages=MESSAGES, extra_headers=fault("402:times=2")
        )
    assert reply.choices[0].message is not None
    assert info.value.status_code == 402 and "credits" in (info.value.server_message or "")
    assert "bill_to" in str(info.value)


@pytest.mark.anyio
@pytest.mark.parametrize("spec", ["stream-drop:after=2", "stream-error:after=2"])
async def test_mid_stream_failure_is_stream_interrupted(
    emulator: Any, no_env: None, spec: str
) -> None:
    emulator.reset()
    async with client_for(emulator) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES, extra_headers=fault(spec))
        received = []
        with pytest.raises(StreamInterrupted):
            async for chunk in stream:
                received.append(chunk)
        assert stream.is_closed
        assert in_flight(client) == 0
    assert len(received) == 2


@pytest.mark.anyio
async def test_401_is_authentication_error(emulator: Any, no_env: None) -> None:
    async with client_for(emulator, token="hf_not_the_right_token") as client:
        with pytest.raises(AuthenticationError) as info:
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert info.value.status_code == 401
    assert "hf_not_the_right_token" not in str(info.value)


@pytest.mark.anyio
async def test_abandoned_stream_releases_its_connection(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        async for _ in stream:
            break
        assert in_flight(client) == 1
        await stream.aclose()
        assert in_flight(client) == 0
        async with await client.chat.stream(model=MODEL, messages=MESSAGES) as second:
            async for _ in second:
                break
        assert in_flight(client) == 0
        reply = await client.chat.complete(model=MODEL, messages=MESSAGES)
        assert reply.choices


@pytest.mark.anyio
async def test_one_connection_is_reused_across_sequential_streams(
    emulator: Any, no_env: None
) -> None:
    async with client_for(emulator) as client:
        for _ in range(5):
            async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                async for _ in stream:
                    pass
        pool = client._transport.http_client._transport  # type: ignore[attr-defined]
        assert len(pool.connections) == 1


@pytest.mark.anyio
async def test_health_check(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        status = await client.health_check(emulator.tgi_url("my-llm"))
        assert status.healthy, status.problems
        assert status.user == "emulator-user"
        router = await client.health_check()
        assert router.target_healthy
    async with client_for(emulator, token="hf_wrong_token_value") as client:
        bad = await client.health_check()
    assert bad.api_reachable and not bad.token_valid and not bad.healthy
    assert any("token rejected" in p for p in bad.problems)
