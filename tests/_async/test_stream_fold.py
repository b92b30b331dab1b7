"""A stream folds each item it hands out (``_assemble``) instead of keeping it: a long
stream holds no thousands of parsed chunks, and ``final()`` still sees every item."""

from __future__ import annotations

import gc
import json
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient
from hf_inference_endpoints.models import ChatCompletionChunk, TextGenerationStreamOutput

from ..wire import Wire

ENDPOINT = "https://fold.endpoints.test"
TOKEN = "hf_stream_fold_token"
WORDS = 3000


def sse(events: list[dict[str, Any]]) -> httpx2.Response:
    body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
    return httpx2.Response(
        200, content=body + b"data: [DONE]\n\n", headers={"content-type": "text/event-stream"}
    )


def chat_chunk(n: int) -> dict[str, Any]:
    last = n == WORDS - 1
    return {
        "id": "fold-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "org/llm",
        "choices": [
            {"index": 0, "delta": {"content": f"w{n} "}, "finish_reason": "stop" if last else None}
        ],
        "usage": {"prompt_tokens": 4, "completion_tokens": WORDS, "total_tokens": WORDS + 4}
        if last
        else None,
    }


def alive(kind: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is kind)


def client_for(wire: Wire) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        token=TOKEN, http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire))
    )


@pytest.mark.anyio
async def test_a_chat_stream_keeps_no_chunk_it_handed_out_and_final_sees_them_all() -> None:
    wire = Wire().add(
        "POST", f"{ENDPOINT}/v1/chat/completions", sse([chat_chunk(n) for n in range(WORDS)])
    )
    async with client_for(wire) as client:
        stream = await client.chat.stream(
            model=ENDPOINT, messages=[{"role": "user", "content": "x"}]
        )
        before = alive(ChatCompletionChunk)
        read = 0
        async for _chunk in stream:
            read += 1
            if read == WORDS // 2:
                break
        del _chunk
        # the mock hands the body over in one piece: what is parsed and not yet handed
        # out waits in the stream; of the 1,500 handed out, none is kept
        waiting = len(stream._pending)
        assert alive(ChatCompletionChunk) - before - waiting < 10
        reply = await stream.final()
    assert read == WORDS // 2
    message = reply.choices[0].message
    assert message is not None
    assert message.content == "".join(f"w{n} " for n in range(WORDS))
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and reply.usage.total_tokens == WORDS + 4
    assert reply.id == "fold-1"


@pytest.mark.anyio
async def test_a_text_generation_stream_keeps_no_event_and_final_has_every_token() -> None:
    events = [
        {"index": n, "token": {"id": n, "text": f"t{n}", "logprob": -0.5, "special": False}}
        for n in range(WORDS)
    ]
    events[-1]["generated_text"] = "".join(f"t{n}" for n in range(WORDS))
    events[-1]["details"] = {"finish_reason": "length", "generated_tokens": WORDS}
    wire = Wire().add("POST", ENDPOINT, sse(events))
    async with client_for(wire) as client:
        stream = await client.text_generation.stream(model=ENDPOINT, prompt="x", details=True)
        before = alive(TextGenerationStreamOutput)
        async for _event in stream:
            pass
        del _event
        assert alive(TextGenerationStreamOutput) - before < 10
        output = await stream.final()
    assert output.generated_text == events[-1]["generated_text"]
    assert output.details is not None and len(output.details.tokens) == WORDS
    assert output.details.tokens[7].text == "t7"
