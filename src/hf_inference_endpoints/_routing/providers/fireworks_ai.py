"""Fireworks AI: OpenAI chat under ``/inference``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["FireworksAIHelper"]


class FireworksAIHelper(ProviderHelper):
    """``fireworks-ai``: ``/inference/v1/chat/completions``.

    A ``json_schema`` response format becomes ``{"type": "json_object", "schema": ...}``.
    """

    name: ClassVar[str] = "fireworks-ai"
    direct_url: ClassVar[str] = "https://api.fireworks.ai"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/inference/v1/chat/completions"}
    chat_json_schema: ClassVar[str | None] = "json_object_schema"
