"""Turn a target, a task and the caller's fields into a :class:`PreparedRequest` (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._config import HfInferenceConfig
from .._errors import ConfigurationError, ErrorContext, InvalidArgument
from .._ratelimit import counts_tokens
from .._redact import safe_url
from .._request import PreparedRequest, RawBody, ResponseKind
from .._tokens import estimate_tokens
from .._validation import check_call_args, check_provider_id, encode_json
from .headers import base_headers
from .keys import is_provider_key, not_routed, router_refuses_provider_key
from .providers import ProviderHelper, helper_for, known_providers, native_provider, registered
from .providers._base import with_form_fields
from .targets import Target
from .unsupported import unknown_provider

if TYPE_CHECKING:
    from .._retry import Deadline

__all__ = ["build_request", "chat_url_for_endpoint", "dumps", "prepare"]


def dumps(payload: Any) -> bytes:
    """Compact JSON bytes (what goes on the wire).

    Raises:
        ValidationError: NaN, an infinity or a value JSON cannot hold; the message names
            the parameter (``_validation.encode_json``).
    """
    return encode_json(payload)


def chat_url_for_endpoint(url: str) -> str:
    """Chat URL of a dedicated endpoint or OpenAI-style server (docs/wire.md §1.4)."""
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def build_request(
    config: HfInferenceConfig,
    target: Target,
    task: str,
    body: dict[str, Any] | RawBody,
    *,
    stream: bool = False,
    extra_headers: Mapping[str, str] | None = None,
    extra_body: Mapping[str, Any] | None = None,
    token: str | None = None,
    accept: str | None = None,
    expect: ResponseKind | None = None,
    bill_to: str | None = None,
    deadline: Deadline | None = None,
) -> PreparedRequest:
    """Build the request for ``task`` on ``target``.

    Args:
        config: The client's config (URLs, token, billing).
        target: Where the call goes (see ``parse_target``).
        task: ``conversational``, ``text-generation``, ...
        body: The caller's fields, already validated, ``None`` values removed; or a
            :class:`RawBody` sent as is (binary-input tasks).
        stream: Ask for a server-sent event stream.
        extra_headers: Headers that win over ours.
        extra_body: Fields merged verbatim into the JSON body (win over ours); a
            provider's multipart form gets them as form fields.
        token: Overrides the config's token.
        accept: The ``Accept`` header (e.g. ``image/png`` for text-to-image).
        expect: How to read the answer (default: ``sse`` when streaming, else what the
            provider answers: ``json`` or ``bytes``).
        bill_to: Organisation billed for this call (``X-HF-Bill-To``); wins over the
            config's. Never sent with a provider's own key.
        deadline: The call's deadline, carried by the request to the transport.

    Provider targets use the provider's helper (``_routing/providers``): its route on
    ``{router}/{provider}`` with an HF token, or on the provider's own API with the
    provider's key (a token not starting with ``hf_``); the model id is the mapped
    ``providerId`` when ``target.mapping`` is set. Chat on a provider without a helper
    uses the generic OpenAI-compatible route ``{router}/{provider}/v1/chat/completions``.

    Returns:
        The prepared request.

    Raises:
        ModelNotAvailableOnProvider: The provider has no route for ``task``.
        ValidationError: ``extra_body`` was given with a raw (non-JSON, non-form) body; a
            header in ``extra_headers`` cannot be sent; the body holds NaN, an infinity or
            a value JSON cannot hold.
        ConfigurationError: The token cannot be used with that provider.
    """
    if extra_headers or extra_body is not None:
        check_call_args(extra_headers, extra_body, None)
    raw = body if isinstance(body, RawBody) else None
    if raw is not None and extra_body:
        raise InvalidArgument("extra_body cannot be merged into a raw (binary) request body")
    fields: dict[str, Any] = {} if isinstance(body, RawBody) else body
    token_value = token if token is not None else config.token_value
    provider_headers: dict[str, str] = {}
    provider_base = ""
    if target.kind == "url":
        url, payload, provider = _url_target(target, task, fields)
    elif target.kind == "router":
        if is_provider_key(token_value):
            raise router_refuses_provider_key()
        url = f"{config.router_url}/v1/chat/completions"
        payload = {"model": target.router_model, **fields}
        provider = target.label
    else:
        helper = _helper(target, task, config)
        direct = is_provider_key(token_value)
        _check_token(helper, token_value, direct)
        model_id = target.provider_model
        if target.mapping is not None:  # the Hub's word, checked like a caller's model id
            check_provider_id(model_id, helper.name, target.model)
        provider_base = helper.base_url(config.router_url, task, direct=direct)
        url = helper.url(config.router_url, task, model_id, direct=direct)
        built = helper.payload(task, model_id, body, mapping=target.mapping)
        if isinstance(built, RawBody):
            # a form takes extra_body as fields; a raw file cannot (ValidationError)
            raw, payload = (with_form_fields(built, extra_body) if extra_body else built), {}
        else:
            raw, payload = None, built
        provider = helper.name
        provider_headers = helper.headers(task, token_value, direct=direct)
        if accept is None:
            accept = helper.accept(task)
        if not stream and (expect is None or not helper.hf_native):
            # a third-party provider's wire format is the helper's to know, not the caller's
            expect = helper.response_kind(task)
    if stream:
        payload["stream"] = True
    if extra_body:
        payload.update(extra_body)
    headers = base_headers(
        token_value,
        bill_to=bill_to or config.bill_to,
        user_agent_extra=config.user_agent,
    )
    headers["content-type"] = raw.content_type if raw is not None else "application/json"
    if expect is None:
        expect = "sse" if stream else "json"
    if stream:
        headers["accept"] = "text/event-stream"
    elif accept:
        headers["accept"] = accept
    headers.update(provider_headers)
    if extra_headers:
        headers.update({k.lower(): v for k, v in extra_headers.items()})
    return PreparedRequest(
        method="POST",
        url=url,
        headers=headers,
        content=raw.content if raw is not None else dumps(payload),
        expect=expect,
        context=ErrorContext(
            provider=provider,
            model=target.model if target.kind != "url" else None,
            endpoint=safe_url(target.model) if target.kind == "url" else None,
        ),
        task=task,
        provider_base=provider_base,
        deadline=deadline,
        token_estimate=(
            estimate_tokens(task, fields) if counts_tokens(config.provider_rate_limits) else 0
        ),
    )


def _helper(target: Target, task: str, config: HfInferenceConfig) -> ProviderHelper:
    name = target.provider or config.default_provider
    if name == "auto":
        raise InvalidArgument(
            "provider='auto' for a non-chat task is resolved by the provider-mapping "
            "lookup: call through the client, or pass a provider name"
        )
    helper = helper_for(name, task)
    if helper is None:
        known = registered(name)
        if known is not None:
            raise unknown_provider(name, task, sorted(known.tasks), target.model, served=True)
        raise unknown_provider(name, task, known_providers(), target.model)
    return helper


def _check_token(helper: ProviderHelper, token: str | None, direct: bool) -> None:
    if not direct and not helper.routed:
        raise not_routed(helper.name, helper.key_name)
    if not direct and not helper.accepts_hf_token:
        raise ConfigurationError(
            f"provider={helper.name!r} is called directly and needs {helper.key_name} as "
            "the token, not a Hugging Face token"
        )
    if direct and not helper.accepts_provider_key():
        raise ConfigurationError(
            f"provider {helper.name!r} is reachable through the Hugging Face router only: "
            "use an HF token (hf_...), not a provider key"
        )


def _url_target(target: Target, task: str, body: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    if task == "conversational":
        return chat_url_for_endpoint(target.model), dict(body), "endpoint"
    return target.model, dict(body), "endpoint"


def prepare(
    config: HfInferenceConfig,
    model: str,
    provider: str | None,
    task: str,
    body: dict[str, Any] | RawBody,
    stream: bool,
    extra_headers: Mapping[str, str] | None,
    extra_body: Mapping[str, Any] | None,
    *,
    accept: str | None = None,
    expect: ResponseKind | None = None,
    bill_to: str | None = None,
) -> PreparedRequest:
    """``parse_target`` then ``build_request``, with no Hub lookup.

    The client resolves provider mappings (``_async/_providers.py``) before building;
    here a provider gets the Hub id as its model id, and ``provider="auto"`` on a
    non-chat task falls back to hf-inference (the one provider that needs no mapping).
    ``bill_to`` wins over ``config.bill_to`` (see :func:`build_request`).
    """
    import dataclasses

    from .targets import parse_target

    target = parse_target(
        model, provider=provider, default_provider=config.default_provider, task=task
    )
    if target.provider == "auto":
        target = dataclasses.replace(target, provider=native_provider())
    return build_request(
        config,
        target,
        task,
        body,
        stream=stream,
        extra_headers=extra_headers,
        extra_body=extra_body,
        accept=accept,
        expect=expect,
        bill_to=bill_to,
    )
