"""Where a provider's own key may go: to the one provider named, nowhere else (no I/O).

A token that does not start with ``hf_`` is a provider's own key (docs/wire.md §2.3). It
opens that provider's API and nothing else: the router (chat with provider ``auto`` or a
``:policy`` suffix) takes HF tokens only, and provider ``auto`` on any other task sends
the call to whichever provider the Hub maps first -- which may not be the one the key is
for. Both are refused before anything is sent (no Hub lookup, no download, no request).
"""

from __future__ import annotations

from collections.abc import Sequence

from .._errors import InvalidArgument, ValidationError
from .targets import parse_target

__all__ = ["check_provider_key", "is_provider_key", "router_refuses_provider_key"]


def is_provider_key(token: str | None) -> bool:
    """Whether ``token`` is a provider's own key (any token that is not an HF ``hf_`` one).

    Example:
        >>> is_provider_key("hf_abc"), is_provider_key("sk-abc"), is_provider_key(None)
        (False, True, False)
    """
    return bool(token) and not (token or "").startswith("hf_")


def router_refuses_provider_key() -> InvalidArgument:
    """The error for a provider's own key sent where the router would pick the provider."""
    return InvalidArgument(
        "provider 'auto' (the default) and the ':policy' suffixes let Hugging Face pick the "
        "provider, and take a Hugging Face token (hf_...), not a provider's own key: name "
        "the provider the key is for (provider='<name>' or model='org/name:<provider>') to "
        "call its API directly, or use an HF token"
    )


def check_provider_key(
    token: str | None,
    *,
    model: str | None,
    provider: str | None,
    default_provider: str,
    task: str,
    endpoint: str | None = None,
    fallback: bool | Sequence[str] | None = None,
) -> None:
    """Refuse a provider's own key for a call whose provider is not the caller's choice.

    Args:
        token: The token the call would carry.
        model: The caller's ``model`` (None: the Hub's default model for the task).
        provider: The caller's ``provider=`` (None: ``default_provider``).
        default_provider: The config's default provider.
        task: The task called.
        endpoint: The caller's ``endpoint=`` (a dedicated endpoint: any token goes).
        fallback: The caller's per-call ``fallback=`` (``config.fallback`` is not
            refused: it is simply not applied to a provider's own key).

    Raises:
        ValidationError: ``token`` is a provider's own key and the call would go to the
            router or to provider ``auto``, or asks to fail over to other providers.

    Example:
        >>> check_provider_key("sk-x", model="org/m", provider="together",
        ...                    default_provider="auto", task="text-to-image")
        >>> check_provider_key("sk-x", model="org/m", provider=None,
        ...                    default_provider="auto", task="text-to-image")
        Traceback (most recent call last):
        ...
        hf_inference_endpoints._errors.InvalidArgument: provider 'auto' (the default) ...
    """
    if not is_provider_key(token) or endpoint is not None:
        return
    if model is None:  # the Hub's default model: the target is the provider alone
        if (provider or default_provider) == "auto":
            raise router_refuses_provider_key()
        target_kind: str = "provider"
        target_provider: str | None = provider or default_provider
    else:
        try:
            target = parse_target(
                model, provider=provider, default_provider=default_provider, task=task
            )
        except ValidationError:
            return  # the call raises this error itself, with its full message
        target_kind, target_provider = target.kind, target.provider
    if target_kind == "url":
        return
    if target_kind == "router" or target_provider == "auto":
        raise router_refuses_provider_key()
    if fallback:
        raise InvalidArgument(
            f"fallback={fallback!r} would send a provider's own key to other providers: "
            f"it is for {target_provider!r} only; drop fallback= or use an HF token (hf_...)"
        )
