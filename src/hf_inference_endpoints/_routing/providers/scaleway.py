"""Scaleway Generative APIs: OpenAI chat and embeddings."""

from __future__ import annotations

from typing import ClassVar

from ._openai import OpenAIChatEmbeddingsHelper

__all__ = ["ScalewayHelper"]


class ScalewayHelper(OpenAIChatEmbeddingsHelper):
    """``scaleway``: chat ``/v1/chat/completions``; feature-extraction ``/v1/embeddings``."""

    name: ClassVar[str] = "scaleway"
    direct_url: ClassVar[str] = "https://api.scaleway.ai"
