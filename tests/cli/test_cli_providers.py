"""``hfie chat --provider``: provider routes through the mapping, and a clear refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from hf_inference_endpoints.cli import main
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

from ..conftest import EMULATOR_TOKEN

LLAMA = "meta-llama/Llama-3.1-8B-Instruct"


@pytest.fixture
def env(emulator: Any, no_env: None) -> dict[str, str]:
    return {
        "HF_DEFAULT_PROVIDER": "hf-inference",  # these tests use models hf-inference serves
        "HF_TOKEN": EMULATOR_TOKEN,
        "HF_ROUTER_URL": emulator.router_url,
        "HF_ENDPOINT": emulator.hub_url,
    }


def run(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize(
    ("provider", "served_as"),
    [("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"), ("groq", "llama-3.1-8b-instant")],
)
def test_chat_on_a_provider_sends_the_mapped_model(
    env: dict[str, str], provider: str, served_as: str
) -> None:
    result = run(env, "chat", "-m", LLAMA, "--provider", provider, "--json", "hi there")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"] == served_as
    assert data["choices"][0]["message"]["content"] == f"{REPLY_PREFIX} hi there"


def test_chat_streams_from_a_provider(env: dict[str, str]) -> None:
    result = run(env, "chat", "-m", LLAMA, "--provider", "fireworks-ai", "hello")
    assert result.exit_code == 0, result.output
    assert result.output == f"{REPLY_PREFIX} hello\n"


def test_a_provider_that_does_not_serve_the_model_is_a_clear_error(env: dict[str, str]) -> None:
    result = run(env, "chat", "-m", LLAMA, "--provider", "cerebras", "hi")
    assert result.exit_code != 0
    assert "'cerebras'" in result.output and LLAMA in result.output
    assert "hf-inference, together, groq, fireworks-ai" in result.output
