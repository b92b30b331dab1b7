"""The emulator's model catalog: Hub metadata and provider mappings (no Starlette).

One table serves ``/hub/api/models/...`` (``inferenceProviderMapping``,
``pipeline_tag``), ``/hub/api/tasks`` (widget models) and the router's provider
choice for ``model:fastest|cheapest|preferred|<provider>``.  Extend it per app with
``EmulatorSettings.extra_models``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_MODELS",
    "PROVIDER_STATS",
    "Catalog",
    "CatalogModel",
    "ChatRoute",
    "ProviderMapping",
    "ProviderStats",
    "RoutingError",
    "chat_model",
]

ROUTER_POLICIES = ("fastest", "cheapest", "preferred")


@dataclass(frozen=True)
class ProviderMapping:
    """One ``inferenceProviderMapping`` entry (the provider name is the dict key)."""

    provider_id: str
    task: str
    status: str = "live"
    is_model_author: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "providerId": self.provider_id,
            "task": self.task,
            "isModelAuthor": self.is_model_author,
        }


@dataclass(frozen=True)
class ProviderStats:
    """Router metrics used to rank providers (tokens/s, USD per 1M tokens)."""

    throughput: float
    input_price: float
    output_price: float
    first_token_latency_ms: int


PROVIDER_STATS: dict[str, ProviderStats] = {
    "hf-inference": ProviderStats(45.0, 0.02, 0.05, 450),
    "together": ProviderStats(110.0, 0.18, 0.18, 300),
    "groq": ProviderStats(520.0, 0.05, 0.08, 120),
    "fireworks-ai": ProviderStats(150.0, 0.20, 0.20, 250),
    "fal-ai": ProviderStats(0.0, 0.0, 0.0, 0),
    "replicate": ProviderStats(0.0, 0.0, 0.0, 0),
}


@dataclass(frozen=True)
class CatalogModel:
    """A Hub model as the emulator knows it. ``providers`` is in preference order."""

    id: str
    pipeline_tag: str
    library_name: str = "transformers"
    tags: tuple[str, ...] = ()
    providers: Mapping[str, ProviderMapping] = field(default_factory=dict)
    context_length: int = 8192
    widget: bool = True

    @property
    def author(self) -> str:
        return self.id.split("/", 1)[0] if "/" in self.id else ""

    def _hex(self, n: int) -> str:
        return hashlib.sha1(self.id.encode()).hexdigest()[:n]

    def field_value(self, name: str) -> tuple[bool, Any]:
        """Value of one Hub ``expand`` field; ``(False, None)`` when unknown."""
        if name == "inferenceProviderMapping":
            return True, {p: m.to_json() for p, m in self.providers.items()}
        if name == "inference":
            return True, ("warm" if "hf-inference" in self.providers else None)
        if name == "pipeline_tag":
            return True, self.pipeline_tag
        if name == "library_name":
            return True, self.library_name
        if name == "tags":
            return True, list(self.tags)
        if name == "author":
            return True, self.author
        if name == "sha":
            return True, self._hex(40)
        if name == "downloads":  # made up, stable per model
            return True, int(self._hex(6), 16) % 5_000_000
        if name == "likes":
            return True, int(self._hex(4), 16) % 5_000
        if name in ("private", "gated", "disabled"):
            return True, False
        if name == "lastModified":
            return True, "2025-01-01T00:00:00.000Z"
        return False, None

    def to_hub_json(self, expand: list[str] | None = None) -> dict[str, Any]:
        """Model info as ``GET /api/models/{id}`` returns it.

        Like the Hub, an ``expand`` list returns only ``_id``, ``id`` and the
        requested fields.
        """
        out: dict[str, Any] = {"_id": self._hex(24), "id": self.id}
        if expand:
            for name in expand:
                known, value = self.field_value(name)
                if known and value is not None:
                    out[name] = value
            return out
        out["modelId"] = self.id
        for name in (
            "author",
            "sha",
            "private",
            "gated",
            "disabled",
            "pipeline_tag",
            "library_name",
            "tags",
            "downloads",
            "likes",
            "lastModified",
        ):
            out[name] = self.field_value(name)[1]
        return out


def _chat_llm(model_id: str, providers: dict[str, ProviderMapping]) -> CatalogModel:
    return CatalogModel(
        id=model_id,
        pipeline_tag="text-generation",
        tags=("transformers", "safetensors", "text-generation", "conversational"),
        providers=providers,
        context_length=131072,
    )


_CONV = "conversational"


def chat_model(model_id: str, *providers: str) -> CatalogModel:
    """A chat LLM served by ``providers`` (default ``hf-inference``) under its own id.

    For :attr:`EmulatorSettings.extra_models`: the emulator answers, like the router, only
    for models its catalog has.

    Example:
        >>> m = chat_model("demo/chat-model")
        >>> m.pipeline_tag, list(m.providers)
        ('text-generation', ['hf-inference'])
    """
    names = providers or ("hf-inference",)
    return _chat_llm(model_id, {name: ProviderMapping(model_id, _CONV) for name in names})


DEFAULT_MODELS: dict[str, CatalogModel] = {
    m.id: m
    for m in (
        _chat_llm(
            "meta-llama/Llama-3.1-8B-Instruct",
            {
                "hf-inference": ProviderMapping("meta-llama/Llama-3.1-8B-Instruct", _CONV),
                "together": ProviderMapping("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", _CONV),
                "groq": ProviderMapping("llama-3.1-8b-instant", _CONV),
                "fireworks-ai": ProviderMapping(
                    "accounts/fireworks/models/llama-v3p1-8b-instruct", _CONV
                ),
            },
        ),
        _chat_llm(
            "Qwen/Qwen2.5-7B-Instruct",
            {
                "hf-inference": ProviderMapping("Qwen/Qwen2.5-7B-Instruct", _CONV),
                "together": ProviderMapping("Qwen/Qwen2.5-7B-Instruct-Turbo", _CONV),
            },
        ),
        _chat_llm(
            "deepseek-ai/DeepSeek-R1",
            {
                "together": ProviderMapping("deepseek-ai/DeepSeek-R1", _CONV),
                "fireworks-ai": ProviderMapping("accounts/fireworks/models/deepseek-r1", _CONV),
                "groq": ProviderMapping("deepseek-r1-distill-llama-70b", _CONV, status="error"),
            },
        ),
        _chat_llm(
            "HuggingFaceH4/zephyr-7b-beta",
            {"hf-inference": ProviderMapping("HuggingFaceH4/zephyr-7b-beta", _CONV)},
        ),
        CatalogModel(
            id="sentence-transformers/all-MiniLM-L6-v2",
            pipeline_tag="sentence-similarity",
            library_name="sentence-transformers",
            tags=("sentence-transformers", "feature-extraction", "sentence-similarity"),
            providers={
                "hf-inference": ProviderMapping(
                    "sentence-transformers/all-MiniLM-L6-v2", "sentence-similarity"
                )
            },
            context_length=256,
        ),
        CatalogModel(
            id="BAAI/bge-small-en-v1.5",
            pipeline_tag="feature-extraction",
            library_name="sentence-transformers",
            tags=("sentence-transformers", "feature-extraction", "text-embeddings-inference"),
            providers={
                "hf-inference": ProviderMapping("BAAI/bge-small-en-v1.5", "feature-extraction")
            },
            context_length=512,
        ),
        CatalogModel(
            id="distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            pipeline_tag="text-classification",
            tags=("transformers", "text-classification"),
            providers={
                "hf-inference": ProviderMapping(
                    "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
                    "text-classification",
                )
            },
        ),
        CatalogModel(
            id="black-forest-labs/FLUX.1-dev",
            pipeline_tag="text-to-image",
            library_name="diffusers",
            tags=("diffusers", "text-to-image"),
            providers={
                "fal-ai": ProviderMapping("fal-ai/flux/dev", "text-to-image"),
                "together": ProviderMapping("black-forest-labs/FLUX.1-dev", "text-to-image"),
                "replicate": ProviderMapping("black-forest-labs/flux-dev", "text-to-image"),
                "hf-inference": ProviderMapping("black-forest-labs/FLUX.1-dev", "text-to-image"),
            },
        ),
        CatalogModel(
            id="openai/whisper-large-v3",
            pipeline_tag="automatic-speech-recognition",
            tags=("transformers", "automatic-speech-recognition"),
            providers={
                "hf-inference": ProviderMapping(
                    "openai/whisper-large-v3", "automatic-speech-recognition"
                ),
                "fal-ai": ProviderMapping("fal-ai/whisper", "automatic-speech-recognition"),
            },
        ),
    )
}


class RoutingError(Exception):
    """The router cannot serve a ``model[:suffix]``; carries an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ChatRoute:
    """Result of resolving a router ``model`` value."""

    model: str
    provider: str
    provider_id: str
    policy: str


