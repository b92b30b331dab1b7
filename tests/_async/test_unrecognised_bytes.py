"""Bytes no signature recognises are sent, typed as huggingface_hub types them (docs/wire.md §4.6).

A file whose first bytes match no known signature, with no file name or declared type,
goes out as ``image/jpeg`` (images, documents) or ``audio/mpeg`` (audio): the raw body's
``Content-Type`` on hf-inference, the ``data:`` URL's type on a provider. Text sent as a
file is refused before anything is sent.
"""

from __future__ import annotations

import base64

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, ValidationError

from ..media import png
from ..wire import Wire

HUB = "https://hub.test"
ROUTER = "https://router.test"
UNKNOWN = b"\x00\x17\xfe\x80 no signature we know"
WHISPER = "openai/whisper-large-v3"
FAL_ASR = [
    {
        "provider": "fal-ai",
        "status": "live",
        "providerId": "fal-ai/whisper",
        "task": "automatic-speech-recognition",
    }
]


def make_client(wire: Wire) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        token="hf_test",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        hub_url=HUB,
        router_url=ROUTER,
        max_retries=0,
    )


@pytest.mark.anyio
async def test_hf_inference_gets_unknown_image_bytes_as_jpeg(no_env: None) -> None:
    url = f"{ROUTER}/hf-inference/models/google/vit"
    answer = httpx2.Response(200, json=[{"label": "cat", "score": 0.9}])
    wire = Wire().add("POST", url, answer)
    async with make_client(wire) as client:
        await client.images.classify("google/vit", UNKNOWN, provider="hf-inference")
        await client.images.classify("google/vit", png(2, 2), provider="hf-inference")
    unknown, known = wire.requests
    assert unknown.headers["content-type"] == "image/jpeg"
    assert unknown.content == UNKNOWN  # the bytes as given
    assert known.headers["content-type"] == "image/png"  # recognised: its own type


@pytest.mark.anyio
async def test_hf_inference_gets_unknown_audio_bytes_as_mpeg(no_env: None) -> None:
    url = f"{ROUTER}/hf-inference/models/{WHISPER}"
    wire = Wire().add("POST", url, httpx2.Response(200, json={"text": "hello"}))
    async with make_client(wire) as client:
        out = await client.audio.transcribe(WHISPER, UNKNOWN, provider="hf-inference")
    assert out.text == "hello"
    assert wire.requests[0].headers["content-type"] == "audio/mpeg"


@pytest.mark.anyio
async def test_a_provider_gets_unknown_audio_as_an_mpeg_data_url(no_env: None) -> None:
    url = f"{ROUTER}/fal-ai/fal-ai/whisper"
    wire = (
        Wire()
        .mapping(HUB, WHISPER, FAL_ASR)
        .add("POST", url, httpx2.Response(200, json={"text": "hello"}))
    )
    async with make_client(wire) as client:
        out = await client.audio.transcribe(WHISPER, UNKNOWN, provider="fal-ai")
    assert out.text == "hello"
    sent = wire.body(1)["audio_url"]
    assert sent == "data:audio/mpeg;base64," + base64.b64encode(UNKNOWN).decode()


@pytest.mark.anyio
async def test_text_sent_as_a_file_is_refused_before_sending(no_env: None) -> None:
    wire = Wire()
    async with make_client(wire) as client:
        with pytest.raises(ValidationError, match=r"the image is not an image: .*text/plain"):
            await client.images.classify("google/vit", b"just a note\n", provider="hf-inference")
    assert wire.requests == []
