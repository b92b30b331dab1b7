"""Embedding answers read into one numpy array (``_embeddings/arrays.py``): the floats are
json.loads' bit for bit, anything unusual goes to the general parser (same values, same
errors), no Python float is made, and the result, cache and ``to_numpy`` use the array."""

from __future__ import annotations

import json
import struct
import sys
import tracemalloc
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hf_inference_endpoints import ServerError
from hf_inference_endpoints._embeddings.arrays import arrays_available, parse_matrix
from hf_inference_endpoints._embeddings.cache import (
    EmbeddingCache,
    decode_embedding,
    encode_embedding,
    encode_rows,
)
from hf_inference_endpoints._embeddings.job import EmbeddingJob
from hf_inference_endpoints._embeddings.parsers import parse_embeddings
from hf_inference_endpoints._embeddings.results import EmbeddingResult

np = pytest.importorskip("numpy")
pytest.importorskip("simdjson")

GENERAL = "hf_inference_endpoints._embeddings.parsers.parse_matrix"


def bits(values: Any) -> list[Any]:
    """The IEEE-754 bit patterns of nested floats (tells -0.0 from 0.0)."""
    if isinstance(values, list):
        return [bits(v) for v in values]
    return struct.unpack("<Q", struct.pack("<d", float(values)))[0]


def body_of(rows: list[list[str]]) -> bytes:
    return ("[" + ",".join("[" + ",".join(row) + "]" for row in rows) + "]").encode()


# numbers as servers print them, and the corners of JSON's number grammar
number_text = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),  # Python servers
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(
        lambda x: str(np.float32(x))  # shortest float32 form (TEI)
    ),
    st.floats(-1, 1).map(lambda x: f"{x:.6f}"),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.17e}"),
    st.floats(-1e300, 1e300).map(lambda x: f"{x:.3E}"),  # (rounded up past the max: inf)
    st.integers(-(2**63), 2**64 - 1).map(str),  # ints, also beyond 2**53
    st.sampled_from(
        [
            "-0",
            "-0.0",
            "0",
            "0.0",
            "1E-7",
            "1e+5",
            "-2.5E+10",
            "4.9e-324",
            "2.2250738585072011e-308",
        ]
    ),
    st.sampled_from(["1.7976931348623157e308", "9007199254740993", "0.1e-400", "123456789e-330"]),
)


@given(st.lists(st.lists(number_text, min_size=3, max_size=3), min_size=1, max_size=5))
def test_the_array_holds_the_floats_json_loads_gives_bit_for_bit(rows: list[list[str]]) -> None:
    body = body_of(rows)
    matrix = parse_matrix(body, len(rows), single=False)
    assert matrix is not None  # every one of these is read by the array path
    assert matrix.dtype == np.float64 and matrix.shape == (len(rows), 3)
    assert matrix.view(np.uint64).tolist() == bits(json.loads(body))


@given(st.lists(number_text, min_size=1, max_size=6), st.permutations(range(3)))
def test_openai_style_rows_are_placed_by_index(vector: list[str], order: list[int]) -> None:
    items = [
        f'{{"object":"embedding","index":{i},"embedding":[{",".join(vector)}, {i}]}}' for i in order
    ]
    body = (
        '{"object":"list","data":[' + ",".join(items) + '],"usage":{"total_tokens":3}}'
    ).encode()
    matrix = parse_matrix(body, 3, single=False)
    assert matrix is not None
    expected = [json.loads("[" + ",".join(vector) + f",{i}]") for i in range(3)]
    assert matrix.view(np.uint64).tolist() == bits(expected)


@pytest.mark.parametrize(
    ("body", "count", "single", "expected"),
    [
        (b"[0.5, -1]", 1, True, [[0.5, -1.0]]),  # sentence-transformers, one text
        (b"[[0.5, -1]]", 1, True, [[0.5, -1.0]]),  # TEI, one text
        (b"[0.5, -1]", 1, False, [[0.5, -1.0]]),  # a list of one text answered [dim]
        (b" [[1e2,2],\n [3,4]] \n", 2, False, [[100.0, 2.0], [3.0, 4.0]]),
        (b"\xef\xbb\xbf[[1, 2]]", 1, False, [[1.0, 2.0]]),  # a BOM, as json.loads reads it
    ],
)
def test_pooled_shapes_read_into_an_array(
    body: bytes, count: int, single: bool, expected: list[list[float]]
) -> None:
    matrix = parse_matrix(body, count, single=single)
    assert matrix is not None and matrix.tolist() == expected
    assert not matrix.flags.writeable  # shared by the result, its lists and to_numpy()


