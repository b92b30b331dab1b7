"""The two recipes of docs/ARCHITECTURE.md, followed for a throw-away provider and task.

Adding a provider is one file plus one registry line: the test writes the helper's module
(``ACME_MODULE``, routes as data, no method) into a folder it adds to the providers
package's path, and adds its line to ``_HELPERS``; the registry imports it on first use,
as it does the real helpers. Adding a task is one schema (the ``<Task>Parameters`` model
``make generate`` would write; here a model the test defines), one registry row
(``TaskSpec``) and one service method. Every step is undone after the test
(``monkeypatch``); the calls go through the real client (mapping lookup, parameter check,
routing, transport, job polling, the task's parser) against the scripted ``Wire`` peer,
and the test checks the exact requests sent and the parsed answer.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import httpx2
import pytest
from pydantic import Field

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    ModelNotAvailableOnProvider,
    ValidationError,
    models,
)
from hf_inference_endpoints._async._task_runner import AsyncTaskService
from hf_inference_endpoints._base import RequestModel
from hf_inference_endpoints._routing import providers
from hf_inference_endpoints._tasks import registry

from ..wire import Wire

HUB = "https://hub.test"
ROUTER = "https://router.test"
TOKEN = "hf_recipe_token"
MODEL = "org/lang-id"
PROVIDER_MODEL = "acme/lang-id-v2"
TASK = "language-identification"  # not a task this client knows
MAPPING = {"acme": {"status": "live", "providerId": PROVIDER_MODEL, "task": TASK}}
SUBMIT = f"{ROUTER}/acme/v2/{PROVIDER_MODEL}/identify"
POLL = f"{ROUTER}/acme/v1/jobs/j-42"


# ---------------------------------------------------------------- recipe 1: a provider

#: ``_routing/providers/acme.py``, as a contributor would write it: no method, the
#: provider x task rows as data (an async job: submit, then poll until done).
ACME_MODULE = '''
"""Acme: OpenAI chat, and language identification as an async job."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._base import Done, Fetch, JobContext, ProviderHelper, RawBody, Route, Step, body_inputs
from ._base import body_parameters, malformed


def _identify_body(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return {"model": model_id, "text": body_inputs(body), **body_parameters(body)}


def _submitted(data: Any, job: JobContext) -> Step:
    if not isinstance(data, Mapping) or not data.get("job_id"):
        raise malformed("job_id", "present")
    return Fetch(f"{job.base_url}/v1/jobs/{data['job_id']}", "job")


def _job(step: Fetch, data: Any, job: JobContext) -> Step:
    if data["state"] == "running":
        return step.again()
    return Done([{"label": c["lang"], "score": c["p"]} for c in data["candidates"]])


class AcmeHelper(ProviderHelper):
    """``acme``: chat ``/v1/chat/completions``; language identification ``/v2/{id}/identify``."""

    name: ClassVar[str] = "acme"
    direct_url: ClassVar[str] = "https://api.acme.test"
    fixed_headers: ClassVar[Mapping[str, str]] = {"x-acme-client": "hfie"}
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "language-identification": Route(
            "/v2/{model}/identify", body=_identify_body, answer=_submitted, follow=_job
        ),
    }
