"""``hfie chat|generate|embed|run --endpoint NAME`` against the emulator (real sockets).

The emulator serves the endpoints API and each endpoint's data plane (``/tgi/{name}``
or ``/tei/{name}``); the endpoints are created through the sync client and waited for,
then called by name from the command line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner

from hf_inference_endpoints import HfInferenceClient
from hf_inference_endpoints.cli import main
from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator
from hf_inference_endpoints.emulator.embeddings import embed
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

TOKEN = "hf_emulator_cli_endpoint_token"
USER = "emulator-user"
HARDWARE = {
    "vendor": "aws",
    "region": "us-east-1",
    "accelerator": "cpu",
    "instance_type": "intel-spr",
    "instance_size": "x2",
}


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    settings = EmulatorSettings(time_scale=0.001, valid_tokens=frozenset({TOKEN}))
    with running_emulator(settings) as handle:
        with HfInferenceClient(
            default_provider="hf-inference",
            token=TOKEN,
            hub_url=handle.hub_url,
            router_url=handle.router_url,
            endpoints_api_url=handle.endpoints_api_url,
        ) as client:
            client.endpoints.poll_interval = 0.002
            client.endpoints.max_poll_interval = 0.01
            for name, model, task in (
                ("cli-llm", "HuggingFaceTB/SmolLM3-3B", "text-generation"),
                ("cli-emb", "BAAI/bge-small-en-v1.5", "feature-extraction"),
            ):
                client.endpoints.create(name, model, task=task, **HARDWARE)
                client.endpoints.wait(name, timeout=10)
        yield handle


@pytest.fixture
def env(emu: Any, no_env: None) -> dict[str, str]:
    return {
        "HF_DEFAULT_PROVIDER": "hf-inference",  # these tests use models hf-inference serves
        "HF_TOKEN": TOKEN,
        "HF_ROUTER_URL": emu.router_url,
        "HF_ENDPOINT": emu.hub_url,
        "HF_ENDPOINTS_API_URL": emu.endpoints_api_url,
    }


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)


def test_chat_on_an_endpoint_by_name(env: dict[str, str]) -> None:
    result = run(env, "chat", "--endpoint", "cli-llm", "hi", "--no-stream")
    assert result.exit_code == 0, result.output
    assert result.output == f"{REPLY_PREFIX} hi\n"


def test_chat_streams_from_an_endpoint_by_namespace_and_name(env: dict[str, str]) -> None:
    result = run(env, "chat", "--endpoint", f"{USER}/cli-llm", "hello there")
    assert result.exit_code == 0, result.output
    assert result.output == f"{REPLY_PREFIX} hello there\n"


def test_chat_on_an_endpoint_sends_the_model_as_the_served_name(
    env: dict[str, str], emu: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hf_inference_endpoints.cli import chat as chat_module

    sent: list[httpx2.Request] = []
    http = httpx2.Client(event_hooks={"request": [sent.append]})

    def recording_client(*args: Any) -> HfInferenceClient:
        return HfInferenceClient(
            default_provider="hf-inference",
            token=TOKEN,
            http_client=http,
            hub_url=emu.hub_url,
            router_url=emu.router_url,
            endpoints_api_url=emu.endpoints_api_url,
        )

    monkeypatch.setattr(chat_module, "make_client", recording_client)
    with http:  # the caller's own pool: the client leaves it open
        result = run(env, "chat", "--endpoint", "cli-llm", "-m", "tgi", "--json", "hi")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["choices"][0]["message"]["content"] == f"{REPLY_PREFIX} hi"
    [call] = [r for r in sent if r.method == "POST"]
    assert str(call.url) == f"{emu.tgi_url('cli-llm')}/v1/chat/completions"
    body = json.loads(call.content)
    assert body["model"] == "tgi"
    assert body["messages"] == [{"role": "user", "content": "hi"}]


def test_generate_on_an_endpoint_by_name(env: dict[str, str]) -> None:
    out = run(env, "generate", "--endpoint", "cli-llm", "--max-new-tokens", "2", "--json", "a b c")
    assert out.exit_code == 0, out.output
    assert len(json.loads(out.output)["generated_text"].split()) == 2
    streamed = run(env, "generate", "--endpoint", f"{USER}/cli-llm", "--stream", "a b")
    assert streamed.exit_code == 0, streamed.output
    assert streamed.output.strip() == f"{REPLY_PREFIX} a b"


def test_embed_on_an_endpoint_by_name(env: dict[str, str], emu: Any) -> None:
    result = run(env, "embed", "--endpoint", "cli-emb", "first", "second")
    assert result.exit_code == 0, result.output
    vectors = [json.loads(line) for line in result.output.splitlines()]
    # the emulated TEI server is keyed by the endpoint's name (its /tei/{name} mount)
    dim, seed = emu.settings.embedding_dim("cli-emb"), emu.settings.seed
    assert vectors == [embed("cli-emb", text, dim=dim, seed=seed) for text in ("first", "second")]


def test_run_on_an_endpoint_by_name(env: dict[str, str]) -> None:
    result = run(env, "run", "text-generation", "--endpoint", "cli-llm", "-i", "once", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"generated_text": f" {REPLY_PREFIX} once"}]


def test_a_paused_endpoint_is_a_one_line_error(env: dict[str, str], emu: Any) -> None:
    paused = run(env, "endpoints", "pause", "cli-llm")
    assert paused.exit_code == 0, paused.output
    try:
        result = CliRunner().invoke(main, ["chat", "--endpoint", "cli-llm", "hi"], env=env)
        assert result.exit_code == 1
        assert result.output.startswith("error: EndpointPaused: ")
        assert result.output.count("\n") == 1
    finally:
        assert run(env, "endpoints", "resume", "cli-llm").exit_code == 0
        assert run(env, "endpoints", "wait", "cli-llm", "--poll-interval", "0.005").exit_code == 0


@pytest.mark.parametrize("command", ["chat", "generate"])
def test_neither_model_nor_endpoint_is_a_usage_error(env: dict[str, str], command: str) -> None:
    result = CliRunner().invoke(main, [command, "hi"], env=env)
    assert result.exit_code == 2
    assert "give -m/--model MODEL or --endpoint NAME" in result.output


def test_generate_refuses_a_model_with_an_endpoint(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["generate", "-m", "org/model", "--endpoint", "cli-llm", "hi"], env=env
    )
    assert result.exit_code == 2
    assert "not both" in result.output


def test_an_endpoint_with_a_provider_is_bad_input(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["chat", "--endpoint", "cli-llm", "--provider", "together", "hi"], env=env
    )
    assert result.exit_code == 2
    assert "pass one of them" in result.output
