"""The emulated providers under /router/{provider} and their file host (in-process ASGI)."""

from __future__ import annotations

import base64
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints.emulator.catalog import CatalogModel, ProviderMapping
from hf_inference_endpoints.emulator.settings import EmulatorSettings

from .conftest import CHAT_MODEL, chat_body, sse_data, sse_json

pytestmark = pytest.mark.anyio

VIDEO = "org/emu-video"
BASE_LLM = "org/emu-base-llm"
BASE_LLM_TOGETHER = "org/emu-base-llm-turbo"


@pytest.fixture
def settings() -> EmulatorSettings:
    video = CatalogModel(
        id=VIDEO,
        pipeline_tag="text-to-video",
        providers={
            "fal-ai": ProviderMapping("fal-ai/ltx-video/v1", "text-to-video"),
            "together": ProviderMapping("org/video-turbo", "text-to-video"),
            "replicate": ProviderMapping("org/video-rep:v123", "text-to-video"),
        },
    )
    base_llm = CatalogModel(
        id=BASE_LLM,
        pipeline_tag="text-generation",
        providers={"together": ProviderMapping(BASE_LLM_TOGETHER, "text-generation")},
    )
    return EmulatorSettings(time_scale=0.01, extra_models={VIDEO: video, BASE_LLM: base_llm})


async def test_provider_prefix_leaves_the_routers_own_routes_alone(
    client: httpx2.AsyncClient,
) -> None:
    auto = await client.post("/router/v1/chat/completions", json=chat_body())
    assert auto.status_code == 200
    hf = await client.post(
        f"/router/hf-inference/models/{CHAT_MODEL}/v1/chat/completions", json=chat_body()
    )
    assert hf.status_code == 200
    together = await client.post(
        "/router/together/v1/chat/completions",
        json={**chat_body(), "model": "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"},
    )
    assert together.status_code == 200
    assert together.headers["x-inference-provider"] == "together"
    assert together.json()["model"] == "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/router/together/v1/chat/completions", CHAT_MODEL),  # the Hub id, not the mapped one
        ("/router/groq/openai/v1/chat/completions", "nope"),
        ("/router/groq/v1/chat/completions", "llama-3.1-8b-instant"),  # wrong route for groq
    ],
)
async def test_unknown_models_and_routes_are_404(
    client: httpx2.AsyncClient, path: str, model: str
) -> None:
    r = await client.post(path, json={**chat_body(), "model": model})
    assert r.status_code == 404


async def test_faults_are_keyed_per_provider(client: httpx2.AsyncClient) -> None:
    await client.post("/_emulator/faults", json={"model": f"together:{CHAT_MODEL}", "fault": "503"})
    together = await client.post(
        "/router/together/v1/chat/completions",
        json={**chat_body(), "model": "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"},
    )
    groq = await client.post(
        "/router/groq/openai/v1/chat/completions",
        json={**chat_body(), "model": "llama-3.1-8b-instant"},
    )
    assert (together.status_code, groq.status_code) == (503, 200)


async def test_fal_queue_and_the_file_host(client: httpx2.AsyncClient, app: Any) -> None:
    submit = await client.post(
        "/router/fal-ai/fal-ai/ltx-video/v1?_subdomain=queue",
        json={"prompt": "a cat"},
        headers={"x-emulator-job": "polls=1"},
    )
    queued = submit.json()
    assert queued["status"] == "IN_QUEUE"
    assert (
        queued["response_url"]
        == f"https://queue.fal.run/fal-ai/ltx-video/requests/{queued['request_id']}"
    )
    base = f"/router/fal-ai/fal-ai/ltx-video/requests/{queued['request_id']}"
    early = await client.get(f"{base}?_subdomain=queue")
    assert early.status_code == 400
    states = [
        (await client.get(f"{base}/status?_subdomain=queue")).json()["status"] for _ in range(2)
    ]
    assert states == ["IN_PROGRESS", "COMPLETED"]
    url = (await client.get(f"{base}?_subdomain=queue")).json()["video"]["url"]
    path = url.removeprefix("http://emulator")
    refused = await client.get(path)  # the test client sends Authorization on every request
    assert refused.status_code == 400 and "credentials" in refused.json()["error"]
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://emulator") as bare:
        video = await bare.get(path)
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    assert video.headers["content-type"] == "video/mp4"