'''


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The file, and the registry line ``"acme": ("acme", "AcmeHelper")`` in ``_HELPERS``."""
    (tmp_path / "acme.py").write_text(ACME_MODULE, encoding="utf-8")
    monkeypatch.setattr(providers, "__path__", [*providers.__path__, str(tmp_path)])
    monkeypatch.setattr(providers, "_REGISTRY", dict(providers._REGISTRY))
    monkeypatch.setitem(providers._HELPERS, "acme", ("acme", "AcmeHelper"))
    importlib.invalidate_caches()
    yield
    sys.modules.pop(f"{providers.__name__}.acme", None)


# ------------------------------------------------------------------ recipe 2: a task


class LanguageIdentificationParameters(RequestModel):
    """What ``schemas/language-identification/input.json`` + ``make generate`` would give."""

    top_k: Annotated[int | None, Field(ge=1)] = None


def parse_language_identification(data: Any) -> list[tuple[str, float]]:
    """The task's answer parser: HF-shaped JSON -> the typed result."""
    return [(item["label"], float(item["score"])) for item in data]


class AsyncLanguages(AsyncTaskService):
    """The service method: the task's arguments, then the shared call options."""

    async def identify(
        self,
        model: str | None = None,
        text: str | None = None,
        *,
        top_k: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[tuple[str, float]]:
        result: list[tuple[str, float]] = await self._run(
            TASK,
            text,
            {"top_k": top_k},
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return result


@pytest.fixture
def language_task(monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema's model, and the registry row of the task."""
    monkeypatch.setattr(
        models,
        "LanguageIdentificationParameters",
        LanguageIdentificationParameters,
        raising=False,
    )
    spec = registry.TaskSpec(
        TASK,
        "languages.identify",
        "text",
        "LanguageIdentificationParameters",
        parse=parse_language_identification,
    )
    monkeypatch.setitem(registry.TASKS, TASK, spec)  # type: ignore[index]


def make_client(wire: Wire) -> AsyncHfInferenceClient:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(wire))
    return AsyncHfInferenceClient(
        default_provider="hf-inference",
        token=TOKEN,
        hub_url=HUB,
        router_url=ROUTER,
        http_client=http,
    )


def job_wire() -> Wire:
    """The Hub's mapping; the submit answers a job id; the job runs once, then is done."""
    done = {"state": "done", "candidates": [{"lang": "fr", "p": 0.9}, {"lang": "it", "p": 0.1}]}
    wire = Wire().mapping(HUB, MODEL, MAPPING)
    wire.add("POST", SUBMIT, httpx2.Response(200, json={"job_id": "j-42"}))
    wire.add(
        "GET",
        POLL,
        httpx2.Response(200, json={"state": "running"}),
        httpx2.Response(200, json=done),
    )
    return wire


# ------------------------------------------------------------------------------ tests


@pytest.mark.anyio
async def test_the_new_provider_serves_the_new_task_through_the_client(
    acme: None, language_task: None
) -> None:
    wire = job_wire()
    async with make_client(wire) as client:
        out = await AsyncLanguages(client).identify(
            MODEL, "Bonjour", top_k=2, provider="acme", bill_to="my-org"
        )
    assert out == [("fr", 0.9), ("it", 0.1)]
    assert wire.urls()[1:] == [f"POST {SUBMIT}", f"GET {POLL}", f"GET {POLL}"]
    submit, poll = wire.requests[1], wire.requests[2]
    assert wire.body(1) == {"model": PROVIDER_MODEL, "text": "Bonjour", "top_k": 2}
    assert submit.headers["authorization"] == f"Bearer {TOKEN}"
    assert submit.headers["x-acme-client"] == "hfie"  # the helper's fixed headers
    assert submit.headers["content-type"] == "application/json"
    assert submit.headers["x-hf-bill-to"] == "my-org"
    # the poll keeps the credentials and the provider's headers, not the body's
    assert poll.headers["authorization"] == f"Bearer {TOKEN}"
    assert poll.headers["x-acme-client"] == "hfie"
    assert "content-type" not in poll.headers
    assert poll.content == b""


@pytest.mark.anyio
async def test_infer_serves_the_registered_task_with_no_further_work(
    acme: None, language_task: None
) -> None:
    wire = job_wire()
    async with make_client(wire) as client:
        out = await client.infer(TASK, MODEL, "Hallo", provider="acme")
    # infer does not parse: the helper's HF-shaped answer, as the job gave it
    assert out == [{"label": "fr", "score": 0.9}, {"label": "it", "score": 0.1}]
    assert wire.body(1) == {"model": PROVIDER_MODEL, "text": "Hallo"}


@pytest.mark.anyio
async def test_the_schema_checks_the_new_tasks_parameters_before_sending(
    acme: None, language_task: None
) -> None:
    wire = job_wire()
    async with make_client(wire) as client:
        with pytest.raises(ValidationError, match="top_k"):
            await AsyncLanguages(client).identify(MODEL, "Bonjour", top_k=0, provider="acme")
    assert wire.requests == []


@pytest.mark.anyio
async def test_the_new_provider_serves_chat_with_nothing_but_its_route(acme: None) -> None:
    chat_model = "org/chat"
    mapping = {"acme": {"status": "live", "providerId": "acme/chat-1", "task": "conversational"}}
    completion = {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "acme/chat-1",
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}
        ],
    }
    wire = Wire().mapping(HUB, chat_model, mapping)
    wire.add("POST", f"{ROUTER}/acme/v1/chat/completions", httpx2.Response(200, json=completion))
    async with make_client(wire) as client:
        reply = await client.chat.complete(
            model=chat_model, messages=[{"role": "user", "content": "hi"}], provider="acme"
        )
    assert reply.choices[0].message.content == "ok"
    assert wire.body(1) == {"model": "acme/chat-1", "messages": [{"role": "user", "content": "hi"}]}
    assert wire.requests[1].headers["x-acme-client"] == "hfie"


def test_the_registry_reads_the_new_providers_matrix_from_its_routes(acme: None) -> None:
    helper = providers.registered("acme")
    assert helper is not None
    assert type(helper).__module__ == f"{providers.__name__}.acme"  # imported from its file
    assert "acme" in providers.known_providers()
    assert helper.tasks == {"conversational", TASK}
    assert providers.find_helper("acme", TASK) is helper
    assert providers.find_helper("acme", "text-to-image") is None


@pytest.mark.anyio
async def test_without_the_registry_line_the_provider_is_unknown(language_task: None) -> None:
    wire = Wire()
    async with make_client(wire) as client:
        with pytest.raises(ModelNotAvailableOnProvider, match="'acme'"):
            await AsyncLanguages(client).identify(MODEL, "Bonjour", provider="acme")
    assert wire.requests == []
