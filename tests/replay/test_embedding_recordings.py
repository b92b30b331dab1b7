"""Replay huggingface_hub's feature-extraction (and sentence-similarity) recordings.

For every recording in ``../shared/reference/cassettes`` whose name says
``feature_extraction`` or ``sentence_similarity``, the call our client makes is rebuilt
from the recorded request and sent through an ``httpx2.MockTransport`` that checks method,
URL and JSON body against the recording and answers with the recorded status, headers and
body; the parsed result must hold the recorded numbers. Every case runs on the sync
client and on the async client (asyncio and trio).

Differences with what huggingface_hub sent, each for a documented reason:

* the legacy host ``api-inference.huggingface.co/pipeline/{task}/{model}`` is today's
  ``router.huggingface.co/hf-inference/models/{model}/pipeline/{task}`` (WIRE §a.1);
* a result holds one embedding per input with the batch axes of size one dropped
  (``[1][tokens][dim]`` for a single string becomes ``[tokens][dim]``), so the numbers
  are compared in order and the shapes without their size-one axes.

At the time of writing there is no sentence-similarity recording; the code path is ready
for one (``{"inputs": {"source_sentence", "sentences"}}`` -> ``[float]``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import yaml

from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceClient

from ..conftest import FAKE_TOKEN, SHARED

REFERENCE = SHARED / "cassettes"

pytestmark = [
    pytest.mark.replay,
    pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"{REFERENCE} is absent"),
]

ROUTER = "https://router.huggingface.co"
LEGACY = re.compile(
    r"^https://api-inference\.huggingface\.co/pipeline/(?P<task>[a-z-]+)/(?P<model>[^?]+)$"
)
CURRENT = re.compile(
    r"^https://router\.huggingface\.co/hf-inference/models/(?P<model>.+)/pipeline/(?P<task>[a-z-]+)$"
)
SCOPE = re.compile(r"feature_extraction|sentence_similarity")
TWINS = ["sync", "asyncio", "trio"]


def scope_files() -> list[Path]:
    if not REFERENCE.is_dir():
        return []
    return sorted(p for p in REFERENCE.glob("*.yaml") if SCOPE.search(p.name))


@dataclass
class Recording:
    task: str
    model: str
    url: str  # what our client must call
    body: dict[str, Any]
    status: int
    headers: list[tuple[str, str]]
    content: bytes

    @property
    def request_id(self) -> str | None:
        return httpx2.Headers(self.headers).get("x-request-id")


def load(path: Path) -> Recording:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    inference = [
        i
        for i in data["interactions"]
        if not i["request"]["uri"].startswith("https://huggingface.co/api/")
    ]
    assert len(inference) == 1, f"{path.name}: expected one inference request"
    request, response = inference[0]["request"], inference[0]["response"]
    match = LEGACY.match(request["uri"]) or CURRENT.match(request["uri"])
    assert match, f"{path.name}: not an hf-inference pipeline URL: {request['uri']}"
    task, model = match["task"], match["model"]
    content = response["body"]["string"]
    return Recording(
        task=task,
        model=model,
        url=f"{ROUTER}/hf-inference/models/{model}/pipeline/{task}",
        body=json.loads(request["body"]),
        status=response["status"]["code"],
        headers=[
            (name, value)
            for name, values in response["headers"].items()
            if name.lower() not in ("content-length", "transfer-encoding", "content-encoding")
            for value in values
        ],
        content=content.encode() if isinstance(content, str) else content,
    )


class Server:
    """MockTransport handler: the one recorded exchange, after checking the request."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.seen = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.seen += 1
        rec = self.recording
        assert request.method == "POST"
        assert str(request.url) == rec.url
        assert json.loads(request.content) == rec.body
        assert request.headers["authorization"] == f"Bearer {FAKE_TOKEN}"
        return httpx2.Response(rec.status, headers=rec.headers, content=rec.content)


def call_kwargs(rec: Recording) -> tuple[str, dict[str, Any]]:
    """(method name, kwargs) of the call our client makes for a recording."""
    body = dict(rec.body)
    inputs = body.pop("inputs")
    if rec.task == "sentence-similarity":
        assert not body, f"unexpected fields {body}"
        return "similarity", {
            "model": rec.model,
            "source_sentence": inputs["source_sentence"],
            "sentences": inputs["sentences"],
        }
    assert rec.task == "feature-extraction"
    return "create", {"model": rec.model, "inputs": inputs, **body}


def run_sync(rec: Recording, server: Server) -> Any:
    method, kwargs = call_kwargs(rec)
    with (
        httpx2.Client(transport=httpx2.MockTransport(server)) as http,
        HfInferenceClient(
            default_provider="hf-inference", token=FAKE_TOKEN, http_client=http
        ) as client,
    ):
        return getattr(client.embeddings, method)(**kwargs)


async def run_async(rec: Recording, server: Server) -> Any:
    method, kwargs = call_kwargs(rec)
    async with (
        httpx2.AsyncClient(transport=httpx2.MockTransport(server)) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token=FAKE_TOKEN, http_client=http
        ) as client,
    ):
        return await getattr(client.embeddings, method)(**kwargs)


def flatten(value: Any) -> list[float]:
    if isinstance(value, list):
        return [x for item in value for x in flatten(item)]
    return [value]


def shape(value: Any) -> list[int]:
    out = []
    while isinstance(value, list):
        out.append(len(value))
        value = value[0] if value else None
    return out


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("path", scope_files(), ids=lambda p: p.name)
def test_replay(path: Path, twin: str) -> None:
    rec = load(path)
    assert rec.status == 200, "error recordings are replayed by the error suites"
    server = Server(rec)
    if twin == "sync":
        result = run_sync(rec, server)
    else:
        result = anyio.run(run_async, rec, server, backend=twin)
    assert server.seen == 1
    expected = json.loads(rec.content)
    if rec.task == "sentence-similarity":
        assert list(result) == expected
    else:
        inputs = rec.body["inputs"]
        assert len(result) == (1 if isinstance(inputs, str) else len(inputs))
        got = result.to_list()
        assert flatten(got) == flatten(expected)  # the same numbers, in the same order
        assert [n for n in shape(got) if n != 1] == [n for n in shape(expected) if n != 1]
        if isinstance(inputs, list):
            assert len(got) == len(expected)  # one embedding per input, in order
    assert result.response_meta is not None
    assert result.response_meta.request_id == rec.request_id
    assert result.response_meta.status_code == 200


def test_scope_holds_the_feature_extraction_recordings() -> None:
    names = {p.name for p in scope_files()}
    assert {
        "InferenceClientVCRTest.test_feature_extraction.yaml",
        "InferenceClientVCRTest.test_feature_extraction_with_sentence_transformers.yaml",
        "InferenceClientVCRTest.test_feature_extraction_with_transformers.yaml",
        "InferenceClientVCRTest.test_feature_extraction_with_transformers_multiple_texts.yaml",
    } <= names


def test_shapes_are_the_canonical_ones() -> None:
    """What each recorded answer becomes: one embedding per input, size-one batch axes gone."""
    shapes = {}
    for path in scope_files():
        rec = load(path)
        if rec.task == "feature-extraction":
            shapes[path.name.split(".")[1]] = shape(run_sync(rec, Server(rec)).to_list())
    assert shapes["test_feature_extraction_with_sentence_transformers"] == [1, 384]
    # one input of [8 tokens][768]
    assert shapes["test_feature_extraction_with_transformers"] == [1, 8, 768]
    assert shapes["test_feature_extraction_with_transformers_multiple_texts"] == [2, 3, 768]
