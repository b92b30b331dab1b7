"""Replay huggingface_hub's recorded chat and text-generation exchanges through our client.

The recordings live in ``../shared/reference/cassettes`` (outside the project; this suite
is skipped when the folder is absent). For every hf-inference or URL-target recording
in scope, the call our client would make is rebuilt from the recorded request, sent
through an ``httpx2.MockTransport`` that checks method, URL and JSON body against the
recording and answers with the recorded status, headers and body, and the parsed result
is compared with the recorded JSON, chunk by chunk for streams. Every case runs on the
sync client and on the async client (asyncio and trio).

Differences between what huggingface_hub sent and what we send are normalised here,
each for a documented reason (see ``normalise``); anything else is a mismatch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import yaml

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    HfError,
    HfInferenceClient,
    InvalidArgument,
    RequestRejected,
)

from ..conftest import FAKE_TOKEN, SHARED

REFERENCE = SHARED / "cassettes"

pytestmark = [
    pytest.mark.replay,
    pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"{REFERENCE} is absent"),
]

ROUTER = "https://router.huggingface.co"
LEGACY_HOST = "https://api-inference.huggingface.co"
TWINS = ["sync", "asyncio", "trio"]

#: Recordings in scope: hf-inference and URL-target chat and text generation.
SCOPE = re.compile(
    r"chat_completion|conversational|^TestTextGenerationClientVCR\.|^TestOpenAICompatibility\."
)
THIRD_PARTY = re.compile(r"\[(together|fireworks-ai|cerebras|cohere),")
SKIPPED = {
    "InferenceClientVCRTest.test_conversational.yaml": (
        "the legacy `conversational` pipeline task (blenderbot, body "
        "{'inputs': {'text', 'past_user_inputs', ...}}) was retired by HF; the client "
        "has no API for it (chat completion replaced it)"
    ),
}
#: The hub recorded these without a request body; the call is rebuilt from HUB's test
#: (its usual chat messages, max_tokens=10) and only method and URL can be checked.
UNRECORDED_BODIES = {
    "test_async_chat_completion_not_tgi_no_stream.yaml": {
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is deep learning?"},
        ],
        "max_tokens": 10,
    },
}
_UNUSED_KWARGS = re.compile(r"model_kwargs` are not used by the model")


def scope_files() -> list[Path]:
    if not REFERENCE.is_dir():
        return []
    return sorted(p for p in REFERENCE.glob("*.yaml") if SCOPE.search(p.name))


# ------------------------------------------------------------------ normalisation


def drop_nulls(value: Any) -> Any:
    """HUB sent ``null`` for every unset field; we omit them (WIRE §d.1)."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def normalise(body: dict[str, Any], *, model_id: str | None, recorded: bool) -> dict[str, Any]:
    """The comparable form of a request body (ours, or a recorded one with ``recorded``).

    * ``null`` values go; so does ``"stream": false`` (HUB sent it, we omit it).
    * text generation: ``"details": false`` goes (HUB always sent it; it is TGI's default).
    * recorded only: HUB's chat placeholder ``"model": "tgi"`` becomes the Hub id our
      hf-inference route sends; old TGI's ``response_format {"type": "json"}`` becomes
      ``json_object`` (same grammar, the spelling TGI and WIRE §d.2 use now); old TGI's
      bare function name in ``tool_choice`` becomes the ``{"function": {"name"}}`` form.
    """
    out = drop_nulls(body)
    if out.get("stream") is False:
        del out["stream"]
    parameters = out.get("parameters")
    if isinstance(parameters, dict) and parameters.get("details") is False:
        del parameters["details"]
    if recorded:
        if out.get("model") == "tgi" and model_id:
            out["model"] = model_id
        fmt = out.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") == "json":
            out["response_format"] = {**fmt, "type": "json_object"}
        choice = out.get("tool_choice")
        if isinstance(choice, str) and choice not in ("auto", "none", "required"):
            out["tool_choice"] = {"type": "function", "function": {"name": choice}}
    return out


# ------------------------------------------------------------------ cases


@dataclass
class Exchange:
    """One recorded request/response pair of a call, with what we expect to send."""

    url: str
    body: dict[str, Any] | None  # normalised; None when the hub did not record it
    status: int
    headers: list[tuple[str, str]]
    content: bytes

    def response(self) -> httpx2.Response:
        return httpx2.Response(self.status, headers=self.headers, content=self.content)

    @property
    def request_id(self) -> str | None:
        return httpx2.Headers(self.headers).get("x-request-id")

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass
class Call:
    """What our client is asked to do, and the exchanges that should serve it."""

    service: str  # "chat" or "text_generation"
    stream: bool
    kwargs: dict[str, Any]
    exchanges: list[Exchange]
    provider: str = "hf-inference"
    refused: bool = False  # our client must reject the recorded input before any HTTP


@dataclass
class Case:
    file: str
    calls: list[Call] = field(default_factory=list)


