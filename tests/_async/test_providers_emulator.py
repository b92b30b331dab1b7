"""SPEC §5.2 INT-016/017/018 and the async-job flows against the emulator, over real sockets.

The client looks the provider mapping up on the emulated Hub, calls the emulated
provider routes under ``/router/{provider}``, and downloads outputs from the emulated
file host, which refuses any request carrying credentials. Poll waits go through a
fake clock (the emulator's jobs finish after a number of polls, not after time).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    ModelNotAvailableOnProvider,
    ProgressEvent,
    ServerError,
    ServiceUnavailable,
    StreamInterrupted,
)
from hf_inference_endpoints._async._execute import execute
from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator
from hf_inference_endpoints.emulator.catalog import CatalogModel, ProviderMapping
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX
from tests.calls import describe

from .conftest import FakeClock

TOKEN = "hf_provider_tests_token"
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
FLUX = "black-forest-labs/FLUX.1-dev"
VIDEO = "org/emulated-video"
BASE_LLM = "org/emulated-base-llm"
BASE_LLM_TOGETHER = "org/emulated-base-llm-turbo"
QUESTION = "What is deep learning"
MESSAGES = [{"role": "user", "content": QUESTION}]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MP4_MAGIC = b"\x00\x00\x00\x18ftyp"

EXTRA_MODELS = {
    VIDEO: CatalogModel(
        id=VIDEO,
        pipeline_tag="text-to-video",
        library_name="diffusers",
        providers={
            "fal-ai": ProviderMapping("fal-ai/ltx-video/v1", "text-to-video"),
            "together": ProviderMapping("org/video-turbo", "text-to-video"),
            "replicate": ProviderMapping("org/video-rep", "text-to-video"),
        },
    ),
    BASE_LLM: CatalogModel(
        id=BASE_LLM,
        pipeline_tag="text-generation",
        providers={"together": ProviderMapping(BASE_LLM_TOGETHER, "text-generation")},
    ),
}


@pytest.fixture(scope="module")
def providers_emulator() -> Iterator[Any]:
    """An emulator with a video model mapped on fal-ai, Together and Replicate."""
    settings = EmulatorSettings(time_scale=0.01, extra_models=EXTRA_MODELS)
    with running_emulator(settings) as handle:
        yield handle


@pytest.fixture
def emu(providers_emulator: Any) -> Iterator[Any]:
    providers_emulator.reset()
    yield providers_emulator
    providers_emulator.reset()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Poll waits and retries take no real time."""
    fake = FakeClock()
    for module in ("_transport", "_execute"):
        monkeypatch.setattr(f"hf_inference_endpoints._async.{module}.async_sleep", fake.sleep)
    return fake


