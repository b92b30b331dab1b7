"""``client.text_generation`` on providers whose text-generation is an OpenAI completions API.

Together (like Nebius, Novita, DeepInfra, Featherless) serves text-generation at
``/v1/completions``: the request is ``{"prompt", ...params, "model"}`` and a stream is
OpenAI completion chunks ending with ``data: [DONE]`` (docs/wire.md §3, §4.4). The client
reads them as TGI items (``TextGenerationStreamOutput``); hf-inference keeps TGI's own
events. The network is an ``httpx2.MockTransport`` that records every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, StreamInterrupted
from hf_inference_endpoints._async._execute import execute, open_stream
from hf_inference_endpoints._call import Answer
from hf_inference_endpoints._errors import ErrorContext
from tests.calls import describe

from ..wire import Wire as BaseWire
from .conftest import FakeClock

HUB = "https://hub.test"
ROUTER = "https://router.huggingface.co"
TOKEN = "hf_test_token"
MODEL = "org/base-llm"
TOGETHER_ID = "together/base-llm-turbo"
TOGETHER_URL = f"{ROUTER}/together/v1/completions"
HF_URL = f"{ROUTER}/hf-inference/models/{MODEL}"
MAPPING = {
    "together": {"status": "live", "providerId": TOGETHER_ID, "task": "text-generation"},
    "hf-inference": {"status": "live", "providerId": MODEL, "task": "text-generation"},
}
MAPPING_GET = f"GET {HUB}/api/models/{MODEL}?expand[]=inferenceProviderMapping"


class Wire(BaseWire):
    """The shared scripted peer, answering this module's mapping lookup."""

    def __init__(self) -> None:
        super().__init__()
        self.mapping(HUB, MODEL, MAPPING)


