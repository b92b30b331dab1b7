"""One ``loads`` for large numeric answers: orjson when installed, else the stdlib (no I/O).

Embedding answers are tens to hundreds of KB of floats; ``json.loads`` spends ~140 ns per
float in Python's number parsing, orjson ~25-40 ns (measured in ``bench/RESULTS.md``:
orjson, msgspec, pydantic-core's ``from_json`` and numpy's text parser were compared on
the bench's embedding bodies; orjson was the fastest of them). Every one of those parsers
still hands back Python floats (none decodes JSON text straight into a packed array), so
what is saved is the parsing, not the objects.

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

__all__ = ["loads"]

_loads: Callable[[bytes | str], Any] | None = None


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
