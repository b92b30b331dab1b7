"""Embeddings at scale, the no-I/O part: batch planning, the cache, bodies, results.

``client.embeddings`` (``_async/embeddings.py`` and its generated sync twin) does the
I/O; everything it decides before or after a request lives here:

* :mod:`.batching` -- dedupe the inputs, keep their order, cut the rest into batches;
* :mod:`.cache` -- content-hash cache with TTL and a byte bound over a pluggable
  :class:`CacheStorage`;
* :mod:`.bodies` / :mod:`.parsers` -- request bodies and answer parsers (WIRE.md §d.1, §d.5);
* :mod:`.results` -- :class:`EmbeddingResult`, :class:`EmbeddingBatchError`,
  :class:`SimilarityScores`.
"""

from __future__ import annotations

from .batching import BatchPlan, chunked, plan_batches
from .cache import CacheStorage, Embedding, EmbeddingCache, InMemoryCacheStorage
from .results import EmbeddingBatchError, EmbeddingResult, SimilarityScores

__all__ = [
    "BatchPlan",
    "CacheStorage",
    "Embedding",
    "EmbeddingBatchError",
    "EmbeddingCache",
    "EmbeddingResult",
    "InMemoryCacheStorage",
    "SimilarityScores",
    "chunked",
    "plan_batches",
]
