"""``hfie embed`` against the emulator (real sockets): arguments, stdin, --json, TEI URLs, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from hf_inference_endpoints.cli import main
from hf_inference_endpoints.emulator.embeddings import embed

from ..conftest import EMULATOR_TOKEN

MODEL = "org/cli-embedder"


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


def expected(emulator: Any, model: str, text: str, **kwargs: Any) -> list[float]:
    settings = emulator.settings
    return embed(model, text, dim=settings.embedding_dim(model), seed=settings.seed, **kwargs)


def test_embed_prints_one_json_line_per_text_in_order(env: dict[str, str], emulator: Any) -> None:
    result = run(env, "embed", "-m", MODEL, "first", "second", "first")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [json.loads(line) for line in lines] == [
        expected(emulator, MODEL, t) for t in ("first", "second", "first")
    ]


def test_embed_reads_lines_from_stdin(env: dict[str, str], emulator: Any) -> None:
    result = run(env, "embed", "-m", MODEL, "--no-normalize", stdin="one\n\ntwo\r\nthree\n")
    assert result.exit_code == 0, result.output
    vectors = [json.loads(line) for line in result.output.splitlines()]
    assert vectors == [
        expected(emulator, MODEL, t, normalize=False) for t in ("one", "two", "three")
    ]


def test_embed_json_with_batch_size(env: dict[str, str]) -> None:
    texts = [f"line {i}" for i in range(7)]
    result = run(
        env, "embed", "-m", MODEL, "--json", "--batch-size", "3", "--dimensions", "8", *texts
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"] == MODEL
    assert (data["count"], data["dimensions"], data["requests"], data["cached"]) == (7, 8, 3, 0)
    assert len(data["embeddings"]) == 7 and all(len(v) == 8 for v in data["embeddings"])


def test_embed_on_a_tei_url(env: dict[str, str], emulator: Any) -> None:
    url = emulator.tei_url("cli-tei")
    result = run(env, "embed", "-m", url, "--json", "a", "b")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["embeddings"] == [expected(emulator, "cli-tei", t) for t in ("a", "b")]


def test_embed_without_input_is_a_usage_error(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["embed", "-m", MODEL], env=env, input="\n  \n")
    assert result.exit_code == 2
    assert "no non-blank line" in result.output


def test_embed_errors_are_one_line(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["embed", "-m", MODEL, "hi"], env={**env, "HF_TOKEN": "hf_wrong_wrong_wrong"}
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("error: AuthenticationError: ")
    assert "hf_wrong_wrong_wrong" not in result.output


def test_embed_is_listed(env: dict[str, str]) -> None:
    result = run(env, "--help")
    assert "embed" in result.output
    help_text = run(env, "embed", "--help").output
    assert "standard input" in help_text and "--batch-size" in help_text
