"""``hfie endpoints`` against the emulator (real sockets): tables, --json, progress, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from hf_inference_endpoints.cli import main
from hf_inference_endpoints.cli.endpoints import format_table
from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

TOKEN = "hf_emulator_cli_token"
HARDWARE = [
    "--vendor",
    "aws",
    "--region",
    "us-east-1",
    "--accelerator",
    "cpu",
    "--instance-type",
    "intel-spr",
    "--instance-size",
    "x2",
]


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    with running_emulator(
        EmulatorSettings(time_scale=0.001, valid_tokens=frozenset({TOKEN}))
    ) as handle:
        yield handle


@pytest.fixture
def env(emu: Any, no_env: None) -> dict[str, str]:
    emu.reset()
    return {
        "HF_TOKEN": TOKEN,
        "HF_ROUTER_URL": emu.router_url,
        "HF_ENDPOINT": emu.hub_url,
        "HF_ENDPOINTS_API_URL": emu.endpoints_api_url,
    }


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(
        main, ["endpoints", *args], env=env, input=stdin, catch_exceptions=False
    )


def test_lifecycle_for_people(env: dict[str, str], emu: Any) -> None:
    created = run(
        env,
        "create",
        "cli-ep",
        "HuggingFaceTB/SmolLM3-3B",
        *HARDWARE,
        "--task",
        "text-generation",
        "--min-replica",
        "0",
        "--scale-to-zero-timeout",
        "15",
        "--image",
        "tgi",
        "--image-url",
        "ghcr.io/huggingface/text-generation-inference:3.3.6",
        "--env",
        "MAX_INPUT_TOKENS=2048",
        "--tag",
        "demo",
    )
    assert created.exit_code == 0, created.output
    assert created.stdout.splitlines()[0].split() == [
        "NAME",
        "STATE",
        "REPLICAS",
        "MODEL",
        "HARDWARE",
        "URL",
    ]
    assert "cli-ep  pending" in created.stdout
    assert "tags: demo" in created.stdout

    waited = run(env, "wait", "cli-ep", "--poll-interval", "0.005", "--timeout", "10")
    assert waited.exit_code == 0, waited.output
    assert waited.stderr.startswith("  [endpoint] emulator-user/cli-ep: ")
    assert "emulator-user/cli-ep: running, " in waited.stderr
    assert "running" in waited.stdout and emu.tgi_url("cli-ep") in waited.stdout

    listed = run(env, "list")
    assert listed.exit_code == 0
    header, row = listed.stdout.splitlines()
    assert header.startswith("NAME")
    assert row.split()[:4] == ["cli-ep", "running", "1/1", "HuggingFaceTB/SmolLM3-3B"]
    assert row.endswith(emu.tgi_url("cli-ep"))

    for verb, state in (
        ("scale-to-zero", "scaledToZero"),
        ("pause", "paused"),
        ("resume", "pending"),
    ):
        result = run(env, verb, "emulator-user/cli-ep")
        assert result.exit_code == 0, result.output
        assert f"cli-ep  {state}" in result.stdout

    updated = run(env, "update", "cli-ep", "--max-replica", "3", "--json")
    assert updated.exit_code == 0, updated.output
    assert json.loads(updated.stdout)["compute"]["scaling"]["maxReplica"] == 3

    refused = run(env, "delete", "cli-ep", stdin="n\n")
    assert refused.exit_code == 1  # aborted: nothing deleted
    assert run(env, "get", "cli-ep").exit_code == 0
    deleted = run(env, "delete", "cli-ep", "--yes")
    assert (deleted.exit_code, deleted.stdout) == (0, "deleted cli-ep\n")


def test_json_for_scripts(env: dict[str, str]) -> None:
    created = run(env, "create", "json-ep", "gpt2", *HARDWARE, "--wait", "--json")
    assert created.exit_code == 0, created.output
    data = json.loads(created.stdout)
    assert data["status"]["state"] == "running"
    listed = json.loads(run(env, "list", "--json").stdout)
    assert [e["name"] for e in listed] == ["json-ep"]
    got = json.loads(run(env, "get", "json-ep", "--json").stdout)
    assert got["model"]["repository"] == "gpt2"
    assert json.loads(run(env, "list", "-n", "emulator-org", "--json").stdout) == []
    gone = run(env, "delete", "json-ep", "--yes", "--json")
    assert json.loads(gone.stdout) == {"deleted": "json-ep"}


def test_errors_are_one_line(env: dict[str, str]) -> None:
    missing = run(env, "get", "nope")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: NotFound: ")
    bad = run(env, "get", "bad name")
    assert bad.exit_code == 2
    assert "whitespace" in bad.stderr
    usage = run(env, "create", "x", "gpt2", *HARDWARE, "--env", "NOVALUE")
    assert usage.exit_code == 2
    assert "KEY=VALUE" in usage.output
    empty = run(env, "list")
    assert (empty.exit_code, empty.stdout) == (0, "no endpoints\n")


def test_failed_wait_exits_non_zero(env: dict[str, str]) -> None:
    run(env, "create", "bad-ep", "gpt2", *HARDWARE, "--env", "EMULATOR_FAIL=CUDA out of memory")
    result = run(env, "wait", "bad-ep", "--poll-interval", "0.005", "--timeout", "10")
    assert result.exit_code == 1
    assert "EndpointFailed" in result.stderr and "CUDA out of memory" in result.stderr


def test_format_table() -> None:
    assert format_table([("a", "bb")], ("X", "Y")) == "X  Y\na  bb"


def test_hardware_table_and_filters(env: dict[str, str]) -> None:
    result = run(
        env, "hardware", "--vendor", "aws", "--accelerator", "gpu", "--region", "eu-west-1"
    )
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split()[:5] == ["VENDOR", "REGION", "ACCELERATOR", "INSTANCE", "SIZE"]
    cells = [row.split() for row in rows]
    assert rows and all(c[:3] == ["aws", "eu-west-1", "gpu"] for c in cells)
    assert {c[3] for c in cells} == {"nvidia-t4", "nvidia-l4"}
    assert all(float(c[-1]) > 0 for c in cells)  # the price column


def test_hardware_json_and_nothing_found(env: dict[str, str]) -> None:
    result = run(env, "hardware", "--vendor", "azure", "--available", "--json")
    assert result.exit_code == 0 and json.loads(result.output) == []  # azure is unavailable
    listed = json.loads(run(env, "hardware", "--vendor", "azure", "--json").output)
    assert listed and all(item["available"] is False for item in listed)
    assert run(env, "hardware", "--vendor", "oracle").output.strip() == "no hardware matches"


def test_hardware_bad_filter_is_refused(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["endpoints", "hardware", "--vendor", " "], env=env)
    assert result.exit_code != 0 and "vendor" in result.output


def test_list_every_namespace(env: dict[str, str]) -> None:
    assert run(env, "create", "mine", "gpt2", *HARDWARE).exit_code == 0
    assert run(env, "create", "emulator-org/theirs", "gpt2", *HARDWARE).exit_code == 0
    result = run(env, "list", "-n", "*")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split()[:2] == ["NAMESPACE", "NAME"]
    assert [row.split()[:2] for row in rows] == [
        ["emulator-user", "mine"],
        ["emulator-org", "theirs"],
    ]
