"""Wrong-shaped answers are typed errors; the legacy shapes we accept are parsed explicitly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, ServerError

from ..server import HostileServer, json_answer

pytestmark = pytest.mark.anyio

TOKEN = "hf_hostile_answers_token"
MODEL = "org/model"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 24
GENERATED = [{"generated_text": "a wrong answer"}]

Call = Callable[[AsyncHfInferenceClient], Awaitable[Any]]


async def classify_text(client: AsyncHfInferenceClient) -> Any:
    return await client.text.classify(model=MODEL, text="I like you")


async def classify_image(client: AsyncHfInferenceClient) -> Any:
    return await client.images.classify(model=MODEL, image=PNG)


async def transcribe(client: AsyncHfInferenceClient) -> Any:
    return await client.audio.transcribe(model=MODEL, audio=WAV)


async def zero_shot(client: AsyncHfInferenceClient) -> Any:
    return await client.text.zero_shot_classify(
        model=MODEL, text="the rocket launched", candidate_labels=["space", "cooking"]
    )


async def answer(server: HostileServer, body: Any, call: Call) -> Any:
    server.script(json_answer(body))
    async with AsyncHfInferenceClient(
        token=TOKEN, router_url=server.url, default_provider="hf-inference", max_retries=0
    ) as c:
        return await call(c)


@pytest.mark.parametrize(
    ("call", "task"),
    [
        (classify_text, "text-classification"),  # parsed as label=None, score=None before
        (classify_image, "image-classification"),
        (transcribe, "automatic-speech-recognition"),  # parsed as text=None before
        (zero_shot, "zero-shot-classification"),
    ],
)
async def test_a_generated_text_answer_to_another_task_is_a_typed_error(
    call: Call, task: str
) -> None:
    with HostileServer() as server, pytest.raises(ServerError) as caught:
        await answer(server, GENERATED, call)
    err = caught.value
    assert f"it is not a {task} answer" in err.message
    assert 'the body began: [{"generated_text": "a wrong answer"}]' in err.message
    assert err.model == MODEL and "model org/model" in str(err)
    assert not err.is_retryable


async def test_a_long_wrong_answer_is_quoted_short() -> None:
    body = [{"generated_text": "x" * 10_000}]
    with HostileServer() as server, pytest.raises(ServerError) as caught:
        await answer(server, body, classify_text)
    assert len(caught.value.message) < 600
    assert caught.value.message.endswith("…")


async def test_nested_classification_lists_are_parsed() -> None:
    nested = [[{"label": "POSITIVE", "score": 0.99}, {"label": "NEGATIVE", "score": 0.01}]]
    with HostileServer() as server:
        result = await answer(server, nested, classify_text)
    assert [(r.label, r.score) for r in result] == [("POSITIVE", 0.99), ("NEGATIVE", 0.01)]


@pytest.mark.parametrize(
    "body",
    [
        {"sequence": "the rocket launched", "labels": ["space", "cooking"], "scores": [0.9, 0.1]},
        [{"sequence": "the rocket launched", "labels": ["space", "cooking"], "scores": [0.9, 0.1]}],
        [{"label": "space", "score": 0.9}, {"label": "cooking", "score": 0.1}],
    ],
    ids=["legacy-object", "legacy-in-a-list", "current"],
)
async def test_every_zero_shot_shape_we_accept_gives_the_same_result(body: Any) -> None:
    with HostileServer() as server:
        result = await answer(server, body, zero_shot)
    assert [(r.label, r.score) for r in result] == [("space", 0.9), ("cooking", 0.1)]


async def test_a_legacy_zero_shot_answer_with_uneven_lists_is_refused() -> None:
    body = {"sequence": "s", "labels": ["space", "cooking"], "scores": [0.9]}
    with HostileServer() as server, pytest.raises(ServerError, match="differ in length"):
        await answer(server, body, zero_shot)
