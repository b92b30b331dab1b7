"""What a call is aimed at: a Hub model on a provider, the router, or a URL (no I/O)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from .._errors import InvalidArgument
from .._record import Record, record, set_field
from .._validation import check_url
from .providers import hf_or_auto

if TYPE_CHECKING:
    from .mapping import MappingEntry

__all__ = ["ROUTER_POLICIES", "Target", "parse_target", "validate_model_id"]

#: Suffixes the OpenAI-compatible router understands besides a provider name.
ROUTER_POLICIES = frozenset({"fastest", "cheapest", "preferred"})

_SEGMENT = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?"
_MODEL_ID = re.compile(rf"^(?:{_SEGMENT}/)?{_SEGMENT}$")
_SUFFIX = re.compile(r"^[a-z0-9][a-z0-9-]*$")

TargetKind = Literal["provider", "router", "url"]


@record
class Target(Record):
    """Where a call goes.

    Attributes:
        kind: ``provider`` (a provider route), ``router`` (the OpenAI-compatible
            router picks the provider) or ``url`` (a dedicated endpoint or any server).
        model: The Hub model id without suffix, or the URL.
        provider: The provider name (``hf-inference``, ``together``...), or None for
            ``router``/``url``.
        suffix: The router suffix (``fastest``, ``cheapest``, ``together``...), if any.
        mapping: The Hub mapping entry chosen for ``provider`` (its ``providerId`` is
            the model id sent), when a lookup was made. ``provider="auto"`` on a
            non-chat task is resolved into a provider by that lookup.
    """

    kind: TargetKind
    model: str
    provider: str | None = None
    suffix: str | None = None
    mapping: MappingEntry | None = None

    def __init__(
        self,
        kind: TargetKind,
        model: str,
        provider: str | None = None,
        suffix: str | None = None,
        mapping: MappingEntry | None = None,
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "model", model)
        set_field(self, "provider", provider)
        set_field(self, "suffix", suffix)
        set_field(self, "mapping", mapping)

    @property
    def provider_model(self) -> str:
        """The model id the provider expects: the mapped ``providerId``, else the Hub id."""
        return self.mapping.provider_id if self.mapping is not None else self.model

    @property
    def router_model(self) -> str:
        """The model as the router wants it (``org/name:suffix``)."""
        return f"{self.model}:{self.suffix}" if self.suffix else self.model

    @property
    def label(self) -> str:
        """Short name of who serves the call, for errors and metadata."""
        if self.kind == "url":
            return "endpoint"
        if self.kind == "router":
            return f"router:{self.suffix or 'fastest'}"
        return self.provider or ""


def validate_model_id(model: str) -> str:
    """Check that ``model`` is a Hub id (``org/name`` or ``name``) safe to put in a URL path.

    Args:
        model: The id to check.

    Returns:
        The id unchanged.

    Raises:
        ValidationError: The id is empty, has more than one ``/``, ``..``, whitespace,
            or characters the Hub does not allow.

    Example:
        >>> validate_model_id("meta-llama/Llama-3.1-8B-Instruct")
        'meta-llama/Llama-3.1-8B-Instruct'
    """
    if not isinstance(model, str) or not model:
        raise InvalidArgument("model must be a non-empty string such as 'org/name'")
    if ".." in model or not _MODEL_ID.fullmatch(model):
        raise InvalidArgument(
            f"model {model!r} is not a valid Hub model id (expected 'org/name' made of "
            "letters, digits, '-', '_' and '.'), a URL, or 'org/name:policy'"
        )
    return model


def parse_target(model: str, *, provider: str | None, default_provider: str, task: str) -> Target:
    """Work out where a call goes.

    Args:
        model: ``org/name``, ``org/name:suffix`` or an ``http(s)://`` URL.
        provider: The caller's ``provider=``, if any (``auto`` lets the router choose for chat).
        default_provider: The config's default provider.
        task: The task being called (``conversational`` goes through the router for
            suffixes and ``auto``).

    Returns:
        The target.

    Raises:
        ValidationError: The model id or suffix is malformed, or a URL and a provider
            were both given.

    Example:
        >>> parse_target("org/m:cheapest", provider=None, default_provider="hf-inference",
        ...              task="conversational").kind
        'router'
    """
    if not isinstance(model, str) or not model:
        raise InvalidArgument("model must be a non-empty string: a Hub id or a URL")
    if provider is not None and (not isinstance(provider, str) or not provider):
        raise InvalidArgument(f"provider must be a provider name, got {provider!r}")
    if model.startswith(("http://", "https://")):
        if not hf_or_auto(provider):
            raise InvalidArgument(
                f"model is a URL, so provider={provider!r} cannot apply; pass one or the other"
            )
        check_url(model, "model URL")  # CR/LF, spaces, a bad port or host: refused here
        return Target("url", model.rstrip("/"))
    base, colon, suffix = model.partition(":")
    validate_model_id(base)
    if colon and not suffix:
        raise InvalidArgument(
            f"model {model!r} ends with ':' but names no policy or provider after it"
        )
    if suffix:
        if not _SUFFIX.fullmatch(suffix):
            raise InvalidArgument(
                f"model suffix {suffix!r} in {model!r} is not a policy or provider name"
            )
        if task != "conversational":
            if suffix in ROUTER_POLICIES:
                raise InvalidArgument(
                    f"the ':{suffix}' policy applies to chat only; for {task} pass provider=..."
                )
            return Target("provider", base, provider=suffix)
        return Target("router", base, suffix=suffix)
    chosen = provider or default_provider
    if chosen == "auto" and task == "conversational":
        return Target("router", base)  # the router picks (its default policy is :fastest)
    if chosen == "auto":
        return Target("provider", base, provider="auto")  # resolved by the mapping lookup
    if chosen in ROUTER_POLICIES and task == "conversational":
        return Target("router", base, suffix=chosen)
    if not _SUFFIX.fullmatch(chosen):
        raise InvalidArgument(f"provider {chosen!r} is not a valid provider name")
    return Target("provider", base, provider=chosen)
