"""Errors, retries and cold starts against cassettes/errors/*.yaml, plus what never hits HTTP.

The retry cassettes hold the SAME request twice: vcrpy plays the interactions in order
and each once, so a passing test proves the client sent the request exactly twice.
``fake_clock`` replaces the transport's sleep, so the waits are asserted, not slept.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import httpx2
import pytest
from vcr.errors import CannotOverwriteExistingCassetteException

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    HfError,
    ValidationError,
)

from ..conftest import RECORDING
from .conftest import FakeClock

HFI = "https://router.huggingface.co/hf-inference/models"
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
PHI = "microsoft/Phi-3.5-mini-instruct"
GPT2 = "openai-community/gpt2"
UseCassette = Callable[[str], AbstractContextManager[Any]]

# These answers (429, 503 loading, unmatched requests) cannot be produced by re-recording.
replay_only = pytest.mark.skipif(RECORDING, reason="scripted failure: replay only")


class Wire:
    """Keeps every request the client puts on the wire (an httpx2 request event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> None:
        self.requests.append(request)


@asynccontextmanager
async def open_client(token: str, wire: Wire) -> AsyncIterator[AsyncHfInferenceClient]:
    """A client whose requests ``wire`` sees; vcrpy answers them from the cassette."""
    async with (
        httpx2.AsyncClient(event_hooks={"request": [wire]}) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token=token, http_client=http
        ) as client,
    ):
        yield client


def sent(request: httpx2.Request) -> tuple[str, str, Any, str]:
    return (
        request.method,
        str(request.url),
        json.loads(request.content),
        request.headers["authorization"],
    )


@pytest.mark.anyio
async def test_unauthorized_is_an_authentication_error_and_not_retried(
    cassette: UseCassette, hf_token: str, no_env: None, fake_clock: FakeClock
) -> None:
    # The client's own pooled httpx2 client this time (no http_client passed): vcrpy
    # answers through the default transport just the same.
    with cassette("errors/unauthorized_401.yaml") as cass:
        async with AsyncHfInferenceClient(
            default_provider="hf-inference", token=hf_token
        ) as client:
            with pytest.raises(AuthenticationError) as info:
                await client.chat.complete(
                    model=LLAMA, messages=[{"role": "user", "content": "ping"}]
                )
    assert cass.all_played and cass.play_count == 1
    assert fake_clock.sleeps == []
    err = info.value
    assert err.status_code == 401
    assert err.server_message == "Invalid username or password."
    assert err.body == {"error": "Invalid username or password."}
    assert err.request_id == (
        "Root=1-68c2a890-4f6a8c0e2b4d6f8a0c2e4a6c;0a2c4e6a-8c0e-4a2c-9e6a-8c0e2a4c6e8a"
    )
    assert (err.provider, err.model) == ("hf-inference", LLAMA)
    assert not err.is_retryable
    assert "Check HF_TOKEN or the token passed to the client" in str(err)
    assert "request id Root=1-68c2a890" in str(err)


