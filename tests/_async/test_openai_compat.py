"""The openai SDK's surface (chat.completions.create, base_url/api_key) on the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AsyncStream,
    ConfigurationError,
    InvalidArgument,
    ParsedChatCompletion,
)
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

from ..conftest import EMULATOR_TOKEN

LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
QUESTION = "Say hello"
MESSAGES = [{"role": "user", "content": QUESTION}]


def openai_style(emulator: Any, base_url: str, **kwargs: Any) -> AsyncHfInferenceClient:
    # written as for openai.AsyncOpenAI(base_url=..., api_key=...), plus where the Hub is
    return AsyncHfInferenceClient(
        base_url=base_url, api_key=EMULATOR_TOKEN, hub_url=emulator.hub_url, **kwargs
    )


@pytest.mark.anyio
async def test_router_base_url_routes_through_the_router(emulator: Any, no_env: None) -> None:
    emulator.reset()  # fault counters start afresh
    async with openai_style(
        emulator, emulator.router_url + "/v1/", router_url=emulator.router_url
    ) as client:
        assert client.config.default_provider == "auto"
        assert client.config.router_url == emulator.router_url
        reply = await client.chat.completions.create(
            model=LLAMA,
            messages=MESSAGES,
            max_tokens=20,
            # retried underneath, as every call of this client
            extra_headers={"X-Emulator-Fault": "429:retry_after_ms=10;times=1"},
        )
    assert reply.choices[0].message is not None
    assert reply.choices[0].message.content == f"{REPLY_PREFIX} {QUESTION}"
    assert reply.response_meta is not None and reply.response_meta.attempts == 2


@pytest.mark.anyio
async def test_stream_true_returns_a_stream(emulator: Any, no_env: None) -> None:
    async with openai_style(
        emulator, emulator.router_url + "/v1", router_url=emulator.router_url
    ) as client:
        stream = await client.chat.completions.create(model=LLAMA, messages=MESSAGES, stream=True)
        assert isinstance(stream, AsyncStream)
        pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    assert "".join(pieces) == f"{REPLY_PREFIX} {QUESTION}"


@pytest.mark.anyio
async def test_server_base_url_gets_the_model_name_in_the_body(emulator: Any, no_env: None) -> None:
    class Greeting(BaseModel):
        text: str

    async with openai_style(emulator, emulator.tgi_url("my-llm") + "/v1") as client:
        assert client._base_url == emulator.tgi_url("my-llm") + "/v1"  # no router involved
        reply = await client.chat.completions.create(model="tgi", messages=MESSAGES)
        parsed = await client.chat.completions.parse(
            model="tgi", messages=MESSAGES, response_format=Greeting
        )
    assert reply.choices[0].message is not None
    assert reply.choices[0].message.content == f"{REPLY_PREFIX} {QUESTION}"
    assert reply.response_meta is not None and reply.response_meta.provider == "endpoint"
    assert isinstance(parsed, ParsedChatCompletion)
    assert parsed.choices[0].message is not None
    assert isinstance(parsed.choices[0].message.parsed, Greeting)


@pytest.mark.anyio
async def test_wrong_arguments_are_refused_before_sending(emulator: Any, no_env: None) -> None:
    before = emulator.state.request_count
    async with openai_style(
        emulator, emulator.router_url + "/v1", router_url=emulator.router_url
    ) as client:
        with pytest.raises(InvalidArgument, match="stream"):
            await client.chat.completions.create(model=LLAMA, messages=MESSAGES, stream="yes")  # type: ignore[call-overload]
        with pytest.raises(InvalidArgument, match="extra_query"):
            await client.chat.completions.create(
                model=LLAMA, messages=MESSAGES, extra_query={"a": "b"}
            )
    assert emulator.state.request_count == before


def test_constructor_aliases_are_checked(no_env: None) -> None:
    with pytest.raises(ConfigurationError, match="api_key and token"):
        AsyncHfInferenceClient(api_key="hf_a", token="hf_b")
    with pytest.raises(ConfigurationError, match="base_url"):
        AsyncHfInferenceClient(base_url="router.huggingface.co/v1")
    client = AsyncHfInferenceClient(api_key="hf_a", base_url="https://router.huggingface.co/v1")
    assert client.config.token_value == "hf_a"
    assert client.config.router_url == "https://router.huggingface.co"
    assert "hf_a" not in repr(client.config)
