"""Adapters that let application frameworks use this client as their model.

* :mod:`hf_inference_endpoints.integrations.langchain` (extra ``langchain``):
  ``ChatHfInference`` (a LangChain chat model) and ``HfInferenceEmbeddings``.
* :mod:`hf_inference_endpoints.integrations.llamaindex` (extra ``llamaindex``):
  ``HfInferenceLLM`` and ``HfInferenceEmbedding``.
* :mod:`hf_inference_endpoints.integrations.ray` (extra ``ray``): ``HfInferenceBatches``,
  bulk inference over a Ray Data ``Dataset`` (``map_batches``).

Nothing is imported here: each framework loads only when its subpackage is used.
"""

from __future__ import annotations

__all__: list[str] = []
