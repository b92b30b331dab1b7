"""Rerank: request bodies, batches and merged results (no I/O).

``client.text.rank(query, texts, model=url)`` sends ``{"query", "texts", ...}`` to
TEI's ``{url}/rerank`` in batches of at most the server's ``max_client_batch_size`` and
merges the answers into one list, best first, each result keeping the position of its
text in ``texts``.

HF serves no text ranking serverless (hf-inference has no ``text-ranking`` task,
docs/wire.md §1.1); its ranking-shaped task is ``sentence-similarity``. So
``rank(query, texts, model="org/name")`` scores the texts with the model's
sentence-similarity (query as ``source_sentence``) and ranks by that score: a
bi-encoder's similarity, not a cross-encoder reranker's relevance. The TEI-only options
(``raw_scores``, ``truncate``, ``truncation_direction``) are refused there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._errors import InvalidArgument

if TYPE_CHECKING:
    from .models import TextRankingOutputElement

__all__ = [
    "SERVERLESS_REFUSED",
    "check_serverless_options",
    "merge_rankings",
    "parse_rankings",
    "rank_url",
    "rankings_from_scores",
    "rerank_body",
    "rerank_options",
]

#: TEI ``/rerank`` options sentence-similarity has no equivalent for.
SERVERLESS_REFUSED = ("raw_scores", "truncate", "truncation_direction")


def rerank_options(
    query: Any, texts: Any, options: Mapping[str, Any], batch_size: Any
) -> tuple[list[str], dict[str, Any]]:
    """Check a rank call's arguments; returns the texts and the body's options.

    Raises:
        InvalidArgument: ``query`` is not a string, ``texts`` is not a non-empty list of
            strings, ``batch_size`` is not an int >= 1, or an option has the wrong type.
    """
    from .models import TextRankingInput

    if not isinstance(query, str):
        raise InvalidArgument(f"query must be a string, got {type(query).__name__}")
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence) or not texts:
        raise InvalidArgument("texts must be a non-empty list of strings")
    bad = next((t for t in texts if not isinstance(t, str)), None)
    if bad is not None:
        raise InvalidArgument(f"texts must hold strings only, got {type(bad).__name__}")
    if batch_size is not None and (type(batch_size) is not int or batch_size < 1):
        raise InvalidArgument(f"batch_size must be an int >= 1, got {batch_size!r}")
    fields = {k: v for k, v in options.items() if v is not None}
    try:
        TextRankingInput.model_validate({"query": query, "texts": [], **fields}, strict=True)
    except ValueError as exc:
        raise InvalidArgument(f"Invalid rank request (nothing was sent): {exc}") from None
    return list(texts), fields


def rank_url(base: str) -> str:
    """``{base}/rerank`` (a URL already ending with ``/rerank`` is kept)."""
    base = base.rstrip("/")
    return base if base.endswith("/rerank") else f"{base}/rerank"


def rerank_body(query: str, texts: Sequence[str], options: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body of one batch."""
    return {"query": query, "texts": list(texts), **options}


def parse_rankings(content: bytes, *, count: int, offset: int) -> list[TextRankingOutputElement]:
    """One batch's answer, with each ``index`` moved by ``offset`` (its first text).

    Raises:
        ValueError: Not a list of ``{index, score}``, or an index outside the batch.
    """
    from .models import TextRankingOutput

    results = TextRankingOutput.model_validate_json(content).root
    for result in results:
        if not 0 <= result.index < count:
            raise ValueError(f"rerank index {result.index} outside a batch of {count}")
        result.index += offset
    return results


def check_serverless_options(fields: Mapping[str, Any]) -> None:
    """Refuse TEI-only options on a Hub model (ranked by sentence-similarity).

    Raises:
        InvalidArgument: ``raw_scores``, ``truncate`` or ``truncation_direction`` given.
    """
    given = [name for name in SERVERLESS_REFUSED if fields.get(name) is not None]
    if given:
        raise InvalidArgument(
            f"{', '.join(given)} only apply to a TEI reranker (model=<URL> or endpoint=): "
            "HF serves no text ranking serverless, and a Hub model id is ranked by its "
            "sentence-similarity scores, which take no such option"
        )


def rankings_from_scores(
    scores: Sequence[float], texts: Sequence[str], *, offset: int, return_text: bool
) -> list[TextRankingOutputElement]:
    """One batch's sentence-similarity scores as rankings (``index`` moved by ``offset``).

    Example:
        >>> [(r.index, r.score, r.text) for r in rankings_from_scores(
        ...     [0.1, 0.7], ["a", "b"], offset=2, return_text=True)]
        [(2, 0.1, 'a'), (3, 0.7, 'b')]
    """
    from .models import TextRankingOutputElement

    if len(scores) != len(texts):
        raise ValueError(f"{len(scores)} scores for {len(texts)} texts")
    return [
        TextRankingOutputElement(
            index=offset + position, score=float(score), text=text if return_text else None
        )
        for position, (score, text) in enumerate(zip(scores, texts, strict=True))
    ]


def merge_rankings(
    batches: Sequence[list[TextRankingOutputElement]],
) -> list[TextRankingOutputElement]:
    """Every batch's results in one list, best score first (ties: original order).

    Example:
        >>> from hf_inference_endpoints.models import TextRankingOutputElement as R
        >>> merged = merge_rankings([[R(index=0, score=0.2)], [R(index=1, score=0.9)]])
        >>> [(r.index, r.score) for r in merged]
        [(1, 0.9), (0, 0.2)]
    """
    merged = [result for batch in batches for result in batch]
    merged.sort(key=lambda r: (-r.score, r.index))
    return merged
