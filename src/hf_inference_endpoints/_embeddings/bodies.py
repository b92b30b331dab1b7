"""Request bodies for feature extraction and sentence similarity (no I/O).

Wire shapes (WIRE.md §d.1, §d.5): feature extraction puts its options at the top level,
``{"inputs": str | [str], "normalize", "prompt_name", "truncate", "truncation_direction",
"dimensions"}``, on hf-inference's ``/pipeline/feature-extraction`` and on TEI's ``/embed``
alike; sentence similarity sends ``{"inputs": {"source_sentence", "sentences"}}``. The
answers are read by :mod:`.parsers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._errors import InvalidArgument, ValidationError

__all__ = ["embedding_body", "embedding_params", "similarity_body", "validate_texts"]


def validate_texts(inputs: Any) -> tuple[list[str], bool]:
    """Check the ``inputs`` of an embedding call.

    Args:
        inputs: One string, or a sequence (list, tuple...) of strings.

    Returns:
        The texts as a list, and whether a single string was given.

    Raises:
        ValidationError: ``inputs`` is missing, or something in it is not a string.

    Example:
        >>> validate_texts("hi"), validate_texts(("a", "b"))
        ((['hi'], True), (['a', 'b'], False))
    """
    if isinstance(inputs, str):
        return [inputs], True
    if (
        inputs is None
        or isinstance(inputs, (bytes, bytearray, Mapping))
        or not isinstance(inputs, Sequence)
    ):
        raise InvalidArgument(
            f"inputs must be a string or a list of strings (nothing was sent), "
            f"got {type(inputs).__name__}"
        )
    texts = list(inputs)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidArgument(
                f"inputs[{position}] must be a string (nothing was sent), got {type(text).__name__}"
            )
    return texts, False


def embedding_params(**options: Any) -> dict[str, Any]:
    """Validate feature-extraction options strictly; returns the ones that are set.

    Args:
        **options: ``normalize``, ``prompt_name``, ``truncate``, ``truncation_direction``,
            ``dimensions`` (``None`` means "the server's default" and is left out).

    Returns:
        The options to put at the top level of the body.

    Raises:
        ValidationError: An option has the wrong type (``"yes"`` is not a bool) or value.

    Example:
        >>> embedding_params(normalize=True, truncate=None)
        {'normalize': True}
    """
    from pydantic import ValidationError as PydanticValidationError

    from ..models import FeatureExtractionParameters

    params = {k: v for k, v in options.items() if v is not None}
    try:
        FeatureExtractionParameters.model_validate(params, strict=True)
    except PydanticValidationError as exc:
        raise _invalid("feature-extraction options", exc) from None
    return params


def embedding_body(
    texts: Sequence[str], params: Mapping[str, Any], *, single: bool
) -> dict[str, Any]:
    """``{"inputs": ..., **params}``: a bare string when one string was given, else a list."""
    inputs: str | list[str] = texts[0] if single else list(texts)
    return {"inputs": inputs, **params}


def similarity_body(source_sentence: Any, sentences: Any) -> dict[str, Any]:
    """Validate a sentence-similarity request and return its hf-inference body.

    Raises:
        ValidationError: ``source_sentence`` is not a string, or ``sentences`` is not a
            non-empty list of strings.

    Example:
        >>> similarity_body("a", ["b", "c"])
        {'inputs': {'source_sentence': 'a', 'sentences': ['b', 'c']}}
    """
    if not isinstance(source_sentence, str):
        raise InvalidArgument(
            f"source_sentence must be a string (nothing was sent), "
            f"got {type(source_sentence).__name__}"
        )
    if isinstance(sentences, str) or not isinstance(sentences, Sequence) or not sentences:
        raise InvalidArgument("sentences must be a non-empty list of strings (nothing was sent)")
    listed = list(sentences)
    for position, text in enumerate(listed):
        if not isinstance(text, str):
            raise InvalidArgument(
                f"sentences[{position}] must be a string (nothing was sent), "
                f"got {type(text).__name__}"
            )
    return {"inputs": {"source_sentence": source_sentence, "sentences": listed}}


def _invalid(what: str, exc: Exception) -> ValidationError:
    errors = getattr(exc, "errors", None)
    details = []
    if callable(errors):
        for err in errors()[:5]:
            loc = ".".join(str(part) for part in err.get("loc", ()))
            details.append(f"{loc}: {err.get('msg')}")
    return InvalidArgument(f"Invalid {what} (nothing was sent): {'; '.join(details) or exc}")