def client_for(emu: Any, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("token", TOKEN)
    return AsyncHfInferenceClient(
        router_url=emu.router_url,
        hub_url=emu.hub_url,
        **{"default_provider": "hf-inference", **config},
    )


def answer_text(reply: Any) -> str:
    return str(reply.choices[0].message.content)


@pytest.mark.anyio
async def test_int_016_together_routing(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        reply = await client.chat.complete(model=LLAMA, provider="together", messages=MESSAGES)
        stream = await client.chat.stream(model=LLAMA, provider="together", messages=MESSAGES)
        async with stream:
            pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
        call = describe(
            client, FLUX, "together", "text-to-image", {"inputs": "a cat"}, False, None, None
        )
        prepared = await client._prepare(call)
        image, image_meta = await execute(client, call, prepared)
    assert answer_text(reply) == f"{REPLY_PREFIX} {QUESTION}"
    assert reply.model == "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"  # the mapped id
    meta = reply.response_meta
    assert meta is not None and meta.provider == "together"
    assert meta.url == f"{emu.router_url}/together/v1/chat/completions"
    assert "".join(pieces) == f"{REPLY_PREFIX} {QUESTION}"
    assert stream.response_meta.provider == "together"
    assert image.startswith(PNG_MAGIC) and image_meta.provider == "together"


@pytest.mark.anyio
async def test_int_017_groq_routing(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        reply = await client.chat.complete(
            model=LLAMA, provider="groq", messages=MESSAGES, max_tokens=3
        )
        stream = await client.chat.stream(model=LLAMA, provider="groq", messages=MESSAGES)
        async with stream:
            pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    assert reply.model == "llama-3.1-8b-instant"
    assert reply.choices[0].finish_reason == "length"
    meta = reply.response_meta
    assert meta is not None and meta.provider == "groq"
    assert meta.url == f"{emu.router_url}/groq/openai/v1/chat/completions"
    assert "".join(pieces) == f"{REPLY_PREFIX} {QUESTION}"


@pytest.mark.anyio
async def test_a_mapping_in_error_is_sent_and_the_provider_decides(
    emu: Any, clock: FakeClock, no_env: None
) -> None:
    """Not live is not refused (as huggingface_hub): one warning, then the provider answers."""
    async with client_for(emu, max_retries=0) as client:
        with pytest.raises(ServiceUnavailable) as info:
            await client.chat.complete(
                model="deepseek-ai/DeepSeek-R1", provider="groq", messages=MESSAGES
            )
    assert info.value.provider == "groq"
    assert info.value.status_code == 503  # the emulated provider's own answer


@pytest.mark.anyio
async def test_an_unmapped_provider_is_refused_before_any_provider_call(
    emu: Any, no_env: None
) -> None:
    async with client_for(emu) as client:
        with pytest.raises(ModelNotAvailableOnProvider) as info:
            await client.chat.complete(
                model="deepseek-ai/DeepSeek-R1", provider="novita", messages=MESSAGES
            )
    assert "no mapping" in info.value.message
    assert "together" in info.value.available_on


@pytest.mark.anyio
@pytest.mark.parametrize(("spec", "fallback"), [("503", ["groq"]), ("429", True)])
async def test_int_018_provider_fallback(
    emu: Any, spec: str, fallback: Any, clock: FakeClock, no_env: None
) -> None:
    emu.set_fault(f"together:{LLAMA}", spec)
    async with client_for(emu, provider_preference=("groq",)) as client:
        reply = await client.chat.complete(
            model=LLAMA, provider="together", messages=MESSAGES, fallback=fallback
        )
    meta = reply.response_meta
    assert meta is not None
    assert meta.provider == "groq"
    assert meta.providers_tried == ("together", "groq")
    assert reply.model == "llama-3.1-8b-instant"
    assert clock.sleeps == []  # straight to the next provider
    assert emu.state.fault_counts == {f"{spec}|together:{LLAMA}": 1}


@pytest.mark.anyio
async def test_int_018_without_fallback_the_providers_error_is_raised(
    emu: Any, clock: FakeClock, no_env: None
) -> None:
    emu.set_fault(f"together:{LLAMA}", "503")
    async with client_for(emu, max_retries=1) as client:
        with pytest.raises(ServiceUnavailable) as info:
            await client.chat.complete(model=LLAMA, provider="together", messages=MESSAGES)
    assert info.value.provider == "together"
    assert emu.state.fault_counts == {f"503|together:{LLAMA}": 2}  # one retry, same provider


@pytest.mark.anyio
async def test_int_018_streams_fail_over_too(emu: Any, clock: FakeClock, no_env: None) -> None:
    emu.set_fault(f"together:{LLAMA}", "500")
    async with client_for(emu) as client:
        stream = await client.chat.stream(
            model=LLAMA, provider="together", messages=MESSAGES, fallback=["fireworks-ai"]
        )
        async with stream:
            pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    assert "".join(pieces) == f"{REPLY_PREFIX} {QUESTION}"
    assert stream.response_meta.providers_tried == ("together", "fireworks-ai")
    assert stream.response_meta.provider == "fireworks-ai"


@pytest.mark.anyio
async def test_together_text_generation_streams_completion_chunks_as_tgi_items(
    emu: Any, no_env: None
) -> None:
    async with client_for(emu) as client:
        out = await client.text_generation.generate(
            model=BASE_LLM, provider="together", prompt=QUESTION, max_new_tokens=3, details=True
        )
        stream = await client.text_generation.stream(
            model=BASE_LLM,
            provider="together",
            prompt=QUESTION,
            max_new_tokens=3,
            extra_body={"logprobs": 1},
            details=True,
        )
        async with stream:
            items = [item async for item in stream]
        unlimited = await client.text_generation.stream(
            model=BASE_LLM, provider="together", prompt=QUESTION, details=True
        )
        async with unlimited:
            last = [item async for item in unlimited][-1]
    assert out.response_meta is not None
    assert out.response_meta.url == f"{emu.router_url}/together/v1/completions"
    assert out.details is not None and out.details.finish_reason == "length"
    assert len(items) == 3  # one per emulated token
    assert "".join(item.token.text for item in items) == out.generated_text
    assert [item.index for item in items] == [1, 2, 3]
    assert all(item.token.id == 0 and item.token.special is False for item in items)
    assert all(isinstance(item.token.logprob, float) for item in items)
    assert [item.generated_text for item in items[:-1]] == [None, None]
    assert items[-1].generated_text == out.generated_text
    details = items[-1].details
    assert details is not None
    assert (details.finish_reason, details.generated_tokens) == ("length", 3)
    assert last.details is not None and last.details.finish_reason == "eos_token"
    assert stream.response_meta.provider == "together"
    assert stream.is_closed and unlimited.is_closed


@pytest.mark.anyio
async def test_together_text_generation_error_mid_stream_is_stream_interrupted(
    emu: Any, no_env: None
) -> None:
    emu.set_fault(f"together:{BASE_LLM}", "stream-error:after=2")
    received = []
    async with client_for(emu) as client:
        stream = await client.text_generation.stream(
            model=BASE_LLM, provider="together", prompt=QUESTION
        )
        with pytest.raises(StreamInterrupted) as info:
            async for item in stream:
                received.append(item.token.text)
    assert len(received) == 2
    assert info.value.provider == "together"
    assert stream.is_closed


def job(polls: int, fail: bool = False) -> dict[str, str]:
    return {"X-Emulator-Job": f"polls={polls}" + (";fail=1" if fail else "")}


async def run(
    client: AsyncHfInferenceClient,
    model: str,
    provider: str,
    task: str,
    body: Any,
    headers: dict[str, str] | None = None,
) -> tuple[Any, Any]:
    call = describe(client, model, provider, task, body, False, headers, None)
    prepared = await client._prepare(call)
    return await execute(client, call, prepared)


@pytest.mark.anyio
async def test_fal_queue_over_sockets(emu: Any, clock: FakeClock, no_env: None) -> None:
    async with client_for(emu) as client:
        video, meta = await run(
            client, VIDEO, "fal-ai", "text-to-video", {"inputs": "a cat"}, job(2)
        )
    assert video.startswith(MP4_MAGIC)
    assert meta.provider == "fal-ai"
    assert clock.sleeps == [0.5, 0.5, 0.5]  # two polls still running, the third completed


@pytest.mark.anyio
async def test_job_polls_are_reported_as_progress(emu: Any, clock: FakeClock, no_env: None) -> None:
    events: list[ProgressEvent] = []
    async with client_for(emu, on_progress=events.append) as client:
        await run(client, VIDEO, "fal-ai", "text-to-video", {"inputs": "a cat"}, job(2))
    assert [(e.kind, e.subject) for e in events] == [("job", f"fal-ai {VIDEO}")] * 3
    assert [e.attempt for e in events] == [0, 1, 2]
    assert all(e.state for e in events)
    assert [e.elapsed for e in events] == sorted(e.elapsed for e in events)


@pytest.mark.anyio
async def test_fal_sync_image_and_speech_recognition_over_sockets(
    emu: Any, clock: FakeClock, no_env: None
) -> None:
    audio = b"fLaC\x00\x00\x00\x22" + bytes(32)
    async with client_for(emu, bill_to="acme") as client:
        image, _ = await run(client, FLUX, "fal-ai", "text-to-image", {"inputs": "a cat"})
        text, _ = await run(
            client,
            "openai/whisper-large-v3",
            "fal-ai",
            "automatic-speech-recognition",
            {"inputs": audio},
        )
    assert image.startswith(PNG_MAGIC)  # downloaded with no Authorization / X-HF-Bill-To
    data_url = f"data:audio/flac;base64,{base64.b64encode(audio).decode()}"
    assert text["text"] == f" emulated transcription of {len(data_url)} characters of audio"
    assert clock.sleeps == []


@pytest.mark.anyio
@pytest.mark.parametrize(("polls", "sleeps"), [(0, []), (2, [1.0, 1.0, 1.0])])
async def test_replicate_prefer_wait_then_polling_over_sockets(
    emu: Any, polls: int, sleeps: list[float], clock: FakeClock, no_env: None
) -> None:
    async with client_for(emu) as client:
        video, meta = await run(
            client, VIDEO, "replicate", "text-to-video", {"inputs": "a cat"}, job(polls)
        )
    assert video.startswith(MP4_MAGIC)
    assert meta.status_code == (201 if polls == 0 else 202)
    assert meta.headers["preference-applied"] == "wait=60"
    assert clock.sleeps == sleeps


@pytest.mark.anyio
async def test_together_video_job_and_its_failure_over_sockets(
    emu: Any, clock: FakeClock, no_env: None
) -> None:
    async with client_for(emu) as client:
        video, _ = await run(
            client, VIDEO, "together", "text-to-video", {"inputs": "a cat"}, job(1)
        )
        with pytest.raises(ServerError, match="emulated video generation failure"):
            await run(
                client, VIDEO, "together", "text-to-video", {"inputs": "a cat"}, job(1, fail=True)
            )
    assert video.startswith(MP4_MAGIC)
    assert clock.sleeps == [2.0, 2.0, 2.0, 2.0]


@pytest.mark.anyio
async def test_auto_picks_the_first_mapped_provider_over_sockets(
    emu: Any, clock: FakeClock, no_env: None
) -> None:
    async with client_for(emu, provider_preference=("replicate",)) as client:
        _, meta = await run(client, FLUX, "auto", "text-to-image", {"inputs": "a cat"})
        _, first = await run(client, VIDEO, "auto", "text-to-video", {"inputs": "a cat"}, job(0))
    assert meta.provider == "replicate"
    assert first.provider == "replicate"
