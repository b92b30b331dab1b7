"""Chat completions against this project's cassettes (cassettes/chat/*.yaml).

Each cassette is the real HF wire contract for one behaviour (WIRE.md §a.1, §a.2,
§d.2, §d.4). vcrpy matches method, URL and JSON body, so a test only passes when the
client sends exactly the recorded request; the tests also look at the request as it
left the client (headers included) and at every parsed value.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, ValidationError

ROUTER = "https://router.huggingface.co"
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
UseCassette = Callable[[str], AbstractContextManager[Any]]


class Wire:
    """Keeps every request the client puts on the wire (an httpx2 request event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> None:
        self.requests.append(request)

    def only(self) -> httpx2.Request:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


@asynccontextmanager
async def open_client(token: str, wire: Wire) -> AsyncIterator[AsyncHfInferenceClient]:
    """A client whose requests ``wire`` sees; vcrpy answers them from the cassette."""
    async with (
        httpx2.AsyncClient(event_hooks={"request": [wire]}) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token=token, http_client=http
        ) as client,
    ):
        yield client


def assert_sent(
    request: httpx2.Request, token: str, url: str, body: dict[str, Any], *, stream: bool = False
) -> None:
    assert request.method == "POST"
    assert str(request.url) == url
    assert request.headers["authorization"] == f"Bearer {token}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("hf-inference-endpoints/0.1.0; python/")
    assert request.headers["accept"] == ("text/event-stream" if stream else "*/*")
    assert "x-hf-bill-to" not in request.headers
    assert json.loads(request.content) == body


@pytest.mark.anyio
async def test_plain_completion(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    messages = [
        {"role": "system", "content": "Answer in one short sentence."},
        {"role": "user", "content": "Which planet is known as the red planet?"},
    ]
    with cassette("chat/plain.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            result = await client.chat.complete(
                model=LLAMA, messages=messages, max_tokens=24, temperature=0.2, seed=11
            )
    assert cass.all_played and cass.play_count == 1
    url = f"{ROUTER}/hf-inference/models/{LLAMA}/v1/chat/completions"
    body = {"model": LLAMA, "messages": messages, "max_tokens": 24, "temperature": 0.2, "seed": 11}
    assert_sent(wire.only(), hf_token, url, body)

    assert result.id == ""
    assert result.object == "chat.completion"
    assert result.model == LLAMA
    assert result.system_fingerprint == "3.3.4-native"
    [choice] = result.choices
    assert choice.index == 0
    assert choice.message is not None
    assert choice.message.role == "assistant"
    assert choice.message.content == "Mars is known as the red planet."
    assert choice.finish_reason == "stop"
    assert result.usage is not None
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (49, 9)
    assert result.usage.total_tokens == 58

    meta = result.response_meta
    assert meta is not None
    assert meta.status_code == 200
    assert meta.request_id == (
        "Root=1-68c2a1f0-3b7e51d9a04c6e2f18d7b9a3;0c9e4f7a-52d1-4b8e-9a6c-7e31f0d2b845"
    )
    assert meta.provider == "hf-inference"
    assert meta.model == LLAMA
    assert meta.url == url
    assert meta.attempts == 1
    assert meta.headers["x-compute-type"] == "1-a10-g"


@pytest.mark.anyio
async def test_stream_with_usage_ends_on_done(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    model = "HuggingFaceTB/SmolLM3-3B"
    messages = [{"role": "user", "content": "Start a poem about the sea."}]
    with cassette("chat/stream.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            stream = await client.chat.stream(
                model=model,
                messages=messages,
                max_tokens=5,
                stream_options={"include_usage": True},
            )
            assert not stream.is_closed
            chunks = []
            async with stream:
                async for chunk in stream:
                    chunks.append(chunk)
                    # The recording arrives in one piece: the stream releases its
                    # connection as soon as it reads `data: [DONE]`, before the last
                    # parsed chunk is handed out. Without [DONE] it would still be open.
                    assert stream.is_closed
            assert stream.is_closed
    assert cass.all_played
    url = f"{ROUTER}/hf-inference/models/{model}/v1/chat/completions"
    body = {
        "model": model,
        "messages": messages,
        "max_tokens": 5,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    assert_sent(wire.only(), hf_token, url, body, stream=True)

    assert len(chunks) == 6
    text = "".join(
        c.choices[0].delta.content or "" for c in chunks if c.choices and c.choices[0].delta
    )
    assert text == "Tide pulls at the shore"
    assert all(c.object == "chat.completion.chunk" and c.model == model for c in chunks)
    assert [c.choices[0].finish_reason for c in chunks[:5]] == [None] * 4 + ["length"]
    assert all(c.usage is None for c in chunks[:5])
    usage_chunk = chunks[-1]
    assert usage_chunk.choices == []
    assert usage_chunk.usage is not None
    assert usage_chunk.usage.model_dump(exclude_none=True) == {
        "prompt_tokens": 17,
        "completion_tokens": 5,
        "total_tokens": 22,
    }
    meta = stream.response_meta
    assert meta.status_code == 200
    assert meta.headers["content-type"] == "text/event-stream"
    assert meta.request_id == (
        "Root=1-68c2a2e7-1f0a9c3d5e7b2a4c6d8e0f1a;7d2b9e41-0a6f-4c35-b8e2-3f5a1c9d7e60"
    )
    assert meta.provider == "hf-inference"
    assert meta.attempts == 1


WEATHER_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name, e.g. Lisbon"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city", "unit"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_local_time",
            "description": "Current local time in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    },
]


@pytest.mark.anyio
async def test_tool_call(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    model = "Qwen/Qwen2.5-7B-Instruct"
    messages = [{"role": "user", "content": "Is it warm in Lisbon right now? Use celsius."}]
    with cassette("chat/tools.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            result = await client.chat.complete(
                model=model,
                messages=messages,
                tools=WEATHER_TOOLS,
                tool_choice="auto",
                max_tokens=200,
            )
    assert cass.all_played
    url = f"{ROUTER}/hf-inference/models/{model}/v1/chat/completions"
    body = {
        "model": model,
        "messages": messages,
        "tools": WEATHER_TOOLS,
        "tool_choice": "auto",
        "max_tokens": 200,
    }
    assert_sent(wire.only(), hf_token, url, body)

    [choice] = result.choices
    assert choice.finish_reason == "stop"
    assert choice.message is not None
    assert choice.message.content is None
    [call] = choice.message.tool_calls or []
    assert call.id == "0"
    assert call.type == "function"
    assert call.function is not None
    assert call.function.name == "get_weather"
    assert isinstance(call.function.arguments, str)
    assert json.loads(call.function.arguments) == {"city": "Lisbon", "unit": "celsius"}
    assert result.usage is not None and result.usage.total_tokens == 305
    assert result.response_meta is not None
    assert result.response_meta.request_id == (
        "Root=1-68c2a3b5-6a1e0d9c8b7f4e3a2d1c0b9f;e83f1a2c-6b4d-4f09-a7c5-2d9e8b1f3a64"
    )


@pytest.mark.anyio
async def test_json_schema_is_sent_in_the_tgi_form(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "country": {"type": "string"},
            "population": {"type": "integer", "minimum": 0},
        },
        "required": ["city", "country", "population"],
    }
    messages = [{"role": "user", "content": "Describe Porto as JSON: city, country, population."}]
    with cassette("chat/response_format.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            result = await client.chat.complete(
                model=LLAMA,
                messages=messages,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "city_facts", "schema": schema, "strict": True},
                },
                max_tokens=60,
            )
    assert cass.all_played
    url = f"{ROUTER}/hf-inference/models/{LLAMA}/v1/chat/completions"
    # hf-inference (TGI) takes the schema as {"type": "json_object", "value": schema}:
    # the name and strict flag of the OpenAI form are not sent.
    body = {
        "model": LLAMA,
        "messages": messages,
        "response_format": {"type": "json_object", "value": schema},
        "max_tokens": 60,
    }
    assert_sent(wire.only(), hf_token, url, body)

    [choice] = result.choices
    assert choice.finish_reason == "stop"
    assert choice.message is not None and isinstance(choice.message.content, str)
    assert json.loads(choice.message.content) == {
        "city": "Porto",
        "country": "Portugal",
        "population": 231800,
    }
    assert result.usage is not None and result.usage.completion_tokens == 21