@pytest.mark.parametrize(
    ("body", "count", "single"),
    [
        (b"[[[0.1, 0.2], [0.3, 0.4]]]", 1, True),  # per-token: [1][tokens][dim]
        (b"[[0.1, 0.2], [0.3, 0.4]]", 1, True),  # per-token, no batch axis
        (b"[[[[1.0, 2.0]]], [[[5.0, 6.0]]]]", 2, False),  # transformers' [n][1][tokens][dim]
        (b"[[1, 2], [3, 4, 5]]", 2, False),  # ragged
        (b"[[1, [2]], [3, 4]]", 2, False),  # as many values as a 2x2, one nested deeper
        (b"[[1, [], 2, [3, 4]], [5, 6, 7, 8]]", 2, False),  # 8 values, 2 rows of 4 items
        (b'[[1, "2"], [3, 4]]', 2, False),
        (b"[[1, true], [3, 4]]", 2, False),
        (b"[[1, null], [3, 4]]", 2, False),
        (b"[[1e400, 2], [3, 4]]", 2, False),  # json.loads: inf
        (b"[[NaN, 2], [3, 4]]", 2, False),  # json.loads: nan
        (b"[[18446744073709551616, 2], [3, 4]]", 2, False),  # beyond 64 bits
        (b'{"data": [{"embedding": [1], "index": 0}, {"embedding": [2], "index": 0}]}', 2, False),
        (b'{"model": "[x]", "data": [{"embedding": [1], "index": 0}]}', 1, False),
    ],
)
def test_other_answers_go_to_the_general_parser_with_the_same_result(
    body: bytes, count: int, single: bool
) -> None:
    assert parse_matrix(body, count, single=single) is None
    with mock.patch(GENERAL, return_value=None):
        general = parse_embeddings(body, count, single=single)
    assert json.dumps(parse_embeddings(body, count, single=single)) == json.dumps(general)


@pytest.mark.parametrize(
    ("body", "count"),
    [
        (b"[[0.1, 0.2], [0.3", 2),  # cut short
        (b"[[0.1, 0.2], [0.3, 0.4]] trailing", 2),
        (b"[[0.1, 0.2,], [0.3, 0.4]]", 2),  # JSON has no trailing comma
        (b"[[01, 0.2], [0.3, 0.4]]", 2),  # nor leading zeros, "+1", ".5" or "1."
        (b"[[+1, 0.2], [0.3, 0.4]]", 2),
        (b"[[.5, 0.2], [0.3, 0.4]]", 2),
        (b"[[1., 0.2], [0.3, 0.4]]", 2),
        (b"[[0.1, 0.2], [0.3, 0.4]]", 3),  # three texts, two vectors
        (b"[[0.1, 0.2]]", 2),
        (b"[]", 2),
        (b'{"error": "overloaded"}', 2),
        (b'{"data": [{"index": 0}, {"index": 1}]}', 2),
        (b"[[], []]", 2),
        (b'[["a"], ["b"]]', 2),
        (b"\xff[[1]]", 1),  # not UTF-8
    ],
)
def test_a_malformed_body_raises_what_the_general_parser_raises(body: bytes, count: int) -> None:
    assert parse_matrix(body, count, single=False) is None
    with (
        mock.patch(GENERAL, return_value=None),
        pytest.raises((ValueError, ServerError)) as general,
    ):
        parse_embeddings(body, count, single=False)
    with pytest.raises((ValueError, ServerError)) as fast:
        parse_embeddings(body, count, single=False)
    assert type(fast.value) is type(general.value)
    assert str(fast.value) == str(general.value)


def big_body(rows: int = 32, dim: int = 384) -> bytes:
    vector = "[" + ",".join(f"{((i * 37) % 200 - 100) / 997:.6f}" for i in range(dim)) + "]"
    return ("[" + ",".join([vector] * rows) + "]").encode()


def test_parsing_makes_no_python_float() -> None:
    body = big_body()
    parse_embeddings(body, 32, single=False)  # warm: the parser, its buffers, imports
    with mock.patch(GENERAL, return_value=None):
        parse_embeddings(body, 32, single=False)
    before = sys.getallocatedblocks()
    kept = parse_embeddings(body, 32, single=False)
    made = sys.getallocatedblocks() - before
    with mock.patch(GENERAL, return_value=None):
        before = sys.getallocatedblocks()
        lists = parse_embeddings(body, 32, single=False)
        made_by_lists = sys.getallocatedblocks() - before
    assert made < 50  # the array, its buffer, a few small objects
    assert made_by_lists > 32 * 384 * 0.9  # ~one block per float: what the check would see
    assert kept.tolist() == lists


def result_of(
    body: bytes, texts: list[str], cache: EmbeddingCache | None = None
) -> EmbeddingResult:
    scope = EmbeddingCache.scope("m", {}) if cache is not None else None
    job = EmbeddingJob(texts, 64, cache=cache, scope=scope)
    for index in range(len(job.batches)):
        sent = job.start(index)
        job.succeed(index, parse_embeddings(body, len(sent), single=False), None)
    return job.finish()


