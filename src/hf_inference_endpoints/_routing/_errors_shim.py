"""Error builders shared by the routing modules (no I/O)."""

from __future__ import annotations

from .._errors import ModelNotAvailableOnProvider

__all__ = ["unknown_provider"]


def unknown_provider(
    name: str, task: str, known: list[str], model: str | None = None
) -> ModelNotAvailableOnProvider:
    """The error for a provider (or provider+task) the client cannot route."""
    example = model or "org/name"
    return ModelNotAvailableOnProvider(
        f"provider {name!r} is not supported for task {task!r} by this client "
        f"(supported: {', '.join(known)}); for chat, any provider works through the router "
        f"as model='{example}:{name}'",
        provider=name,
        model=model,
    )
