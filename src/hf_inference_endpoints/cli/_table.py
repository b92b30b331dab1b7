"""Plain-text tables: how ``hfie`` shows any answer to a person (``--json`` for scripts)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

__all__ = ["answer_table", "format_table"]

_MAX_CELL = 60
_VECTOR_PREVIEW = 3


def format_table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Left-aligned columns separated by two spaces (the last one is not padded)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        text = value.replace("\n", " ")
    elif _is_vector(value):
        text = _vector(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _is_vector(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in value)
    )


def _vector(values: list[float]) -> str:
    shown = ", ".join(f"{x:.4g}" for x in values[:_VECTOR_PREVIEW])
    return f"[{shown}{', …' if len(values) > _VECTOR_PREVIEW else ''}]"


def _records(value: Any) -> list[dict[str, Any]]:
    """Any decoded JSON answer as rows of named cells."""
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        return [{"value": value}]
    if not value:
        return []
    if all(isinstance(v, list) and not _is_vector(v) for v in value):  # one list per input
        if len(value) == 1:
            return _records(value[0])
        return [{"input": i, **row} for i, inner in enumerate(value) for row in _records(inner)]
    if all(isinstance(v, dict) for v in value):
        return list(value)
    if all(_is_vector(v) for v in value):  # embeddings
        return [{"input": i, "dimensions": len(v), "values": v} for i, v in enumerate(value)]
    return [{"value": v} for v in value]


def answer_table(value: Any) -> str:
    """An answer as a table with one row per item and one column per field.

    Example:
        >>> print(answer_table([[{"label": "POSITIVE", "score": 0.99}]]))
        LABEL     SCORE
        POSITIVE  0.99
    """
    records = _records(value)
    if not records:
        return "(empty answer)"
    columns: list[str] = []
    for record in records:
        columns += [key for key in record if key not in columns]
    rows = [[_cell(record.get(key)) for key in columns] for record in records]
    return format_table(rows, [key.upper() for key in columns])