async def test_replicate_prefer_wait_and_version_predictions(client: httpx2.AsyncClient) -> None:
    done = await client.post(
        "/router/replicate/v1/predictions",
        json={"version": "v123", "input": {"prompt": "a cat"}},
        headers={"prefer": "wait"},
    )
    assert done.status_code == 201 and done.headers["preference-applied"] == "wait=60"
    assert done.json()["status"] == "succeeded" and done.json()["output"].endswith(".mp4")
    running = await client.post(
        "/router/replicate/v1/predictions",
        json={"version": "v123", "input": {"prompt": "a cat"}},
        headers={"x-emulator-job": "polls=1;fail=1"},
    )
    assert running.status_code == 202 and "preference-applied" not in running.headers
    prediction = running.json()
    assert (
        prediction["urls"]["get"] == f"https://api.replicate.com/v1/predictions/{prediction['id']}"
    )
    polls = [
        (await client.get(f"/router/replicate/v1/predictions/{prediction['id']}")).json()
        for _ in range(2)
    ]
    assert [p["status"] for p in polls] == ["starting", "failed"]
    assert polls[1]["error"] == "emulated prediction failure"


async def test_together_images_and_embeddings(client: httpx2.AsyncClient) -> None:
    images = await client.post(
        "/router/together/v1/images/generations",
        json={
            "prompt": "a cat",
            "model": "black-forest-labs/FLUX.1-dev",
            "response_format": "base64",
        },
    )
    png = base64.b64decode(images.json()["data"][0]["b64_json"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    wrong_task = await client.post(
        "/router/together/v1/embeddings",
        json={"input": "x", "model": "black-forest-labs/FLUX.1-dev"},
    )
    assert wrong_task.status_code == 404


async def test_together_completions_answer_and_stream_openai_completion_chunks(
    client: httpx2.AsyncClient,
) -> None:
    body = {"prompt": "What is deep learning", "model": BASE_LLM_TOGETHER, "max_tokens": 3}
    whole = (await client.post("/router/together/v1/completions", json=body)).json()
    free = await client.post("/router/together/v1/completions", json={**body, "max_tokens": None})
    streamed = await client.post(
        "/router/together/v1/completions", json={**body, "stream": True, "logprobs": 1}
    )
    assert whole["choices"][0]["finish_reason"] == "length"  # OpenAI's words, not TGI's
    assert free.json()["choices"][0]["finish_reason"] == "stop"
    assert streamed.headers["content-type"].startswith("text/event-stream")
    assert streamed.headers["x-inference-provider"] == "together"
    assert sse_data(streamed.text)[-1] == "[DONE]"
    chunks = sse_json(streamed.text)
    assert len(chunks) == 3  # one per token
    assert {c["object"] for c in chunks} == {"text_completion"}
    assert {c["model"] for c in chunks} == {BASE_LLM_TOGETHER}
    assert len({c["id"] for c in chunks}) == 1
    choices = [c["choices"][0] for c in chunks]
    assert "".join(c["text"] for c in choices) == whole["choices"][0]["text"]
    assert [c["finish_reason"] for c in choices] == [None, None, "length"]
    assert all(c["logprobs"]["tokens"] == [c["text"]] for c in choices)
    assert all(isinstance(c["logprobs"]["token_logprobs"][0], float) for c in choices)
    assert "usage" not in chunks[0]
    assert chunks[-1]["usage"]["completion_tokens"] == 3


async def test_reset_forgets_jobs(client: httpx2.AsyncClient, app: Any) -> None:
    submit = await client.post(
        "/router/together/v2/videos", json={"model": "org/video-turbo", "prompt": "x"}
    )
    job = submit.json()["id"]
    await client.post("/_emulator/reset")
    assert (await client.get(f"/router/together/v2/videos/{job}")).status_code == 404
