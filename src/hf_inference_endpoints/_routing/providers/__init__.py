"""Provider helpers: one small class per provider, registered by name (no I/O).

Adding a provider is one file plus one line in ``_REGISTRY`` below; README.md next
to this file walks through it.
"""

from __future__ import annotations

from .._errors_shim import unknown_provider
from ._base import ProviderHelper
from .baseten import BasetenHelper
from .cerebras import CerebrasHelper
from .cohere import CohereHelper
from .deepinfra import DeepInfraHelper
from .fal_ai import FalAIHelper
from .featherless_ai import FeatherlessAIHelper
from .fireworks_ai import FireworksAIHelper
from .generic import generic_chat_helper
from .groq import GroqHelper
from .hf_inference import HfInferenceHelper
from .hyperbolic import HyperbolicHelper
from .nebius import NebiusHelper
from .novita import NovitaHelper
from .nscale import NscaleHelper
from .openai import OpenAIHelper
from .ovhcloud import OvhcloudHelper
from .publicai import PublicaiHelper
from .replicate import ReplicateHelper
from .sambanova import SambanovaHelper
from .scaleway import ScalewayHelper
from .together import TogetherHelper
from .wavespeed import WavespeedHelper
from .zai_org import ZaiOrgHelper

__all__ = [
    "ProviderHelper",
    "answer_helper",
    "find_helper",
    "get_helper",
    "helper_for",
    "known_providers",
    "registered",
]

_REGISTRY: dict[str, ProviderHelper] = {
    helper.name: helper
    for helper in (
        BasetenHelper(),
        CerebrasHelper(),
        CohereHelper(),
        DeepInfraHelper(),
        FalAIHelper(),
        FeatherlessAIHelper(),
        FireworksAIHelper(),
        GroqHelper(),
        HfInferenceHelper(),
        HyperbolicHelper(),
        NebiusHelper(),
        NovitaHelper(),
        NscaleHelper(),
        OpenAIHelper(),
        OvhcloudHelper(),
        PublicaiHelper(),
        ReplicateHelper(),
        SambanovaHelper(),
        ScalewayHelper(),
        TogetherHelper(),
        WavespeedHelper(),
        ZaiOrgHelper(),
    )
}


def registered(name: str) -> ProviderHelper | None:
    """The registered helper for ``name`` (any task), or None."""
    return _REGISTRY.get(name)


def find_helper(name: str, task: str) -> ProviderHelper | None:
    """Return the helper for ``name`` if it serves ``task``, else None."""
    helper = _REGISTRY.get(name)
    return helper if helper is not None and task in helper.tasks else None


def helper_for(name: str, task: str) -> ProviderHelper | None:
    """The helper that routes ``task`` on ``name``: the registered one, or for chat on a
    provider without a helper, the generic OpenAI-compatible one. None when neither applies.
    """
    helper = find_helper(name, task)
    if helper is None and task == "conversational" and name not in _REGISTRY:
        return generic_chat_helper(name)
    return helper


def get_helper(name: str, task: str, model: str | None = None) -> ProviderHelper:
    """Return the helper for ``name`` and ``task``.

    Raises:
        ModelNotAvailableOnProvider: No helper is registered for that provider and task.
    """
    helper = find_helper(name, task)
    if helper is None:
        raise unknown_provider(name, task, sorted(_REGISTRY), model)
    return helper


_PLAIN = ProviderHelper()


def answer_helper(provider: str | None, task: str) -> ProviderHelper:
    """The helper that reads answers of a request sent to ``provider`` (its context label).

    A dedicated endpoint (``endpoint``) answers like hf-inference; the OpenAI-compatible
    router (``router:...``) and unknown names answer plain JSON.
    """
    name = provider or ""
    if name == "endpoint":
        return _REGISTRY["hf-inference"]
    if name.startswith("router"):
        return _PLAIN
    return helper_for(name, task) or _PLAIN


def known_providers() -> list[str]:
    """Names of the registered providers."""
    return sorted(_REGISTRY)
