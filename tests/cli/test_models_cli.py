"""``hfie models`` against the emulator's Hub (real sockets): the table, filters, --json."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from hf_inference_endpoints.cli import main

from ..conftest import EMULATOR_TOKEN


def run(emulator: Any, *args: str) -> Any:
    env = {"HF_TOKEN": EMULATOR_TOKEN, "HF_ENDPOINT": emulator.hub_url}
    return CliRunner().invoke(main, ["models", *args], env=env, catch_exceptions=False)


def test_a_table_of_the_models_a_provider_serves(emulator: Any, no_env: None) -> None:
    result = run(emulator, "--provider", "together", "--limit", "3")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["MODEL", "TASK", "LIKES", "DOWNLOADS", "PROVIDERS"]
    served = [m.id for m in emulator.state.catalog.all() if "together" in m.providers][:3]
    assert [row.split()[0] for row in rows] == served
    assert all(row.rstrip().endswith("together") for row in rows)  # only the asked provider


def test_filters_and_json(emulator: Any, no_env: None) -> None:
    result = run(emulator, "--task", "text-generation", "--search", "llama", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found and all("llama" in m["id"].lower() for m in found)
    assert all(m["pipeline_tag"] == "text-generation" for m in found)
    assert all(isinstance(m["inferenceProviderMapping"], list) for m in found)
    assert all("provider" in e for m in found for e in m["inferenceProviderMapping"])


def test_nothing_found(emulator: Any, no_env: None) -> None:
    result = run(emulator, "--search", "no-model-has-this-in-its-name")
    assert result.exit_code == 0 and result.output.strip() == "no models"


def test_a_bad_limit_is_a_usage_error(emulator: Any, no_env: None) -> None:
    assert run(emulator, "--limit", "0").exit_code == 2
