"""Turn a target, a task and the caller's fields into a :class:`PreparedRequest` (no I/O)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .._config import HfInferenceConfig
from .._errors import ErrorContext, ValidationError
from .._request import PreparedRequest, RawBody, ResponseKind
from .headers import base_headers
from .providers import find_helper, get_helper
from .targets import Target

__all__ = ["build_request", "chat_url_for_endpoint", "dumps", "prepare"]


def dumps(payload: Any) -> bytes:
    """Compact JSON bytes (what goes on the wire)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chat_url_for_endpoint(url: str) -> str:
    """Chat URL of a dedicated endpoint or OpenAI-style server (WIRE §a.4)."""
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
        extra_body: Fields merged verbatim into the JSON body (win over ours).
        token: Overrides the config's token.
        accept: The ``Accept`` header (e.g. ``image/png`` for text-to-image).
        expect: How to read the answer (default: ``sse`` when streaming, else ``json``).

    Returns:
        The prepared request.

    Raises:
        ModelNotAvailableOnProvider: The provider has no route for ``task``.
        ValidationError: ``extra_body`` was given with a raw (non-JSON) body.
    """
    raw = body if isinstance(body, RawBody) else None
    if raw is not None and extra_body:
        raise ValidationError("extra_body cannot be merged into a raw (binary) request body")
    fields: dict[str, Any] = {} if isinstance(body, RawBody) else body
    if target.kind == "url":
        url, payload, provider = _url_target(target, task, fields)
    elif target.kind == "router":
        url = f"{config.router_url}/v1/chat/completions"
        payload = {"model": target.router_model, **fields}
        provider = target.label
    elif task == "conversational" and find_helper(target.provider or "", task) is None:
        # Chat reaches any provider through the OpenAI-compatible router: no mapping lookup.
        url = f"{config.router_url}/v1/chat/completions"
        payload = {"model": f"{target.model}:{target.provider}", **fields}
        provider = target.provider or ""
    else:
        helper = get_helper(target.provider or config.default_provider, task, target.model)
        url = helper.url(config.router_url, task, target.model)
        payload = helper.payload(task, target.model, fields)
        provider = helper.name
    if stream:
        payload["stream"] = True
    if extra_body:
        payload.update(extra_body)
    headers = base_headers(
        token if token is not None else config.token_value,
        bill_to=config.bill_to,
        user_agent_extra=config.user_agent,
    )
    headers["content-type"] = raw.content_type if raw is not None else "application/json"
    if expect is None:
        expect = "sse" if stream else "json"
    if stream:
        headers["accept"] = "text/event-stream"
    elif accept:
        headers["accept"] = accept
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
            endpoint=target.model if target.kind == "url" else None,
        ),
        task=task,
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
) -> PreparedRequest:
    """``parse_target`` then ``build_request``: what every service method calls first."""
    from .targets import parse_target

    target = parse_target(
        model, provider=provider, default_provider=config.default_provider, task=task
    )
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
    )
