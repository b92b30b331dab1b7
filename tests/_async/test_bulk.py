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