def make_client(wire: Wire, **config: Any) -> AsyncHfInferenceClient:
    """A client on the real router URL (the default) and a test Hub."""
    config.setdefault("token", TOKEN)
    return AsyncHfInferenceClient(
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        hub_url=HUB,
        **{"default_provider": "hf-inference", **config},
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Retries and provider waits take no real time."""
    fake = FakeClock()
    for module in ("_transport", "_execute"):
        monkeypatch.setattr(f"hf_inference_endpoints._async.{module}.async_sleep", fake.sleep)
    for module in ("_transport", "_providers", "_execute"):
        monkeypatch.setattr(
            f"hf_inference_endpoints._async.{module}.async_monotonic", fake.monotonic
        )
    return fake


def chunk(text: str, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    """An OpenAI completion chunk as Together streams it."""
    choice: dict[str, Any] = {"index": 0, "text": text, "finish_reason": finish, "logprobs": None}
    choice.update(extra.pop("choice", {}))
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": TOGETHER_ID,
        "choices": [choice],
        **extra,
    }


def sse(*events: Any, done: bool = True) -> bytes:
    """OpenAI-style framing: ``data: {json}`` blocks, then ``data: [DONE]``."""
    out = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
    return out + (b"data: [DONE]\n\n" if done else b"")


def event_stream(body: bytes) -> httpx2.Response:
    return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})


async def collect(stream: Any) -> list[Any]:
    async with stream:
        return [item async for item in stream]


# ------------------------------------------------------------------------- streaming


@pytest.mark.anyio
async def test_together_stream_sends_a_completions_request_and_yields_tgi_items(
    clock: FakeClock, no_env: None
) -> None:
    body = sse(
        chunk("Once", choice={"logprobs": {"tokens": ["Once"], "token_logprobs": [-0.5]}}),
        chunk(" upon"),
        chunk(
            " a", "length", choice={"seed": 42}, usage={"prompt_tokens": 3, "completion_tokens": 3}
        ),
    )
    wire = Wire().add("POST", TOGETHER_URL, event_stream(body))
    async with make_client(wire) as client:
        stream = await client.text_generation.stream(
            model=MODEL,
            provider="together",
            prompt="Tell me",
            max_new_tokens=3,
            temperature=0.5,
            details=True,  # TGI-only: not sent to a completions API
        )
        items = await collect(stream)

    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_URL}"]
    sent = wire.requests[1]
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "text/event-stream"
    assert wire.body(1) == {
        "prompt": "Tell me",
        "max_tokens": 3,
        "temperature": 0.5,
        "model": TOGETHER_ID,
        "stream": True,
    }
    assert [item.token.text for item in items] == ["Once", " upon", " a"]
    assert [item.index for item in items] == [1, 2, 3]
    assert [(item.token.id, item.token.special) for item in items] == [(0, False)] * 3
    assert [item.token.logprob for item in items] == [-0.5, None, None]
    assert [item.generated_text for item in items] == [None, None, "Once upon a"]
    assert items[0].details is None and items[1].details is None
    details = items[-1].details
    assert details is not None
    assert (details.finish_reason, details.generated_tokens, details.input_length) == (
        "length",
        3,
        3,
    )
    assert details.seed == 42
    assert stream.response_meta.provider == "together"
    assert stream.is_closed


@pytest.mark.anyio
async def test_stop_is_tgis_eos_token_and_a_trailing_usage_chunk_gives_no_item(
    clock: FakeClock, no_env: None
) -> None:
    usage_only = {"id": "cmpl-1", "object": "text_completion", "choices": [], "usage": {}}
    body = sse(chunk("Hi"), chunk("", "stop"), usage_only)
    wire = Wire().add("POST", TOGETHER_URL, event_stream(body))
    async with make_client(wire) as client:
        items = await collect(
            await client.text_generation.stream(
                model=MODEL, provider="together", prompt="x", details=True
            )
        )
    assert [item.token.text for item in items] == ["Hi", ""]
    assert items[-1].generated_text == "Hi"
    assert items[-1].details is not None and items[-1].details.finish_reason == "eos_token"


@pytest.mark.anyio
async def test_the_last_item_has_no_details_unless_asked(clock: FakeClock, no_env: None) -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 2}
    body = sse(chunk("Hi"), chunk(" there", "stop", usage=usage))
    wire = Wire().add("POST", TOGETHER_URL, event_stream(body))
    async with make_client(wire) as client:
        stream = await client.text_generation.stream(model=MODEL, provider="together", prompt="x")
        items = await collect(stream)
    assert wire.body(1) == {"prompt": "x", "model": TOGETHER_ID, "stream": True}
    assert [item.generated_text for item in items] == [None, "Hi there"]
    assert [item.details for item in items] == [None, None]  # as TGI without details=True
    assert stream.is_closed


@pytest.mark.anyio
async def test_done_without_a_finish_reason_still_ends_with_generated_text(
    clock: FakeClock, no_env: None
) -> None:
    body = sse(chunk("One"), chunk(" two"))  # [DONE], but no chunk has a finish reason
    wire = Wire().add("POST", TOGETHER_URL, event_stream(body))
    async with make_client(wire) as client:
        plain = await collect(
            await client.text_generation.stream(model=MODEL, provider="together", prompt="x")
        )
        wire.routes[f"POST {TOGETHER_URL}"] = [event_stream(body)]
        stream = await client.text_generation.stream(
            model=MODEL, provider="together", prompt="x", details=True
        )
        asked = await collect(stream)
    assert [item.token.text for item in plain] == ["One", " two", ""]
    assert [item.index for item in plain] == [1, 2, 3]
    assert [item.generated_text for item in plain] == [None, None, "One two"]
    assert plain[-1].details is None
    assert asked[-1].generated_text == "One two"
    assert asked[-1].details is not None and asked[-1].details.finish_reason is None
    assert stream.is_closed


@pytest.mark.anyio
async def test_an_error_event_mid_stream_raises_stream_interrupted_after_the_items_before_it(
    clock: FakeClock, no_env: None
) -> None:
    error = {"error": {"message": "the model crashed", "type": "server_error"}}
    body = sse(chunk("One"), chunk(" two"), error)
    wire = Wire().add(
        "POST",
        TOGETHER_URL,
        httpx2.Response(
            200,
            content=body,
            headers={"content-type": "text/event-stream", "x-request-id": "req-42"},
        ),
    )
    seen: list[str] = []
    async with make_client(wire) as client:
        stream = await client.text_generation.stream(model=MODEL, provider="together", prompt="x")
        with pytest.raises(StreamInterrupted) as info:
            async with stream:
                async for item in stream:
                    seen.append(item.token.text)
    assert seen == ["One", " two"]
    assert "the model crashed" in str(info.value)
    assert info.value.provider == "together"
    assert info.value.request_id == "req-42"
    assert stream.is_closed


@pytest.mark.anyio
async def test_a_stream_cut_off_without_done_or_finish_reason_raises_stream_interrupted(
    clock: FakeClock, no_env: None
) -> None:
    body = sse(chunk("One"), chunk(" two"), done=False)
    wire = Wire().add("POST", TOGETHER_URL, event_stream(body))
    seen: list[str] = []
    async with make_client(wire) as client:
        stream = await client.text_generation.stream(model=MODEL, provider="together", prompt="x")
        with pytest.raises(StreamInterrupted, match=r"\[DONE\]"):
            async with stream:
                async for item in stream:
                    seen.append(item.token.text)
    assert seen == ["One", " two"]


@pytest.mark.anyio
async def test_a_finish_reason_without_done_ends_the_stream_cleanly(
    clock: FakeClock, no_env: None
) -> None:
    body = sse(chunk("One"), chunk(" two", "stop"), done=False)
    wire = Wire().add("POST", TOGETHER_URL, event_stream(body))
    async with make_client(wire) as client:
        items = await collect(
            await client.text_generation.stream(model=MODEL, provider="together", prompt="x")
        )
    assert items[-1].generated_text == "One two"


@pytest.mark.anyio
async def test_a_chunk_that_is_not_a_completion_chunk_raises_stream_interrupted(
    clock: FakeClock, no_env: None
) -> None:
    tgi_event = {"index": 1, "token": {"id": 5, "text": "x", "logprob": 0.0, "special": False}}
    wire = Wire().add("POST", TOGETHER_URL, event_stream(sse(tgi_event)))
    async with make_client(wire) as client:
        stream = await client.text_generation.stream(model=MODEL, provider="together", prompt="x")
        with pytest.raises(StreamInterrupted, match="malformed event"):
            await collect(stream)


@pytest.mark.anyio
async def test_hf_inference_streams_tgi_events_unchanged(clock: FakeClock, no_env: None) -> None:
    events = [
        {
            "index": 1,
            "token": {"id": 11, "text": "Hel", "logprob": -0.1, "special": False},
            "generated_text": None,
            "details": None,
        },
        {
            "index": 2,
            "token": {"id": 12, "text": "lo", "logprob": -0.2, "special": False},
            "generated_text": "Hello",
            "details": {"finish_reason": "eos_token", "generated_tokens": 2, "seed": None},
        },
    ]
    body = b"".join(b"data:" + json.dumps(e).encode() + b"\n\n" for e in events)  # no [DONE]
    wire = Wire().add("POST", HF_URL, event_stream(body))
    async with make_client(wire) as client:
        items = await collect(
            await client.text_generation.stream(
                model=MODEL, provider="hf-inference", prompt="Hi", max_new_tokens=2
            )
        )
    assert wire.urls() == [f"POST {HF_URL}"]  # hf-inference needs no mapping lookup
    assert wire.body(0) == {"inputs": "Hi", "parameters": {"max_new_tokens": 2}, "stream": True}
    assert [(i.token.id, i.token.text, i.token.logprob) for i in items] == [
        (11, "Hel", -0.1),
        (12, "lo", -0.2),
    ]
    assert items[-1].generated_text == "Hello"
    assert items[-1].details is not None and items[-1].details.generated_tokens == 2


@pytest.mark.anyio
async def test_failover_from_together_to_hf_inference_reads_each_providers_format(
    clock: FakeClock, no_env: None
) -> None:
    tgi = {
        "index": 1,
        "token": {"id": 7, "text": "ok", "logprob": -0.3, "special": False},
        "generated_text": "ok",
        "details": {"finish_reason": "length", "generated_tokens": 1},
    }
    wire = (
        Wire()
        .add("POST", TOGETHER_URL, httpx2.Response(503, json={"error": "down"}))
        .add("POST", HF_URL, event_stream(b"data:" + json.dumps(tgi).encode() + b"\n\n"))
    )
    async with make_client(wire, fallback=("hf-inference",)) as client:
        stream = await client.text_generation.stream(model=MODEL, provider="together", prompt="x")
        items = await collect(stream)
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_URL}", f"POST {HF_URL}"]
    assert clock.sleeps == []  # moved on at once
    assert [(i.token.id, i.token.text) for i in items] == [(7, "ok")]
    assert stream.response_meta.providers_tried == ("together", "hf-inference")


@pytest.mark.anyio
async def test_failover_from_hf_inference_to_together_reads_completion_chunks(
    clock: FakeClock, no_env: None
) -> None:
    wire = (
        Wire()
        .add("POST", HF_URL, httpx2.Response(503, json={"error": "overloaded"}))
        .add("POST", TOGETHER_URL, event_stream(sse(chunk("Hi"), chunk("!", "stop"))))
    )
    async with make_client(wire, fallback=("together",)) as client:
        stream = await client.text_generation.stream(
            model=MODEL, provider="hf-inference", prompt="x", details=True
        )
        items = await collect(stream)
    assert wire.urls() == [MAPPING_GET, f"POST {HF_URL}", f"POST {TOGETHER_URL}"]
    assert wire.body(2) == {"prompt": "x", "model": TOGETHER_ID, "stream": True}
    assert [(i.token.id, i.token.text) for i in items] == [(0, "Hi"), (0, "!")]
    assert items[-1].generated_text == "Hi!"
    assert items[-1].details is not None and items[-1].details.finish_reason == "eos_token"
    assert stream.response_meta.providers_tried == ("hf-inference", "together")


@pytest.mark.anyio
async def test_a_together_stream_reached_by_failover_still_needs_done(
    clock: FakeClock, no_env: None
) -> None:
    wire = (
        Wire()
        .add("POST", HF_URL, httpx2.Response(503, json={"error": "overloaded"}))
        .add("POST", TOGETHER_URL, event_stream(sse(chunk("Hi"), done=False)))
    )
    async with make_client(wire, fallback=("together",)) as client:
        stream = await client.text_generation.stream(
            model=MODEL, provider="hf-inference", prompt="x"
        )
        with pytest.raises(StreamInterrupted, match=r"before the server said \[DONE\]"):
            await collect(stream)


# ------------------------------------------------- failover with a parser per provider


def tagged(name: str) -> Callable[[str], str]:
    """An event parser that says which provider's parser read the event."""
    return lambda data: f"{name}:{data}"


def tagging_events(asked: list[tuple[str | None, str]]) -> Answer:
    """An Answer whose event parser says which provider and stream format picked it."""

    def events(stream_format: str, context: ErrorContext) -> tuple[Callable[[str], str], bool]:
        asked.append((context.provider, stream_format))
        return tagged(f"{context.provider}/{stream_format}"), stream_format != "tgi"

    return Answer(events=events, is_final=lambda item: True)


@pytest.mark.anyio
async def test_a_stream_failing_over_gets_a_parser_for_each_provider_tried(
    clock: FakeClock, no_env: None
) -> None:
    wire = (
        Wire()
        .add("POST", TOGETHER_URL, httpx2.Response(503, json={"error": "down"}))
        .add("POST", HF_URL, event_stream(b"data: tgi-event\n\n"))
    )
    asked: list[tuple[str | None, str]] = []
    async with make_client(wire) as client:
        call = describe(
            client,
            MODEL,
            "together",
            "text-generation",
            {"inputs": "x"},
            True,
            fallback=["hf-inference"],
            answer=tagging_events(asked),
        )
        stream = await open_stream(client, call)
        items = await collect(stream)
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_URL}", f"POST {HF_URL}"]
    # one parser per provider tried, picked by its helper's stream format
    assert asked == [("together", "openai-completions"), ("hf-inference", "tgi")]
    assert items == ["hf-inference/tgi:tgi-event"]
    assert stream.response_meta.providers_tried == ("together", "hf-inference")


