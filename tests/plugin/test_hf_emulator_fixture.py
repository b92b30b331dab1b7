"""The ``hf_emulator`` fixture of the pytest plugin, used as an app's tests would use it."""

from __future__ import annotations

import os
import time

import pytest

from hf_inference_endpoints import (
    AuthenticationError,
    EndpointPaused,
    HfInferenceClient,
    RateLimited,
)
from hf_inference_endpoints.emulator.testing import HfEmulator

CHAT_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
HELLO = [{"role": "user", "content": "Hello there"}]


def test_the_environment_points_a_default_client_at_the_emulator(hf_emulator: HfEmulator) -> None:
    assert os.environ["HF_ROUTER_URL"] == hf_emulator.router_url
    assert os.environ["HF_TOKEN"] == hf_emulator.token
    before = hf_emulator.requests
    with HfInferenceClient() as client:
        reply = client.chat.complete(model=CHAT_MODEL, messages=HELLO)
    assert reply.choices[0].message.content == "Emulated reply: Hello there"
    assert hf_emulator.requests == before + 1


def test_only_its_token_is_accepted(hf_emulator: HfEmulator) -> None:
    with (
        hf_emulator.client(token="hf_someone_else") as client,
        pytest.raises(AuthenticationError),
    ):
        client.chat.complete(model=CHAT_MODEL, messages=HELLO)


def test_an_injected_fault_is_seen_then_retried_away(hf_emulator: HfEmulator) -> None:
    hf_emulator.inject_fault("429:retry_after=1;times=1", model=CHAT_MODEL)
    with hf_emulator.client(max_retries=0) as client, pytest.raises(RateLimited) as caught:
        client.chat.complete(model=CHAT_MODEL, messages=HELLO)
    assert caught.value.retry_after == pytest.approx(0.01)  # 1 s at the 0.01 time scale
    with hf_emulator.client() as client:  # the fault applied once: this call succeeds
        assert client.chat.complete(model=CHAT_MODEL, messages=HELLO).choices


def test_a_bad_fault_spec_is_refused_before_anything_changes(hf_emulator: HfEmulator) -> None:
    with pytest.raises(ValueError, match="bad parameter 'retry_after'"):
        hf_emulator.inject_fault("429:retry_after")
    assert hf_emulator.handle.state.runtime_faults == {}


def test_faults_and_endpoints_do_not_leak_between_tests_first(hf_emulator: HfEmulator) -> None:
    hf_emulator.inject_fault("500", model="*")
    hf_emulator.add_endpoint("leaky", state="paused")
    hf_emulator.time_scale = 0.5


def test_faults_and_endpoints_do_not_leak_between_tests_second(hf_emulator: HfEmulator) -> None:
    assert hf_emulator.handle.state.runtime_faults == {}
    with pytest.raises(KeyError):
        hf_emulator.endpoint_state("leaky")
    assert hf_emulator.time_scale == 0.01


def test_a_cold_model_is_waited_out(hf_emulator: HfEmulator) -> None:
    hf_emulator.cold_model(CHAT_MODEL, seconds=20)  # 0.2 s real at the 0.01 time scale
    started = time.monotonic()
    with hf_emulator.client() as client:
        reply = client.chat.complete(model=f"{CHAT_MODEL}:hf-inference", messages=HELLO)
    assert reply.choices
    assert time.monotonic() - started >= 0.15


def test_endpoint_state_control(hf_emulator: HfEmulator) -> None:
    hf_emulator.add_endpoint("my-llm", state="running")
    with hf_emulator.client() as client:
        info = client.endpoints.get("my-llm")
        assert info.status is not None and info.status.state == "running"
        assert info.status.url == hf_emulator.tgi_url("my-llm")
        reply = client.chat.complete(endpoint="my-llm", messages=HELLO)
        assert reply.choices[0].message.content == "Emulated reply: Hello there"

        hf_emulator.set_endpoint_state("my-llm", "paused")
        with pytest.raises(EndpointPaused):
            client.chat.complete(endpoint="my-llm", messages=HELLO)

        hf_emulator.set_endpoint_state("my-llm", "initializing")
        assert hf_emulator.endpoint_state("my-llm") == "initializing"
        # 8 emulated seconds of start-up: 0.08 s at the 0.01 time scale
        assert client.endpoints.wait("my-llm", timeout=10).status.state == "running"
        assert hf_emulator.endpoint_state("my-llm") == "running"


