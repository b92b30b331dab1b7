"""examples/endpoint_lifecycle.py runs end to end against the emulator (what `make demo` shows)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from hf_inference_endpoints import HfInferenceClient
from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "endpoint_lifecycle.py"


def load_example() -> object:
    spec = importlib.util.spec_from_file_location("endpoint_lifecycle_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_walks_the_whole_life(capsys: pytest.CaptureFixture[str], no_env: None) -> None:
    example = load_example()
    with (
        running_emulator(EmulatorSettings(time_scale=0.001)) as emu,
        HfInferenceClient(
            default_provider="hf-inference",
            token="hf_demo",
            hub_url=emu.hub_url,
            router_url=emu.router_url,
            endpoints_api_url=emu.endpoints_api_url,
        ) as client,
    ):
        client.endpoints.poll_interval = 0.005
        example.run(client)  # type: ignore[attr-defined]
        assert client.endpoints.list() == []
    out = capsys.readouterr().out
    for step in range(1, 9):
        assert f"\n{step}. " in f"\n{out}"
    assert "state scaledToZero" in out
    assert "EndpointPaused, as expected" in out
    assert out.rstrip().endswith("gone")


def test_refuses_to_bill_without_consent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_env: None
) -> None:
    example = load_example()
    monkeypatch.setattr(sys, "argv", ["endpoint_lifecycle.py"])
    assert example.main() == 2  # type: ignore[attr-defined]
    assert "HFIE_DEMO_ALLOW_BILLING=1" in capsys.readouterr().err