@pytest.mark.anyio
async def test_a_stream_without_fallbacks_opens_one_stream(clock: FakeClock, no_env: None) -> None:
    wire = Wire().add("POST", HF_URL, event_stream(b"data: only\n\n"))
    asked: list[tuple[str | None, str]] = []
    async with make_client(wire) as client:
        call = describe(
            client,
            MODEL,
            "hf-inference",
            "text-generation",
            {"inputs": "x"},
            True,
            answer=tagging_events(asked),
        )
        prepared = await client._prepare(call)
        assert prepared.fallbacks == ()
        stream = await open_stream(client, call, prepared)
        items = await collect(stream)
    assert wire.urls() == [f"POST {HF_URL}"]
    assert asked == [("hf-inference", "tgi")]
    assert items == ["hf-inference/tgi:only"]
    assert stream.response_meta.providers_tried == ()  # nothing was tried in turn


@pytest.mark.anyio
async def test_each_provider_tried_has_its_answer_read_through_its_helper(
    clock: FakeClock, no_env: None
) -> None:
    completion = {"choices": [{"index": 0, "text": "hey", "finish_reason": "stop"}]}
    wire = (
        Wire()
        .add("POST", HF_URL, httpx2.Response(429, json={"error": "slow down"}))
        .add("POST", TOGETHER_URL, httpx2.Response(200, json=completion))
    )
    answer = Answer(
        from_bytes=lambda content: ("read as TGI", content),
        from_value=lambda value: ("rewritten by the helper", value),
    )
    async with make_client(wire) as client:
        call = describe(
            client,
            MODEL,
            "hf-inference",
            "text-generation",
            {"inputs": "x"},
            fallback=["together"],
            answer=answer,
        )
        result, meta = await execute(client, call)
    assert wire.urls() == [MAPPING_GET, f"POST {HF_URL}", f"POST {TOGETHER_URL}"]
    how, value = result  # together answers completions: its helper gives TGI's shape
    assert how == "rewritten by the helper"
    assert value["generated_text"] == "hey"
    assert meta.providers_tried == ("hf-inference", "together")
    assert clock.sleeps == []  # the 429 moved the call on at once


