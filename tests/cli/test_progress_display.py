"""hfie shows long waits: plain lines off a terminal, one live status line on it."""

from __future__ import annotations

import io
import sys

import pytest
from click.testing import CliRunner

from hf_inference_endpoints import ProgressEvent
from hf_inference_endpoints.cli import main
from hf_inference_endpoints.cli._progress import ProgressDisplay
from hf_inference_endpoints.emulator.testing import HfEmulator

LOADING = ProgressEvent("cold_start", "org/model", "loading", 1.5, estimate=12.0, attempt=2)
RUNNING = ProgressEvent("endpoint", "me/llm", "running", 40.0, message="Endpoint is ready")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    display = ProgressDisplay(out)
    display(LOADING)
    display(RUNNING)
    display.close()
    assert out.getvalue() == (
        "  [cold start] org/model: loading, 1.5 s so far, about 12 s to go\n"
        "  [endpoint] me/llm: running, 40.0 s so far (Endpoint is ready)\n"
    )


def test_a_live_line_with_rich_on_a_terminal() -> None:
    pytest.importorskip("rich")
    out = Terminal()
    display = ProgressDisplay(out)
    assert display.live
    display(LOADING)
    display(RUNNING)
    display.close()
    text = out.getvalue()
    assert "[endpoint] me/llm: running, 40.0 s so far (Endpoint is ready)" in text
    assert "\n  [" not in text  # no plain lines: one status line, redrawn
    assert "\x1b[?25h" in text and text.endswith("\x1b[2K")  # cursor back, line cleared


def test_a_live_line_without_rich_is_rewritten_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    out = Terminal()
    display = ProgressDisplay(out)
    display(LOADING)
    display(RUNNING)
    display.close()
    assert out.getvalue() == (
        "\r\x1b[2K[cold start] org/model: loading, 1.5 s so far, about 12 s to go"
        "\r\x1b[2K[endpoint] me/llm: running, 40.0 s so far (Endpoint is ready)"
        "\r\x1b[2K"
    )


def test_hfie_shows_a_cold_start_and_quiet_hides_it(hf_emulator: HfEmulator) -> None:
    model = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
    hf_emulator.cold_model(model, seconds=5)  # 0.05 s at the 0.01 time scale
    shown = CliRunner().invoke(main, ["run", "text-classification", "-m", model, "-i", "hi"])
    assert shown.exit_code == 0, shown.output
    assert f"  [cold start] {model}: loading, " in shown.stderr
    assert shown.stdout.startswith("LABEL")
    hf_emulator.cold_model(model, seconds=5)
    quiet = CliRunner().invoke(main, ["-q", "run", "text-classification", "-m", model, "-i", "hi"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""


def test_a_result_takes_the_status_line_away_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    from hf_inference_endpoints.cli import _common

    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    terminal = Terminal()
    seen: list[str] = []

    @click.command()
    def command() -> None:
        display = ProgressDisplay(terminal)
        click.get_current_context().meta["hfie.progress"] = display
        display(LOADING)
        _common.out("the result")
        seen.append(terminal.getvalue())

    result = CliRunner().invoke(command, [])
    assert result.exit_code == 0, result.output
    assert result.stdout == "the result\n"
    assert seen == [f"\r\x1b[2K[cold start] {LOADING}\r\x1b[2K"]  # cleared before printing