def test_unknown_endpoint_states_and_names_are_refused(hf_emulator: HfEmulator) -> None:
    hf_emulator.add_endpoint("one")
    with pytest.raises(ValueError, match="unknown endpoint state"):
        hf_emulator.set_endpoint_state("one", "sleeping")
    with pytest.raises(KeyError):
        hf_emulator.set_endpoint_state("two", "running")
    hf_emulator.remove_endpoint("one")
    with pytest.raises(KeyError):
        hf_emulator.endpoint_state("one")
    with pytest.raises(KeyError):
        hf_emulator.remove_endpoint("one")
    with pytest.raises(ValueError, match="time_scale"):
        hf_emulator.time_scale = -1


def test_the_openai_sdk_talks_to_the_router(hf_emulator: HfEmulator) -> None:
    openai = pytest.importorskip("openai")
    with openai.OpenAI(base_url=hf_emulator.openai_base_url, api_key=hf_emulator.token) as sdk:
        reply = sdk.chat.completions.create(model=f"{CHAT_MODEL}:cheapest", messages=HELLO)
    assert reply.choices[0].message.content == "Emulated reply: Hello there"


def test_huggingface_hub_talks_to_the_router_and_tgi(hf_emulator: HfEmulator) -> None:
    hub = pytest.importorskip("huggingface_hub")
    chat = hub.InferenceClient(base_url=hf_emulator.openai_base_url, api_key=hf_emulator.token)
    reply = chat.chat_completion(model=CHAT_MODEL, messages=HELLO)
    assert reply.choices[0].message.content == "Emulated reply: Hello there"
    tgi = hub.InferenceClient(model=hf_emulator.tgi_url("my-tgi"), token=hf_emulator.token)
    assert (
        tgi.text_generation("Once upon a time", max_new_tokens=5) == " Emulated reply: Once upon a"
    )


def test_the_plugin_is_loaded_by_installing_the_package(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from hf_inference_endpoints import HfInferenceClient

        def test_app(hf_emulator):
            with HfInferenceClient() as client:
                out = client.text.classify(
                    "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "I like you"
                )
            assert out[0].label in {"POSITIVE", "NEGATIVE"}
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_real_urls_map_onto_the_emulator(hf_emulator: HfEmulator) -> None:
    assert hf_emulator.emulated_url("https://router.huggingface.co/v1/models") == (
        f"{hf_emulator.router_url}/v1/models"
    )
    assert hf_emulator.emulated_url("https://huggingface.co/api/tasks") == (
        f"{hf_emulator.hub_url}/api/tasks"
    )
    assert hf_emulator.emulated_url("https://huggingface.co.evil.example/x") == (
        "https://huggingface.co.evil.example/x"
    )
    assert hf_emulator.emulated_url("https://example.com/a") == "https://example.com/a"


def test_unchanged_huggingface_hub_code_reaches_the_emulator(hf_emulator: HfEmulator) -> None:
    hub = pytest.importorskip("huggingface_hub")
    before = hf_emulator.requests
    with hf_emulator.route_huggingface_hub():
        client = hub.InferenceClient(provider="together")  # token from HF_TOKEN
        # a model no other test asks huggingface_hub about: it caches mappings per process
        reply = client.chat_completion(model="Qwen/Qwen2.5-7B-Instruct", messages=HELLO)
    assert reply.choices[0].message.content == "Emulated reply: Hello there"
    assert hf_emulator.requests == before + 2  # the mapping lookup, then the chat
    from huggingface_hub.utils._http import _GLOBAL_CLIENT_FACTORY, default_client_factory

    assert _GLOBAL_CLIENT_FACTORY is default_client_factory  # put back afterwards