@pytest.mark.anyio
async def test_a_stream_needs_an_answer_that_reads_events(clock: FakeClock, no_env: None) -> None:
    wire = Wire()
    async with make_client(wire) as client:
        call = describe(client, MODEL, "hf-inference", "text-generation", {"inputs": "x"}, True)
        with pytest.raises(TypeError, match="needs an Answer"):
            await open_stream(client, call)
    assert wire.requests == []  # nothing sent


# -------------------------------------------------------------------------- generate


COMPLETION = {
    "id": "cmpl-1",
    "object": "text_completion",
    "choices": [{"index": 0, "text": " upon a time", "finish_reason": "stop", "seed": 9}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 4, "total_tokens": 5},
}


@pytest.mark.anyio
async def test_together_generate_reads_the_completion_as_tgi_output(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().add("POST", TOGETHER_URL, httpx2.Response(200, json=COMPLETION))
    async with make_client(wire) as client:
        out = await client.text_generation.generate(
            model=MODEL, provider="together", prompt="Once", max_new_tokens=4, details=True
        )
    # details is TGI-only: not sent to a completions API, but read from its answer
    assert wire.body(1) == {"prompt": "Once", "max_tokens": 4, "model": TOGETHER_ID}
    assert wire.requests[1].headers["accept"] != "text/event-stream"
    assert out.generated_text == " upon a time"
    assert out.details is not None
    assert out.details.model_dump(exclude_none=True) == {
        "finish_reason": "eos_token",
        "generated_tokens": 4,
        "seed": 9,
    }
    assert out.response_meta is not None and out.response_meta.provider == "together"


@pytest.mark.anyio
async def test_together_generate_has_no_details_unless_asked(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().add("POST", TOGETHER_URL, httpx2.Response(200, json=COMPLETION))
    async with make_client(wire) as client:
        out = await client.text_generation.generate(
            model=MODEL, provider="together", prompt="Once", max_new_tokens=4
        )
    assert wire.body(1) == {"prompt": "Once", "max_tokens": 4, "model": TOGETHER_ID}
    assert out.generated_text == " upon a time"
    assert out.details is None  # as TGI without details=True


@pytest.mark.anyio
async def test_details_in_extra_body_count_as_asked_for_generate_and_stream(
    clock: FakeClock, no_env: None
) -> None:
    usage = {"prompt_tokens": 2, "completion_tokens": 2}
    body = sse(chunk("Hi"), chunk(" there", "length", usage=usage))
    wire = (
        Wire()
        .add("POST", TOGETHER_URL, httpx2.Response(200, json=COMPLETION))
        .add("POST", TOGETHER_URL, event_stream(body))
    )
    async with make_client(wire) as client:
        out = await client.text_generation.generate(
            model=MODEL, provider="together", prompt="Once", extra_body={"details": True}
        )
        stream = await client.text_generation.stream(
            model=MODEL, provider="together", prompt="x", extra_body={"details": True}
        )
        items = await collect(stream)
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_URL}", f"POST {TOGETHER_URL}"]
    # extra_body is sent verbatim, and what is sent decides
    assert wire.body(1) == {"prompt": "Once", "model": TOGETHER_ID, "details": True}
    assert wire.body(2) == {"prompt": "x", "model": TOGETHER_ID, "stream": True, "details": True}
    assert out.details is not None and out.details.finish_reason == "eos_token"
    assert [item.details is None for item in items] == [True, False]
    last = items[-1].details
    assert last is not None
    assert (last.finish_reason, last.generated_tokens, last.input_length) == ("length", 2, 2)


@pytest.mark.anyio
async def test_extra_body_details_false_wins_over_the_keyword(
    clock: FakeClock, no_env: None
) -> None:
    body = sse(chunk("Hi", "stop"))
    wire = (
        Wire()
        .add("POST", TOGETHER_URL, httpx2.Response(200, json=COMPLETION))
        .add("POST", TOGETHER_URL, event_stream(body))
    )
    async with make_client(wire) as client:
        out = await client.text_generation.generate(
            model=MODEL,
            provider="together",
            prompt="Once",
            details=True,
            extra_body={"details": False},
        )
        items = await collect(
            await client.text_generation.stream(
                model=MODEL,
                provider="together",
                prompt="x",
                details=True,
                extra_body={"details": False},
            )
        )
    assert wire.body(1) == {"prompt": "Once", "model": TOGETHER_ID, "details": False}
    assert out.details is None
    assert items[-1].generated_text == "Hi" and items[-1].details is None


@pytest.mark.anyio
async def test_generate_fails_over_from_together_to_hf_inference(
    clock: FakeClock, no_env: None
) -> None:
    wire = (
        Wire()
        .add("POST", TOGETHER_URL, httpx2.Response(503, json={"error": "down"}))
        .add("POST", HF_URL, httpx2.Response(200, json=[{"generated_text": "tgi text"}]))
    )
    async with make_client(wire, fallback=("hf-inference",)) as client:
        out = await client.text_generation.generate(model=MODEL, provider="together", prompt="x")
    assert out.generated_text == "tgi text"
    assert out.response_meta is not None
    assert out.response_meta.providers_tried == ("together", "hf-inference")


# ---------------------------------------------------------------- infer (raw answers)

TOGETHER_EMBEDDINGS_URL = f"{ROUTER}/together/v1/embeddings"


@pytest.mark.anyio
async def test_infer_text_generation_on_together_returns_the_providers_json_as_sent(
    clock: FakeClock, no_env: None
) -> None:
    answer = {
        "id": "cmpl-7",
        "object": "text_completion",
        "model": TOGETHER_ID,
        "choices": [{"index": 0, "text": " upon a time", "finish_reason": "length"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 4, "total_tokens": 5},
    }
    wire = Wire().add("POST", TOGETHER_URL, httpx2.Response(200, json=answer))
    async with make_client(wire) as client:
        out = await client.infer(
            "text-generation", MODEL, "Once", {"max_new_tokens": 4}, provider="together"
        )
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_URL}"]
    sent = wire.requests[1]
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert wire.body(1) == {"prompt": "Once", "max_tokens": 4, "model": TOGETHER_ID}
    assert out == answer  # infer is the raw escape hatch: not read as TGI's shape


@pytest.mark.anyio
async def test_infer_feature_extraction_on_together_returns_the_decoded_json(
    clock: FakeClock, no_env: None
) -> None:
    mapping = {
        "together": {"status": "live", "providerId": TOGETHER_ID, "task": "feature-extraction"}
    }
    answer = {"object": "list", "data": [{"index": 0, "embedding": [0.5, -0.25]}]}
    wire = Wire()
    wire.routes[MAPPING_GET] = [
        httpx2.Response(200, json={"id": MODEL, "inferenceProviderMapping": mapping})
    ]
    wire.add("POST", TOGETHER_EMBEDDINGS_URL, httpx2.Response(200, json=answer))
    async with make_client(wire) as client:
        out = await client.infer("feature-extraction", MODEL, "hello", provider="together")
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_EMBEDDINGS_URL}"]
    assert wire.body(1) == {"input": "hello", "model": TOGETHER_ID}
    assert out == answer


