"""The two recipes of docs/ARCHITECTURE.md, followed for a throw-away provider and task.

Adding a provider is one helper class plus one registry line; adding a task is one
registry row plus one service method (plus its schema, which this test does without:
the throw-away task takes no parameters). Each step below is what the recipe says,
done with ``monkeypatch`` so nothing stays registered after the test; the calls then
go through the real client (mapping lookup, routing, transport, the helper's answer
reader, the task's parser) against the shared scripted ``Wire`` peer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, ModelNotAvailableOnProvider
from hf_inference_endpoints._async._task_runner import AsyncTaskService
from hf_inference_endpoints._routing import providers
from hf_inference_endpoints._routing.providers._base import (
    Done,
    JobContext,
    ProviderHelper,
    RawBody,
    Step,
    body_inputs,
)
from hf_inference_endpoints._tasks import registry

from ..wire import Wire

HUB = "https://hub.test"
ROUTER = "https://router.test"
TOKEN = "hf_recipe_token"
MODEL = "org/lang-id"
TASK = "language-identification"  # not a task this client knows
MAPPING = {"acme": {"status": "live", "providerId": "acme/lang-id-v2", "task": TASK}}


# ---------------------------------------------------------------- recipe 1: a provider


class AcmeHelper(ProviderHelper):
    """``acme``: chat ``/v1/chat/completions``; language identification ``/v1/lang``."""

    name: ClassVar[str] = "acme"
    direct_url: ClassVar[str] = "https://api.acme.test"
    routes: ClassVar[Mapping[str, str]] = {
        "conversational": "/v1/chat/completions",
        TASK: "/v1/lang",
    }

    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: Any = None,
    ) -> dict[str, Any] | RawBody:
        if task == TASK:
            return {"model": model_id, "text": body_inputs(body)}
        return super().payload(task, model_id, body, mapping=mapping)

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task == TASK:  # the provider's shape -> the task's HF shape
            return Done([{"label": c["lang"], "score": c["p"]} for c in data["candidates"]])
        return super().parse_response(task, data, job)


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry line: ``"acme": ("acme", "AcmeHelper")`` in ``_HELPERS`` (the helper
    object is put in the registry directly, as its module is not in the package)."""
    monkeypatch.setitem(providers._HELPERS, "acme", ("acme", "AcmeHelper"))
    monkeypatch.setitem(providers._REGISTRY, "acme", AcmeHelper())


# ------------------------------------------------------------------ recipe 2: a task


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
            {},
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
    """The registry row of the task."""
    spec = registry.TaskSpec(
        TASK, "languages.identify", "text", None, parse=parse_language_identification
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


# ------------------------------------------------------------------------------ tests


@pytest.mark.anyio
async def test_the_new_provider_serves_the_new_task_through_the_client(
    acme: None, language_task: None
) -> None:
    answer = {"candidates": [{"lang": "fr", "p": 0.9}, {"lang": "it", "p": 0.1}]}
    wire = Wire().mapping(HUB, MODEL, MAPPING)
    wire.add("POST", f"{ROUTER}/acme/v1/lang", httpx2.Response(200, json=answer))
    async with make_client(wire) as client:
        out = await AsyncLanguages(client).identify(MODEL, "Bonjour", provider="acme")
    assert out == [("fr", 0.9), ("it", 0.1)]
    post = wire.requests[-1]
    assert wire.body(len(wire.requests) - 1) == {"model": "acme/lang-id-v2", "text": "Bonjour"}
    assert post.headers["authorization"] == f"Bearer {TOKEN}"


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
    assert wire.body(1)["model"] == "acme/chat-1"


@pytest.mark.anyio
async def test_without_the_registry_line_the_provider_is_unknown(language_task: None) -> None:
    wire = Wire()
    async with make_client(wire) as client:
        with pytest.raises(ModelNotAvailableOnProvider, match="'acme'"):
            await AsyncLanguages(client).identify(MODEL, "Bonjour", provider="acme")
    assert wire.requests == []
