"""Embedding answers read straight into one numpy float64 array: no Python float per value (no I/O).

When numpy and pysimdjson are importable (the ``numpy`` extra), :func:`parse_matrix`
reads the common answer shapes with simdjson's C++ parser and copies its floats into one
buffer (``Array.as_buffer``) that numpy wraps without copying:

* ``[[...], [...]]`` -- hf-inference's and TEI ``/embed``'s answer for a batch of
  pooled vectors (and ``[[...]]`` or ``[...]`` for a single text);
* ``{"data": [{"embedding": [...], "index": i}, ...]}`` -- OpenAI-style answers (TEI
  ``/v1/embeddings``, embedding providers), rows placed by ``index``.

Anything else (per-token ``[tokens][dim]`` outputs, ragged rows, numbers simdjson
refuses such as ``1e400``, invalid JSON) returns None and the general parser
(:func:`~hf_inference_endpoints._embeddings.parsers.parse_embeddings`' JSON path) reads
the body instead: it accepts and refuses exactly what it did before, with the same
errors. simdjson rounds every number correctly, as ``float()`` does: the values are
bit-identical to ``json.loads`` (an integer becomes its nearest float, as numpy would
make it).

Measured on the bench's answer (32 x 384 floats, 117 KB): ``json.loads`` ~1.2 ms,
orjson ~0.32 ms (Python floats), this ~0.20 ms (one float64 buffer); numpy's own text
readers (``fromstring(sep=",")`` ~1.2 ms, ``loadtxt`` ~0.85 ms) are slower than orjson.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["arrays_available", "parse_matrix"]

_local = threading.local()  # a simdjson parser per thread (a parser is not thread-safe)
_modules: tuple[Any, Any] | None = None
_missing = False
_OPEN = 0x5B  # b"["
#: Bodies up to this size reuse the thread's parser; a larger one gets its own, so a
#: one-off huge answer does not leave its buffers (~the body's size) held by the thread.
_REUSE_PARSER_UP_TO = 8 << 20
#: What simdjson raises for a body it cannot read as asked (the general parser decides).
_REFUSED = (ValueError, TypeError, RuntimeError, LookupError, AttributeError)


def _load() -> tuple[Any, Any] | None:
    global _modules, _missing
    if _modules is None and not _missing:
        try:
            import numpy
            import simdjson
        except ImportError:
            _missing = True
            return None
        _modules = (numpy, simdjson)
    return _modules


def arrays_available() -> bool:
    """Whether answers are read into numpy arrays (numpy and pysimdjson importable)."""
    return _load() is not None


def _parser(simdjson: Any, size: int) -> Any:
    if size > _REUSE_PARSER_UP_TO:
        return simdjson.Parser()
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = simdjson.Parser()
    return parser


def parse_matrix(content: bytes, count: int, *, single: bool) -> Any:
    """The embeddings of a pooled-vector answer as one read-only ``(count, dim)`` float64 array.

    Args:
        content: The 2xx body.
        count: How many texts the request carried.
        single: The request's ``inputs`` was a bare string.

    Returns:
        A ``numpy.ndarray`` over the parsed buffer (row ``i`` is input ``i``), or None when
        numpy or pysimdjson is missing or the body is not one of the shapes above (the
        caller then parses it the general way, which also decides any error).

    Example:
        >>> parse_matrix(b"[[0.5, -1], [2e-3, 4.0]]", 2, single=False).tolist()  # doctest: +SKIP
        [[0.5, -1.0], [0.002, 4.0]]
    """
    modules = _load()
    if modules is None:
        return None
    numpy, simdjson = modules
    try:
        doc = _parser(simdjson, len(content)).parse(content)
        if isinstance(doc, simdjson.Array):
            flat, rows, dim, arrays = _batch(doc, count, single)
        else:
            flat, rows, dim, arrays = _openai(doc, count, single, numpy)
        del doc  # pysimdjson < 8: proxies must not outlive the next parse
        if flat is None or rows * dim * 8 != memoryview(flat).nbytes:
            return None
        # Only when every array was counted is no row nested deeper (``[[1, [2]], ...]``
        # flattens to the same number of values): simdjson checked the JSON, so every
        # "[" outside a string opens an array, and these shapes have no strings.
        opened = numpy.count_nonzero(numpy.frombuffer(content, numpy.uint8) == _OPEN)
        if opened != arrays:
            return None
    except _REFUSED:
        return None
    matrix = numpy.frombuffer(flat, numpy.float64).reshape(rows, dim)  # no copy
    matrix.flags.writeable = False  # shared by the result, its lists and to_numpy()
    return matrix


def _batch(doc: Any, count: int, single: bool) -> tuple[Any, int, int, int]:
    """``[[...], ...]`` (``count`` rows) or ``[...]`` (one text): buffer, rows, dim, arrays."""
    rows = len(doc)
    if rows == 0:
        return None, 0, 0, 0
    first = doc[0]
    if not isinstance(first, type(doc)):  # a bare vector: one text's embedding
        if not (single or count == 1):
            return None, 0, 0, 0
        return doc.as_buffer(of_type="d"), 1, rows, 1
    if rows != count:  # also a single text answered [tokens][dim]: per-token, general path
        return None, 0, 0, 0
    dim = len(first)
    if dim == 0:
        return None, 0, 0, 0
    for row in doc:
        if not isinstance(row, type(doc)) or len(row) != dim:
            return None, 0, 0, 0
    return doc.as_buffer(of_type="d"), rows, dim, rows + 1


def _openai(doc: Any, count: int, single: bool, numpy: Any) -> tuple[Any, int, int, int]:
    """``{"data": [{"embedding": [...], "index": i}, ...]}``, rows placed by ``index``."""
    items = doc["data"]
    rows = len(items)
    if rows != count or rows == 0:
        return None, 0, 0, 0
    vectors: list[Any] = [None] * rows
    dim = -1
    for item in items:
        index = item.get("index", 0)
        vector = item["embedding"]
        if type(index) is not int or not 0 <= index < rows or vectors[index] is not None:
            return None, 0, 0, 0
        if dim == -1:
            dim = len(vector)
        if len(vector) != dim or dim == 0:
            return None, 0, 0, 0
        vectors[index] = vector.as_buffer(of_type="d")
    flat = b"".join(vectors)  # every slot was filled once
    return flat, rows, dim, rows + 1
