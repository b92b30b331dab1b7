"""Requests to the Hub API (whoami, model info, task catalogue), built without I/O."""

from __future__ import annotations

from urllib.parse import quote

from .._config import HfInferenceConfig
from .._errors import ErrorContext
from .._request import PreparedRequest
from .headers import base_headers
from .providers._base import quote_model
from .targets import validate_model_id

__all__ = ["model_info_request", "tasks_request", "whoami_request"]


def _get(config: HfInferenceConfig, url: str, context: ErrorContext) -> PreparedRequest:
    token = config.token_value
    if token and not token.startswith("hf_"):
        # a provider's own key never goes to the Hub (docs/wire.md §2.1: hf_ tokens only)
        token = None
    headers = base_headers(token, user_agent_extra=config.user_agent)
    headers["accept"] = "application/json"
    return PreparedRequest("GET", url, headers, context=context, task="hub")


def whoami_request(config: HfInferenceConfig) -> PreparedRequest:
    """``GET {hub}/api/whoami-v2``: who the token belongs to."""
    return _get(config, f"{config.hub_url}/api/whoami-v2", ErrorContext(provider="hub"))


def model_info_request(
    config: HfInferenceConfig, model: str, expand: tuple[str, ...] = ()
) -> PreparedRequest:
    """``GET {hub}/api/models/{id}[?expand[]=...]``: model info, e.g. its provider mapping.

    Raises:
        ValidationError: ``model`` is not a valid Hub id.
    """
    validate_model_id(model)
    query = "&".join(f"expand[]={quote(field, safe='')}" for field in expand)
    url = f"{config.hub_url}/api/models/{quote_model(model)}" + (f"?{query}" if query else "")
    return _get(config, url, ErrorContext(provider="hub", model=model))


def tasks_request(config: HfInferenceConfig) -> PreparedRequest:
    """``GET {hub}/api/tasks``: the task catalogue with recommended models."""
    return _get(config, f"{config.hub_url}/api/tasks", ErrorContext(provider="hub"))
