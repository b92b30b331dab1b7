"""TGI native text generation against cassettes/text_generation/*.yaml.

The hf-inference route is ``POST {router}/hf-inference/models/{id}`` with the TGI body
``{"inputs", "parameters"}`` (``"stream": true`` added for streams); TGI streams write
``data:{...}`` with no space and end without ``[DONE]`` after the event that carries
``generated_text`` and ``details`` (WIRE.md §a.1, §d.3, §d.4).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, ValidationError

GEMMA = "google/gemma-2-2b-it"
URL = f"https://router.huggingface.co/hf-inference/models/{GEMMA}"
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


def assert_sent(request: httpx2.Request, token: str, body: dict[str, Any], *, stream: bool) -> None:
    assert request.method == "POST"
    assert str(request.url) == URL
    assert request.headers["authorization"] == f"Bearer {token}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == ("text/event-stream" if stream else "*/*")
    assert json.loads(request.content) == body


@pytest.mark.anyio
async def test_generate_with_details(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    with cassette("text_generation/details.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text_generation.generate(
                model=GEMMA,
                prompt="The capital of Portugal is",
                max_new_tokens=3,
                details=True,
                decoder_input_details=True,
                do_sample=False,
            )
    assert cass.all_played
    parameters = {
        "max_new_tokens": 3,
        "details": True,
        "decoder_input_details": True,
        "do_sample": False,
    }
    # No "stream" key: the non-streaming body is exactly {"inputs", "parameters"}.
    assert_sent(
        wire.only(),
        hf_token,
        {"inputs": "The capital of Portugal is", "parameters": parameters},
        stream=False,
    )

    # POST /models/{id} answers a one-element list; the client unwraps it.
    assert out.generated_text == " Lisbon.\n"
    details = out.details
    assert details is not None
    assert details.finish_reason == "length"
    assert details.generated_tokens == 3
    assert details.seed is None
    assert [(t.id, t.text, t.logprob, t.special) for t in details.tokens or []] == [
        (41204, " Lisbon", -0.02734375, False),
        (235265, ".", -0.4765625, False),
        (108, "\n", -0.8515625, False),
    ]
    assert "".join(t.text or "" for t in details.tokens or []) == out.generated_text
    prefill = details.prefill or []
    assert [p.text for p in prefill] == ["<bos>", "The", " capital", " of", " Portugal", " is"]
    assert prefill[0].logprob is None
    assert prefill[4].id == 21539 and prefill[4].logprob == -4.90625

    meta = out.response_meta
    assert meta is not None
    assert meta.status_code == 200
    assert meta.request_id == (
        "Root=1-68c2a6a0-5d7f9b1d3f5a7c9e1b3d5f7a;2e4a6c8e-0b2d-4f6a-8c0e-2b4d6f8a0c1e"
    )
    assert meta.provider == "hf-inference"
    assert meta.model == GEMMA
    assert meta.url == URL
    assert meta.headers["x-generated-tokens"] == "3"


@pytest.mark.anyio
async def test_stream_ends_with_the_details_event(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    with cassette("text_generation/stream.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            stream = await client.text_generation.stream(
                model=GEMMA, prompt="Once upon a time", max_new_tokens=4, details=True
            )
            events = []
            async with stream:
                async for event in stream:
                    events.append(event)
            assert stream.is_closed
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        {
            "inputs": "Once upon a time",
            "parameters": {"max_new_tokens": 4, "details": True},
            "stream": True,
        },
        stream=True,
    )

    assert [e.index for e in events] == [1, 2, 3, 4]
    assert [e.token.text for e in events if e.token] == [",", " there", " was", " a"]
    assert [e.token.id for e in events if e.token] == [235269, 1104, 729, 476]
    assert all(e.generated_text is None and e.details is None for e in events[:3])
    last = events[-1]
    assert last.generated_text == ", there was a"
    assert "".join(e.token.text or "" for e in events if e.token) == last.generated_text
    assert last.details is not None
    assert last.details.model_dump(exclude_none=True) == {
        "finish_reason": "length",
        "generated_tokens": 4,
        "input_length": 5,
    }
    meta = stream.response_meta
    assert meta.status_code == 200
    assert meta.headers["content-type"] == "text/event-stream"
    assert meta.headers["x-accel-buffering"] == "no"
    assert meta.request_id == (
        "Root=1-68c2a74b-8a0c2e4a6c8e0a2c4e6a8c0e;9b1d3f5a-7c9e-4b1d-a3f5-7c9e1b3d5f7a"
    )
    assert meta.provider == "hf-inference"


@pytest.mark.anyio
async def test_tgi_validation_error(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    with cassette("text_generation/validation_error.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            with pytest.raises(ValidationError) as info:
                await client.text_generation.generate(
                    model=GEMMA, prompt="Summarise the plot of a novel", max_new_tokens=50000
                )
    assert cass.all_played and cass.play_count == 1
    body = {"inputs": "Summarise the plot of a novel", "parameters": {"max_new_tokens": 50000}}
    assert_sent(wire.only(), hf_token, body, stream=False)

    err = info.value
    assert err.status_code == 422
    assert err.server_message == (
        "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8192. "
        "Given: 7 `inputs` tokens and 50000 `max_new_tokens`"
    )
    assert err.body == {"error": err.server_message, "error_type": "validation"}
    assert err.request_id == (
        "Root=1-68c2a7f1-3e5a7c9e1b3d5f7a9c1e3a5c;6d8f0b2d-4f6a-4c8e-b0d2-4f6a8c0e2b4d"
    )
    assert (err.provider, err.model) == ("hf-inference", GEMMA)
    assert not err.is_retryable
