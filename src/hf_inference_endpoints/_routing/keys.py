"""Where a provider's own key may go: to the one provider named, nowhere else (no I/O).

A token that does not start with ``hf_`` is a provider's own key (docs/wire.md §2.3). It
opens that provider's API and nothing else: the router (chat with provider ``auto`` or a
``:policy`` suffix) takes HF tokens only, and provider ``auto`` on any other task sends
the call to whichever provider the Hub maps first -- which may not be the one the key is
for. Both are refused before anything is sent (no Hub lookup, no download, no request).
"""

from __future__ import annotations

from collections.abc import Sequence

from .._errors import ConfigurationError, InvalidArgument, ValidationError
from .providers import UNROUTED as _UNROUTED
from .targets import parse_target

__all__ = [
    "check_provider_key",
    "is_provider_key",
    "not_routed",
    "router_refuses_provider_key",
]


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


def not_routed(provider: str, key_name: str) -> ConfigurationError:
    """The error for an HF token sent to a provider Hugging Face no longer routes to.

    Example:
        >>> str(not_routed("nebius", "its own API key")).split(":")[0]
        "provider 'nebius' was removed from Hugging Face routing (2026-07-01)"
    """
    return ConfigurationError(
        f"provider {provider!r} was removed from Hugging Face routing (2026-07-01): the "
        f"router no longer forwards to it. Call its own API with {key_name} as the token "
        "(token=...), or choose a provider HF routes (docs/providers.md)"
    )


def _may_name_unrouted(
    model: str | None,
    provider: str | None,
    default_provider: str,
    fallback: bool | Sequence[str] | None,
) -> bool:
    """A cheap test run on every call: could it name a provider HF no longer routes?

    True where a name the call could end up with (``provider``, the default, a ``:suffix``
    of ``model``, ``fallback`` names) is one of them; only then is the target parsed.
    """
    if provider in _UNROUTED or default_provider in _UNROUTED:
        return True
    if model is not None and ":" in model and model.rsplit(":", 1)[1] in _UNROUTED:
        return True
    if fallback and not isinstance(fallback, bool):
        names = [fallback] if isinstance(fallback, str) else fallback
        return any(name in _UNROUTED for name in names)
    return False


def _check_routed(provider: str | None, fallback: bool | Sequence[str] | None) -> None:
    """Refuse, for an HF token, a named provider (or fallback) that HF no longer routes."""
    from .providers import registered

    names = [provider] if provider else []
    if fallback and not isinstance(fallback, bool):
        names.extend([fallback] if isinstance(fallback, str) else fallback)
    for name in names:
        helper = registered(name) if isinstance(name, str) else None
        if helper is not None and not helper.routed:
            raise not_routed(helper.name, helper.key_name)


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
        ConfigurationError: An HF token for a provider (named, or in ``fallback``) that
            Hugging Face removed from routing.

    Example:
        >>> check_provider_key("sk-x", model="org/m", provider="together",
        ...                    default_provider="auto", task="text-to-image")
        >>> check_provider_key("sk-x", model="org/m", provider=None,
        ...                    default_provider="auto", task="text-to-image")
        Traceback (most recent call last):
        ...
        hf_inference_endpoints._errors.InvalidArgument: provider 'auto' (the default) ...
    """
    if endpoint is not None:
        return
    if not is_provider_key(token):
        if _may_name_unrouted(model, provider, default_provider, fallback):
            _check_routed(_named_provider(model, provider, default_provider, task), fallback)
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


def _named_provider(
    model: str | None, provider: str | None, default_provider: str, task: str
) -> str | None:
    """The provider a call names (argument, ``:suffix`` or default), or None for a URL."""
    if model is None:
        return provider or default_provider
    try:
        target = parse_target(
            model, provider=provider, default_provider=default_provider, task=task
        )
    except ValidationError:
        return None  # the call raises this error itself, with its full message
    if target.kind == "router":  # ``org/name:together`` asks the router for that provider
        return target.suffix
    return target.provider if target.kind == "provider" else None
