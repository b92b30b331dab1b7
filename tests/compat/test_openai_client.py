"""The official ``openai`` client against the emulated router and a TGI / TEI endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

from .conftest import CHAT_MODEL, TOKEN

openai = pytest.importorskip("openai")

MESSAGES = [{"role": "user", "content": "Say hello"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather of a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "celsius": {"type": "boolean"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture(scope="module")
def router(compat_emulator: Any) -> Iterator[Any]:
    with openai.OpenAI(base_url=f"{compat_emulator.router_url}/v1", api_key=TOKEN) as client:
        yield client


def test_chat(router: Any) -> None:
    raw = router.chat.completions.with_raw_response.create(model=CHAT_MODEL, messages=MESSAGES)
    reply = raw.parse()
    assert raw.headers["x-inference-provider"]
    assert reply.object == "chat.completion"
    assert reply.choices[0].message.role == "assistant"
    assert reply.choices[0].message.content == f"{REPLY_PREFIX} Say hello"
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_chat_stream(router: Any) -> None:
    plain = router.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)
    stream = router.chat.completions.create(
        model=CHAT_MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_chat_tools(router: Any) -> None:
    reply = router.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[WEATHER_TOOL],
        tool_choice="required",
    )
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls
    assert call.type == "function" and call.id
    assert call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    assert isinstance(arguments["city"], str)


def test_chat_json_schema(router: Any) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    reply = router.chat.completions.create(
        model=CHAT_MODEL,
        messages=MESSAGES,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "person", "schema": schema, "strict": True},
        },
    )
    document = json.loads(reply.choices[0].message.content)
    assert isinstance(document["name"], str) and isinstance(document["age"], int)


def test_n_choices(router: Any) -> None:
    reply = router.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, n=2)
    assert [c.index for c in reply.choices] == [0, 1]


def test_an_unknown_model_is_not_found(router: Any) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        router.chat.completions.create(model="nobody/no-such-model", messages=MESSAGES)
    assert caught.value.status_code == 404


def test_a_bad_token_is_an_authentication_error(compat_emulator: Any) -> None:
    with (
        openai.OpenAI(base_url=f"{compat_emulator.router_url}/v1", api_key="hf_bad") as bad,
        pytest.raises(openai.AuthenticationError),
    ):
        bad.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)


def test_tgi_chat_and_legacy_completions(compat_emulator: Any) -> None:
    base = f"{compat_emulator.tgi_url('compat-llm')}/v1"
    with openai.OpenAI(base_url=base, api_key=TOKEN) as tgi:
        chat = tgi.chat.completions.create(model="tgi", messages=MESSAGES, max_tokens=20)
        done = tgi.completions.create(model="tgi", prompt="Once upon a time", max_tokens=3)
        streamed = list(
            tgi.completions.create(
                model="tgi", prompt="Once upon a time", max_tokens=3, stream=True
            )
        )
    assert chat.choices[0].message.content == f"{REPLY_PREFIX} Say hello"
    assert done.object == "text_completion"
    assert done.choices[0].finish_reason == "length"
    assert done.usage.completion_tokens == 3
    assert "".join(c.choices[0].text for c in streamed) == done.choices[0].text


def test_tei_embeddings(compat_emulator: Any) -> None:
    with openai.OpenAI(
        base_url=f"{compat_emulator.tei_url('compat-emb')}/v1", api_key=TOKEN
    ) as tei:
        reply = tei.embeddings.create(model="tei", input=["first text", "second text"])
    assert [d.index for d in reply.data] == [0, 1]
    assert len(reply.data[0].embedding) == 384
    assert reply.data[0].embedding != reply.data[1].embedding
