"""Provider helpers: one small class per provider, registered by name (no I/O).

Adding a provider: write ``<name>.py`` with a :class:`ProviderHelper` subclass that
sets ``name`` and ``tasks`` and overrides ``route``/``payload`` where it differs,
then add one line to ``_REGISTRY`` below.
"""

from __future__ import annotations

from .._errors_shim import unknown_provider
from ._base import ProviderHelper
from .hf_inference import HfInferenceHelper

__all__ = ["ProviderHelper", "get_helper", "known_providers"]

_REGISTRY: dict[str, ProviderHelper] = {
    HfInferenceHelper.name: HfInferenceHelper(),
}


def get_helper(name: str, task: str) -> ProviderHelper:
    """Return the helper for ``name``.

    Raises:
        ModelNotAvailableOnProvider: No helper is registered for that provider and task.
    """
    helper = _REGISTRY.get(name)
    if helper is None or task not in helper.tasks:
        raise unknown_provider(name, task, sorted(_REGISTRY))
    return helper


def known_providers() -> list[str]:
    """Names of the registered providers."""
    return sorted(_REGISTRY)
