"""The few Hub API calls the client needs (written in _async/; the _sync twin is generated)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .._routing.hub import model_info_request, tasks_request, whoami_request

if TYPE_CHECKING:
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncHub"]


def _json(content: bytes) -> Any:
    return json.loads(content)


class AsyncHub:
    """``client.hub``: whoami, model info and the task catalogue, as plain JSON."""

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
        data, _ = await self._client._transport.request(
            model_info_request(self._client.config, model, expand), _json, timeout=timeout
        )
        return dict(data)

    async def tasks(self, *, timeout: float | None = None) -> dict[str, Any]:
        """The task catalogue (``GET /api/tasks``), with each task's recommended models."""
        data, _ = await self._client._transport.request(
            tasks_request(self._client.config), _json, timeout=timeout
        )
        return dict(data)