def _model_and_url(uri: str) -> tuple[str, str, bool]:
    """(model id, the URL our client uses, chat?) for a recorded inference URI."""
    url = uri.split("?", 1)[0]
    if url.startswith(f"{LEGACY_HOST}/models/"):
        url = f"{ROUTER}/hf-inference/models/" + url.removeprefix(f"{LEGACY_HOST}/models/")
    prefix = f"{ROUTER}/hf-inference/models/"
    assert url.startswith(prefix), f"not an hf-inference URL: {uri}"
    rest = url.removeprefix(prefix)
    chat = rest.endswith("/v1/chat/completions")
    return rest.removesuffix("/v1/chat/completions"), url, chat


def _exchange(interaction: dict[str, Any], url: str, body: dict[str, Any] | None) -> Exchange:
    response = interaction["response"]
    headers = [
        (name, value)
        for name, values in response["headers"].items()
        if name.lower() not in ("content-length", "transfer-encoding", "content-encoding")
        for value in values
    ]
    content = response["body"]["string"]
    if isinstance(content, str):
        content = content.encode("utf-8")
    return Exchange(url, body, response["status"]["code"], headers, content)


def build_case(path: Path) -> Case:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    inference = [
        i
        for i in data["interactions"]
        if not i["request"]["uri"].startswith("https://huggingface.co/api/")
    ]
    case = Case(path.name)
    index = 0
    while index < len(inference):
        interaction = inference[index]
        model_id, url, chat = _model_and_url(interaction["request"]["uri"])
        raw = interaction["request"]["body"]
        if raw is None:
            recorded = None
            sent = dict(UNRECORDED_BODIES[path.name])
        else:
            recorded = normalise(json.loads(raw), model_id=model_id, recorded=True)
            sent = dict(recorded)
        stream = sent.pop("stream", False) is True
        group = [_exchange(interaction, url, recorded)]
        index += 1
        if chat:
            sent.pop("model", None)
            kwargs: dict[str, Any] = {"model": model_id, **sent}
            call = Call("chat", stream, kwargs, group)
            if not isinstance(kwargs["messages"], list):
                # HUB sent a bare string as `messages`; ours refuses it before sending.
                # Replay the recorded answer with the string wrapped as one user turn.
                case.calls.append(Call("chat", stream, dict(kwargs), [], refused=True))
                kwargs["messages"] = [{"role": "user", "content": kwargs["messages"]}]
                assert recorded is not None
                group[0].body = {**recorded, "messages": kwargs["messages"]}
            case.calls.append(call)
        else:
            kwargs = {"model": model_id, "prompt": sent["inputs"], **sent.get("parameters", {})}
            # A non-TGI backend's 400 "model_kwargs ... are not used" is answered by the
            # client itself: it resends without them, inside the same call.
            while group[-1].status == 400 and _UNUSED_KWARGS.search(group[-1].content.decode()):
                follow = inference[index]
                follow_id, follow_url, _ = _model_and_url(follow["request"]["uri"])
                body = normalise(
                    json.loads(follow["request"]["body"]), model_id=follow_id, recorded=True
                )
                group.append(_exchange(follow, follow_url, body))
                index += 1
            case.calls.append(Call("text_generation", stream, kwargs, group))
    return case


def openai_base_url_case(path: Path) -> Case:
    """TestOpenAICompatibility called the legacy URL as an OpenAI ``base_url``: replay it
    as a URL target too. The URL stays as-is (``.../v1`` + ``/chat/completions``); a URL
    target gets no ``model`` from us, so the served name goes in ``extra_body``."""
    case = build_case(path)
    [call] = case.calls
    [interaction] = [
        i
        for i in yaml.safe_load(path.read_text())["interactions"]
        if "/models/" in i["request"]["uri"]
    ]
    uri = interaction["request"]["uri"]
    body = json.loads(interaction["request"]["body"])
    kwargs = {k: v for k, v in call.kwargs.items() if k != "model"}
    kwargs["model"] = uri.removesuffix("/chat/completions")
    kwargs["extra_body"] = {"model": body["model"]}
    exchange = _exchange(interaction, uri, normalise(body, model_id=None, recorded=True))
    return Case(path.name, [Call("chat", call.stream, kwargs, [exchange], provider="endpoint")])


def classify() -> tuple[list[Any], dict[str, str]]:
    params: list[Any] = []
    skipped: dict[str, str] = {}
    for path in scope_files():
        if path.name in SKIPPED:
            skipped[path.name] = SKIPPED[path.name]
            continue
        if THIRD_PARTY.search(path.name):
            skipped[path.name] = (
                "third-party provider route: replayed by tests/replay/test_provider_recordings.py"
            )
            continue
        variants = [("hf-inference", build_case)]
        if path.name.startswith("TestOpenAICompatibility."):
            variants.append(("url-target", openai_base_url_case))
        for label, build in variants:
            for twin in TWINS:
                params.append(pytest.param(path, build, twin, id=f"{path.stem}-{label}-{twin}"))
    return params, skipped


PARAMS, SKIPS = classify()


# ------------------------------------------------------------------ the two twins