def test_to_numpy_float64_is_the_parsed_array_itself() -> None:
    body = big_body(4, 8)
    result = result_of(body, ["a", "b", "c", "d"])
    tracemalloc.start()
    try:
        matrix = result.to_numpy("float64")
        copied, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert copied < 1024  # no copy of the 4 x 8 x 8 bytes (nor any list)
    assert result.to_numpy("float64") is matrix
    assert matrix.shape == (4, 8) and matrix.dtype == np.float64
    assert not matrix.flags.owndata and not matrix.flags.writeable
    assert matrix.view(np.uint64).tolist() == bits(json.loads(body))
    with pytest.raises(ValueError, match="read-only"):
        matrix[0, 0] = 1.0
    single = result.to_numpy()  # float32 by default: one conversion into a new array
    assert single.dtype == np.float32 and single.shape == (4, 8) and single.flags.writeable
    assert not np.shares_memory(single, matrix)
    assert single.tolist() == matrix.astype(np.float32).tolist()


def test_lists_are_made_only_when_read_and_shared_by_repeats() -> None:
    result = result_of(big_body(3, 4), ["a", "b", "a", "c"])
    assert len(result) == 4 and result.dimensions == 4
    assert result._lists is None  # len and dimensions made no list
    assert result[0] is result[2] and result[0] == result[1]
    assert all(type(v) is float for row in result for v in row)  # type: ignore[union-attr]
    gathered = result.to_numpy("float64")  # repeats: one gather, kept
    assert gathered.shape == (4, 4) and result.to_numpy("float64") is gathered
    assert gathered.tolist() == result.to_list()


def test_cache_entries_from_arrays_are_the_bytes_lists_make() -> None:
    body = big_body(3, 5)
    texts = ["a", "b", "c"]
    from_arrays, from_lists = EmbeddingCache(), EmbeddingCache()
    result_of(body, texts, from_arrays)
    with mock.patch(GENERAL, return_value=None):
        result_of(body, texts, from_lists)
    keys = from_lists.storage.keys()  # type: ignore[attr-defined]
    assert len(keys) == 3 and from_arrays.storage.keys() == keys  # type: ignore[attr-defined]
    for key in keys:
        assert from_arrays.storage.get(key) == from_lists.storage.get(key)
    # a later call mixes the cached lists with a new answer's rows
    mixed = result_of(b"[[9, 8, 7, 6, 5]]", ["a", "new", "c"], from_arrays)
    assert mixed.cached == 2
    assert mixed.to_numpy("float64").tolist() == [
        json.loads(body)[0],
        [9.0, 8.0, 7.0, 6.0, 5.0],
        json.loads(body)[2],
    ]


float_value = st.one_of(
    st.floats(),  # NaN and infinities included
    st.floats(width=32),
    st.sampled_from([1e300, -0.0, 5e-324, 3.5e38, 2.0**-149]),
)


# a NaN whose payload sits in the low mantissa bits (found by hypothesis): float64 on both paths
_LOW_PAYLOAD_NAN = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000001))[0]


@given(st.lists(st.lists(float_value, min_size=4, max_size=4), min_size=1, max_size=4))
@example(rows=[[0.0, 0.0, 0.0, _LOW_PAYLOAD_NAN]])
def test_rows_encode_to_the_bytes_of_one_vector_at_a_time(rows: list[list[float]]) -> None:
    matrix = np.array(rows, dtype=np.float64)
    for precision in ("auto", "float32", "float64"):
        encoded = encode_rows(matrix, precision)  # type: ignore[arg-type]
        assert encoded == [encode_embedding(row, precision) for row in rows]  # type: ignore[arg-type]
        assert encoded[0] == encode_embedding(matrix[0], precision)  # type: ignore[arg-type]
        assert json.dumps(decode_embedding(encoded[0])) == json.dumps(
            decode_embedding(encode_embedding(rows[0], precision))  # type: ignore[arg-type]
        )


def test_the_array_path_is_on_with_the_numpy_extra() -> None:
    assert arrays_available()


def test_a_huge_answer_does_not_stay_in_the_threads_parser() -> None:
    import simdjson

    from hf_inference_endpoints._embeddings import arrays

    small = big_body(2, 4)
    parse_matrix(small, 2, single=False)  # the thread's parser exists
    with mock.patch.object(simdjson, "Parser", wraps=simdjson.Parser) as made:
        assert parse_matrix(small, 2, single=False) is not None
        assert made.call_count == 0  # reused
        with mock.patch.object(arrays, "_REUSE_PARSER_UP_TO", len(small) - 1):
            assert parse_matrix(small, 2, single=False) is not None
        assert made.call_count == 1  # one of its own, dropped after the parse
        parse_matrix(small, 2, single=False)
        assert made.call_count == 1  # and the next small one reuses the thread's again
