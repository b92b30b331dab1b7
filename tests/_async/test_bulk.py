"""client.bulk: ordered rows, errors as data, resume exactly once (both twins, emulator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints import InvalidArgument

from .test_embeddings import Wire, emulated, emulator_client

MODEL = "org/embedder"
CLASSIFIER = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.anyio
async def test_embed_writes_one_row_per_input_in_order(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = [f"text {i}" for i in range(23)]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"doc-{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    )
    output = tmp_path / "out.jsonl"
    wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        summary = await client.bulk.embed(
            source, output, model=MODEL, batch_size=4, concurrency=3, progress=False
        )
    written = rows(output)
    assert [r["index"] for r in written] == list(range(23))
    assert [r["id"] for r in written] == [f"doc-{i}" for i in range(23)]
    assert [r["embedding"] for r in written] == [emulated(emulator, MODEL, t) for t in texts]
    assert (summary.written, summary.skipped, summary.errors) == (23, 0, 0)
    assert len(wire.posts()) == 6  # 23 texts in batches of 4


@pytest.mark.anyio
async def test_errors_are_rows_and_the_run_goes_on(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    output = tmp_path / "out.jsonl"
    inputs = ["a", 5, "b", "c", "d"]
    emulator.set_fault(MODEL, "500:times=1")
    try:
        async with emulator_client(emulator, Wire(), max_retries=0) as client:
            summary = await client.bulk.embed(
                inputs, output, model=MODEL, batch_size=2, concurrency=1, progress=False
            )
    finally:
        emulator.clear_faults()
        emulator.reset()
    written = rows(output)
    assert [r["index"] for r in written] == [0, 1, 2, 3, 4]
    # chunk 1 ("a", 5): 5 refused locally, "a" hit the one 500; chunk 2 and 3 are fine
    assert written[0]["error"]["type"] == "ServerError"
    assert written[1]["error"] == {
        "type": "InvalidArgument",
        "message": "the input is not a non-empty string",
    }
    assert [r["embedding"] for r in written[2:]] == [emulated(emulator, MODEL, t) for t in "bcd"]
    assert summary.errors == 2
    assert summary.error_types == {"ServerError": 1, "InvalidArgument": 1}


@pytest.mark.anyio
async def test_resume_skips_what_is_there_and_cuts_a_torn_line(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = [f"t{i}" for i in range(10)]
    output = tmp_path / "out.jsonl"
    async with emulator_client(emulator, Wire(), enable_embedding_cache=False) as client:
        await client.bulk.embed(texts[:4], output, model=MODEL, batch_size=2, progress=False)
        with output.open("a") as handle:
            handle.write('{"index": 4, "embedd')  # a kill mid-write
        with pytest.raises(InvalidArgument, match="resume"):
            await client.bulk.embed(texts, output, model=MODEL, progress=False)
        wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        summary = await client.bulk.embed(
            texts, output, model=MODEL, batch_size=2, resume=True, progress=False
        )
    written = rows(output)
    assert [r["index"] for r in written] == list(range(10))
    assert [r["embedding"] for r in written] == [emulated(emulator, MODEL, t) for t in texts]
    assert (summary.skipped, summary.written) == (4, 6)
    assert wire.texts_sent() == texts[4:]


async def _embed_with_two_errors(emulator: Any, output: Path, texts: list[str]) -> None:
    """A run whose first batch (inputs 0 and 1) meets a 500: two error rows."""
    emulator.reset()
    emulator.set_fault(MODEL, "500:times=1")
    try:
        async with emulator_client(
            emulator, Wire(), max_retries=0, enable_embedding_cache=False
        ) as client:
            await client.bulk.embed(
                texts, output, model=MODEL, batch_size=2, concurrency=1, progress=False
            )
    finally:
        emulator.clear_faults()
        emulator.reset()


@pytest.mark.anyio
async def test_retry_errors_sends_the_failed_inputs_again_and_keeps_each_index_once(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = ["a", "b", "c", "d", "e"]
    output = tmp_path / "out.jsonl"
    await _embed_with_two_errors(emulator, output, texts)
    assert [("error" in r) for r in rows(output)] == [True, True, False, False, False]
    with output.open("a") as handle:
        handle.write('{"index": 5, "embedd')  # a kill mid-write
    before = output.read_text()
    wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        with pytest.raises(InvalidArgument, match="needs resume"):
            await client.bulk.embed(texts, output, model=MODEL, retry_errors=True)
        assert output.read_text() == before  # refused before the file was touched
        plain = await client.bulk.embed(texts, output, model=MODEL, resume=True, progress=False)
        assert wire.texts_sent() == []  # without retry_errors an error row is done
        retried = await client.bulk.embed(
            texts, output, model=MODEL, resume=True, retry_errors=True, progress=False
        )
    assert wire.texts_sent() == ["a", "b"]
    written = rows(output)
    assert sorted(r["index"] for r in written) == [0, 1, 2, 3, 4]  # each once, torn line cut
    by_index = {r["index"]: r for r in written}
    assert [by_index[i]["embedding"] for i in range(5)] == [
        emulated(emulator, MODEL, t) for t in texts
    ]
    assert (plain.skipped, plain.written) == (5, 0)
    assert (retried.skipped, retried.written, retried.errors) == (3, 2, 0)


@pytest.mark.anyio
async def test_retry_errors_on_a_parquet_output_replaces_its_error_rows(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = ["a", "b", "c", "d"]
    output = tmp_path / "out.parquet"
    checkpoint = tmp_path / "out.parquet.partial.jsonl"
    await _embed_with_two_errors(emulator, output, texts)
    assert [r["error"] is not None for r in parquet_rows(output)] == [True, True, False, False]
    # a retry run killed after its first row: the checkpoint holds a newer row for index 0
    async with emulator_client(emulator, Wire(), enable_embedding_cache=False) as client:
        await client.bulk.embed(["a"], checkpoint, model=MODEL, progress=False)
    wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        # resumed without retry_errors: the newer row wins, index 1 keeps its error
        await client.bulk.embed(texts, output, model=MODEL, resume=True, progress=False)
        assert wire.texts_sent() == []
        kept = {r["index"]: r for r in parquet_rows(output)}
        assert sorted(kept) == [0, 1, 2, 3]
        assert kept[0]["error"] is None and kept[0]["embedding"] is not None
        assert kept[1]["error"]["type"] == "ServerError"
        summary = await client.bulk.embed(
            texts, output, model=MODEL, resume=True, retry_errors=True, progress=False
        )
    assert wire.texts_sent() == ["b"]
    assert (summary.skipped, summary.written) == (3, 1)
    final = parquet_rows(output)
    assert sorted(r["index"] for r in final) == [0, 1, 2, 3]
    assert all(r["error"] is None for r in final)
    by_index = {r["index"]: r for r in final}
    assert [by_index[i]["embedding"] for i in range(4)] == [
        float32(emulated(emulator, MODEL, t)) for t in texts
    ]
    assert not checkpoint.exists()


@pytest.mark.anyio
async def test_run_any_task(emulator: Any, no_env: None, tmp_path: Path) -> None:
    output = tmp_path / "labels.jsonl"
    async with emulator_client(emulator, Wire()) as client:
        summary = await client.bulk.run(
            "text-classification",
            ["I love it", "I hate it"],
            output,
            model=CLASSIFIER,
            concurrency=2,
            progress=False,
        )
        direct = await client.infer("text-classification", CLASSIFIER, "I love it")
    written = rows(output)
    assert [r["index"] for r in written] == [0, 1]
    assert written[0]["output"] == direct
    assert summary.errors == 0


@pytest.mark.anyio
async def test_bad_arguments_fail_before_anything_is_sent(no_env: None, tmp_path: Path) -> None:
    wire = Wire()
    async with emulator_client_free(wire) as client:
        with pytest.raises(InvalidArgument, match="batch_size"):
            await client.bulk.embed(["a"], tmp_path / "o.jsonl", batch_size=0)
        with pytest.raises(InvalidArgument, match="concurrency"):
            await client.bulk.embed(["a"], tmp_path / "o.jsonl", concurrency=0)
        with pytest.raises(InvalidArgument, match="not found"):
            await client.bulk.embed(tmp_path / "missing.jsonl", tmp_path / "o2.jsonl")
        bad = tmp_path / "bad.jsonl"
        bad.write_text("not json\n")
        with pytest.raises(InvalidArgument, match=r"bad\.jsonl:1"):
            await client.bulk.embed(bad, tmp_path / "o3.jsonl", progress=False)
    assert wire.requests == []


def emulator_client_free(wire: Wire) -> Any:
    from .test_embeddings import open_client

    return open_client(wire)


@pytest.mark.anyio
async def test_a_run_reports_progress_through_on_progress(
    emulator: Any, no_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk runs report like every long wait: ProgressEvent(kind="bulk") to on_progress."""
    from hf_inference_endpoints import _bulk

    monkeypatch.setattr(_bulk, "REPORT_EVERY", 0.0)  # every chunk, so the test sees each one
    events: list[Any] = []
    output = tmp_path / "out.jsonl"
    texts = [f"text {i}" for i in range(10)]
    async with emulator_client(
        emulator, Wire(), enable_embedding_cache=False, on_progress=events.append
    ) as client:
        await client.bulk.embed(texts, output, model=MODEL, batch_size=4, progress=False)
    assert [e.kind for e in events] == ["bulk"] * 3
    assert [e.state for e in events] == ["4/10 items", "8/10 items", "10/10 items"]
    assert all(e.subject == str(output) for e in events)
    assert events[-1].estimate == 0.0
    assert [e.elapsed for e in events] == sorted(e.elapsed for e in events)


