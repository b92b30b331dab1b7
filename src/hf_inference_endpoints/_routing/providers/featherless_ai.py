"""Featherless AI: OpenAI chat and completions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper, Route
from ._openai import completions_route

__all__ = ["FeatherlessAIHelper"]


class FeatherlessAIHelper(ProviderHelper):
    """``featherless-ai``: chat ``/v1/chat/completions``; text-generation ``/v1/completions``.

    text-generation sends ``max_tokens`` for ``max_new_tokens`` and answers
    ``{"generated_text", "details": {"finish_reason", "seed"}}``.
    """

    name: ClassVar[str] = "featherless-ai"
    direct_url: ClassVar[str] = "https://api.featherless.ai"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "text-generation": completions_route("/v1/completions"),
    }
    text_generation_api = "openai-completions"  # chunks end with [DONE]
