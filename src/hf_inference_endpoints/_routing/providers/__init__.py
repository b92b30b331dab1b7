"""Provider helpers: one small class per provider, registered by name (no I/O).

Adding a provider is one file plus one line in ``_HELPERS`` below; README.md next
to this file walks through it.
"""

from __future__ import annotations

from importlib import import_module

from ..unsupported import unknown_provider
from ._base import ProviderHelper
from .generic import generic_chat_helper

__all__ = [
    "REMOVED_WITHOUT_HELPER",
    "UNROUTED",
    "ProviderHelper",
    "answer_helper",
    "find_helper",
    "get_helper",
    "helper_for",
    "hf_or_auto",
    "known_providers",
    "mapping_free",
    "native_provider",
    "registered",
]

#: The provider of HF's own serverless inference (``hf_native``).
_NATIVE = "hf-inference"
#: Not a provider: the router (chat) or the mapping lookup (other tasks) picks one.
_AUTO = "auto"

#: provider name -> (module in this package, helper class). A helper module is imported
#: the first time its provider is used: importing all of them made the client's import
#: ~11 ms slower, for providers most programs never call.
_HELPERS: dict[str, tuple[str, str]] = {
    "baseten": ("baseten", "BasetenHelper"),
    "cerebras": ("cerebras", "CerebrasHelper"),
    "cohere": ("cohere", "CohereHelper"),
    "deepinfra": ("deepinfra", "DeepInfraHelper"),
    "fal-ai": ("fal_ai", "FalAIHelper"),
    "featherless-ai": ("featherless_ai", "FeatherlessAIHelper"),
    "fireworks-ai": ("fireworks_ai", "FireworksAIHelper"),
    "groq": ("groq", "GroqHelper"),
    "hf-inference": ("hf_inference", "HfInferenceHelper"),
    "hyperbolic": ("hyperbolic", "HyperbolicHelper"),
    "nebius": ("nebius", "NebiusHelper"),
    "novita": ("novita", "NovitaHelper"),
    "nscale": ("nscale", "NscaleHelper"),
    "openai": ("openai", "OpenAIHelper"),
    "ovhcloud": ("ovhcloud", "OvhcloudHelper"),
    "publicai": ("publicai", "PublicaiHelper"),
    "replicate": ("replicate", "ReplicateHelper"),
    "sambanova": ("sambanova", "SambanovaHelper"),
    "scaleway": ("scaleway", "ScalewayHelper"),
    "together": ("together", "TogetherHelper"),
    "wavespeed": ("wavespeed", "WavespeedHelper"),
    "zai-org": ("zai_org", "ZaiOrgHelper"),
}

#: Providers HF removed from routing on 2026-07-01 (huggingface_hub PR #4447) that never had
#: a helper here; the ones that do say ``routed = False`` (docs/providers.md).
REMOVED_WITHOUT_HELPER: frozenset[str] = frozenset({"black-forest-labs", "clarifai", "nvidia"})

#: Providers with a helper here that HF removed from routing (their helper says
#: ``routed = False``). Written out so the check every call makes imports no helper
#: module (importing all 22 cost the first call ~10 ms); a test keeps it in step.
UNROUTED: frozenset[str] = frozenset({"hyperbolic", "nebius", "sambanova"})

_REGISTRY: dict[str, ProviderHelper] = {}  # the helpers built so far


def _registered(name: str) -> ProviderHelper | None:
    helper = _REGISTRY.get(name)
    if helper is None:
        where = _HELPERS.get(name)
        if where is None:
            return None
        helper = getattr(import_module(f".{where[0]}", __name__), where[1])()
        assert helper.name == name, (helper.name, name)
        helper = _REGISTRY.setdefault(name, helper)
    return helper


def registered(name: str) -> ProviderHelper | None:
    """The registered helper for ``name`` (any task), or None."""
    return _registered(name)


def find_helper(name: str, task: str) -> ProviderHelper | None:
    """Return the helper for ``name`` if it serves ``task``, else None."""
    helper = _registered(name)
    return helper if helper is not None and task in helper.tasks else None


def helper_for(name: str, task: str) -> ProviderHelper | None:
    """The helper that routes ``task`` on ``name``: the registered one, or for chat on a
    provider without a helper, the generic OpenAI-compatible one. None when neither applies.
    """
    helper = find_helper(name, task)
    if (
        helper is None
        and task == "conversational"
        and name not in _HELPERS
        and name not in REMOVED_WITHOUT_HELPER  # HF's router no longer forwards to them
    ):
        return generic_chat_helper(name)
    return helper


def get_helper(name: str, task: str, model: str | None = None) -> ProviderHelper:
    """Return the helper for ``name`` and ``task``.

    Raises:
        ModelNotAvailableOnProvider: No helper is registered for that provider and task.
    """
    helper = find_helper(name, task)
    if helper is None:
        raise unknown_provider(name, task, sorted(_HELPERS), model)
    return helper


_PLAIN = ProviderHelper()


def answer_helper(provider: str | None, task: str) -> ProviderHelper:
    """The helper that reads answers of a request sent to ``provider`` (its context label).

    A dedicated endpoint (``endpoint``) answers like hf-inference; the OpenAI-compatible
    router (``router:...``) and unknown names answer plain JSON.
    """
    name = provider or ""
    if name == "endpoint":
        helper = _registered(_NATIVE)
        assert helper is not None
        return helper
    if name.startswith("router"):
        return _PLAIN
    return helper_for(name, task) or _PLAIN


def native_provider() -> str:
    """HF's own serverless provider: what ``provider="auto"`` means without a mapping lookup."""
    return _NATIVE


def hf_or_auto(provider: str | None) -> bool:
    """Whether ``provider=`` names no third party: None, ``auto``, or an ``hf_native`` one.

    Such a call takes the HF task body as is, and goes with a URL or ``endpoint=`` target.
    """
    if provider is None or provider == _AUTO:
        return True
    helper = _registered(provider)
    return helper is not None and helper.hf_native


def mapping_free(provider: str) -> bool:
    """Whether a model reaches ``provider`` without a mapping entry (the Hub id is its
    model id) although the Hub lists it: a failover candidate even when unmapped."""
    helper = _registered(provider)
    return helper is not None and helper.on_hub and not helper.needs_mapping


def known_providers() -> list[str]:
    """Names of the registered providers."""
    return sorted(_HELPERS)