def parquet_input(path: Path, texts: list[Any], *, column: str = "body", ids: bool = True) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, Any] = {column: texts, "lang": ["en"] * len(texts)}
    if ids:
        columns["id"] = [f"doc-{i}" for i in range(len(texts))]
    pq.write_table(pa.table(columns), path, row_group_size=4)  # several row groups


def parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return list(pq.read_table(path).to_pylist())


def float32(vector: list[float]) -> list[float]:
    import numpy as np

    return [float(x) for x in np.asarray(vector, dtype=np.float32)]


@pytest.mark.anyio
async def test_parquet_in_parquet_out_by_column(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = [f"text {i}" for i in range(10)]
    texts[3] = None  # a null cell is an error row, not a failed run
    source, output = tmp_path / "docs.parquet", tmp_path / "vectors.parquet"
    parquet_input(source, texts)
    wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        summary = await client.bulk.embed(
            source, output, model=MODEL, field="body", batch_size=3, concurrency=2, progress=False
        )
    written = parquet_rows(output)
    assert [r["index"] for r in written] == list(range(10))
    assert [r["id"] for r in written] == [f"doc-{i}" for i in range(10)]
    assert written[3]["embedding"] is None
    assert written[3]["error"] == {
        "type": "InvalidArgument",
        "message": "the input is not a non-empty string",
    }
    for row, text in zip(written, texts, strict=True):
        if text is not None:
            assert row["error"] is None
            assert row["embedding"] == float32(emulated(emulator, MODEL, text))
    assert wire.texts_sent() == [t for t in texts if t is not None]
    assert (summary.written, summary.errors, summary.output) == (10, 1, str(output))
    assert not (tmp_path / "vectors.parquet.partial.jsonl").exists()  # the checkpoint is gone


@pytest.mark.anyio
async def test_parquet_output_resumes_from_its_checkpoint_exactly_once(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = [f"t{i}" for i in range(10)]
    source, output = tmp_path / "in.parquet", tmp_path / "out.parquet"
    checkpoint = tmp_path / "out.parquet.partial.jsonl"
    parquet_input(source, texts, column="text")
    async with emulator_client(emulator, Wire(), enable_embedding_cache=False) as client:
        # a run killed after 4 rows: only its checkpoint is there, its last line torn
        await client.bulk.embed(texts[:4], checkpoint, model=MODEL, progress=False)
        with checkpoint.open("a") as handle:
            handle.write('{"index": 4, "embedd')
        with pytest.raises(InvalidArgument, match=r"partial\.jsonl exists"):
            await client.bulk.embed(source, output, model=MODEL, progress=False)
    wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        summary = await client.bulk.embed(
            source, output, model=MODEL, batch_size=4, resume=True, progress=False
        )
    written = parquet_rows(output)
    assert [r["index"] for r in written] == list(range(10))
    assert [r["embedding"] for r in written] == [
        float32(emulated(emulator, MODEL, t)) for t in texts
    ]
    assert (summary.skipped, summary.written) == (4, 6)
    assert wire.texts_sent() == texts[4:]
    assert not checkpoint.exists()
    # a rerun over a longer input extends the final file; one over the same input sends nothing
    longer = [*texts, "t10", "t11"]
    parquet_input(source, longer, column="text")
    wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        summary = await client.bulk.embed(source, output, model=MODEL, resume=True, progress=False)
        again = await client.bulk.embed(source, output, model=MODEL, resume=True, progress=False)
    assert wire.texts_sent() == ["t10", "t11"]
    assert (summary.skipped, summary.written, again.skipped, again.written) == (10, 2, 12, 0)
    assert [r["index"] for r in parquet_rows(output)] == list(range(12))
    # the 4 rows of the killed run came from a list (no ids); the rest from the file
    assert [r["id"] for r in parquet_rows(output)] == [None] * 4 + [
        f"doc-{i}" for i in range(4, 12)
    ]


@pytest.mark.anyio
async def test_run_a_task_from_arrow_to_arrow(emulator: Any, no_env: None, tmp_path: Path) -> None:
    import pyarrow as pa

    source, output = tmp_path / "in.arrow", tmp_path / "labels.arrow"
    with pa.ipc.new_file(str(source), pa.schema([("inputs", pa.string())])) as writer:
        writer.write_table(pa.table({"inputs": ["I love it", "I hate it"]}))
    async with emulator_client(emulator, Wire()) as client:
        summary = await client.bulk.run(
            "text-classification", source, output, model=CLASSIFIER, progress=False
        )
        direct = await client.infer("text-classification", CLASSIFIER, "I love it")
    with pa.memory_map(str(output)) as handle:
        table = pa.ipc.open_file(handle).read_all()
    assert table.column_names == ["index", "output", "error"]
    written = table.to_pylist()
    assert [r["index"] for r in written] == [0, 1]
    assert json.loads(written[0]["output"]) == direct  # an answer is JSON text
    assert summary.errors == 0


@pytest.mark.anyio
async def test_a_parquet_input_without_the_column_fails_before_sending(
    no_env: None, tmp_path: Path
) -> None:
    source = tmp_path / "in.parquet"
    parquet_input(source, ["a", "b"], column="body")
    wire = Wire()
    async with emulator_client_free(wire) as client:
        with pytest.raises(InvalidArgument, match=r"no column 'text' \(columns: body, lang, id\)"):
            await client.bulk.embed(source, tmp_path / "o.parquet", model=MODEL)
        not_parquet = tmp_path / "fake.parquet"
        not_parquet.write_text("hello")
        with pytest.raises(InvalidArgument, match="not a readable Parquet"):
            await client.bulk.embed(not_parquet, tmp_path / "o.parquet", model=MODEL)
    assert wire.requests == []
    assert not (tmp_path / "o.parquet").exists()
    assert not (tmp_path / "o.parquet.partial.jsonl").exists()


@pytest.mark.anyio
async def test_completed_order_writes_rows_as_their_calls_finish(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = [f"text {i}" for i in range(12)]
    output = tmp_path / "out.jsonl"
    emulator.set_fault(MODEL, "latency:ms=10000;times=1")  # one call takes 100 ms
    try:
        async with emulator_client(emulator, Wire(), enable_embedding_cache=False) as client:
            summary = await client.bulk.embed(
                texts, output, model=MODEL, batch_size=2, concurrency=3, order="completed",
                progress=False,
            )  # fmt: skip
    finally:
        emulator.clear_faults()
        emulator.reset()
    written = rows(output)
    indices = [r["index"] for r in written]
    assert sorted(indices) == list(range(12))  # every input exactly once
    by_index = {r["index"]: r["embedding"] for r in written}
    assert [by_index[i] for i in range(12)] == [emulated(emulator, MODEL, t) for t in texts]
    assert (summary.written, summary.errors) == (12, 0)
    # unasync: remove-begin
    assert indices != sorted(indices)  # the slow call's rows came after later ones
    # unasync: remove-end


@pytest.mark.anyio
async def test_resume_of_an_out_of_order_output_skips_exactly_the_rows_there(
    emulator: Any, no_env: None, tmp_path: Path
) -> None:
    texts = [f"t{i}" for i in range(10)]
    output = tmp_path / "out.jsonl"
    # an as-completed run stopped with these rows written, the last one torn by a kill
    done = [5, 0, 1, 7, 2]
    output.write_text(
        "".join(json.dumps({"index": i, "embedding": [0.0]}) + "\n" for i in done)
        + '{"index": 3, "emb'
    )
    wire = Wire()
    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        summary = await client.bulk.embed(
            texts, output, model=MODEL, batch_size=2, resume=True, order="completed",
            progress=False,
        )  # fmt: skip
        with pytest.raises(InvalidArgument, match="order must be 'input' or 'completed'"):
            await client.bulk.embed(texts, tmp_path / "o.jsonl", order="random")  # type: ignore[arg-type]
    indices = [r["index"] for r in rows(output)]
    assert indices[:5] == done and sorted(indices) == list(range(10))
    assert (summary.skipped, summary.written) == (5, 5)
    assert sorted(wire.texts_sent()) == sorted(texts[i] for i in (3, 4, 6, 8, 9))


@pytest.mark.anyio
async def test_progress_shows_the_adaptive_limits_and_round_trips(
    emulator: Any, no_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hf_inference_endpoints import _bulk

    monkeypatch.setattr(_bulk, "REPORT_EVERY", 0.0)
    events: list[Any] = []
    config = {"enable_embedding_cache": False, "on_progress": events.append}
    async with emulator_client(emulator, Wire(), adaptive_concurrency=8, **config) as client:
        await client.bulk.embed(
            [f"text {i}" for i in range(6)], tmp_path / "a.jsonl", model=MODEL, batch_size=2,
            progress=False,
        )  # fmt: skip
    async with emulator_client(emulator, Wire(), **config) as plain:
        await plain.bulk.embed(["x"], tmp_path / "b.jsonl", model=MODEL, progress=False)
    message = events[2].message
    assert message is not None
    assert message.startswith("hf-inference: 0/4 in flight (rtt ")  # after the last answer
    assert "s, baseline " in message
    assert events[-1].message is None  # adaptive concurrency off: nothing to show
