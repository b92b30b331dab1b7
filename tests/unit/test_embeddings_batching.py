"""Embedding batch planning, the per-call job (failure policy), bodies and answer parsing."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hf_inference_endpoints import (
    AuthenticationError,
    RateLimited,
    RequestTimeout,
    ServerError,
    ValidationError,
)
from hf_inference_endpoints._embeddings import (
    EmbeddingBatchError,
    EmbeddingCache,
    EmbeddingResult,
    chunked,
    plan_batches,
)
from hf_inference_endpoints._embeddings.bodies import (
    embedding_body,
    embedding_params,
    similarity_body,
    validate_texts,
)
from hf_inference_endpoints._embeddings.job import EmbeddingJob
from hf_inference_endpoints._embeddings.parsers import (
    parse_embeddings,
    parse_similarity,
    parse_tei_info,
)

texts_strategy = st.lists(st.sampled_from(["a", "b", "c", "d", "", "é", "a b"]), max_size=60)


# ------------------------------------------------------------------ plan


@given(texts=texts_strategy, size=st.integers(min_value=1, max_value=7))
def test_plan_keeps_order_and_sends_each_distinct_text_once(texts: list[str], size: int) -> None:
    plan = plan_batches(texts, size)
    batches = plan.batches()
    sent = [text for batch in batches for text in plan.texts(batch)]
    assert sent == list(dict.fromkeys(texts))  # each distinct text once, first-seen order
    assert all(1 <= len(b) <= size for b in batches)
    assert len(batches) == -(-len(plan.unique) // size)
    assert plan.scatter(list(plan.unique)) == texts  # every input finds its text back
    assert len(plan) == len(texts)


def test_plan_skips_what_the_cache_answered() -> None:
    plan = plan_batches(["x", "y", "x", "z", "w"], 2)
    assert plan.unique == ("x", "y", "z", "w")
    assert plan.slots == (0, 1, 0, 2, 3)
    assert plan.batches(skip={0, 2}) == [(1, 3)]
    assert plan.batches(skip={0, 1, 2, 3}) == []
    assert plan.inputs_of(0) == [0, 2]


def test_plan_rejects_bad_sizes() -> None:
    with pytest.raises(ValueError, match="batch size"):
        plan_batches(["a"], 0)
    with pytest.raises(ValueError, match="batch size"):
        chunked([1], 0)
    with pytest.raises(ValueError, match="expected 2 values"):
        plan_batches(["a", "b"], 1).scatter(["A"])


def test_chunked() -> None:
    assert chunked([], 3) == []
    assert chunked(list(range(7)), 3) == [(0, 1, 2), (3, 4, 5), (6,)]


# ------------------------------------------------------------------ job and failure policy


def fail(message: str = "boom") -> ServerError:
    return ServerError(message, status_code=500, request_id="req-1", model="m")


def test_job_scatters_results_and_fills_the_cache() -> None:
    cache = EmbeddingCache(ttl=None)
    scope = cache.scope("m", {})
    job = EmbeddingJob(["a", "b", "a", "c"], 2, cache=cache, scope=scope)
    assert job.batches == [(0, 1), (2,)]
    assert job.start(0) == ["a", "b"]
    job.succeed(0, [[1.0], [2.0]], None)
    assert job.start(1) == ["c"]
    job.succeed(1, [[3.0]], None)
    result = job.finish()
    assert result.embeddings == [[1.0], [2.0], [1.0], [3.0]]
    assert (result.sent, result.requests, result.cached, result.ok) == (3, 2, 0, True)

    again = EmbeddingJob(["c", "a", "new"], 2, cache=cache, scope=scope)
    assert again.cached == 2
    assert again.batches == [(2,)]  # only the text the cache does not know


def test_job_rejects_a_wrong_number_of_embeddings() -> None:
    job = EmbeddingJob(["a", "b"], 2)
    job.start(0)
    with pytest.raises(ValueError, match="2 texts, 1 embeddings"):
        job.succeed(0, [[1.0]], None)


def test_a_failed_batch_reports_its_inputs_and_raises_with_the_partial_result() -> None:
    job = EmbeddingJob(["a", "b", "c", "a", "d"], 2)  # batches (a, b), (c, d)
    job.start(0)
    job.succeed(0, [[1.0], [2.0]], None)
    job.start(1)
    error = fail()
    job.fail(1, error)
    assert not job.stopped  # a server error may be batch-specific: the others go on
    with pytest.raises(EmbeddingBatchError) as caught:
        job.finish()
    err = caught.value
    assert err.failed == (2, 4)
    assert err.errors == {2: error, 4: error}
    assert err.result.embeddings == [[1.0], [2.0], None, [1.0], None]
    assert err.cause is error and err.__cause__ is error
    assert (err.status_code, err.request_id, err.model) == (500, "req-1", "m")
    assert err.is_retryable == error.is_retryable
    assert "2 of 5 input(s) could not be embedded" in str(err)

    partial = job.finish(allow_partial=True)
    assert partial.failed == (2, 4) and not partial.ok
    assert partial[0] == [1.0]


def test_nothing_embedded_raises_the_first_error_itself() -> None:
    job = EmbeddingJob(["a", "b", "c"], 1)
    first, second = RateLimited("slow down", status_code=429), fail()
    job.start(0)
    job.fail(0, first)
    job.start(1)
    job.fail(1, second)
    job.start(2)
    job.fail(2, second)
    with pytest.raises(RateLimited) as caught:
        job.finish()
    assert caught.value is first
    assert job.finish(allow_partial=True).failed == (0, 1, 2)


def test_a_call_wide_error_stops_the_call_and_fails_the_unsent_texts() -> None:
    job = EmbeddingJob(["a", "b", "c", "d"], 1)
    job.start(0)
    job.succeed(0, [[0.5]], None)
    job.start(1)
    denied = AuthenticationError("bad token", status_code=401)
    job.fail(1, denied)
    assert job.stopped
    result = job.finish(allow_partial=True)
    assert result.failed == (1, 2, 3)
    assert all(result.errors[i] is denied for i in (1, 2, 3))
    assert result.requests == 2 and result.sent == 2


def test_a_stopped_job_fails_only_the_batches_not_started() -> None:
    job = EmbeddingJob(["a", "b", "c", "a", "d"], 2)  # batches (a, b) (c, d)
    assert job.unsent() == 5  # repeats count: every input waits
    job.start(0)
    assert job.unsent() == 2  # c and d
    job.stop(RequestTimeout("out of time"))
    job.stop(ServerError("ignored: the first reason stays"))
    assert job.stopped
    job.succeed(0, [[1.0], [2.0]], None)  # the batch in flight still lands
    result = job.finish(allow_partial=True)
    assert result.embeddings == [[1.0], [2.0], None, [1.0], None]
    assert result.failed == (2, 4)
    assert all(type(result.errors[i]) is RequestTimeout for i in (2, 4))
    assert result.requests == 1 and result.sent == 2
    with pytest.raises(EmbeddingBatchError) as caught:
        job.finish()
    assert caught.value.cause is result.errors[2]


def test_an_aborted_call_raises_its_error() -> None:
    job = EmbeddingJob(["a", "b"], 1)
    job.start(0)
    job.abort(ValidationError("bad provider"))
    assert job.stopped
    with pytest.raises(ValidationError, match="bad provider"):
        job.finish(allow_partial=True)


def test_job_needs_a_scope_with_a_cache() -> None:
    with pytest.raises(ValueError, match="scope"):
        EmbeddingJob(["a"], 1, cache=EmbeddingCache())


# ------------------------------------------------------------------ result


def test_result_accessors() -> None:
    result = EmbeddingResult([[[1.0, 2.0], [3.0, 4.0]], None], errors={1: fail()}, requests=1)
    assert result.dimensions == 2
    assert result.embedding == [[1.0, 2.0], [3.0, 4.0]]
    assert result[0:1] == [[[1.0, 2.0], [3.0, 4.0]]]
    assert list(result) == result.to_list()
    assert result.response_meta is None
    assert "failed=1" in repr(result)
    assert EmbeddingResult([]).dimensions is None
    with pytest.raises(ValueError, match="no first embedding"):
        _ = EmbeddingResult([]).embedding


def test_to_numpy() -> None:
    np = pytest.importorskip("numpy")
    array = EmbeddingResult([[1.0, 2.0], [3.0, 4.0]]).to_numpy()
    assert array.shape == (2, 2) and array.dtype == np.float32
    exact = EmbeddingResult([[0.1, 0.2]]).to_numpy(dtype="float64")
    assert exact.tolist() == [[0.1, 0.2]]
    with pytest.raises(ValueError, match="have no embedding"):
        EmbeddingResult([[1.0], None], errors={1: fail()}).to_numpy()
    with pytest.raises(ValueError, match="do not share one shape"):
        EmbeddingResult([[[1.0]], [[1.0], [2.0]]]).to_numpy()


def test_to_numpy_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "numpy", None)  # makes `import numpy` fail
    with pytest.raises(ImportError, match=r"hf-inference-endpoints\[numpy\]"):
        EmbeddingResult([[1.0]]).to_numpy()


# ------------------------------------------------------------------ bodies


def test_validate_texts() -> None:
    assert validate_texts("one") == (["one"], True)
    assert validate_texts(["a", "b"]) == (["a", "b"], False)
    assert validate_texts([]) == ([], False)
    for bad in (None, 3, b"bytes", {"a": 1}, ["ok", 2]):
        with pytest.raises(ValidationError, match="nothing was sent"):
            validate_texts(bad)


def test_options_are_validated_strictly_and_sent_at_the_top_level() -> None:
    params = embedding_params(
        normalize=False, truncate=True, truncation_direction="Left", prompt_name="query"
    )
    assert embedding_body(["a"], params, single=True) == {
        "inputs": "a",
        "normalize": False,
        "truncate": True,
        "truncation_direction": "Left",
        "prompt_name": "query",
    }
    assert embedding_body(["a", "b"], {}, single=False) == {"inputs": ["a", "b"]}
    with pytest.raises(ValidationError, match="normalize"):
        embedding_params(normalize="yes")
    with pytest.raises(ValidationError, match="truncation_direction"):
        embedding_params(truncation_direction="middle")
    with pytest.raises(ValidationError, match="dimensions"):
        embedding_params(dimensions=0)


def test_similarity_body() -> None:
    assert similarity_body("a", ("b",)) == {"inputs": {"source_sentence": "a", "sentences": ["b"]}}
    for source, sentences in ((1, ["b"]), ("a", []), ("a", "b"), ("a", ["b", None])):
        with pytest.raises(ValidationError, match="nothing was sent"):
            similarity_body(source, sentences)


# ------------------------------------------------------------------ parsing


def dumps(value: object) -> bytes:
    return json.dumps(value).encode()


def as_lists(parsed: object) -> object:
    """A parse as lists: a pooled answer may come back as one numpy array (arrays.py)."""
    tolist = getattr(parsed, "tolist", None)
    return tolist() if tolist is not None else parsed


@contextlib.contextmanager
def general_parser() -> Iterator[None]:
    """parse_embeddings without the numpy path: the lists path (no numpy installed)."""
    with mock.patch("hf_inference_endpoints._embeddings.parsers.parse_matrix", return_value=None):
        yield


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([0.1, 0.2], [0.1, 0.2]),  # sentence-transformers: one vector
        ([[0.1, 0.2]], [0.1, 0.2]),  # TEI: a batch of one
        ([[[0.1, 0.2], [0.3, 0.4]]], [[0.1, 0.2], [0.3, 0.4]]),  # transformers: [1][tokens][dim]
        ([[0.1, 0.2], [0.3, 0.4]], [[0.1, 0.2], [0.3, 0.4]]),  # per-token, no batch axis
    ],
)
def test_parse_a_single_string_answer(answer: object, expected: object) -> None:
    assert as_lists(parse_embeddings(dumps(answer), 1, single=True)) == [expected]
    with general_parser():
        assert parse_embeddings(dumps(answer), 1, single=True) == [expected]


@pytest.mark.parametrize("numpy_path", [True, False])
def test_parse_batch_answers(numpy_path: bool) -> None:
    with contextlib.nullcontext() if numpy_path else general_parser():
        check_batch_answers()


def check_batch_answers() -> None:
    assert as_lists(parse_embeddings(dumps([[1, 2], [3, 4]]), 2, single=False)) == [
        [1, 2],
        [3, 4],
    ]
    # transformers: [n][1][tokens][dim] -> [tokens][dim] per input, like a single string
    per_token = [[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0]]]]
    assert parse_embeddings(dumps(per_token), 2, single=False) == [
        [[1.0, 2.0], [3.0, 4.0]],
        [[5.0, 6.0]],
    ]
    assert as_lists(parse_embeddings(dumps([0.5, 0.5]), 1, single=False)) == [[0.5, 0.5]]
    openai = {"data": [{"index": 1, "embedding": [2.0]}, {"index": 0, "embedding": [1.0]}]}
    assert as_lists(parse_embeddings(dumps(openai), 2, single=False)) == [[1.0], [2.0]]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"not json", "invalid JSON"),
        (dumps([]), "non-empty list"),
        (dumps({"error": "x"}), "'data'"),
        (dumps({"data": [{"index": 0}]}), "entry of 'data' is not an object with an 'embedding'"),
        (dumps([[1.0]]), "expected 2 embeddings, got 1"),
        (dumps([["a"], ["b"]]), "not a nested list of numbers"),
        (dumps([[], [1.0]]), "not a nested list of numbers"),
    ],
)
@pytest.mark.parametrize("numpy_path", [True, False])
def test_parse_rejects_what_is_not_an_answer(body: bytes, match: str, numpy_path: bool) -> None:
    # ValueError: the transport reports it as a ServerError; an OpenAI-style answer is
    # read by the providers' one OpenAI embeddings reader, which raises ServerError itself
    with (
        contextlib.nullcontext() if numpy_path else general_parser(),
        pytest.raises((ValueError, ServerError), match=match),
    ):
        parse_embeddings(body, 2, single=False)


def test_parse_similarity_and_tei_info() -> None:
    assert parse_similarity(b"[0.5, 0.25]", 2) == [0.5, 0.25]
    with pytest.raises(ValueError, match="expected 3 scores"):
        parse_similarity(b"[0.5]", 3)
    info = parse_tei_info(dumps({"model_id": "m", "max_client_batch_size": 8}))
    assert info is not None and info.max_client_batch_size == 8
    assert parse_tei_info(b"<html>") is None
    assert parse_tei_info(dumps({"model_id": "not tei"})) is None
    assert parse_tei_info(dumps({"max_client_batch_size": "many"})) is None


# the fast parse (orjson when installed) gives exactly the stdlib's values
float_text = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),  # Python servers
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.floats(-1, 1).map(lambda x: f"{x:.8f}"),  # rounded decimals
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.17e}"),
    st.integers(-(2**63), 2**64 - 1).map(str),  # (beyond: the nearest float, documented)
    st.sampled_from(["-0.0", "0", "1E-7", "4.9e-324", "1.7976931348623157e308", "NaN"]),
)


@given(st.lists(st.lists(float_text, min_size=3, max_size=3), min_size=1, max_size=4))
def test_parse_gives_the_floats_json_loads_gives(rows: list[list[str]]) -> None:
    body = ("[" + ",".join("[" + ",".join(row) + "]" for row in rows) + "]").encode()
    with general_parser():  # the lists path (the numpy path: test_embedding_arrays.py)
        parsed = parse_embeddings(body, len(rows), single=False)
    expected = json.loads(body)
    assert json.dumps(parsed) == json.dumps(expected)  # NaN-safe, and -0.0 != 0.0 in text
    assert [[type(v) for v in row] for row in parsed] == [[type(v) for v in r] for r in expected]


def test_fast_loads_falls_back_to_the_stdlib_and_its_errors() -> None:
    from hf_inference_endpoints._fastjson import loads

    assert loads(b"[NaN, 1]")[1] == 1 and math.isnan(loads(b"[NaN, 1]")[0])
    assert loads(b"[1,2]\n") == [1, 2] and loads("[1.5]") == [1.5]
    with pytest.raises(ValueError, match="Expecting value"):  # the stdlib's message
        loads(b"[1,")
