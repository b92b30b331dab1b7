"""Provider helpers: one small class per provider, registered by name (no I/O).

Adding a provider: write ``<name>.py`` with a :class:`ProviderHelper` subclass that
sets ``name`` and ``tasks`` and overrides ``route``/``payload`` where it differs,
then add one line to ``_REGISTRY`` below.
"""

from __future__ import annotations

from .._errors_shim import unknown_provider
from ._base import ProviderHelper
from .hf_inference import HfInferenceHelper

__all__ = ["ProviderHelper", "find_helper", "get_helper", "known_providers"]

_REGISTRY: dict[str, ProviderHelper] = {
    HfInferenceHelper.name: HfInferenceHelper(),
}


def find_helper(name: str, task: str) -> ProviderHelper | None:
    """Return the helper for ``name`` if it serves ``task``, else None."""
    helper = _REGISTRY.get(name)
    return helper if helper is not None and task in helper.tasks else None


def get_helper(name: str, task: str, model: str | None = None) -> ProviderHelper:
    """Return the helper for ``name``.

    Raises:
        ModelNotAvailableOnProvider: No helper is registered for that provider and task.
    """
    helper = find_helper(name, task)
    if helper is None:
        raise unknown_provider(name, task, sorted(_REGISTRY), model)
    return helper


def known_providers() -> list[str]:
    """Names of the registered providers."""
    return sorted(_REGISTRY)
