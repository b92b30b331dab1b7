"""The hfie command line against the emulator (real sockets) and its error handling."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from hf_inference_endpoints.cli import main
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

from ..conftest import EMULATOR_TOKEN


@pytest.fixture
def env(emulator: Any, no_env: None) -> dict[str, str]:
    return {
        "HF_DEFAULT_PROVIDER": "hf-inference",  # these tests use models hf-inference serves
        "HF_TOKEN": EMULATOR_TOKEN,
        "HF_ROUTER_URL": emulator.router_url,
        "HF_ENDPOINT": emulator.hub_url,
        "HF_ENDPOINTS_API_URL": emulator.endpoints_api_url,
    }


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)


def test_chat_streams_to_the_terminal(env: dict[str, str]) -> None:
    result = run(env, "chat", "-m", "org/chat-model", "hello there")
    assert result.exit_code == 0, result.output
    assert result.output == f"{REPLY_PREFIX} hello there\n"


def test_chat_reads_stdin_when_no_prompt(env: dict[str, str]) -> None:
    result = run(env, "chat", "-m", "org/chat-model", "--no-stream", stdin="from stdin\n")
    assert result.exit_code == 0, result.output
    assert result.output == f"{REPLY_PREFIX} from stdin\n"


def test_chat_json(env: dict[str, str]) -> None:
    result = run(env, "chat", "-m", "org/chat-model", "--json", "hi")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["choices"][0]["message"]["content"] == f"{REPLY_PREFIX} hi"
    assert (
        data["usage"]["total_tokens"]
        == data["usage"]["prompt_tokens"] + data["usage"]["completion_tokens"]
    )


def test_generate_on_a_tgi_url(env: dict[str, str], emulator: Any) -> None:
    result = run(
        env, "generate", "-m", emulator.tgi_url("llm"), "--max-new-tokens", "2", "--json", "a b c"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["generated_text"].split()) == 2


def test_generate_stream(env: dict[str, str], emulator: Any) -> None:
    result = run(env, "generate", "-m", emulator.tgi_url("llm"), "--stream", "a b")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{REPLY_PREFIX} a b"


def test_errors_are_one_line_with_exit_code(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main,
        ["chat", "-m", "org/chat-model", "hi"],
        env={**env, "HF_TOKEN": "hf_wrong_wrong_wrong"},
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("error: AuthenticationError: ")
    assert "hf_wrong_wrong_wrong" not in result.output


def test_bad_input_exits_2(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["chat", "-m", "../bad", "hi"], env=env)
    assert result.exit_code == 2
    assert "not a valid Hub model id" in result.output


def test_health(env: dict[str, str], emulator: Any) -> None:
    result = run(env, "health", emulator.tgi_url("llm"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["healthy"] is True and data["user"] == "emulator-user"
    bad = CliRunner().invoke(main, ["health"], env={**env, "HF_TOKEN": "hf_wrong_wrong_wrong"})
    assert bad.exit_code == 1
    assert "token valid   : FAILED" in bad.output


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("chat", "generate", "health", "emulator"):
        assert name in result.output


@pytest.mark.parametrize(("flags", "any_model"), [([], False), (["--serve-any-model"], True)])
def test_emulator_command_settings(
    monkeypatch: pytest.MonkeyPatch, flags: list[str], any_model: bool
) -> None:
    import hf_inference_endpoints.emulator as emulator_package

    seen: dict[str, Any] = {}
    monkeypatch.setattr(emulator_package, "run", lambda **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(main, ["emulator", "--port", "9", "--time-scale", "0.5", *flags])
    assert result.exit_code == 0, result.output
    assert seen["port"] == 9
    assert seen["settings"].time_scale == 0.5
    assert seen["settings"].serve_any_model is any_model
