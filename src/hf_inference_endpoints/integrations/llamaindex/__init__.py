"""LlamaIndex integration (extra ``llamaindex``): an LLM and an embedding model over this client.

Example:
    >>> from hf_inference_endpoints.integrations.llamaindex import HfInferenceLLM
    >>> llm = HfInferenceLLM(model="meta-llama/Llama-3.1-8B-Instruct")
    >>> llm.complete("Hello!").text  # doctest: +SKIP

Names load on first use, so importing this package alone costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .embeddings import HfInferenceEmbedding
    from .llms import HfInferenceLLM

__all__ = ["HfInferenceEmbedding", "HfInferenceLLM"]

_EXPORTS = {"HfInferenceLLM": ".llms", "HfInferenceEmbedding": ".embeddings"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
