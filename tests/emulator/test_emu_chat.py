"""Chat completions: router (auto + hf-inference) and the wire shapes of replies and streams."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from .conftest import CHAT_MODEL, chat_body, sse_data, sse_json

pytestmark = pytest.mark.anyio

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
            },
            "required": ["location"],
        },
    },
}
TIME_TOOL = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}},
    },
}


async def test_plain_chat(client: httpx2.AsyncClient) -> None:
    body = chat_body(
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is deep learning?"},
        ]
    )
    r = await client.post("/router/v1/chat/completions", json=body)
    assert r.status_code == 200
    out = r.json()
    assert out["object"] == "chat.completion"
    choice = out["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == "Emulated reply: What is deep learning?"
    assert choice["finish_reason"] == "stop"
    usage = out["usage"]
    assert usage["prompt_tokens"] == 5 + 4
    assert usage["completion_tokens"] == len(choice["message"]["content"].split())
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_chat_is_deterministic(client: httpx2.AsyncClient) -> None:
    a = (await client.post("/router/v1/chat/completions", json=chat_body(logprobs=True))).json()
    b = (await client.post("/router/v1/chat/completions", json=chat_body(logprobs=True))).json()
    assert a["choices"] == b["choices"]


async def test_max_tokens_cuts_with_length(client: httpx2.AsyncClient) -> None:
    r = await client.post("/router/v1/chat/completions", json=chat_body(max_tokens=3))
    out = r.json()
    assert out["choices"][0]["message"]["content"] == "Emulated reply: What"
    assert out["choices"][0]["finish_reason"] == "length"
    assert out["usage"]["completion_tokens"] == 3


async def test_stop_sequence(client: httpx2.AsyncClient) -> None:
    r = await client.post("/router/v1/chat/completions", json=chat_body(stop=[" deep"]))
    assert r.json()["choices"][0]["message"]["content"] == "Emulated reply: What is"


async def test_stream_chat_with_usage(client: httpx2.AsyncClient) -> None:
    body = chat_body(stream=True, stream_options={"include_usage": True})
    r = await client.post("/router/v1/chat/completions", json=body)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert "data: {" in r.text  # OpenAI framing: a space after the colon
    data = sse_data(r.text)
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    content_chunks, usage_chunk = chunks[:-1], chunks[-1]
    text = "".join(c["choices"][0]["delta"]["content"] for c in content_chunks)
    assert text == "Emulated reply: What is deep learning?"
    assert [c["choices"][0]["finish_reason"] for c in content_chunks][-1] == "stop"
    assert all(c["choices"][0]["finish_reason"] is None for c in content_chunks[:-1])
    assert usage_chunk["choices"] == []
    usage = usage_chunk["usage"]
    assert usage["completion_tokens"] == len(content_chunks)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_stream_without_include_usage_has_no_usage_chunk(client: httpx2.AsyncClient) -> None:
    r = await client.post("/router/v1/chat/completions", json=chat_body(stream=True))
    chunks = sse_json(r.text)
    assert all(c["choices"] for c in chunks)
    assert sse_data(r.text)[-1] == "[DONE]"


@pytest.mark.parametrize(
    ("suffix", "provider", "model"),
    [
        ("", "groq", "llama-3.1-8b-instant"),
        (":fastest", "groq", "llama-3.1-8b-instant"),
        (":cheapest", "hf-inference", CHAT_MODEL),
        (":preferred", "hf-inference", CHAT_MODEL),
        (":together", "together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"),
        (":fireworks-ai", "fireworks-ai", "accounts/fireworks/models/llama-v3p1-8b-instruct"),
    ],
)
async def test_router_provider_selection(
    client: httpx2.AsyncClient, suffix: str, provider: str, model: str
) -> None:
    r = await client.post("/router/v1/chat/completions", json=chat_body(model=CHAT_MODEL + suffix))
    assert r.status_code == 200
    assert r.headers["x-inference-provider"] == provider
    out = r.json()
    assert out["model"] == model
    assert (out["id"] == "") == (provider == "hf-inference")


async def test_router_skips_providers_in_error(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/router/v1/chat/completions", json=chat_body(model="deepseek-ai/DeepSeek-R1:fastest")
    )
    assert r.headers["x-inference-provider"] == "fireworks-ai"
    forced = await client.post(
        "/router/v1/chat/completions", json=chat_body(model="deepseek-ai/DeepSeek-R1:groq")
    )
    assert forced.status_code == 503


@pytest.mark.parametrize(
    ("model", "status"),
    [(f"{CHAT_MODEL}:cerebras", 400), ("nobody/nothing", 404), ("BAAI/bge-small-en-v1.5", 400)],
)
async def test_router_errors(client: httpx2.AsyncClient, model: str, status: int) -> None:
    r = await client.post("/router/v1/chat/completions", json=chat_body(model=model))
    assert r.status_code == status
    assert isinstance(r.json()["error"], str)


@pytest.mark.parametrize(
    "body",
    [
        {"model": CHAT_MODEL, "messages": "please output 'Observation'"},
        {"model": CHAT_MODEL, "messages": []},
        {"messages": [{"role": "user", "content": "hi"}]},
        {"model": CHAT_MODEL, "messages": [{"role": "user", "content": "x"}], "max_tokens": -1},
    ],
)
async def test_invalid_chat_bodies_are_422(client: httpx2.AsyncClient, body: Any) -> None:
    r = await client.post("/router/v1/chat/completions", json=body)
    assert r.status_code == 422
    assert "error" in r.json()


async def test_malformed_json_is_422(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/router/v1/chat/completions",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422


async def test_hf_inference_chat_route(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        f"/router/hf-inference/models/{CHAT_MODEL}/v1/chat/completions",
        json=chat_body(model=CHAT_MODEL),
    )
    assert r.status_code == 200
    assert r.json()["model"] == CHAT_MODEL
    assert r.headers["x-inference-provider"] == "hf-inference"


async def test_tool_call(client: httpx2.AsyncClient) -> None:
    body = chat_body("Weather in Paris?", tools=[WEATHER_TOOL], tool_choice="auto")
    out = (await client.post("/router/v1/chat/completions", json=body)).json()
    choice = out["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    (call,) = choice["message"]["tool_calls"]
    assert call["type"] == "function"
    assert call["id"].startswith("call_")
    assert call["function"]["name"] == "get_weather"
    args = json.loads(call["function"]["arguments"])
    assert args == {"location": "emulated-location", "unit": "celsius", "days": 1}
    usage = out["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


@pytest.mark.parametrize(
    "choice", [{"type": "function", "function": {"name": "get_time"}}, "get_time"]
)
async def test_forced_tool(client: httpx2.AsyncClient, choice: Any) -> None:
    body = chat_body("time?", tools=[WEATHER_TOOL, TIME_TOOL], tool_choice=choice)
    out = (await client.post("/router/v1/chat/completions", json=body)).json()
    assert out["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_time"


async def test_unknown_forced_tool_is_422(client: httpx2.AsyncClient) -> None:
    body = chat_body("x", tools=[WEATHER_TOOL], tool_choice={"function": {"name": "nope"}})
    r = await client.post("/router/v1/chat/completions", json=body)
    assert r.status_code == 422


async def test_tool_choice_none_and_tool_result_answer_in_text(client: httpx2.AsyncClient) -> None:
    none = chat_body("Weather?", tools=[WEATHER_TOOL], tool_choice="none")
    out = (await client.post("/router/v1/chat/completions", json=none)).json()
    assert out["choices"][0]["message"]["content"].startswith("Emulated reply:")
    followup = chat_body(
        tools=[WEATHER_TOOL],
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"location": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny, 21C"},
        ],
    )
    out = (await client.post("/router/v1/chat/completions", json=followup)).json()
    assert out["choices"][0]["finish_reason"] == "stop"
    assert out["choices"][0]["message"]["content"] == "Emulated reply: Weather in Paris?"


async def test_streamed_tool_call_arguments_concatenate(client: httpx2.AsyncClient) -> None:
    body = chat_body("Weather?", tools=[WEATHER_TOOL], stream=True)
    r = await client.post("/router/v1/chat/completions", json=body)
    chunks = sse_json(r.text)
    first = chunks[0]["choices"][0]["delta"]["tool_calls"][0]
    assert first["function"]["name"] == "get_weather"
    assert first["id"].startswith("call_")
    args = "".join(
        c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] for c in chunks
    )
    assert json.loads(args)["location"] == "emulated-location"
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.parametrize(
    "response_format",
    [
        {"type": "json_schema", "json_schema": {"name": "animals", "schema": "SCHEMA"}},
        {"type": "json_object", "value": "SCHEMA"},
        {"type": "json", "value": "SCHEMA"},
    ],
)
async def test_response_format_json_schema(
    client: httpx2.AsyncClient, response_format: dict[str, Any]
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "location": {"type": "string"},
            "animals_seen": {"type": "integer", "minimum": 1, "maximum": 5},
            "animals": {"type": "array", "items": {"type": "string"}},
            "happy": {"type": "boolean"},
        },
        "required": ["location", "animals_seen", "animals"],
    }
    fmt = json.loads(json.dumps(response_format).replace('"SCHEMA"', json.dumps(schema)))
    body = chat_body("I saw a puppy", response_format=fmt)
    out = (await client.post("/router/v1/chat/completions", json=body)).json()
    doc = json.loads(out["choices"][0]["message"]["content"])
    assert set(doc) == {"location", "animals_seen", "animals", "happy"}
    assert isinstance(doc["location"], str)
    assert doc["animals_seen"] == 1
    assert isinstance(doc["animals"], list)
    assert doc["animals"]
    assert doc["happy"] is True


async def test_json_object_without_schema(client: httpx2.AsyncClient) -> None:
    body = chat_body("hello there", response_format={"type": "json_object"})
    out = (await client.post("/router/v1/chat/completions", json=body)).json()
    assert json.loads(out["choices"][0]["message"]["content"]) == {
        "reply": "Emulated reply: hello there"
    }


async def test_logprobs(client: httpx2.AsyncClient) -> None:
    body = chat_body(logprobs=True, top_logprobs=2)
    out = (await client.post("/router/v1/chat/completions", json=body)).json()
    content = out["choices"][0]["logprobs"]["content"]
    assert "".join(c["token"] for c in content) == out["choices"][0]["message"]["content"]
    assert all(c["logprob"] < 0 and len(c["top_logprobs"]) == 2 for c in content)
    assert all(c["top_logprobs"][0]["token"] == c["token"] for c in content)
    stream = await client.post(
        "/router/v1/chat/completions", json=chat_body(logprobs=True, stream=True)
    )
    streamed = [c["choices"][0]["logprobs"]["content"][0] for c in sse_json(stream.text)]
    assert [s["logprob"] for s in streamed] == [c["logprob"] for c in content]


async def test_router_model_listing(client: httpx2.AsyncClient) -> None:
    listing = (await client.get("/router/v1/models")).json()
    ids = [m["id"] for m in listing["data"]]
    assert CHAT_MODEL in ids
    assert "BAAI/bge-small-en-v1.5" not in ids
    one = (await client.get(f"/router/v1/models/{CHAT_MODEL}")).json()
    assert {p["provider"] for p in one["providers"]} == {
        "hf-inference",
        "together",
        "groq",
        "fireworks-ai",
    }
