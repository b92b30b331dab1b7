"""Management API requests, built without I/O (docs/wire.md §6.1, §6.2).

Every route lives under ``{endpoints_api_url}/v2/endpoint/{namespace}``; names are
validated by the caller (:mod:`.names`) and every segment is escaped here again.
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import quote

from .._config import HfInferenceConfig
from .._errors import ErrorContext
from .._request import PreparedRequest
from .._routing.headers import base_headers
from .names import EndpointRef, quote_segment, validate_namespace

__all__ = ["Action", "endpoint_url", "health_request", "management_request"]

Action = Literal["pause", "resume", "scale-to-zero"]


def endpoint_url(
    config: HfInferenceConfig,
    namespace: str,
    name: str | None = None,
    action: Action | None = None,
) -> str:
    """``{api}/v2/endpoint/{ns}[/{name}[/{action}]]`` with every segment escaped.

    Example:
        >>> from hf_inference_endpoints import HfInferenceConfig
        >>> endpoint_url(HfInferenceConfig(), "acme", "my-ep", "pause")
        'https://api.endpoints.huggingface.cloud/v2/endpoint/acme/my-ep/pause'
    """
    url = f"{config.endpoints_api_url}/v2/endpoint/{quote_segment(namespace)}"
    if name is not None:
        url += f"/{quote_segment(name)}"
        if action is not None:
            url += f"/{action}"
    return url


def management_request(
    config: HfInferenceConfig,
    method: str,
    ref: EndpointRef | str,
    *,
    action: Action | None = None,
    body: dict[str, Any] | None = None,
    cursor: str | None = None,
) -> PreparedRequest:
    """One management call.

    Args:
        config: The client config (API URL, token, user agent).
        method: ``GET``, ``POST``, ``PUT`` or ``DELETE``.
        ref: The endpoint (its namespace must be known), or a bare namespace for the
            collection routes (list, create).
        action: ``pause``, ``resume`` or ``scale-to-zero``.
        body: The JSON body, if any.
        cursor: The page cursor of a listing.

    Returns:
        The prepared request (``task="endpoints"``).
    """
    if isinstance(ref, EndpointRef):
        if ref.namespace is None:
            raise ValueError("the endpoint's namespace must be resolved before building a URL")
        namespace, name = ref.namespace, ref.name
        context = ErrorContext(endpoint=str(ref))
    else:
        namespace, name = validate_namespace(ref), None
        context = ErrorContext()
    url = endpoint_url(config, namespace, name, action)
    if cursor is not None:
        url += f"?cursor={quote(cursor, safe='')}"
    headers = base_headers(config.token_value, user_agent_extra=config.user_agent)
    headers["accept"] = "application/json"
    content = None
    if body is not None:
        headers["content-type"] = "application/json"
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return PreparedRequest(method, url, headers, content, context=context, task="endpoints")


def health_request(
    config: HfInferenceConfig, url: str, route: str, *, endpoint: str, state: str | None
) -> PreparedRequest:
    """``GET {url}{healthRoute}`` with the token (authenticated endpoints need it).

    An authenticated request also wakes a scaled-to-zero endpoint (docs/wire.md §6.6).
    """
    headers = base_headers(config.token_value, user_agent_extra=config.user_agent)
    context = ErrorContext(provider="endpoint", endpoint=endpoint, endpoint_state=state)
    return PreparedRequest("GET", url + route, headers, context=context, task="health")