class Catalog:
    """Lookup over :data:`DEFAULT_MODELS` plus per-app extra models."""

    def __init__(self, extra: Mapping[str, CatalogModel] | None = None) -> None:
        self._models: dict[str, CatalogModel] = dict(DEFAULT_MODELS)
        if extra:
            self._models.update(extra)

    def get(self, model_id: str) -> CatalogModel | None:
        return self._models.get(model_id)

    def all(self) -> list[CatalogModel]:
        return list(self._models.values())

    def widget_models(self) -> dict[str, list[str]]:
        """pipeline tag -> model ids flagged as widget models (catalog order)."""
        out: dict[str, list[str]] = {}
        for m in self._models.values():
            if m.widget:
                out.setdefault(m.pipeline_tag, []).append(m.id)
                if m.pipeline_tag == "sentence-similarity":
                    out.setdefault("feature-extraction", []).append(m.id)
        return out

    def resolve_chat(self, requested: str) -> ChatRoute:
        """Resolve an OpenAI-router ``model`` (``id``, ``id:policy`` or ``id:provider``)."""
        model_id, _, suffix = requested.partition(":")
        policy = suffix or "fastest"
        model = self._models.get(model_id)
        if model is None:
            raise RoutingError(404, f"The requested model '{model_id}' does not exist.")
        live = {
            name: m
            for name, m in model.providers.items()
            if m.task == "conversational" and m.status == "live"
        }
        if policy not in ROUTER_POLICIES:
            mapping = model.providers.get(policy)
            if mapping is None or mapping.task != "conversational":
                raise RoutingError(
                    400,
                    f"The requested model '{model_id}' is not supported by provider '{policy}'.",
                )
            if mapping.status != "live":
                raise RoutingError(
                    503, f"Provider '{policy}' is currently unavailable for model '{model_id}'."
                )
            return ChatRoute(model_id, policy, mapping.provider_id, "forced")
        if not live:
            raise RoutingError(
                400, f"The requested model '{model_id}' is not a chat model on any live provider."
            )
        if policy == "preferred":
            name = next(iter(live))
        else:

            def rank(name: str) -> float:
                stats = PROVIDER_STATS.get(name, ProviderStats(1.0, 1.0, 1.0, 1000))
                return -stats.throughput if policy == "fastest" else stats.output_price

            name = min(live, key=rank)
        return ChatRoute(model_id, name, live[name].provider_id, policy)
