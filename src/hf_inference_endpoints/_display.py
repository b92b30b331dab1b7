"""Results that show themselves in a notebook (IPython's ``_repr_*_`` protocol; no I/O).

* :class:`Results`: the list a task returns (labels and scores, entities, answers,
  boxes...), shown as a compact HTML table, a bar under each score.
* :func:`binary_html` / :func:`embeddings_html`: the HTML of a
  :class:`~hf_inference_endpoints.BinaryResult` (audio and video players, images that
  are not PNG/JPEG) and of an :class:`~hf_inference_endpoints.EmbeddingResult`.

Everything here is plain strings: nothing imports IPython.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from typing import Any, TypeVar

__all__ = ["MAX_ROWS", "Results", "binary_html", "embeddings_html", "html_table"]

T = TypeVar("T")
#: Rows shown before "… N more".
MAX_ROWS = 20
_PREVIEW = 4
_INLINE_IMAGES = frozenset({"image/png", "image/jpeg"})  # shown by _repr_png_/_repr_jpeg_


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return html.escape(text if len(text) <= 60 else text[:59] + "…")
    return html.escape(str(value))


def _score(value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return _cell(value)
    width = max(0.0, min(1.0, float(value))) * 60
    bar = (
        f'<span style="display:inline-block;width:{width:.0f}px;height:0.6em;'
        'background:#ff9d00;margin-left:0.4em"></span>'
    )
    return f"{value:.4f}{bar}"


def html_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str | None = None
) -> str:
    """A small HTML table; a ``score`` column gets a bar; past :data:`MAX_ROWS`, a count.

    Example:
        >>> html_table(["label"], [["cat"]])
        '<table><thead><tr><th>label</th></tr></thead><tbody><tr><td>cat</td></tr></tbody></table>'
    """
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows[:MAX_ROWS]:
        cells = (
            _score(v) if name == "score" else _cell(v) for name, v in zip(header, row, strict=True)
        )
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if len(rows) > MAX_ROWS:
        body.append(f'<tr><td colspan="{len(header)}">… {len(rows) - MAX_ROWS} more</td></tr>')
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _record(item: Any) -> dict[str, Any]:
    dump = getattr(item, "model_dump", None)
    if dump is not None:
        record: dict[str, Any] = dump(mode="json", exclude_none=True)
        return record
    return item if isinstance(item, dict) else {"value": item}


class Results(list[T]):
    """A task's list of results; a plain ``list`` that shows itself as a table in Jupyter.

    Example:
        >>> Results([{"label": "cat", "score": 0.9}]) == [{"label": "cat", "score": 0.9}]
        True
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        records = [_record(item) for item in self]
        columns: list[str] = []
        for record in records:
            columns += [key for key in record if key not in columns]
        if "score" in columns:  # label first, score next: what one reads first
            columns.remove("score")
            columns.insert(1 if columns else 0, "score")
        rows = [[record.get(key) for key in columns] for record in records]
        return html_table(columns or ["value"], rows or [])


def binary_html(content: bytes, content_type: str) -> str | None:
    """An ``<audio>``/``<video>`` player or an ``<img>`` for a file result; ``None`` for
    PNG/JPEG (shown as images) and for other types (shown as text)."""
    kind = content_type.split("/", 1)[0]
    if content_type in _INLINE_IMAGES or kind not in ("image", "audio", "video"):
        return None
    data = f"data:{html.escape(content_type)};base64,{base64.b64encode(content).decode()}"
    if kind == "image":
        return f'<img src="{data}" alt="{html.escape(content_type)} result"/>'
    return f'<{kind} controls src="{data}"></{kind}>'


def embeddings_html(
    embeddings: Sequence[Any], failed: Sequence[int], dimensions: int | None, summary: str
) -> str:
    """A table of embeddings: one row per input, its size and first values."""
    broken = set(failed)
    rows = []
    for index, vector in enumerate(embeddings):
        if index in broken or vector is None:
            rows.append([index, "", "failed"])
            continue
        flat = vector
        while flat and isinstance(flat[0], list):  # per-token outputs: the first token
            flat = flat[0]
        preview = ", ".join(f"{x:.4f}" for x in flat[:_PREVIEW])
        more = ", …" if len(flat) > _PREVIEW else ""
        rows.append([index, dimensions, f"[{preview}{more}]"])
    return html_table(["input", "dimensions", "values"], rows, caption=summary)
