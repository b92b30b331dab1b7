"""Replay huggingface_hub's recorded hf-inference task calls through our typed methods.

The recordings live in ``../shared/reference/cassettes`` (outside the project; skipped
when absent). Every hf-inference task recording that is not chat/TGI (``test_reference_
cassettes.py``), embeddings (``test_embedding_recordings.py``) or a third-party provider
(``test_provider_recordings.py``) is in scope here: each is rebuilt as the call a user
makes (``client.images.classify(model=..., image=<the recorded file>)``...), sent through
an ``httpx2.MockTransport`` that checks method, URL and body against the recording and
answers with the recorded status, headers and body; the result must hold the recorded
values. Every case runs on the sync client and on the async one (asyncio and trio).

Documented normalisations of the *recorded* request (anything else is a mismatch):

* **host**: ``https://api-inference.huggingface.co/models/{id}`` is today's
  ``https://router.huggingface.co/hf-inference/models/{id}`` (WIRE §a.1).
* **nulls and empty options**: HUB sent ``null`` for unset fields and
  ``"parameters": {}``; we omit both (WIRE §d.1: ``None`` values removed).
* **text-classification**: HUB (2023) sent a batch of one, ``"inputs": ["I like you"]``;
  the typed method takes one text and sends ``"inputs": "I like you"``.
* **question-answering**: HUB (2023) sent ``{"question", "context"}`` at the top level;
  the spec's (and today's HUB's) shape nests them: ``{"inputs": {"question", "context"}}``.
* **zero-shot-classification**: HUB (2023) joined ``candidate_labels`` with commas; the
  spec types a list, which is what we send.
* **raw files** are compared byte for byte; their ``Content-Type`` is ours (sniffed),
  since HUB sent none.

Results are compared with the recorded answer after the documented reading of each
shape (WIRE §d.1): the nested text-classification list and the one-element summary,
translation and caption lists give element 0, the legacy zero-shot
``{sequence, labels, scores}`` gives ``[{label, score}]``, a single QA object gives a
one-element list, and files keep the recorded bytes and ``Content-Type``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import yaml

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    BinaryResult,
    HfError,
    HfInferenceClient,
    ValidationError,
)

from ..conftest import FAKE_TOKEN, SHARED

REFERENCE = SHARED / "cassettes"
ROUTER = "https://router.huggingface.co/hf-inference/models/"
LEGACY = "https://api-inference.huggingface.co/models/"
TWINS = ["sync", "asyncio", "trio"]

pytestmark = [
    pytest.mark.replay,
    pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"{REFERENCE} is absent"),
]

#: recording (without ``.yaml``) -> task; the recordings this suite owns.
TASK_OF = {
    "InferenceClientVCRTest.test_audio_classification": "audio-classification",
    "InferenceClientVCRTest.test_automatic_speech_recognition": "automatic-speech-recognition",
    "InferenceClientVCRTest.test_fill_mask": "fill-mask",
    "InferenceClientVCRTest.test_image_classification": "image-classification",
    "InferenceClientVCRTest.test_image_to_text": "image-to-text",
    "InferenceClientVCRTest.test_object_detection": "object-detection",
    "InferenceClientVCRTest.test_question_answering": "question-answering",
    "InferenceClientVCRTest.test_summarization": "summarization",
    "InferenceClientVCRTest.test_text_classification": "text-classification",
    "InferenceClientVCRTest.test_text_to_image": "text-to-image",
    "InferenceClientVCRTest.test_text_to_image_default": "text-to-image",
    "InferenceClientVCRTest.test_text_to_image_with_parameters": "text-to-image",
    "InferenceClientVCRTest.test_text_to_speech": "text-to-speech",
    "InferenceClientVCRTest.test_translation": "translation",
    "InferenceClientVCRTest.test_translation_with_source_and_target_language": "translation",
    "InferenceClientVCRTest.test_zero_shot_classification_multi_label": "zero-shot-classification",
    "InferenceClientVCRTest.test_zero_shot_classification_single_label": (
        "zero-shot-classification"
    ),
    "TestInferenceClient.test_text_to_image_default[hf-inference,text-to-image]": "text-to-image",
    # a raw post of a retired body shape to a text-generation model: client.infer, 422
    "InferenceClientVCRTest.test_unprocessable_entity_error": "text-generation",
}


# ------------------------------------------------------------------ reading recordings


class _Loader(yaml.SafeLoader):
    """vcrpy's YAML plus the ``!!python/object/new:_io.BytesIO`` request bodies HUB wrote."""


