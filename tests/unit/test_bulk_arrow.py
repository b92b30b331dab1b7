"""Parquet/Arrow files of the bulk runner: streamed input, atomic output, the missing extra."""

from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints import ConfigurationError, InvalidArgument, _bulk_arrow
from hf_inference_endpoints._bulk import check_source, open_output, read_inputs

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def write_parquet(path: Path, rows: int) -> None:
    table = pa.table({"text": [f"t{i}" for i in range(rows)], "id": list(range(rows))})
    pq.write_table(table, path, row_group_size=4)


def test_without_pyarrow_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.parquet"
    write_parquet(source, 2)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow -> ImportError
    with pytest.raises(
        ConfigurationError, match=r"pip install 'hf-inference-endpoints\[pyarrow\]'"
    ):
        check_source(source, "text")
    with pytest.raises(ConfigurationError, match="pyarrow"):
        open_output(tmp_path / "out.parquet", resume=False, result="embedding")
    assert not (tmp_path / "out.parquet.partial.jsonl").exists()


def test_input_is_read_one_record_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.parquet"
    write_parquet(source, 12)
    monkeypatch.setattr(_bulk_arrow, "READ_BATCH", 4)
    pulled: list[int] = []
    batches = _bulk_arrow._batches

    def counting(path: Path, columns: Any) -> Any:
        for batch in batches(path, columns):
            pulled.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(_bulk_arrow, "_batches", counting)
    items = read_inputs(source, field_name="text")
    first = list(islice(items, 5))
    assert [(i.index, i.id, i.value) for i in first] == [(n, n, f"t{n}") for n in range(5)]
    assert pulled == [4, 4]  # 5 items needed 2 batches of the 3, not the whole file
    assert [i.index for i in items] == list(range(5, 12))


def test_an_arrow_stream_is_an_input_too(tmp_path: Path) -> None:
    source = tmp_path / "in.ipc"
    schema = pa.schema([("text", pa.string())])
    with pa.OSFile(str(source), "wb") as sink, pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(pa.table({"text": ["a", "b"]}))
        writer.write_table(pa.table({"text": ["c"]}))
    assert [i.value for i in read_inputs(source, field_name="text")] == ["a", "b", "c"]


def test_a_checkpoint_that_cannot_become_parquet_is_kept_whole(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    sink = open_output(output, resume=False, result="embedding")
    sink.write([{"index": 0, "id": 1, "embedding": [0.5]}])
    sink.write([{"index": 1, "id": "two", "embedding": [0.25]}])  # ids of two types
    with pytest.raises(InvalidArgument, match="ids are not all of one type"):
        sink.finish()
    checkpoint = tmp_path / "out.parquet.partial.jsonl"
    assert [json.loads(line)["index"] for line in checkpoint.read_text().splitlines()] == [0, 1]
    assert not output.exists()
    assert not (tmp_path / "out.parquet.tmp").exists()


def test_an_empty_run_still_writes_a_readable_file(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    open_output(output, resume=False, result="output").finish()
    table = pq.read_table(output)
    assert (table.num_rows, table.column_names) == (0, ["index", "output", "error"])
