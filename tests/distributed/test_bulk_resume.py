"""A bulk run killed mid-run and resumed holds every input exactly once; Redis restarted
mid-run does not stop it (caches miss, limits fall back to local ones, with warnings)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..conftest import EMULATOR_TOKEN
from .conftest import ROOT

MODEL = "org/embedder"
TEXTS = 120


def write_inputs(path: Path) -> list[str]:
    texts = [f"document number {i}" for i in range(TEXTS)]
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    return texts


def start_bulk(emulator: Any, source: Path, output: Path, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HFIE_"))}
    command = [
        sys.executable,
        "-c",
        "from hf_inference_endpoints.cli import main; main()",
        "bulk",
        "embed",
        "--input", str(source),
        "--output", str(output),
        "-m", MODEL,
        "--provider", "hf-inference",
        "--batch-size", "2",
        "--concurrency", "2",
        "--no-progress",
        "--token", EMULATOR_TOKEN,
        "--router-url", emulator.router_url,
        "--hub-url", emulator.hub_url,
        *extra,
    ]  # fmt: skip
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def check_exactly_once(output: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(r["index"] for r in rows) == list(range(TEXTS))
    assert [r["id"] for r in rows] == [r["index"] for r in rows]
    return rows


def test_killed_mid_run_then_resumed_holds_every_input_once(
    limited_emulator: Any, tmp_path: Path
) -> None:
    limited_emulator.reset()
    limited_emulator.set_fault(MODEL, "latency:ms=3000")  # 30 ms per request
    try:
        source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
        write_inputs(source)
        first = start_bulk(limited_emulator, source, output)
        wait_for(lambda: lines(output) >= 10 or first.poll() is not None)
        first.send_signal(signal.SIGKILL)
        first.communicate()
        killed_at = lines(output)
        assert 10 <= killed_at < TEXTS  # really killed mid-run
        second = start_bulk(limited_emulator, source, output, "--resume")
        out, err = second.communicate(timeout=120)
    finally:
        limited_emulator.clear_faults()
    assert second.returncode == 0, err
    summary = json.loads(out)
    assert summary["skipped"] + summary["written"] == TEXTS
    assert summary["skipped"] >= killed_at - 1  # a torn last line is redone
    rows = check_exactly_once(output)
    assert all("embedding" in r for r in rows)


def test_redis_restarted_mid_run_the_run_completes(
    limited_emulator: Any, redis_server: Any, redis_url: str, tmp_path: Path
) -> None:
    limited_emulator.reset()
    limited_emulator.set_fault(MODEL, "latency:ms=3000")
    try:
        source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
        write_inputs(source)
        run = start_bulk(
            limited_emulator,
            source,
            output,
            "--cache-url", redis_url,
            "--rate-limit-url", redis_url,
            "--rate-limit", "hf-inference=6000",
            "--token-limit", "hf-inference=1000000",
        )  # fmt: skip
        wait_for(lambda: lines(output) >= 10 or run.poll() is not None)
        redis_server.stop()
        down_at = lines(output)
        wait_for(lambda: lines(output) >= down_at + 10 or run.poll() is not None)
        redis_server.start()
        out, err = run.communicate(timeout=120)
    finally:
        limited_emulator.clear_faults()
        if redis_server.process is None:
            redis_server.start()
    assert run.returncode == 0, err
    assert down_at < TEXTS  # Redis really went away mid-run
    assert json.loads(out)["written"] == TEXTS
    # degraded, and said so: one warning per outage for the limits, one for the cache
    assert err.count("falling back to this process's limits") == 1
    assert err.count("StorageWarning") == 2
    rows = check_exactly_once(output)
    assert all("embedding" in r for r in rows)


def test_as_completed_run_killed_then_resumed_holds_every_input_once(
    limited_emulator: Any, tmp_path: Path
) -> None:
    # every call takes 30 ms; the first one 90 ms, so later rows overtake it
    limited_emulator.reset()
    limited_emulator.set_fault(MODEL, "latency:ms=6000;times=1,latency:ms=3000")
    try:
        source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
        write_inputs(source)
        order = ("--order", "completed", "--concurrency", "4")
        first = start_bulk(limited_emulator, source, output, *order)
        wait_for(lambda: lines(output) >= 12 or first.poll() is not None)
        first.send_signal(signal.SIGKILL)
        first.communicate()
        before = [json.loads(line)["index"] for line in output.read_text().splitlines()[:-1]]
        assert 11 <= len(before) < TEXTS - 1  # really killed mid-run
        # written as completed: the slow first chunk was overtaken, so the file is not in
        # input order (input order would leave exactly 0, 1, 2... in that order); which
        # rows were done when the kill came is timing, so their set may be a prefix
        assert before != list(range(len(before)))
        second = start_bulk(limited_emulator, source, output, *order, "--resume")
        out, err = second.communicate(timeout=120)
    finally:
        limited_emulator.clear_faults()
    assert second.returncode == 0, err
    summary = json.loads(out)
    assert summary["skipped"] + summary["written"] == TEXTS
    assert summary["skipped"] >= len(before)
    rows = check_exactly_once(output)
    assert all("embedding" in r for r in rows)
