"""Cohere: OpenAI chat through its compatibility API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["CohereHelper"]


class CohereHelper(ProviderHelper):
    """``cohere``: ``/compatibility/v1/chat/completions``.

    A ``json_schema`` response format becomes ``{"type": "json_object", "schema": ...}``.
    """

    name: ClassVar[str] = "cohere"
    direct_url: ClassVar[str] = "https://api.cohere.com"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/compatibility/v1/chat/completions"}
    chat_json_schema: ClassVar[str | None] = "json_object_schema"
