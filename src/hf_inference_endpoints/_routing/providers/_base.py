"""The template every provider helper fills in (no I/O)."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

__all__ = ["ProviderHelper", "quote_model"]


def quote_model(model_id: str) -> str:
    """Escape each path segment of a model id (``org/name`` keeps its slash)."""
    return "/".join(quote(part, safe="") for part in model_id.split("/"))


class ProviderHelper:
    """Builds the URL and body for one provider; subclasses override the steps that differ.

    Attributes:
        name: The provider name used by the router (``/{name}`` prefix).
        tasks: The tasks this helper can route.
    """

    name: ClassVar[str] = ""
    tasks: ClassVar[frozenset[str]] = frozenset()

    def base_url(self, router_url: str) -> str:
        """The provider's base URL through the HF router."""
        return f"{router_url}/{self.name}"

    def route(self, task: str, model_id: str) -> str:
        """The path (after ``base_url``) for ``task`` on ``model_id``."""
        raise NotImplementedError

    def payload(self, task: str, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """The JSON body for ``task`` (``body`` holds the caller's fields)."""
        if task == "conversational":
            return {"model": model_id, **{k: v for k, v in body.items() if k != "model"}}
        return body

    def url(self, router_url: str, task: str, model_id: str) -> str:
        """Full URL for ``task`` on ``model_id``."""
        return self.base_url(router_url) + self.route(task, model_id)
