"""Bulk output rows: results as JSON data, written one compact line each."""

from __future__ import annotations

import json
import math
import random

import pytest

from hf_inference_endpoints._bulk import BulkItem, result_row, to_jsonable
from hf_inference_endpoints._errors import InvalidArgument
from hf_inference_endpoints._fastjson import dumps_line


def test_a_vector_is_kept_as_it_is_and_nested_data_is_walked() -> None:
    vector = [0.25, -1.5, 3e-05]
    assert to_jsonable(vector) is vector  # no copy of every float
    assert to_jsonable([[0.5], [1.5]]) == [[0.5], [1.5]]
    assert to_jsonable((1, 2.5)) == [1, 2.5]  # a tuple becomes a list
    assert to_jsonable({"a": (1.0,)}) == {"a": [1.0]}
    with pytest.raises(InvalidArgument, match="bytes"):
        to_jsonable([b"png"])


def test_a_row_line_parses_back_to_the_same_floats_bit_for_bit() -> None:
    rng = random.Random(0)
    vector = [rng.gauss(0.0, 1.0) * 10 ** rng.randint(-30, 30) for _ in range(2000)]
    row = result_row(BulkItem(index=7, id="doc-é", value="x"), "embedding", vector)
    line = dumps_line(row)
    assert line.endswith("\n") and line.count("\n") == 1 and " " not in line
    back = json.loads(line)
    assert back == {"index": 7, "id": "doc-é", "embedding": vector}
    assert all(a.hex() == b.hex() for a, b in zip(back["embedding"], vector, strict=True))


def test_what_orjson_refuses_is_written_by_the_stdlib() -> None:
    assert json.loads(dumps_line({"id": 2**70})) == {"id": 2**70}  # beyond 64 bits
    assert json.loads(dumps_line({1: "a"})) == {"1": "a"}  # a non-str key


def test_non_finite_floats_are_written_as_null() -> None:
    pytest.importorskip("orjson")  # the stdlib would write NaN (not JSON)
    assert json.loads(dumps_line([math.nan, math.inf, 1.0])) == [None, None, 1.0]
