"""TGI-style server (/tgi/{name}) and TGI envelopes through the hf-inference router."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from hf_inference_endpoints.emulator import EmulatorSettings, create_app

from .conftest import AUTH, chat_body, sse_data, sse_json

pytestmark = pytest.mark.anyio

TGI = "/tgi/my-llm"


async def test_generate_with_details(client: httpx2.AsyncClient) -> None:
    prompt = "My name is Olivier and I"
    body = {
        "inputs": prompt,
        "parameters": {"details": True, "decoder_input_details": True, "max_new_tokens": 4},
    }
    r = await client.post(f"{TGI}/generate", json=body)
    assert r.status_code == 200
    out = r.json()
    details = out["details"]
    assert details["finish_reason"] == "length"
    assert details["generated_tokens"] == 4 == len(details["tokens"])
    assert out["generated_text"] == "".join(t["text"] for t in details["tokens"])
    assert out["generated_text"] == " Emulated reply: My name"
    assert details["seed"] is None
    assert [p["text"].strip() for p in details["prefill"]] == prompt.split()
    assert details["prefill"][0]["logprob"] is None
    for tok in details["tokens"]:
        assert set(tok) == {"id", "text", "logprob", "special"}
        assert tok["logprob"] < 0
    again = (await client.post(f"{TGI}/generate", json=body)).json()
    assert again == out


async def test_generate_eos_seed_and_no_details(client: httpx2.AsyncClient) -> None:
    r = await client.post(f"{TGI}/generate", json={"inputs": "Hello world"})
    assert r.json() == {"generated_text": " Emulated reply: Hello world"}
    sampled = await client.post(
        f"{TGI}/generate",
        json={"inputs": "Hello", "parameters": {"details": True, "do_sample": True, "seed": 7}},
    )
    assert sampled.json()["details"]["seed"] == 7
    assert sampled.json()["details"]["finish_reason"] == "eos_token"


async def test_generate_options(client: httpx2.AsyncClient) -> None:
    body = {
        "inputs": "a b c",
        "parameters": {
            "details": True,
            "return_full_text": True,
            "top_n_tokens": 3,
            "best_of": 2,
            "do_sample": True,
            "stop": ["b"],
        },
    }
    out = (await client.post(f"{TGI}/generate", json=body)).json()
    assert out["generated_text"] == "a b c Emulated reply: a b"
    assert out["details"]["finish_reason"] == "stop_sequence"
    assert all(len(row) == 3 for row in out["details"]["top_tokens"])
    assert len(out["details"]["best_of_sequences"]) == 1


async def test_generate_stream_tgi_framing(client: httpx2.AsyncClient) -> None:
    body = {"inputs": "What is deep learning", "parameters": {"details": True}}
    r = await client.post(f"{TGI}/generate_stream", json=body)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.text.startswith("data:{")  # no space after the colon
    assert "[DONE]" not in r.text
    events = sse_json(r.text)
    assert [e["index"] for e in events] == list(range(1, len(events) + 1))
    assert all(e["generated_text"] is None and e["details"] is None for e in events[:-1])
    last = events[-1]
    assert last["generated_text"] == "".join(e["token"]["text"] for e in events)
    assert last["details"] == {
        "finish_reason": "eos_token",
        "generated_tokens": len(events),
        "input_length": 4,
        "seed": None,
    }


async def test_generate_stream_without_details(client: httpx2.AsyncClient) -> None:
    r = await client.post(f"{TGI}/generate_stream", json={"inputs": "hi"})
    last = sse_json(r.text)[-1]
    assert last["generated_text"] == " Emulated reply: hi"
    assert last["details"] is None


async def test_compat_route_json_list_or_stream(client: httpx2.AsyncClient) -> None:
    plain = await client.post(f"{TGI}/", json={"inputs": "hi", "parameters": {"max_new_tokens": 1}})
    assert plain.json() == [{"generated_text": " Emulated"}]
    streamed = await client.post(f"{TGI}/", json={"inputs": "hi", "stream": True})
    assert streamed.headers["content-type"].startswith("text/event-stream")
    assert sse_json(streamed.text)[-1]["generated_text"] == " Emulated reply: hi"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"inputs": "test", "parameters": {"max_new_tokens": 10000}}, "must be <= 8192"),
        ({"inputs": {"text": "hi"}}, "inputs"),
        ({"inputs": "x", "parameters": {"max_new_tokens": 0}}, "strictly positive"),
    ],
)
async def test_validation_errors(client: httpx2.AsyncClient, body: Any, needle: str) -> None:
    r = await client.post(f"{TGI}/generate", json=body)
    assert r.status_code == 422
    out = r.json()
    assert out["error_type"] == "validation"
    assert needle in out["error"]


async def test_stream_rejects_best_of(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        f"{TGI}/generate_stream", json={"inputs": "x", "parameters": {"best_of": 2}}
    )
    assert r.status_code == 422


async def test_max_total_tokens_from_settings() -> None:
    app = create_app(EmulatorSettings(tgi_max_total_tokens=10))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        r = await c.post(
            f"{TGI}/generate", json={"inputs": "a b c", "parameters": {"max_new_tokens": 8}}
        )
        info = (await c.get(f"{TGI}/info")).json()
    assert r.status_code == 422
    assert info["max_total_tokens"] == 10


async def test_info_and_health(client: httpx2.AsyncClient) -> None:
    info = (await client.get(f"{TGI}/info")).json()
    assert info["model_id"] == "my-llm"
    for key in ("max_input_tokens", "max_total_tokens", "max_best_of", "version", "router"):
        assert key in info
    health = await client.get(f"{TGI}/health")
    assert health.status_code == 200
    assert health.content == b""
    models = (await client.get(f"{TGI}/v1/models")).json()
    assert models["data"][0]["id"] == "my-llm"


async def test_tgi_chat(client: httpx2.AsyncClient) -> None:
    out = (await client.post(f"{TGI}/v1/chat/completions", json=chat_body(model="tgi"))).json()
    assert out["id"] == ""
    assert out["model"] == "my-llm"
    assert out["choices"][0]["message"]["content"] == "Emulated reply: What is deep learning?"
    streamed = await client.post(
        f"{TGI}/v1/chat/completions", json=chat_body(model="tgi", stream=True)
    )
    assert sse_data(streamed.text)[-1] == "[DONE]"


async def test_router_text_generation(client: httpx2.AsyncClient) -> None:
    body = {
        "inputs": "test",
        "parameters": {"details": True, "max_new_tokens": 1, "return_full_text": False},
        "stream": False,
    }
    r = await client.post("/router/hf-inference/models/google/flan-t5-xxl", json=body)
    assert r.status_code == 200
    (item,) = r.json()
    assert item["details"]["finish_reason"] == "length"
    assert item["details"]["generated_tokens"] == 1
    streamed = await client.post(
        "/router/hf-inference/models/google/flan-t5-xxl", json={**body, "stream": True}
    )
    events = sse_json(streamed.text)
    assert len(events) == 1
    assert events[0]["details"]["generated_tokens"] == 1
    assert "[DONE]" not in streamed.text


async def test_router_serves_task_models_by_pipeline_tag(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/router/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        json={"inputs": "I like you"},
    )
    assert r.status_code == 200
    labels = r.json()
    assert isinstance(labels, list) and labels
    first = labels[0][0] if isinstance(labels[0], list) else labels[0]
    assert set(first) >= {"label", "score"}
