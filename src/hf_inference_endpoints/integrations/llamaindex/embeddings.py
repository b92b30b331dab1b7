"""``HfInferenceEmbedding``: a LlamaIndex embedding model over ``client.embeddings.create``."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from pydantic import Field

from .._fields import AdapterFields

__all__ = ["HfInferenceEmbedding"]


class HfInferenceEmbedding(BaseEmbedding, AdapterFields):
    """Hugging Face embeddings for LlamaIndex (batched, cached, async).

    Args:
        model_name: A Hub id, ``org/name:provider``, or a TEI / endpoint URL.
        provider, endpoint, bill_to, fallback, timeout, max_retries, api_key, router_url,
            hub_url, config, client, async_client: see
            :class:`~hf_inference_endpoints.integrations._fields.AdapterFields`.
        normalize, dimensions, truncate: Sent with every request.
        query_prompt_name / text_prompt_name: sentence-transformers prompts for queries
            and documents (e.g. ``"query"``).
        embed_batch_size: Texts per LlamaIndex batch; this client then sends them in
            requests of ``embedding_batch_size`` and caches repeats.

    Example:
        >>> from hf_inference_endpoints.integrations.llamaindex import HfInferenceEmbedding
        >>> embed_model = HfInferenceEmbedding(model_name="BAAI/bge-small-en-v1.5")
        >>> embed_model.get_text_embedding("a cat")  # doctest: +SKIP
    """

    normalize: bool | None = None
    dimensions: int | None = None
    truncate: bool | None = None
    query_prompt_name: str | None = None
    text_prompt_name: str | None = None
    embed_batch_size: int = Field(default=64, gt=0)

    @classmethod
    def class_name(cls) -> str:
        return "HfInferenceEmbedding"

    def _options(self, prompt_name: str | None) -> dict[str, Any]:
        options = {
            "normalize": self.normalize,
            "dimensions": self.dimensions,
            "truncate": self.truncate,
            "prompt_name": prompt_name,
        }
        return {**self.call_options(), **{k: v for k, v in options.items() if v is not None}}

    def _embed(self, texts: list[str], prompt_name: str | None) -> list[Embedding]:
        result = self.clients.sync().embeddings.create(
            self.model_name, texts, **self._options(prompt_name)
        )
        return _vectors(result)

    async def _aembed(self, texts: list[str], prompt_name: str | None) -> list[Embedding]:
        async with self.clients.async_client() as client:
            result = await client.embeddings.create(
                self.model_name, texts, **self._options(prompt_name)
            )
        return _vectors(result)

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._embed([query], self.query_prompt_name)[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._embed([text], self.text_prompt_name)[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._embed(list(texts), self.text_prompt_name) if texts else []

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._aembed([query], self.query_prompt_name))[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._aembed([text], self.text_prompt_name))[0]

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return (await self._aembed(list(texts), self.text_prompt_name)) if texts else []


def _vectors(result: Any) -> list[Embedding]:
    # create() raises unless every text was embedded (allow_partial is off): no None here
    return [[float(x) for x in vector] for vector in result]
