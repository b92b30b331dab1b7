"""The emulated hf-inference tasks (emulator/tasks.py) on the wire: raw and base64 files,
both VQA shapes, the catalog's default models, 400s for wrong bodies, real output files."""

from __future__ import annotations

import base64
import io
import wave

import httpx2
import pytest

from hf_inference_endpoints._tasks import TASKS
from hf_inference_endpoints.emulator.router import TASK_HANDLERS
from hf_inference_endpoints.emulator.tasks import HANDLERS, TASK_MODELS, image_size, sniff

from ..media import png, wav

pytestmark = pytest.mark.anyio

HF = "/router/hf-inference/models"
PNG = png(3, 2)
B64 = base64.b64encode(PNG).decode()


def test_every_typed_task_has_a_handler_and_a_default_model() -> None:
    assert set(TASKS) <= set(HANDLERS)
    for task in TASKS:
        assert TASK_HANDLERS[task] is HANDLERS[task]
        assert task in TASK_MODELS


async def test_the_hub_recommends_the_catalog_models(client: httpx2.AsyncClient) -> None:
    catalogue = (await client.get("/hub/api/tasks")).json()
    for task, model in TASK_MODELS.items():
        assert catalogue[task]["widgetModels"][0] == model, task
    info = (await client.get(f"/hub/api/models/{TASK_MODELS['depth-estimation']}")).json()
    assert info["pipeline_tag"] == "depth-estimation"


async def test_a_file_raw_or_base64_gives_the_same_answer(client: httpx2.AsyncClient) -> None:
    url = f"{HF}/{TASK_MODELS['image-classification']}"
    raw = await client.post(url, content=PNG, headers={"content-type": "image/png"})
    b64 = await client.post(url, json={"inputs": B64})
    assert raw.status_code == b64.status_code == 200
    assert (
        raw.json()
        == b64.json()
        == [
            {"label": "png 3x2", "score": 0.9},
            {"label": "checkerboard", "score": 0.07},
            {"label": "noise", "score": 0.03},
        ]
    )
    assert raw.headers["x-inference-provider"] == "hf-inference"


async def test_both_vqa_shapes(client: httpx2.AsyncClient) -> None:
    url = f"{HF}/{TASK_MODELS['visual-question-answering']}"
    hub = await client.post(url, json={"inputs": B64, "question": "What?", "image": B64})
    spec = await client.post(url, json={"inputs": {"image": B64, "question": "What?"}})
    assert hub.json() == spec.json()
    assert hub.json()[0]["answer"] == "png"


@pytest.mark.parametrize(
    ("task", "body", "message"),
    [
        ("image-classification", {"inputs": 3}, "expected the image as raw bytes or a base64"),
        ("image-classification", {"inputs": "@@"}, "not valid base64"),
        ("automatic-speech-recognition", {"inputs": B64}, "cannot identify audio file"),
        ("text-classification", {"inputs": ["a"]}, "expected a string"),
        ("zero-shot-classification", {"inputs": "x"}, "candidate_labels"),
        ("fill-mask", {"inputs": "no mask here"}, "No mask_token"),
        ("question-answering", {"inputs": "q"}, "expected {question: str, context: str}"),
        ("table-question-answering", {"inputs": {"query": "q", "table": {"a": [1]}}}, "table"),
        ("document-question-answering", {"inputs": B64}, "expected {image: base64"),
    ],
)
async def test_wrong_bodies_are_400(
    client: httpx2.AsyncClient, task: str, body: dict[str, object], message: str
) -> None:
    response = await client.post(f"{HF}/{TASK_MODELS[task]}", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]


async def test_output_files_are_real(client: httpx2.AsyncClient) -> None:
    image = await client.post(
        f"{HF}/{TASK_MODELS['text-to-image']}",
        json={"inputs": "a fox", "parameters": {"width": 5, "height": 4}},
    )
    assert image.headers["content-type"] == "image/png"
    assert image_size(image.content) == (5, 4)
    speech = await client.post(f"{HF}/{TASK_MODELS['text-to-speech']}", json={"inputs": "a b"})
    assert speech.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(speech.content), "rb") as reader:
        assert reader.getnframes() / reader.getframerate() == pytest.approx(0.1)
    video = await client.post(f"{HF}/{TASK_MODELS['text-to-video']}", json={"inputs": "a cat"})
    assert sniff(video.content) == "video/mp4"


async def test_the_same_input_gives_the_same_answer(client: httpx2.AsyncClient) -> None:
    url = f"{HF}/{TASK_MODELS['zero-shot-classification']}"
    body = {"inputs": "hello", "parameters": {"candidate_labels": ["a", "b", "c"]}}
    first, second = (
        (await client.post(url, json=body)).json(),
        (await client.post(url, json=body)).json(),
    )
    assert first == second
    legacy = {"inputs": "hello", "parameters": {"candidate_labels": "a,b,c"}}
    assert (await client.post(url, json=legacy)).json() == first
    asr = await client.post(
        f"{HF}/{TASK_MODELS['automatic-speech-recognition']}",
        content=wav(0.25),
        headers={"content-type": "audio/wav"},
    )
    assert asr.json() == {"text": "audio of 0.25 seconds"}
