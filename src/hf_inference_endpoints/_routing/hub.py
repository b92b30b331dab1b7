"""Requests to the Hub API (whoami, model info, task catalogue), built without I/O."""

from __future__ import annotations

from urllib.parse import quote

from .._config import HfInferenceConfig
from .._errors import ErrorContext
from .._request import PreparedRequest
from .headers import base_headers
from .providers._base import quote_model
from .targets import validate_model_id

__all__ = [
    "list_models_request",
    "model_info_request",
    "next_page_url",
    "tasks_request",
    "whoami_request",
]

#: The Hub's largest page of ``GET /api/models``.
MAX_PAGE = 1000
#: What a listing asks the Hub to send for each model (``expand[]``).
LISTING_FIELDS = ("inferenceProviderMapping", "pipeline_tag", "library_name", "likes", "downloads")


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


def list_models_request(
    config: HfInferenceConfig,
    *,
    provider: str | None = None,
    task: str | None = None,
    search: str | None = None,
    page_size: int = MAX_PAGE,
    url: str | None = None,
) -> PreparedRequest:
    """``GET {hub}/api/models?...&expand[]=inferenceProviderMapping``: one page of models.

    Args:
        config: The client's config.
        provider: ``inference_provider`` (a provider name, a comma list, or ``all``).
        task: ``pipeline_tag``.
        search: ``search`` (part of the model id).
        page_size: ``limit`` of the page (at most :data:`MAX_PAGE`).
        url: The next page's URL (from the ``Link`` header) instead of the first one.

    Example:
        >>> list_models_request(HfInferenceConfig(), provider="groq", page_size=5).url
        'https://huggingface.co/api/models?inference_provider=groq&limit=5&expand[]=inferenceProviderMapping&expand[]=pipeline_tag&expand[]=library_name&expand[]=likes&expand[]=downloads'
    """
    if url is None:
        query = [
            f"{name}={quote(value, safe=',')}"
            for name, value in (
                ("inference_provider", provider),
                ("pipeline_tag", task),
                ("search", search),
            )
            if value
        ]
        query.append(f"limit={page_size}")
        query.extend(f"expand[]={field}" for field in LISTING_FIELDS)
        url = f"{config.hub_url}/api/models?" + "&".join(query)
    elif not url.startswith(config.hub_url + "/"):
        from .._errors import ServerError

        raise ServerError(f"The Hub's next page is on another origin: {url!r}")
    return _get(config, url, ErrorContext(provider="hub"))


def next_page_url(link: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, if any.

    Example:
        >>> next_page_url('<https://huggingface.co/api/models?cursor=abc>; rel="next"')
        'https://huggingface.co/api/models?cursor=abc'
    """
    if not link:
        return None
    for part in link.split(","):
        section = part.split(";")
        if len(section) < 2:
            continue
        target = section[0].strip()
        if (
            target.startswith("<")
            and target.endswith(">")
            and any(p.strip().replace(" ", "") in ('rel="next"', "rel=next") for p in section[1:])
        ):
            return target[1:-1]
    return None
