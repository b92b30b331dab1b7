"""``hfie rank`` against the emulator's TEI /rerank (real sockets)."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from hf_inference_endpoints.cli import main

from ..conftest import EMULATOR_TOKEN


def run(emulator: Any, *args: str, stdin: str | None = None) -> Any:
    env = {
        "HF_TOKEN": EMULATOR_TOKEN,
        "HF_ENDPOINT": emulator.hub_url,
        "HF_ROUTER_URL": emulator.router_url,
    }
    return CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)


def test_rank_prints_best_first(emulator: Any, no_env: None) -> None:
    url = emulator.tei_url("reranker")
    result = run(
        emulator,
        "rank",
        "capital of France",
        "-m",
        url,
        "Cats sleep.",
        "Paris is the capital of France.",
    )
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert [(index, text) for _, index, text in lines] == [
        ("1", "Paris is the capital of France."),
        ("0", "Cats sleep."),
    ]
    assert float(lines[0][0]) > float(lines[1][0])


def test_rank_json_from_stdin(emulator: Any, no_env: None) -> None:
    url = emulator.tei_url("reranker")
    result = run(emulator, "rank", "France", "-m", url, "--json", stdin="a dog\nFrance\n\n")
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.output)
    assert [r["text"] for r in ranked] == ["France", "a dog"]


def test_rank_needs_a_target(emulator: Any, no_env: None) -> None:
    result = run(emulator, "rank", "q", "text")
    assert result.exit_code == 2
    assert "-m URL" in result.output


def test_chat_with_a_schema_file(emulator: Any, no_env: None, tmp_path: Any) -> None:
    schema = tmp_path / "city.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "properties": {"name": {"const": "Paris"}, "people": {"type": "integer"}},
                "required": ["name", "people"],
            }
        )
    )
    env = {
        "HF_TOKEN": EMULATOR_TOKEN,
        "HF_ENDPOINT": emulator.hub_url,
        "HF_ROUTER_URL": emulator.router_url,
        "HF_DEFAULT_PROVIDER": "hf-inference",
    }
    args = ["chat", "-m", "org/chat-model", "--schema", str(schema), "--no-stream", "Paris"]
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"name": "Paris", "people": 1}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    args[4] = str(bad)
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 2 and "JSON Schema is an object" in result.output


def test_rank_with_a_hub_model_uses_its_sentence_similarity(emulator: Any, no_env: None) -> None:
    from hf_inference_endpoints import HfInferenceClient

    model = "sentence-transformers/all-MiniLM-L6-v2"
    texts = ["Cats sleep.", "Paris is the capital of France.", "France"]
    with HfInferenceClient(
        router_url=emulator.router_url, hub_url=emulator.hub_url, token=EMULATOR_TOKEN
    ) as client:
        expected = client.embeddings.similarity(model, "France", texts, provider="hf-inference")
    result = run(
        emulator, "rank", "France", "-m", model, "--provider", "hf-inference", "--json", *texts
    )
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.output)
    best_first = sorted(range(3), key=lambda i: (-expected[i], i))
    assert [r["index"] for r in ranked] == best_first
    assert [r["score"] for r in ranked] == [expected[i] for i in best_first]
    assert [r["text"] for r in ranked] == [texts[i] for i in best_first]


def test_rank_refuses_tei_options_on_a_hub_model(emulator: Any, no_env: None) -> None:
    result = run(
        emulator,
        "rank",
        "q",
        "-m",
        "sentence-transformers/all-MiniLM-L6-v2",
        "--raw-scores",
        "a",
        "b",
    )
    assert result.exit_code == 2
