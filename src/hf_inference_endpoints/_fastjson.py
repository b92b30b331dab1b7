"""``loads`` and ``dumps_line`` for large numeric data: orjson when installed, else the stdlib (no I/O).

Embedding answers are tens to hundreds of KB of floats; ``json.loads`` spends ~140 ns per
float in Python's number parsing, orjson ~25-40 ns (measured in ``bench/RESULTS.md``:
orjson, msgspec, pydantic-core's ``from_json`` and numpy's text parser were compared on
the bench's embedding bodies; orjson was the fastest of them). Every one of those parsers
hands back Python floats; with the ``numpy`` extra, ``_embeddings/arrays.py`` reads the
usual embedding answers with simdjson into one float64 array instead (no float objects),
and this module parses the rest.

orjson is imported on the first call, not at import time. Its answers equal the
stdlib's (tested: the same floats, bit for bit), with one difference no embedding
answer meets: an integer beyond 64 bits becomes the nearest float instead of an ``int``.
A body orjson refuses (``NaN``/``Infinity`` literals, invalid UTF-8...) is parsed again by
``json.loads``, which decides (and says what is wrong).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["dumps_line", "loads"]

_loads: Callable[[bytes | str], Any] | None = None
_dumps: Callable[[Any], str] | None = None


def _pick() -> Callable[[bytes | str], Any]:
    global _loads
    try:
        import orjson
    except ImportError:  # PyPy, or an install without it: the stdlib parser
        _loads = json.loads
        return _loads
    fast = orjson.loads

    def loads(data: bytes | str) -> Any:
        try:
            return fast(data)
        except ValueError:  # orjson.JSONDecodeError: the stdlib decides (and says why)
            return json.loads(data)

    _loads = loads
    return loads


def loads(data: bytes | str) -> Any:
    """``json.loads(data)``, parsed by orjson when it is installed.

    Raises:
        ValueError: ``data`` is not JSON (``json.JSONDecodeError``, as the stdlib says).

    Example:
        >>> loads(b'[[0.5, -1.25], [2.0, 3e-05]]')
        [[0.5, -1.25], [2.0, 3e-05]]
    """
    return (_loads or _pick())(data)


def _pick_dumps() -> Callable[[Any], str]:
    global _dumps

    def stdlib(value: Any) -> str:
        return json.dumps(value, separators=(",", ":")) + "\n"

    try:
        import orjson
    except ImportError:
        _dumps = stdlib
        return _dumps
    fast, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE

    def dumps(value: Any) -> str:
        try:
            return fast(value, option=newline).decode()
        except TypeError:  # orjson.JSONEncodeError: an int beyond 64 bits, a non-str key...
            return stdlib(value)

    _dumps = dumps
    return dumps


def dumps_line(value: Any) -> str:
    """``value`` as one compact JSON line (newline included), by orjson when installed.

    A bulk run writes every vector it gets: ``json.dumps`` spends ~1 us a float, orjson
    a tenth of that. The text differs only in spelling (``1e-05`` or ``1e-5``, non-ASCII
    kept as UTF-8), never in the value parsed back; NaN and infinities, which JSON has
    no words for, are written as ``null``.

    Example:
        >>> dumps_line({"index": 0, "embedding": [0.5, -1.25]})
        '{"index":0,"embedding":[0.5,-1.25]}\\n'
    """
    return (_dumps or _pick_dumps())(value)
