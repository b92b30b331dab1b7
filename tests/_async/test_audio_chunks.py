"""A long WAV is transcribed in chunks: in the async client up to ``max_concurrency`` at
once, in the sync client one after the other. The texts and timestamps are joined in
chunk order whatever order the answers come in, and the first failing chunk ends the
call with its own error (the async client cancels the chunks in flight and starts no
other). Each chunk of the test recording has its own constant sample level, so the
handler knows which chunk a request carries."""

from __future__ import annotations

import base64
import io
import json
import struct
import wave
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, NotFound, ValidationError

from ._concurrency import ONE_AT_A_TIME

TOKEN = "hf_fake_token_for_tests"
MODEL = "org/whisper"
URL = f"https://router.huggingface.co/hf-inference/models/{MODEL}"
RATE = 8000
SECONDS = 0.05  # one chunk (max_audio_duration)


def recording(count: int) -> bytes:
    """``count`` chunks of ``SECONDS`` each; chunk ``i`` has sample level ``i + 1``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        for index in range(count):
            writer.writeframes(struct.pack("<h", index + 1) * round(SECONDS * RATE))
    return buffer.getvalue()


def chunk_of(request: httpx2.Request) -> int:
    """Which chunk a request carries (raw WAV, or base64 in JSON when options are sent)."""
    assert str(request.url) == URL
    content = request.content
    if request.headers["content-type"] == "application/json":
        content = base64.b64decode(json.loads(content)["inputs"])
    with wave.open(io.BytesIO(content), "rb") as reader:
        assert reader.getnframes() == round(SECONDS * RATE)
        level: int = struct.unpack("<h", reader.readframes(1))[0]
    return level - 1


def answer(index: int) -> httpx2.Response:
    return httpx2.Response(
        200,
        json={
            "text": f" part {index}",
            "chunks": [{"text": f"part {index}", "timestamp": [0.0, 0.05]}],
        },
    )


def missing() -> httpx2.Response:
    return httpx2.Response(404, json={"error": "Model org/whisper does not exist"})


def client_for(handler: Any) -> AsyncHfInferenceClient:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return AsyncHfInferenceClient(
        default_provider="hf-inference", token=TOKEN, http_client=http, max_audio_duration=SECONDS
    )


# unasync: remove-begin
@pytest.mark.anyio
@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2", None])
async def test_a_bad_max_concurrency_is_refused_before_anything_is_sent(bad: Any) -> None:
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return answer(0)

    async with client_for(handler) as client:
        with pytest.raises(ValidationError, match="max_concurrency must be an int >= 1, got"):
            await client.audio.transcribe(MODEL, recording(5), max_concurrency=bad)
    assert sent == []


# unasync: remove-end
@pytest.mark.anyio
async def test_one_at_a_time_the_chunks_go_in_order_and_a_failing_one_ends_the_call() -> None:
    sent: list[int] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        index = chunk_of(request)
        sent.append(index)
        return missing() if index == 2 else answer(index)

    async with client_for(handler) as client:
        out = await client.audio.transcribe(
            MODEL, recording(2), return_timestamps=True, **ONE_AT_A_TIME
        )
        assert sent == [0, 1]
        assert out.text == "part 0 part 1"
        assert out.chunks is not None
        assert [c.timestamp for c in out.chunks] == [
            pytest.approx([0.0, 0.05]),
            pytest.approx([0.05, 0.1]),
        ]
        sent.clear()
        with pytest.raises(NotFound) as caught:
            await client.audio.transcribe(MODEL, recording(5), **ONE_AT_A_TIME)
    assert sent == [0, 1, 2]  # chunks 3 and 4 are not sent
    assert "does not exist" in caught.value.message


# unasync: remove-begin
@pytest.mark.anyio
async def test_async_chunks_run_concurrently_up_to_the_limit_and_join_in_chunk_order() -> None:
    import anyio.lowlevel

    in_flight = peak = 0
    started: list[int] = []
    finished: list[int] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        index = chunk_of(request)
        started.append(index)
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range((5 - index) * 4):  # the later the chunk, the sooner its answer
            await anyio.lowlevel.checkpoint()
        in_flight -= 1
        finished.append(index)
        return answer(index)

    async with client_for(handler) as client:
        out = await client.audio.transcribe(
            MODEL, recording(5), return_timestamps=True, max_concurrency=2
        )
    assert peak == 2
    assert sorted(started) == [0, 1, 2, 3, 4]  # each chunk sent once
    assert finished != sorted(finished)  # later chunks answered first
    assert finished.index(1) < finished.index(0)
    assert out.text == "part 0 part 1 part 2 part 3 part 4"
    assert out.chunks is not None
    assert [c.text for c in out.chunks] == [f"part {i}" for i in range(5)]
    assert [c.timestamp for c in out.chunks] == [
        pytest.approx([i * SECONDS, (i + 1) * SECONDS]) for i in range(5)
    ]
    assert out.response_meta is not None and out.response_meta.status_code == 200


@pytest.mark.anyio
async def test_async_first_failing_chunk_cancels_the_others_and_starts_no_more() -> None:
    import anyio.lowlevel

    started: list[int] = []
    finished: list[int] = []
    cancelled: list[int] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        index = chunk_of(request)
        started.append(index)
        if index == 1:
            return missing()
        try:
            for _ in range(200):  # chunk 0 is still being answered when chunk 1 fails
                await anyio.lowlevel.checkpoint()
        except BaseException:
            cancelled.append(index)
            raise
        finished.append(index)
        return answer(index)

    async with client_for(handler) as client:
        with pytest.raises(NotFound) as caught:
            await client.audio.transcribe(MODEL, recording(5), max_concurrency=2)
    assert type(caught.value) is NotFound  # the chunk's own error, not a group
    assert "does not exist" in caught.value.message
    assert sorted(started) == [0, 1]  # chunks 2, 3 and 4 are never started
    assert cancelled == [0] and finished == []


# unasync: remove-end