@pytest.mark.anyio
async def test_unauthorized_message_reads_cleanly(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    with cassette("errors/unauthorized_401.yaml"):
        async with AsyncHfInferenceClient(
            default_provider="hf-inference", token=hf_token
        ) as client:
            with pytest.raises(AuthenticationError) as info:
                await client.chat.complete(
                    model=LLAMA, messages=[{"role": "user", "content": "ping"}]
                )
    assert ".." not in info.value.message


@replay_only
@pytest.mark.anyio
async def test_rate_limited_then_ok_waits_retry_after(
    cassette: UseCassette, hf_token: str, no_env: None, fake_clock: FakeClock
) -> None:
    wire = Wire()
    messages = [{"role": "user", "content": "Give me a synonym for quick."}]
    with cassette("errors/rate_limited_then_ok.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            result = await client.chat.complete(model=PHI, messages=messages, max_tokens=8)
    assert cass.all_played and cass.play_count == 2
    expected = (
        "POST",
        f"{HFI}/{PHI}/v1/chat/completions",
        {"model": PHI, "messages": messages, "max_tokens": 8},
        f"Bearer {hf_token}",
    )
    assert [sent(r) for r in wire.requests] == [expected, expected]
    assert fake_clock.sleeps == [1.0]  # `retry-after: 1`, not the jittered backoff

    [choice] = result.choices
    assert choice.message is not None and choice.message.content == "Swift."
    assert choice.finish_reason == "stop"
    meta = result.response_meta
    assert meta is not None
    assert meta.attempts == 2
    assert meta.status_code == 200
    assert meta.request_id == (  # the id of the answer that succeeded
        "Root=1-68c2a929-7d9f1b3d5f7a9c1e3a5c7e9a;4d6f8b0d-2f4a-4d6f-a8b0-d2f4a6c8e0b2"
    )
    assert meta.elapsed == 1.0
    assert meta.cold_start_wait == 0.0


@replay_only
@pytest.mark.anyio
async def test_model_loading_then_ok_waits_estimated_time(
    cassette: UseCassette, hf_token: str, no_env: None, fake_clock: FakeClock
) -> None:
    wire = Wire()
    with cassette("errors/loading_then_ok.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text_generation.generate(
                model=GPT2, prompt="The quick brown fox", max_new_tokens=6
            )
    assert cass.all_played and cass.play_count == 2
    expected = (
        "POST",
        f"{HFI}/{GPT2}",
        {"inputs": "The quick brown fox", "parameters": {"max_new_tokens": 6}},
        f"Bearer {hf_token}",
    )
    assert [sent(r) for r in wire.requests] == [expected, expected]
    assert fake_clock.sleeps == [2.5]  # the body's `estimated_time`

    assert out.generated_text == " jumps over the lazy dog."
    assert out.details is None
    meta = out.response_meta
    assert meta is not None
    assert meta.attempts == 2
    assert meta.elapsed == 2.5
    assert meta.cold_start_wait == 2.5
    assert meta.headers["x-compute-type"] == "cpu"


@replay_only
@pytest.mark.anyio
async def test_unrecorded_request_fails_instead_of_reaching_the_network(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    with cassette("chat/plain.yaml") as cass:
        async with AsyncHfInferenceClient(
            default_provider="hf-inference", token=hf_token
        ) as client:
            # Same URL as the recording, different body.
            with pytest.raises(CannotOverwriteExistingCassetteException):
                await client.chat.complete(
                    model=LLAMA, messages=[{"role": "user", "content": "not recorded"}]
                )
            # A host that does not exist: still vcrpy's error, not a NetworkError (DNS).
            with pytest.raises(CannotOverwriteExistingCassetteException) as info:
                await client.chat.complete(
                    model="https://no-such-host.invalid",
                    messages=[{"role": "user", "content": "hi"}],
                )
    assert not isinstance(info.value, HfError)
    assert "no-such-host.invalid/v1/chat/completions" in str(info.value)
    assert cass.play_count == 0


def refuse(request: httpx2.Request) -> httpx2.Response:
    pytest.fail(f"nothing should be sent, got {request.method} {request.url}")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("service", "kwargs", "where"),
    [
        ("chat", {"max_tokens": "ten"}, "max_tokens"),
        ("chat", {"temperature": [0.5]}, "temperature"),
        ("chat", {"tools": [{"type": "function"}]}, "tools.0.function"),
        ("text_generation", {"max_new_tokens": "ten"}, "parameters.max_new_tokens"),
        ("text_generation", {"top_k": 0}, "parameters.top_k"),
    ],
)
async def test_wrong_types_fail_before_any_http(
    service: str, kwargs: dict[str, Any], where: str, no_env: None
) -> None:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(refuse))
    async with (
        http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token="hf_fake_token_for_tests", http_client=http
        ) as client,
    ):
        with pytest.raises(ValidationError) as info:
            if service == "chat":
                await client.chat.complete(
                    model=LLAMA, messages=[{"role": "user", "content": "hi"}], **kwargs
                )
            else:
                await client.text_generation.generate(model=GPT2, prompt="hi", **kwargs)
    err = info.value
    assert "(nothing was sent)" in err.message
    assert where in err.message
    assert err.status_code is None and err.request_id is None


@pytest.mark.anyio
async def test_messages_must_be_a_list_before_any_http(no_env: None) -> None:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(refuse))
    async with (
        http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token="hf_fake_token_for_tests", http_client=http
        ) as client,
    ):
        with pytest.raises(ValidationError, match="messages must be a non-empty list"):
            await client.chat.complete(model=LLAMA, messages="please answer")
        with pytest.raises(ValidationError, match="prompt must be a string"):
            await client.text_generation.generate(model=GPT2, prompt=["a", "b"])


@pytest.mark.anyio
async def test_numeric_strings_are_rejected_or_sent_as_numbers(no_env: None) -> None:
    bodies: list[Any] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        bodies.append(json.loads(request.content))
        return httpx2.Response(200, json={"generated_text": "", "choices": []})

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(answer))
    async with (
        http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token="hf_fake_token_for_tests", http_client=http
        ) as client,
    ):
        # Lax validation once sent these as strings. Either outcome is fine now: a
        # ValidationError before sending, or 10/7 as numbers.
        with contextlib.suppress(ValidationError):
            await client.chat.complete(
                model=LLAMA, messages=[{"role": "user", "content": "hi"}], max_tokens="10"
            )
        with contextlib.suppress(ValidationError):
            await client.text_generation.generate(model=GPT2, prompt="hi", max_new_tokens="7")
    assert [b.get("max_tokens", b.get("parameters")) for b in bodies] in (
        [],
        [10, {"max_new_tokens": 7}],
    )
