"""``hfie bulk embed|run`` against the emulator (real sockets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