class Server:
    """The MockTransport handler: checks each request against the next exchange."""

    def __init__(self, call: Call) -> None:
        self.pending = list(call.exchanges)
        self.stream = call.stream
        self.served = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert self.pending, f"unexpected extra request {request.method} {request.url}"
        exchange = self.pending.pop(0)
        assert request.method == "POST"
        assert str(request.url) == exchange.url
        assert request.headers["authorization"] == f"Bearer {FAKE_TOKEN}"
        assert request.headers["content-type"] == "application/json"
        assert (request.headers["accept"] == "text/event-stream") is self.stream
        if exchange.body is not None:
            sent = normalise(json.loads(request.content), model_id=None, recorded=False)
            assert sent == exchange.body, f"{exchange.url}: sent {sent}, recorded {exchange.body}"
        self.served += 1
        return exchange.response()


@dataclass
class Outcome:
    result: Any = None
    items: list[Any] | None = None
    error: HfError | None = None
    meta: Any = None
    closed: bool | None = None


def run_sync(call: Call, server: Server) -> Outcome:
    http = httpx2.Client(transport=httpx2.MockTransport(server))
    with (
        http,
        HfInferenceClient(
            default_provider="hf-inference", token=FAKE_TOKEN, http_client=http
        ) as client,
    ):
        service = getattr(client, call.service)
        try:
            if call.stream:
                with service.stream(**call.kwargs) as stream:
                    items = list(stream)
                return Outcome(items=items, meta=stream.response_meta, closed=stream.is_closed)
            method = service.complete if call.service == "chat" else service.generate
            result = method(**call.kwargs)
            return Outcome(result=result, meta=result.response_meta)
        except HfError as exc:
            return Outcome(error=exc)


async def run_async(call: Call, server: Server) -> Outcome:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(server))
    async with (
        http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token=FAKE_TOKEN, http_client=http
        ) as client,
    ):
        service = getattr(client, call.service)
        try:
            if call.stream:
                async with await service.stream(**call.kwargs) as stream:
                    items = [item async for item in stream]
                return Outcome(items=items, meta=stream.response_meta, closed=stream.is_closed)
            method = service.complete if call.service == "chat" else service.generate
            result = await method(**call.kwargs)
            return Outcome(result=result, meta=result.response_meta)
        except HfError as exc:
            return Outcome(error=exc)


def run(twin: str, call: Call, server: Server) -> Outcome:
    if twin == "sync":
        return run_sync(call, server)
    return anyio.run(run_async, call, server, backend=twin)


# ------------------------------------------------------------------ expectations


def sse_payloads(content: bytes) -> list[Any]:
    """The JSON of each ``data:`` line, read independently of the client's decoder."""
    out = []
    for line in content.decode("utf-8").splitlines():
        if line.startswith("data:"):
            data = line[len("data:") :].strip()
            if data != "[DONE]":
                out.append(drop_nulls(json.loads(data)))
    return out


ERRORS: dict[int, type[HfError]] = {
    400: RequestRejected,
    401: AuthenticationError,
    422: RequestRejected,
}


def check(call: Call, outcome: Outcome, server: Server) -> None:
    if call.refused:
        assert isinstance(outcome.error, InvalidArgument), outcome
        assert outcome.error.status_code is None  # raised before sending
        assert server.served == 0
        return
    assert server.served == len(call.exchanges), "not every recorded exchange was requested"
    final = call.exchanges[-1]
    if final.status >= 300:
        error = outcome.error
        assert type(error) is ERRORS[final.status], outcome
        assert error.status_code == final.status
        assert error.request_id == final.request_id
        body = final.content.decode("utf-8")
        expected = json.loads(body)["error"] if body.lstrip().startswith("{") else body
        assert error.server_message == expected
        return
    assert outcome.error is None, outcome.error
    meta = outcome.meta
    assert meta.status_code == final.status
    assert meta.request_id == final.request_id
    assert meta.provider == call.provider
    if call.stream:
        expected_items = sse_payloads(final.content)
        assert [i.model_dump(exclude_none=True) for i in outcome.items or []] == expected_items
        assert outcome.closed is True
        return
    expected = drop_nulls(final.json())
    if isinstance(expected, list):  # transformers-backed POST /models/{id}: [output]
        [expected] = expected
    assert outcome.result.model_dump(exclude_none=True) == expected


@pytest.mark.parametrize(("path", "build", "twin"), PARAMS)
def test_replay(path: Path, build: Callable[[Path], Case], twin: str) -> None:
    case = build(path)
    assert case.calls, f"{path.name}: no inference call found"
    for call in case.calls:
        server = Server(call)
        check(call, run(twin, call, server), server)


def test_scope_is_fully_classified() -> None:
    replayed = {p.values[0].name for p in PARAMS}
    assert replayed.isdisjoint(SKIPS)
    assert replayed | set(SKIPS) == {p.name for p in scope_files()}
    assert len(replayed) >= 15  # the hf-inference chat + TGI recordings we know of


@pytest.mark.parametrize("name", sorted(SKIPS), ids=sorted(SKIPS))
def test_skipped_recordings(name: str) -> None:
    pytest.skip(SKIPS[name])