def _bytes_io(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> bytes:
    assert suffix == "_io.BytesIO", suffix
    state = loader.construct_mapping(node, deep=True).get("state")  # type: ignore[arg-type]
    return bytes(state[0]) if state else b""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/object/new:", _bytes_io)
_Loader.add_constructor(
    "tag:yaml.org,2002:python/tuple",
    lambda loader, node: tuple(loader.construct_sequence(node, deep=True)),  # type: ignore[arg-type]
)


def scope_files() -> list[Path]:
    if not REFERENCE.is_dir():
        return []
    return sorted(p for p in REFERENCE.glob("*.yaml") if p.stem in TASK_OF)


def drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def normalise(task: str, body: dict[str, Any]) -> dict[str, Any]:
    """The recorded JSON body in today's shape (see the module docstring)."""
    out = drop_nulls(body)
    if out.get("parameters") == {}:
        del out["parameters"]
    if task == "text-classification" and isinstance(out.get("inputs"), list):
        [out["inputs"]] = out["inputs"]
    if task == "question-answering" and "question" in out:
        out = {"inputs": {"question": out.pop("question"), "context": out.pop("context")}, **out}
    params = out.get("parameters") or {}
    if isinstance(params.get("candidate_labels"), str):
        params["candidate_labels"] = params["candidate_labels"].split(",")
    return out


@dataclass
class Exchange:
    url: str
    body: dict[str, Any] | bytes  # normalised JSON, or the raw file
    status: int
    headers: list[tuple[str, str]]
    content: bytes

    def response(self) -> httpx2.Response:
        return httpx2.Response(self.status, headers=self.headers, content=self.content)

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass
class Case:
    task: str
    model: str
    exchanges: list[Exchange]


@cache  # the object-detection recording is 1.7 MB of YAML: read it once for the 3 twins
def build_case(path: Path) -> Case:
    task = TASK_OF[path.stem]
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    exchanges: list[Exchange] = []
    model = ""
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        uri = request["uri"]
        if uri.startswith("https://huggingface.co/api/"):
            continue  # HUB's provider-mapping lookup: hf-inference needs none
        url = ROUTER + uri.removeprefix(LEGACY).removeprefix(ROUTER)
        model = url.removeprefix(ROUTER)
        raw = request["body"]
        body: dict[str, Any] | bytes = (
            raw if isinstance(raw, bytes) else normalise(task, json.loads(raw))
        )
        headers = [
            (name, value)
            for name, values in response["headers"].items()
            if name.lower() not in ("content-length", "transfer-encoding", "content-encoding")
            for value in values
        ]
        content = response["body"]["string"]
        if isinstance(content, str):
            content = content.encode("utf-8")
        exchanges.append(Exchange(url, body, response["status"]["code"], headers, content))
    return Case(task, model, exchanges)


# ------------------------------------------------------------------ the user's call


def call_of(case: Case, exchange: Exchange) -> tuple[str, str, dict[str, Any]]:
    """(service, method, kwargs) a user writes to send ``exchange``'s request."""
    task, body = case.task, exchange.body
    kwargs: dict[str, Any] = {"model": case.model}
    if isinstance(body, bytes):
        service, method, arg = {
            "audio-classification": ("audio", "classify", "audio"),
            "automatic-speech-recognition": ("audio", "transcribe", "audio"),
            "image-classification": ("images", "classify", "image"),
            "image-to-text": ("images", "caption", "image"),
            "object-detection": ("images", "detect", "image"),
        }[task]
        return service, method, {**kwargs, arg: body}
    inputs, params = body.get("inputs"), dict(body.get("parameters") or {})
    if task == "text-generation":
        return "", "infer", {"task": task, **kwargs, "inputs": inputs, "parameters": params}
    if task == "question-answering":
        return "text", "answer", {**kwargs, **inputs, **params}
    service, method, arg = {
        "fill-mask": ("text", "fill_mask", "text"),
        "summarization": ("text", "summarize", "text"),
        "text-classification": ("text", "classify", "text"),
        "translation": ("text", "translate", "text"),
        "zero-shot-classification": ("text", "zero_shot_classify", "text"),
        "text-to-image": ("images", "generate", "prompt"),
        "text-to-speech": ("audio", "synthesize", "text"),
    }[task]
    return service, method, {**kwargs, arg: inputs, **params}


class Server:
    """The MockTransport handler: checks each request against the next exchange."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self.served = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert self.served == 0, f"unexpected extra request {request.method} {request.url}"
        exchange = self.exchange
        assert request.method == "POST"
        assert str(request.url) == exchange.url
        assert request.headers["authorization"] == f"Bearer {FAKE_TOKEN}"
        if isinstance(exchange.body, bytes):
            assert request.content == exchange.body
            assert request.headers["content-type"].split("/")[0] in ("image", "audio")
        else:
            assert request.headers["content-type"] == "application/json"
            assert json.loads(request.content) == exchange.body
        self.served += 1
        return exchange.response()


def _invoke(client: Any, service: str, method: str, kwargs: dict[str, Any]) -> Any:
    if method == "infer":
        return client.infer(**kwargs)
    return getattr(getattr(client, service), method)(**kwargs)


def run_sync(call: tuple[str, str, dict[str, Any]], server: Server) -> Any:
    http = httpx2.Client(transport=httpx2.MockTransport(server))
    with (
        http,
        HfInferenceClient(
            default_provider="hf-inference", token=FAKE_TOKEN, http_client=http
        ) as client,
    ):
        try:
            return _invoke(client, *call)
        except HfError as exc:
            return exc


async def run_async(call: tuple[str, str, dict[str, Any]], server: Server) -> Any:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(server))
    async with (
        http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token=FAKE_TOKEN, http_client=http
        ) as client,
    ):
        try:
            return await _invoke(client, *call)
        except HfError as exc:
            return exc


def run(twin: str, call: tuple[str, str, dict[str, Any]], server: Server) -> Any:
    if twin == "sync":
        return run_sync(call, server)
    return anyio.run(run_async, call, server, backend=twin)


# ------------------------------------------------------------------ expectations


def expected(task: str, answer: Any) -> Any:
    """The recorded answer as the typed method returns it (module docstring)."""
    if task == "text-classification" and answer and isinstance(answer[0], list):
        return answer[0]
    if task in ("summarization", "translation", "image-to-text") and isinstance(answer, list):
        return answer[0]
    if task == "zero-shot-classification" and isinstance(answer, dict):
        pairs = zip(answer["labels"], answer["scores"], strict=True)
        return [{"label": label, "score": score} for label, score in pairs]
    if task == "question-answering" and isinstance(answer, dict):
        return [answer]
    return answer


def dump(result: Any) -> Any:
    if isinstance(result, list):
        return [dump(item) for item in result]
    return result.model_dump(exclude_none=True, by_alias=True)


def check(case: Case, exchange: Exchange, result: Any) -> None:
    if exchange.status >= 300:
        assert isinstance(result, ValidationError), result
        assert result.status_code == exchange.status
        assert result.server_message == exchange.content.decode()
        return
    assert not isinstance(result, HfError), result
    meta = result[0].response_meta if isinstance(result, list) else result.response_meta
    assert meta is not None
    assert meta.status_code == exchange.status
    assert meta.request_id == httpx2.Headers(exchange.headers).get("x-request-id")
    assert meta.provider == "hf-inference"
    if isinstance(result, BinaryResult):
        assert result.content == exchange.content
        declared = httpx2.Headers(exchange.headers)["content-type"]
        assert result.content_type == declared
        return
    assert dump(result) == drop_nulls(expected(case.task, exchange.json()))


PARAMS = [pytest.param(p, t, id=f"{p.stem}-{t}") for p in scope_files() for t in TWINS]


@pytest.mark.parametrize(("path", "twin"), PARAMS)
def test_replay(path: Path, twin: str) -> None:
    case = build_case(path)
    assert case.exchanges, f"{path.name}: no inference call found"
    for exchange in case.exchanges:
        server = Server(exchange)
        result = run(twin, call_of(case, exchange), server)
        assert server.served == 1
        check(case, exchange, result)


def test_scope() -> None:
    """Every recording of the folder is replayed by some suite, the task ones only here."""
    from .test_embedding_recordings import scope_files as embedding_files
    from .test_provider_recordings import provider_files
    from .test_reference_cassettes import SKIPS
    from .test_reference_cassettes import scope_files as chat_files

    mine = {p.name for p in scope_files()}
    assert len(mine) == len(TASK_OF)  # every recording named above exists
    suites = [
        mine,
        {p.name for p in chat_files()},
        {p.name for p in embedding_files()},
        {p.name for p in provider_files()},
    ]
    everything = {p.name for p in REFERENCE.glob("*.yaml")}
    for other in suites[1:]:
        assert mine.isdisjoint(other)
    assert set().union(*suites) == everything
    assert set(SKIPS) <= suites[1]
