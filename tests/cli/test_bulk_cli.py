"""``hfie bulk embed|run`` against the emulator (real sockets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints.emulator.embeddings import embed

from .test_cli import env, run  # noqa: F401  (fixture)

MODEL = "org/embedder"


def test_bulk_embed_then_resume_refusal_and_run(
    env: dict[str, str],  # noqa: F811
    emulator: Any,
    tmp_path: Path,
) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('"first"\n{"id": "b", "text": "second"}\n\n"third"\n')
    result = run(
        env, "bulk", "embed", "--input", str(source), "--output", str(output), "-m", MODEL,
        "--batch-size", "2", "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["written"], summary["skipped"], summary["errors"]) == (3, 0, 0)
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["index"] for r in rows] == [0, 1, 2]
    assert rows[1]["id"] == "b"
    settings = emulator.settings
    assert rows[2]["embedding"] == embed(
        MODEL, "third", dim=settings.embedding_dim(MODEL), seed=settings.seed, normalize=True
    )
    again = run(env, "bulk", "embed", "--input", str(source), "--output", str(output), "-m", MODEL)
    assert again.exit_code == 2
    assert "--resume" in again.stderr
    resumed = run(
        env, "bulk", "embed", "--input", str(source), "--output", str(output), "-m", MODEL,
        "--resume", "--no-progress",
    )  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["skipped"] == 3
    bad = run(env, "bulk", "embed", "--input", str(source), "--output", str(tmp_path / "x"),
              "--rate-limit", "hf-inference=lots")  # fmt: skip
    assert bad.exit_code == 2
    assert "PROVIDER=N" in bad.stderr


def test_bulk_embed_parquet_by_column_and_resume(
    env: dict[str, str],  # noqa: F811
    emulator: Any,
    tmp_path: Path,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source, output = tmp_path / "docs.parquet", tmp_path / "vectors.parquet"
    pq.write_table(pa.table({"id": [10, 11, 12], "body": ["one", "two", "three"]}), source)
    checkpoint = tmp_path / "vectors.parquet.partial.jsonl"
    checkpoint.write_text('{"index":0,"id":10,"embedding":[1.0]}\n{"index":1,"id"')  # killed
    args = ["bulk", "embed", "--input", str(source), "--output", str(output), "-m", MODEL,
            "--column", "body", "--no-progress"]  # fmt: skip
    refused = run(env, *args)
    assert refused.exit_code == 2
    assert "--resume" in refused.stderr
    result = run(env, *args, "--resume")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["written"], summary["skipped"], summary["output"]) == (2, 1, str(output))
    table = pq.read_table(output)
    assert table.column("index").to_pylist() == [0, 1, 2]
    assert table.column("id").to_pylist() == [10, 11, 12]
    settings = emulator.settings
    expected = embed(
        MODEL, "three", dim=settings.embedding_dim(MODEL), seed=settings.seed, normalize=True
    )
    assert table.column("embedding").to_pylist()[2] == pytest.approx(expected, rel=1e-6)
    assert not checkpoint.exists()
    wrong = run(env, "bulk", "run", "text-classification", "--input", str(source),
                "--output", str(tmp_path / "labels.parquet"), "-m", MODEL)  # fmt: skip
    assert wrong.exit_code == 2
    assert "no column 'inputs' (columns: id, body)" in wrong.stderr


def test_bulk_embed_as_completed_with_a_token_limit(
    env: dict[str, str],  # noqa: F811
    emulator: Any,
    tmp_path: Path,
) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(f'"text number {i}"\n' for i in range(6)))
    result = run(
        env, "bulk", "embed", "--input", str(source), "--output", str(output), "-m", MODEL,
        "--batch-size", "2", "--order", "completed", "--no-progress",
        "--rate-limit", "hf-inference=6000", "--token-limit", "hf-inference=100000",
        "--adaptive-concurrency", "8", "--adaptive-latency-tolerance", "3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(r["index"] for r in rows) == list(range(6))
    too_small = run(
        env, "bulk", "embed", "--input", str(source), "--output", str(tmp_path / "o.jsonl"),
        "-m", MODEL, "--batch-size", "2", "--no-progress", "--token-limit", "hf-inference=3",
    )  # fmt: skip
    assert too_small.exit_code == 0, too_small.output  # per-input errors are rows
    summary = json.loads(too_small.stdout)
    assert summary["error_types"] == {"InvalidArgument": 6}
    row = json.loads((tmp_path / "o.jsonl").read_text().splitlines()[0])
    assert "more than the 3 tokens per minute allowed for hf-inference" in row["error"]["message"]
    bad = run(env, "bulk", "embed", "--input", str(source), "--output", str(tmp_path / "x"),
              "--order", "random")  # fmt: skip
    assert bad.exit_code == 2
    low = run(env, "bulk", "embed", "--input", str(source), "--output", str(tmp_path / "y"),
              "--adaptive-latency-tolerance", "1")  # fmt: skip
    assert low.exit_code == 2


def test_bulk_retry_errors_reruns_the_error_rows(
    env: dict[str, str],  # noqa: F811
    emulator: Any,
    tmp_path: Path,
) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('"first"\n"second"\n')
    output.write_text(
        '{"index": 0, "error": {"type": "ServerError", "message": "boom"}}\n'
        '{"index": 1, "embedding": [0.5]}\n'
    )
    args = ["bulk", "embed", "--input", str(source), "--output", str(output), "-m", MODEL,
            "--no-progress"]  # fmt: skip
    refused = run(env, *args, "--retry-errors")
    assert refused.exit_code == 2
    assert "--resume" in refused.stderr
    result = run(env, *args, "--resume", "--retry-errors")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["written"], summary["skipped"], summary["errors"]) == (1, 1, 0)
    rows = {r["index"]: r for r in map(json.loads, output.read_text().splitlines())}
    assert sorted(rows) == [0, 1]
    assert rows[1]["embedding"] == [0.5]  # kept as it was
    settings = emulator.settings
    assert rows[0]["embedding"] == embed(
        MODEL, "first", dim=settings.embedding_dim(MODEL), seed=settings.seed, normalize=True
    )
