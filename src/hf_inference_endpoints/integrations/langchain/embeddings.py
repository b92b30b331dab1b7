"""``HfInferenceEmbeddings``: LangChain embeddings over ``client.embeddings.create``.

Texts go in batches (``batch_size``, or a TEI server's own limit), the async methods
send up to ``max_concurrency`` batches at once, and repeats are answered by one
cache shared by the sync and async methods.
"""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.utils import secret_from_env
from pydantic import AliasChoices, ConfigDict, Field, SecretStr

from .._fields import AdapterFields

__all__ = ["HfInferenceEmbeddings"]


class HfInferenceEmbeddings(AdapterFields, Embeddings):
    """Hugging Face embeddings (feature extraction) for LangChain.

    Args:
        model: A Hub id (``BAAI/bge-small-en-v1.5``), ``org/name:provider``, or a TEI /
            endpoint URL.
        provider, endpoint, bill_to, fallback, timeout, max_retries, api_key (alias
            ``token``), router_url, hub_url, config, client, async_client: see
            :class:`~hf_inference_endpoints.integrations._fields.AdapterFields`;
            ``timeout`` bounds one whole ``embed_documents`` call, every batch included.
        normalize: Unit-length vectors (server default: true).
        prompt_name: A sentence-transformers prompt for documents; ``query_prompt_name``
            one for queries (e.g. ``"query"``).
        dimensions: Cut vectors to this many dimensions (Matryoshka models).
        truncate: Cut over-long texts instead of failing.
        batch_size: Texts per request (default ``embedding_batch_size``, 32).
        max_concurrency: Batches in flight at once in the async methods.
        cache: Answer repeated texts from the cache (default true).

    Example:
        >>> from hf_inference_endpoints.integrations.langchain import HfInferenceEmbeddings
        >>> embedder = HfInferenceEmbeddings(model="BAAI/bge-small-en-v1.5")
        >>> embedder.embed_query("a cat")  # doctest: +SKIP
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    model: str = Field(validation_alias=AliasChoices("model", "model_name"))
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("HF_TOKEN", default=None),
        validation_alias=AliasChoices("api_key", "token"),
    )

    normalize: bool | None = None
    prompt_name: str | None = None
    query_prompt_name: str | None = None
    dimensions: int | None = None
    truncate: bool | None = None
    batch_size: int | None = None
    max_concurrency: int = 4
    cache: bool = True

    def _options(self, prompt_name: str | None) -> dict[str, Any]:
        options = {
            "normalize": self.normalize,
            "prompt_name": prompt_name,
            "dimensions": self.dimensions,
            "truncate": self.truncate,
            "batch_size": self.batch_size,
        }
        sent = {k: v for k, v in options.items() if v is not None}
        return {"cache": self.cache, **self.call_options(), **sent}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents, one vector per text, in order.

        Raises:
            HfError: A request failed after its retries (``EmbeddingBatchError`` when
                only some batches did).
        """
        if not texts:
            return []
        result = self.clients.sync().embeddings.create(
            self.model, list(texts), **self._options(self.prompt_name)
        )
        return _vectors(result)

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (with ``query_prompt_name`` if set)."""
        result = self.clients.sync().embeddings.create(
            self.model, [text], **self._options(self.query_prompt_name or self.prompt_name)
        )
        return _vectors(result)[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async :meth:`embed_documents`: up to ``max_concurrency`` batches at once."""
        if not texts:
            return []
        async with self.clients.async_client() as client:
            result = await client.embeddings.create(
                self.model,
                list(texts),
                max_concurrency=self.max_concurrency,
                **self._options(self.prompt_name),
            )
        return _vectors(result)

    async def aembed_query(self, text: str) -> list[float]:
        """Async :meth:`embed_query`."""
        async with self.clients.async_client() as client:
            result = await client.embeddings.create(
                self.model, [text], **self._options(self.query_prompt_name or self.prompt_name)
            )
        return _vectors(result)[0]


def _vectors(result: Any) -> list[list[float]]:
    # create() raises unless every text was embedded (allow_partial is off), so no None here
    return [[float(x) for x in vector] for vector in result]
