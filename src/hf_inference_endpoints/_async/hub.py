"""The few Hub API calls the client needs (written in _async/; the _sync twin is generated)."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from .._errors import InvalidArgument
from .._hub_models import parse_models_page
from .._routing.hub import (
    MAX_PAGE,
    list_models_request,
    model_info_request,
    next_page_url,
    tasks_request,
    whoami_request,
)

if TYPE_CHECKING:
    from ..models import HubModel
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncHub"]


def _json(content: bytes) -> Any:
    return json.loads(content)


class AsyncHub:
    """``client.hub``: whoami, model info, the task catalogue (plain JSON) and typed model listings."""

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client

    async def whoami(self, *, timeout: float | None = None, retry: bool = True) -> dict[str, Any]:
        """Who the token belongs to (``GET /api/whoami-v2``).

        Returns:
            The Hub's answer: ``{"type": "user", "name": ..., "orgs": [...], ...}``.

        Raises:
            AuthenticationError: The token is missing or invalid.

        Example:
            >>> (await client.hub.whoami())["name"]  # doctest: +SKIP
        """
        await self._client._refresh_token()
        data, _ = await self._client._transport.request(
            whoami_request(self._client.config), _json, timeout=timeout, retry=retry
        )
        return dict(data)

    async def model_info(
        self, model: str, *, expand: tuple[str, ...] = (), timeout: float | None = None
    ) -> dict[str, Any]:
        """Model info (``GET /api/models/{id}``), optionally expanded (e.g. ``inferenceProviderMapping``).

        Raises:
            NotFound: The model does not exist (or is private to another account).
            ValidationError: ``model`` is not a valid Hub id.
        """
        await self._client._refresh_token()
        data, _ = await self._client._transport.request(
            model_info_request(self._client.config, model, expand), _json, timeout=timeout
        )
        return dict(data)

    async def tasks(self, *, timeout: float | None = None) -> dict[str, Any]:
        """The task catalogue (``GET /api/tasks``), with each task's recommended models."""
        await self._client._refresh_token()
        data, _ = await self._client._transport.request(
            tasks_request(self._client.config), _json, timeout=timeout
        )
        return dict(data)

    def list_models(
        self,
        *,
        provider: str | None = None,
        task: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        timeout: float | None = None,
    ) -> AsyncGenerator[HubModel, None]:
        """Models served by inference providers, page by page as you iterate.

        ``GET {hub}/api/models`` with ``expand[]=inferenceProviderMapping`` (and the
        pipeline tag, library, likes and downloads); the next page (the ``Link`` header's
        ``rel="next"``) is fetched only when the iteration reaches it.

        Args:
            provider: Only models this provider serves (a name, a comma list, or
                ``"all"`` for any provider).
            task: Only models of this pipeline tag (e.g. ``"text-generation"``).
            search: Only models whose id contains this.
            limit: Stop after this many models (default: all).
            page_size: Models per request (default and maximum 1000; ``limit`` if smaller).
            timeout: Seconds for each page's request.

        Returns:
            An iterator of ``HubModel``: ``id``, ``pipeline_tag``, ``library_name``,
            ``likes``, ``downloads`` (when the Hub sends them) and
            ``inferenceProviderMapping``, a list of ``HubProviderMapping`` (``provider``,
            ``providerId``, ``status``, ``task``) in the Hub's order.

        Raises:
            ValidationError: ``limit``/``page_size`` not an int >= 1, or a filter not a
                non-empty string (nothing sent).
            HfError: A page could not be fetched (raised while iterating).

        Example:
            >>> async for model in client.hub.list_models(provider="groq", limit=5):  # doctest: +SKIP
            ...     print(model.id, [m.provider for m in model.inferenceProviderMapping])
        """
        for name, value in (("limit", limit), ("page_size", page_size)):
            if value is not None and (type(value) is not int or value < 1):
                raise InvalidArgument(f"{name} must be an int >= 1, got {value!r}")
        for name, text in (("provider", provider), ("task", task), ("search", search)):
            if text is not None and (not isinstance(text, str) or not text.strip()):
                raise InvalidArgument(f"{name} must be a non-empty string, got {text!r}")
        size = min(page_size or MAX_PAGE, MAX_PAGE, limit or MAX_PAGE)
        filters = {"provider": provider, "task": task, "search": search}
        return self._pages(filters, size, limit, timeout)

    async def _pages(
        self,
        filters: dict[str, str | None],
        size: int,
        limit: int | None,
        timeout: float | None,
    ) -> AsyncGenerator[HubModel, None]:
        given = 0
        url: str | None = None
        while True:
            await self._client._refresh_token()  # a rotating token: asked for each page
            prepared = list_models_request(self._client.config, **filters, page_size=size, url=url)
            page, meta = await self._client._transport.request(
                prepared, parse_models_page, timeout=timeout
            )
            for model in page:
                model._response_meta = meta
                yield model
                given += 1
                if limit is not None and given >= limit:
                    return
            url = next_page_url(meta.headers.get("link"))
            if url is None or not page:
                return
