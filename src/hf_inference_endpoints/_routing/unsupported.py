"""The error for a provider (or provider + task) this client cannot route (no I/O)."""

from __future__ import annotations

from .._errors import ModelNotAvailableOnProvider

__all__ = ["unknown_provider"]


def unknown_provider(
    name: str, task: str, known: list[str], model: str | None = None, *, served: bool = False
) -> ModelNotAvailableOnProvider:
    """The error for a provider (or provider+task) the client cannot route.

    With ``served=True``, ``name`` is a known provider and ``known`` lists its tasks.
    """
    example = model or "org/name"
    if served:
        return ModelNotAvailableOnProvider(
            f"provider {name!r} does not serve task {task!r} "
            f"(its tasks: {', '.join(known)}); pass another provider or provider='auto'",
            provider=name,
            model=model,
        )
    from .providers import REMOVED_WITHOUT_HELPER

    if name in REMOVED_WITHOUT_HELPER:
        return ModelNotAvailableOnProvider(
            f"provider {name!r} was removed from Hugging Face routing (2026-07-01) and this "
            f"client has no route to its own API; choose a provider HF routes "
            f"(docs/providers.md) or provider='auto'",
            provider=name,
            model=model,
        )
    return ModelNotAvailableOnProvider(
        f"provider {name!r} is not supported for task {task!r} by this client "
        f"(supported: {', '.join(known)}); for chat, any provider works through the router "
        f"as model='{example}:{name}'",
        provider=name,
        model=model,
    )
