"""A CLI that speaks CLI: no traceback for user errors, hfie hints, documented exit codes,
-v / -q, and Ctrl-C during a wait."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hf_inference_endpoints.cli import main
from hf_inference_endpoints.cli._errors import EXIT_CODES
from hf_inference_endpoints.emulator.testing import HfEmulator


def hfie(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env)


def test_help_documents_the_exit_codes() -> None:
    result = hfie("--help")
    assert result.exit_code == 0
    for code, meaning in EXIT_CODES.items():
        assert f"{code:<4} {meaning}" in result.output


def test_an_output_in_a_missing_folder_is_refused_before_sending(
    hf_emulator: HfEmulator,
) -> None:
    before = hf_emulator.requests
    result = hfie("run", "text-to-image", "-i", "a fox", "-o", "/no/such/dir/x.png")
    assert result.exit_code == 2
    assert "the folder '/no/such/dir' does not exist" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert hf_emulator.requests == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_file_that_cannot_be_written_is_one_line(hf_emulator: HfEmulator) -> None:
    result = hfie("run", "text-to-image", "-i", "a fox", "-o", "/dev/full")
    assert result.exit_code == 2
    assert result.output == "error: No space left on device: /dev/full\n"


def test_an_unknown_option_is_usage_not_a_traceback() -> None:
    result = hfie("run", "text-classification", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.output
    assert "Traceback" not in result.output


def test_a_bug_is_one_line_unless_verbose(
    hf_emulator: HfEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hf_inference_endpoints.cli import run as run_module

    def broken(task: str, value: str | None) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(run_module, "_inputs", broken)
    quiet = hfie("run", "text-classification", "-i", "hi")
    assert quiet.exit_code == 1
    assert quiet.output == (
        "error: unexpected RuntimeError: boom (a bug in hfie: run it again with hfie -v for "
        "the traceback, and report it)\n"
    )
    loud = hfie("-v", "run", "text-classification", "-i", "hi")
    assert isinstance(loud.exception, RuntimeError)


def test_verbose_logs_retries_on_stderr(hf_emulator: HfEmulator) -> None:
    model = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
    hf_emulator.inject_fault("429:retry_after=1;times=1", model=model)
    result = hfie("-v", "run", "text-classification", "-m", model, "-i", "hi")
    assert result.exit_code == 0, result.output
    assert "after RateLimited (attempt 2)" in result.stderr
    assert result.stdout.startswith("LABEL")
    plain = hfie("run", "text-classification", "-m", model, "-i", "hi")
    assert plain.stderr == ""


def test_quiet_silences_progress_lines(hf_emulator: HfEmulator) -> None:
    hf_emulator.time_scale = 1.0  # initializing lasts 8 real seconds: no race with the poll
    hf_emulator.add_endpoint("quiet-llm", state="initializing")
    wait = ("endpoints", "wait", "quiet-llm", "--until", "initializing", "--json")
    result = hfie("-q", *wait)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert '"state": "initializing"' in result.stdout
    loud = hfie(*wait)
    assert loud.exit_code == 0, loud.output
    assert "[endpoint] emulator-user/quiet-llm: initializing, " in loud.stderr


def test_verbose_and_quiet_together_are_refused() -> None:
    result = hfie("-v", "-q", "run", "text-classification")
    assert result.exit_code == 2
    assert "give --verbose or --quiet, not both" in result.output


def test_ctrl_c_during_a_wait_is_one_line_and_exit_130(
    hf_emulator: HfEmulator, tmp_path: Path
) -> None:
    hf_emulator.time_scale = 1.0  # the endpoint takes 8 real seconds to start
    hf_emulator.add_endpoint("slow-llm", state="initializing")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from hf_inference_endpoints.cli import main; main()",
            "endpoints",
            "wait",
            "slow-llm",
            "--poll-interval",
            "0.05",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **hf_emulator.env, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    first = process.stderr.readline()  # the first progress line: it is waiting
    assert "initializing" in first, first
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in err


@pytest.mark.parametrize("page", ["README.md", "docs/cli.md"])
def test_the_documented_exit_codes_are_the_real_ones(page: str) -> None:
    text = (Path(__file__).resolve().parents[2] / page).read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", text, flags=re.MULTILINE)
    assert {int(code) for code, _ in rows} == set(EXIT_CODES)
