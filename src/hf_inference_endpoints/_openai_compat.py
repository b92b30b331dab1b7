"""The openai SDK's constructor words, read as this client's settings (no I/O).

``AsyncHfInferenceClient(base_url=..., api_key=...)`` lets code written for the openai
SDK run after changing the import: ``api_key`` is the token; ``base_url`` is either the
HF router (``https://router.huggingface.co/v1``, or this config's ``router_url`` with or
without ``/v1``), which becomes ``router_url`` with ``default_provider="auto"`` (the
router picks, as with the openai SDK), or any other OpenAI-compatible server (a
dedicated endpoint, a local TGI/vLLM), to which ``client.chat.completions.create``
sends every call whose ``model`` is a name rather than a URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._config import DEFAULT_ROUTER_URL, HfInferenceConfig
from ._errors import ConfigurationError

__all__ = ["apply_base_url", "pop_openai_overrides"]


def pop_openai_overrides(overrides: dict[str, Any]) -> str | None:
    """Take ``api_key`` and ``base_url`` out of the constructor's keywords.

    ``api_key`` becomes ``token``; ``base_url`` is returned for :func:`apply_base_url`.

    Raises:
        ConfigurationError: ``api_key`` and a different ``token`` were both given, or
            ``base_url`` is not an http(s) URL.

    Example:
        >>> kwargs = {"api_key": "hf_x", "base_url": "https://router.huggingface.co/v1"}
        >>> pop_openai_overrides(kwargs), kwargs
        ('https://router.huggingface.co/v1', {'token': 'hf_x'})
    """
    if "api_key" in overrides:
        api_key = overrides.pop("api_key")
        token = overrides.get("token")
        if token is not None and api_key is not None and str(token) != str(api_key):
            raise ConfigurationError("api_key and token are the same setting: give one of them")
        if api_key is not None:
            overrides["token"] = api_key
    base_url = overrides.pop("base_url", None)
    if base_url is None:
        return None
    if not isinstance(base_url, str) or urlsplit(base_url).scheme not in ("http", "https"):
        raise ConfigurationError(f"base_url must be an http(s) URL, got {base_url!r}")
    return base_url.rstrip("/")


def apply_base_url(
    config: HfInferenceConfig, base_url: str, *, provider_given: bool
) -> tuple[HfInferenceConfig, str | None]:
    """The config a ``base_url`` asks for, and the server chat calls go to (if not the router).

    Args:
        config: The client's config, built without ``base_url``.
        base_url: From :func:`pop_openai_overrides`.
        provider_given: ``default_provider`` was set explicitly (it then stays).

    Returns:
        ``(config, None)`` for the HF router (``router_url`` set, ``default_provider``
        ``auto`` unless given); ``(config, base_url)`` for any other server.

    Example:
        >>> cfg, server = apply_base_url(HfInferenceConfig(), "https://router.huggingface.co/v1",
        ...                              provider_given=False)
        >>> cfg.router_url, cfg.default_provider, server
        ('https://router.huggingface.co', 'auto', None)
    """
    root = base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url
    router = config.router_url.rstrip("/")
    if root == router or urlsplit(root).netloc == urlsplit(DEFAULT_ROUTER_URL).netloc:
        changes: dict[str, Any] = {"router_url": root}
        if not provider_given:
            changes["default_provider"] = "auto"
        return config.replace(**changes), None
    return config, base_url
