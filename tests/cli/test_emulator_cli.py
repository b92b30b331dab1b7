"""``hfie emulator``: a busy port is an error, options are checked, and it serves."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx2
import pytest
from click.testing import CliRunner

from hf_inference_endpoints.cli import main


@pytest.fixture
def busy_port() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def test_a_busy_port_is_an_error_and_nothing_claims_to_listen(busy_port: int) -> None:
    result = CliRunner().invoke(main, ["emulator", "--port", str(busy_port)])
    assert result.exit_code == 1
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.output
    assert "emulator on" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--port", "70000"], "70000 is not in the range"),
        (["--time-scale", "-1"], "-1.0 is not in the range x>=0"),
        (["--cold-model", "org/model"], "expected MODEL=SECONDS"),
        (["--cold-model", "org/model=soon"], "expected MODEL=SECONDS"),
    ],
)
def test_bad_options_exit_2_before_binding(args: list[str], said: str) -> None:
    result = CliRunner().invoke(main, ["emulator", *args])
    assert result.exit_code == 2
    assert said in result.output
    assert "emulator on" not in result.output


def test_it_serves_and_says_where(tmp_path: object) -> None:
    """A real process, as a user starts it: the announced URL answers, Ctrl-C stops it."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from hf_inference_endpoints.cli import main; main()",
            "emulator",
            "--port",
            "0",
            "--cold-model",
            "org/cold=3",
            "--token",
            "hf_only_this",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("emulator on http://127.0.0.1:"), line
        base = line.split()[2]
        state = httpx2.get(f"{base}/_emulator/state", timeout=10).json()
        assert state["cold_models"]["org/cold"]["loading_seconds"] == 3
        refused = httpx2.get(
            f"{base}/hub/api/whoami-v2", headers={"authorization": "Bearer hf_other"}, timeout=10
        )
        assert refused.status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        if process.stderr is not None:
            process.stderr.close()


def test_python_dash_m_is_the_same_command(busy_port: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hf_inference_endpoints.emulator", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr
