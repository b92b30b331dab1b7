"""LangChain integration (extra ``langchain``): a chat model and embeddings over this client.

Example:
    >>> from hf_inference_endpoints.integrations.langchain import ChatHfInference
    >>> llm = ChatHfInference(model="meta-llama/Llama-3.1-8B-Instruct")
    >>> llm.invoke("Hello!")  # doctest: +SKIP

Names load on first use, so importing this package alone costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chat_models import ChatHfInference
    from .embeddings import HfInferenceEmbeddings

__all__ = ["ChatHfInference", "HfInferenceEmbeddings"]

_EXPORTS = {"ChatHfInference": ".chat_models", "HfInferenceEmbeddings": ".embeddings"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
