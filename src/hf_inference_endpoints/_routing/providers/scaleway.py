"""Scaleway Generative APIs: OpenAI chat and embeddings."""

from __future__ import annotations

from typing import ClassVar

from ._openai import OpenAIChatEmbeddingsHelper

__all__ = ["ScalewayHelper"]


class ScalewayHelper(OpenAIChatEmbeddingsHelper):
    """``scaleway``: chat ``/v1/chat/completions``; feature-extraction ``/v1/embeddings``.

    Embeddings carry every option the caller gave (``truncate``, ``normalize``...), as
    huggingface_hub sends them: Scaleway's API takes TEI's options.
    """

    name: ClassVar[str] = "scaleway"
    direct_url: ClassVar[str] = "https://api.scaleway.ai"
    embedding_options: ClassVar[tuple[str, ...] | None] = None
