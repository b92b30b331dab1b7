"""pytest plugin: the ``hf_emulator`` fixture, a local Hugging Face for your app's tests.

Installed with the package (entry point group ``pytest11``), so any project that has
``hf-inference-endpoints[emulator]`` installed can write::

    def test_my_app(hf_emulator):
        answer = my_app.ask("What is the capital of France?")   # uses HfInferenceClient()
        assert answer.startswith("Emulated reply")

The emulator runs once per test session on a loopback port (a real socket, no network,
no token). For each test, ``hf_emulator`` (an
:class:`~hf_inference_endpoints.emulator.testing.HfEmulator`):

* sets ``HF_TOKEN``, ``HF_ENDPOINT``, ``HF_ROUTER_URL`` and ``HF_ENDPOINTS_API_URL`` so
  that ``HfInferenceClient()`` and ``hfie`` talk to it (and removes other ``HF_*``
  variables and the token file from view);
* starts from a clean state: no faults, no cold models, no endpoints, the session's
  time scale (ini option ``hf_emulator_time_scale``, default 0.01: 100x faster).

This module imports nothing heavy: the emulator loads when a test asks for the fixture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .emulator.testing import HfEmulator

__all__ = ["TOKEN", "hf_emulator", "hf_emulator_server"]

#: The only token the plugin's emulator accepts (an app sending none gets a 401).
TOKEN = "hf_emulator_test_token"
_TIME_SCALE_INI = "hf_emulator_time_scale"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        _TIME_SCALE_INI,
        "Multiplier of the hf_emulator's simulated waits (default 0.01).",
        default="0.01",
    )


def _time_scale(config: pytest.Config) -> float:
    raw = config.getini(_TIME_SCALE_INI)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise pytest.UsageError(f"{_TIME_SCALE_INI} = {raw!r} is not a number") from None
    if value < 0:
        raise pytest.UsageError(f"{_TIME_SCALE_INI} must be >= 0")
    return value


@pytest.fixture(scope="session")
def hf_emulator_server(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The session's emulator server (an ``EmulatorHandle``); most tests want ``hf_emulator``."""
    try:
        from .emulator import EmulatorSettings, running_emulator
    except ImportError as exc:  # starlette / uvicorn missing
        pytest.fail(
            "hf_emulator needs the emulator extra: pip install 'hf-inference-endpoints[emulator]'"
            f" ({exc})",
            pytrace=False,
        )
    settings = EmulatorSettings(
        time_scale=_time_scale(pytestconfig), valid_tokens=frozenset({TOKEN})
    )
    with running_emulator(settings) as handle:
        yield handle


@pytest.fixture
def hf_emulator(
    hf_emulator_server: Any,
    pytestconfig: pytest.Config,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[HfEmulator]:
    """A clean emulator for this test, with the environment pointing at it."""
    from .emulator.testing import HfEmulator

    emulator = HfEmulator(hf_emulator_server, token=TOKEN)
    emulator.reset()
    emulator.time_scale = _time_scale(pytestconfig)
    for name in list(os.environ):
        if name.startswith(("HF_", "HUGGING_FACE")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    for name, value in emulator.env.items():
        monkeypatch.setenv(name, value)
    yield emulator
    emulator.reset()
