"""Multi-process tests: workers are real processes sharing a real redis-server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import EMULATOR_TOKEN

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("worker.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.distributed)


@pytest.fixture(scope="module")
def limited_emulator() -> Iterator[Any]:
    """A private emulator, 100x faster than life (a minute is 0.6 s)."""
    from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

    settings = EmulatorSettings(
        time_scale=0.01, valid_tokens=frozenset({EMULATOR_TOKEN}), serve_any_model=True
    )
    with running_emulator(settings) as handle:
        yield handle


def client_config(emulator: Any, **extra: Any) -> dict[str, Any]:
    return {
        "token": EMULATOR_TOKEN,
        "router_url": emulator.router_url,
        "hub_url": emulator.hub_url,
        "endpoints_api_url": emulator.endpoints_api_url,
        "default_provider": "hf-inference",  # the emulator's Hub does not map org/ models
        **extra,
    }


def start_worker(spec: dict[str, Any]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HFIE_"))}
    return subprocess.Popen(
        [sys.executable, str(WORKER), json.dumps(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> dict[str, Any]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result
