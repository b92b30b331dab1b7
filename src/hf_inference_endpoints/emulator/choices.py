"""OpenAI's ``n``: several choices in one chat or completion answer (no Starlette).

The emulator's generation is deterministic, so the ``n`` choices carry the same text; what
a client can tell -- ``n`` choices indexed ``0..n-1``, streamed interleaved, usage counting
every choice's tokens -- is what the service does.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from .generation import InputError

__all__ = ["MAX_CHOICES", "multiply_choices", "multiply_stream_choices", "requested_choices"]

#: OpenAI's own upper bound for ``n``.
MAX_CHOICES = 128


def requested_choices(body: Mapping[str, Any]) -> int:
    """The ``n`` of a request body (1 when absent or null).

    Raises:
        InputError: ``n`` is not an integer from 1 to :data:`MAX_CHOICES`.
    """
    n = body.get("n")
    if n is None:
        return 1
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CHOICES:
        raise InputError(
            f"Input validation error: `n` must be an integer from 1 to {MAX_CHOICES}, got {n!r}"
        )
    return n


def _scaled_usage(usage: Any, n: int) -> Any:
    if not isinstance(usage, Mapping) or "completion_tokens" not in usage:
        return usage
    out = dict(usage)
    out["completion_tokens"] = usage["completion_tokens"] * n
    out["total_tokens"] = out.get("prompt_tokens", 0) + out["completion_tokens"]
    return out


def _copies(choice: Mapping[str, Any], n: int) -> list[dict[str, Any]]:
    return [{**copy.deepcopy(dict(choice)), "index": i} for i in range(n)]


def multiply_choices(payload: dict[str, Any], n: int) -> dict[str, Any]:
    """A non-streamed answer with its single choice repeated as choices ``0..n-1``."""
    if n == 1 or not payload.get("choices"):
        return payload
    out = dict(payload)
    out["choices"] = _copies(payload["choices"][0], n)
    out["usage"] = _scaled_usage(payload.get("usage"), n)
    return out


def multiply_stream_choices(chunks: Sequence[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """Stream chunks with every choice chunk sent once per choice index (interleaved)."""
    if n == 1:
        return list(chunks)
    out: list[dict[str, Any]] = []
    for chunk in chunks:
        choices = chunk.get("choices") or []
        if not choices:  # the usage-only chunk
            out.append({**chunk, "usage": _scaled_usage(chunk.get("usage"), n)})
            continue
        for choice in _copies(choices[0], n):
            out.append({**chunk, "choices": [choice]})
    return out
