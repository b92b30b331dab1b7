"""Structured outputs, reasoning and self-assembling streams against the emulator (both twins)."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AsyncParsedChatStream,
    InvalidArgument,
    ParsedChatCompletion,
    StreamInterrupted,
    StructuredOutputError,
)
from hf_inference_endpoints.emulator.generation import REASONING_PREFIX, REPLY_PREFIX
from hf_inference_endpoints.models import ChatCompletionChunk

from ..conftest import EMULATOR_TOKEN

MODEL = "org/chat-model"
QUESTION = "What is the capital of France"
MESSAGES = [{"role": "user", "content": QUESTION}]


class City(BaseModel):
    name: Literal["Paris"]
    population: int
    capital: bool


def client_for(emulator: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        token=EMULATOR_TOKEN,
        default_provider="hf-inference",
    )


@pytest.mark.anyio
async def test_structured_output_is_parsed(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        reply = await client.chat.complete(model=MODEL, messages=MESSAGES, response_format=City)
    assert isinstance(reply, ParsedChatCompletion)
    message = reply.choices[0].message
    assert message is not None
    # the emulator builds its JSON from the schema it received: const/enum "Paris"
    assert message.parsed == City(name="Paris", population=1, capital=True)
    assert json.loads(message.content or "") == {"name": "Paris", "population": 1, "capital": True}
    assert "parsed" not in message.model_dump()  # safe to send back as history
    assert reply.response_meta is not None and reply.response_meta.request_id


@pytest.mark.anyio
async def test_a_reply_that_does_not_validate_raises_with_the_raw_text(
    emulator: Any, no_env: None
) -> None:
    async with client_for(emulator) as client:
        with pytest.raises(StructuredOutputError) as caught:
            # three tokens cut the JSON document short
            await client.chat.complete(
                model=MODEL, messages=MESSAGES, response_format=City, max_tokens=3
            )
    assert caught.value.raw is not None and caught.value.raw.startswith('{"name": "Paris"')
    assert "finish_reason=length" in caught.value.message
    assert caught.value.request_id


@pytest.mark.anyio
async def test_a_bad_response_format_is_refused_before_sending(emulator: Any, no_env: None) -> None:
    before = emulator.state.request_count
    async with client_for(emulator) as client:
        with pytest.raises(InvalidArgument):
            await client.chat.complete(model=MODEL, messages=MESSAGES, response_format=object)
        with pytest.raises(InvalidArgument):
            await client.chat.stream(model=MODEL, messages=MESSAGES, response_format=3)
    assert emulator.state.request_count == before  # nothing was sent


@pytest.mark.anyio
async def test_structured_stream_final_is_parsed(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES, response_format=City)
        assert isinstance(stream, AsyncParsedChatStream)
        first = await stream.__anext__()  # the chunks are the usual ones
        assert isinstance(first, ChatCompletionChunk)
        reply = await stream.final()
        via_create = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, response_format=City
        )
        assert isinstance(via_create, AsyncParsedChatStream)
        created = await via_create.final()
        plain = await client.chat.stream(model=MODEL, messages=MESSAGES)
        assert not isinstance(plain, AsyncParsedChatStream)
        await plain.aclose()
    assert isinstance(reply, ParsedChatCompletion)
    assert reply.choices[0].message is not None
    assert reply.choices[0].message.parsed == City(name="Paris", population=1, capital=True)
    assert created.choices[0].message is not None
    assert created.choices[0].message.parsed == reply.choices[0].message.parsed


@pytest.mark.anyio
async def test_reasoning_is_typed_in_message_and_delta(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        reply = await client.chat.complete(model=MODEL, messages=MESSAGES, reasoning_effort="low")
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES, reasoning_effort="low")
        deltas = [c.choices[0].delta.reasoning_content async for c in stream if c.choices]
    expected = f"{REASONING_PREFIX} {QUESTION}"
    assert reply.choices[0].message is not None
    assert reply.choices[0].message.reasoning_content == expected
    assert reply.choices[0].message.content == f"{REPLY_PREFIX} {QUESTION}"
    assert "".join(d for d in deltas if d) == expected


@pytest.mark.anyio
async def test_final_after_partial_iteration(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        stream = await client.chat.stream(
            model=MODEL,
            messages=MESSAGES,
            reasoning_effort="high",
            stream_options={"include_usage": True},
        )
        first = [await stream.__anext__() for _ in range(3)]
        reply = await stream.final()
        assert stream.is_closed
        whole = await client.chat.complete(model=MODEL, messages=MESSAGES, reasoning_effort="high")
    assert len(first) == 3
    choice = reply.choices[0]
    assert choice.message is not None and whole.choices[0].message is not None
    assert choice.message.content == whole.choices[0].message.content
    assert choice.message.reasoning_content == whole.choices[0].message.reasoning_content
    assert choice.finish_reason == "stop"
    assert reply.usage is not None and reply.usage.total_tokens == whole.usage.total_tokens  # type: ignore[union-attr]
    assert reply.response_meta is stream.response_meta


@pytest.mark.anyio
async def test_final_merges_tool_calls(emulator: Any, no_env: None) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            },
        },
    }
    async with client_for(emulator) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES, tools=[tool])
        reply = await stream.final()
        whole = await client.chat.complete(model=MODEL, messages=MESSAGES, tools=[tool])
    message = reply.choices[0].message
    assert message is not None and message.tool_calls is not None
    assert whole.choices[0].message is not None and whole.choices[0].message.tool_calls
    (call,) = message.tool_calls
    expected = whole.choices[0].message.tool_calls[0]
    assert call.id == expected.id
    assert call.function is not None and expected.function is not None
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments or "") == json.loads(
        expected.function.arguments or ""
    )
    assert reply.choices[0].finish_reason == "tool_calls"


@pytest.mark.anyio
async def test_final_of_a_stream_closed_early_raises(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        await stream.__anext__()
        await stream.aclose()
        with pytest.raises(StreamInterrupted, match="closed before it ended"):
            await stream.final()


@pytest.mark.anyio
async def test_text_generation_stream_final(emulator: Any, no_env: None) -> None:
    url = emulator.tgi_url("my-llm")
    async with client_for(emulator) as client:
        whole = await client.text_generation.generate(
            model=url, prompt="one two three four five", max_new_tokens=3, details=True
        )
        stream = await client.text_generation.stream(
            model=url, prompt="one two three four five", max_new_tokens=3, details=True
        )
        await stream.__anext__()
        out = await stream.final()
    assert out.generated_text == whole.generated_text
    assert out.details is not None and whole.details is not None
    assert out.details.finish_reason == "length"
    assert out.details.generated_tokens == 3
    assert [t.text for t in out.details.tokens or []] == [
        t.text for t in whole.details.tokens or []
    ]