@pytest.mark.anyio
async def test_infer_failing_over_from_hf_inference_to_together_returns_togethers_json(
    clock: FakeClock, no_env: None
) -> None:
    answer = {"id": "cmpl-8", "choices": [{"index": 0, "text": "ok", "finish_reason": "stop"}]}
    wire = (
        Wire()
        .add("POST", HF_URL, httpx2.Response(503, json={"error": "overloaded"}))
        .add("POST", TOGETHER_URL, httpx2.Response(200, json=answer))
    )
    async with make_client(wire) as client:
        out = await client.infer(
            "text-generation", MODEL, "x", provider="hf-inference", fallback=["together"]
        )
    assert wire.urls() == [MAPPING_GET, f"POST {HF_URL}", f"POST {TOGETHER_URL}"]
    assert wire.body(1) == {"inputs": "x"}
    assert wire.body(2) == {"prompt": "x", "model": TOGETHER_ID}
    assert clock.sleeps == []  # moved on at once
    assert out == answer


@pytest.mark.anyio
async def test_infer_text_generation_on_hf_inference_still_decodes_tgis_json(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().add("POST", HF_URL, httpx2.Response(200, json=[{"generated_text": "tgi"}]))
    async with make_client(wire) as client:
        out = await client.infer("text-generation", MODEL, "x", provider="hf-inference")
    assert wire.urls() == [f"POST {HF_URL}"]
    assert out == [{"generated_text": "tgi"}]