@pytest.mark.anyio
async def test_server_validation_error_is_typed(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    messages = [{"role": "user", "content": "Write a very long story."}]
    with cassette("chat/validation_422.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            with pytest.raises(ValidationError) as info:
                await client.chat.complete(model=LLAMA, messages=messages, max_tokens=200000)
    assert cass.all_played and cass.play_count == 1  # a 422 is not retried
    url = f"{ROUTER}/hf-inference/models/{LLAMA}/v1/chat/completions"
    assert_sent(
        wire.only(), hf_token, url, {"model": LLAMA, "messages": messages, "max_tokens": 200000}
    )

    err = info.value
    assert err.status_code == 422
    assert err.server_message == (
        "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 32768. "
        "Given: 41 `inputs` tokens and 200000 `max_new_tokens`"
    )
    assert err.request_id == (
        "Root=1-68c2a51d-9f8e7d6c5b4a39281706f5e4;b1d3f5a7-9c0e-4b2d-8f6a-1c3e5a7b9d0f"
    )
    assert err.body == {"error": err.server_message, "error_type": "validation"}
    assert (err.provider, err.model) == ("hf-inference", LLAMA)
    assert not err.is_retryable
    assert "request id Root=1-68c2a51d" in str(err)


@pytest.mark.anyio
async def test_router_policy_suffix(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    messages = [{"role": "user", "content": "Say hello in Portuguese, one word."}]
    with cassette("chat/router_suffix.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            result = await client.chat.complete(
                model="openai/gpt-oss-20b:cheapest", messages=messages, max_tokens=64
            )
    assert cass.all_played
    body = {"model": "openai/gpt-oss-20b:cheapest", "messages": messages, "max_tokens": 64}
    assert_sent(wire.only(), hf_token, f"{ROUTER}/v1/chat/completions", body)

    assert result.id == "chatcmpl-7f3a91c2d84e4b60a15e2c9d"
    assert result.model == "openai/gpt-oss-20b"
    [choice] = result.choices
    assert choice.message is not None
    assert choice.message.content == "Olá!"
    assert choice.message.reasoning_content == "One word greeting in Portuguese."
    assert choice.finish_reason == "stop"
    assert result.usage is not None and result.usage.total_tokens == 94
    meta = result.response_meta
    assert meta is not None
    assert meta.provider == "novita"  # the router says who served it
    assert meta.model == "openai/gpt-oss-20b"
    assert meta.url == f"{ROUTER}/v1/chat/completions"
    assert meta.request_id == (
        "Root=1-68c2a5d6-2c4e6a8b0d1f3a5c7e9b1d3f;f0e2c4a6-8b1d-4e3f-a5c7-9d1b3f5e7a90"
    )
