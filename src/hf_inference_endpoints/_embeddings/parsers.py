"""Answer parsers for feature extraction, sentence similarity and TEI's ``/info`` (no I/O).

Answers are nested float arrays. :func:`parse_embeddings` turns any of the shapes seen
on the wire into one embedding per input, in a canonical form:

* pooled models: ``[dim]`` per input (a single string may be answered ``[dim]`` by
  sentence-transformers or ``[[dim]]`` by TEI: both give ``[dim]``);
* per-token models: ``[tokens][dim]`` per input (transformers answers a single string
  ``[1][tokens][dim]`` and a batch ``[n][1][tokens][dim]``: the leading axes of size one
  are dropped, so a text has the same shape whether sent alone or in a batch);
* OpenAI-style ``{"data": [{"embedding", "index"}]}`` answers (TEI ``/v1/embeddings``,
  embedding providers) are read too, ordered by ``index``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._fastjson import loads
from .arrays import parse_matrix
from .cache import Embedding

if TYPE_CHECKING:
    from ..models import TeiInfo

__all__ = ["parse_embeddings", "parse_similarity", "parse_tei_info"]


def _depth(value: Any) -> int:
    """Nesting depth of a list of ... of numbers (0 when the first leaf is not a number)."""
    depth = 0
    while isinstance(value, list):
        if not value:
            return 0
        depth += 1
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return depth


def _canonical(embedding: Any, what: str) -> Embedding:
    depth = _depth(embedding)
    if depth == 0:
        raise ValueError(f"{what} is not a nested list of numbers")
    while depth >= 3 and len(embedding) == 1:
        embedding = embedding[0]
        depth -= 1
    result: Embedding = embedding
    return result


def parse_embeddings(content: bytes, count: int, *, single: bool) -> Sequence[Embedding]:
    """One canonical embedding per input from an answer body (see the module docstring).

    With numpy and pysimdjson installed, a pooled-vector answer (the usual one) comes back
    as one read-only ``(count, dim)`` float64 ``numpy.ndarray`` (row ``i`` is input
    ``i``; no Python float is made: :mod:`.arrays`); any other answer, or without them,
    as lists of floats.

    Args:
        content: The 2xx body.
        count: How many texts the request carried.
        single: The request's ``inputs`` was a bare string.

    Returns:
        ``count`` embeddings, in request order (lists, or the rows of one array).

    Raises:
        ValueError: The body is not an embedding answer for ``count`` inputs (the
            transport turns this into a ``ServerError``).
        ServerError: An OpenAI-style ``{"data": [...]}`` answer without embeddings.

    Example:
        >>> rows = parse_embeddings(b"[[0.1, 0.2], [0.3, 0.4]]", 2, single=False)
        >>> [[float(x) for x in row] for row in rows]
        [[0.1, 0.2], [0.3, 0.4]]
        >>> [[float(x) for x in row] for row in parse_embeddings(b"[[0.1, 0.2]]", 1, single=True)]
        [[0.1, 0.2]]
    """
    matrix = parse_matrix(content, count, single=single)
    if matrix is not None:
        return matrix  # type: ignore[no-any-return]
    try:
        data = loads(content)  # orjson when installed: ~5x faster on floats, same values
    except ValueError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None
    if isinstance(data, Mapping):
        from .._routing.providers._openai import parse_embeddings as openai_embeddings

        data = openai_embeddings(data)
    if not isinstance(data, list) or not data:
        raise ValueError("expected a non-empty list of embeddings")
    if single or (count == 1 and _depth(data) == 1):
        if _depth(data) == 1:
            return [data]
        if len(data) == 1:
            return [_canonical(data[0], "the embedding")]
        return [_canonical(data, "the embedding")]
    if len(data) != count:
        raise ValueError(f"expected {count} embeddings, got {len(data)}")
    return [_canonical(item, f"embedding {i}") for i, item in enumerate(data)]


def parse_similarity(content: bytes, count: int) -> list[float]:
    """The scores of a sentence-similarity answer (``[float]``, one per sentence).

    Raises:
        ValueError: The body is not a list of ``count`` numbers.
    """
    from ..models import SentenceSimilarityOutput

    scores = SentenceSimilarityOutput.model_validate_json(content).root
    if len(scores) != count:
        raise ValueError(f"expected {count} scores, got {len(scores)}")
    return scores


def parse_tei_info(content: bytes) -> TeiInfo | None:
    """TEI's ``/info`` answer, or None when the body is not one (the URL is not TEI)."""
    from pydantic import ValidationError as PydanticValidationError

    from ..models import TeiInfo

    try:
        data = json.loads(content)
    except ValueError:
        return None
    if not isinstance(data, Mapping) or not (
        "max_client_batch_size" in data or "model_type" in data
    ):
        return None
    try:
        return TeiInfo.model_validate(data)
    except PydanticValidationError:
        return None
