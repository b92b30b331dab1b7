"""Scaleway Generative APIs: OpenAI chat and embeddings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import Route
from ._openai import OpenAIChatEmbeddingsHelper, embeddings_route

__all__ = ["ScalewayHelper"]


class ScalewayHelper(OpenAIChatEmbeddingsHelper):
    """``scaleway``: chat ``/v1/chat/completions``; feature-extraction ``/v1/embeddings``.

    Embeddings carry every option the caller gave (``truncate``, ``normalize``...), as
    huggingface_hub sends them: Scaleway's API takes TEI's options.
    """

    name: ClassVar[str] = "scaleway"
    direct_url: ClassVar[str] = "https://api.scaleway.ai"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "feature-extraction": embeddings_route("/v1/embeddings", every_option=True),
    }
