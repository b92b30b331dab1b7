"""SambaNova: OpenAI chat and embeddings."""

from __future__ import annotations

from typing import ClassVar

from ._openai import OpenAIChatEmbeddingsHelper

__all__ = ["SambanovaHelper"]


class SambanovaHelper(OpenAIChatEmbeddingsHelper):
    """``sambanova``: chat ``/v1/chat/completions``; feature-extraction ``/v1/embeddings``."""

    name: ClassVar[str] = "sambanova"
    direct_url: ClassVar[str] = "https://api.sambanova.ai"
    routed: ClassVar[bool] = False  # removed from HF routing on 2026-07-01
