"""Transport behaviour on both twins: retries, cold starts, deadlines, error mapping, streams."""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    ColdStartTimeout,
    DeadlineExceeded,
    HfError,
    NetworkError,
    RateLimited,
    RequestTimeout,
    ServerError,
    StreamInterrupted,
    ValidationError,
)
from tests.calls import describe

from .conftest import FakeClock

MESSAGES = [{"role": "user", "content": "hi"}]
MODEL = "org/model"

Handler = Callable[[httpx2.Request], httpx2.Response]


def completion(text: str = "hello") -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": MODEL,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def sse(*events: Any, done: bool = True) -> bytes:
    out = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
    return out + (b"data: [DONE]\n\n" if done else b"")


def chunk(content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


class Script:
    """Answers requests from a list of responses (or exceptions), recording every request."""

    def __init__(self, *answers: httpx2.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_client(script: Handler, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("token", "hf_fake_token_for_tests")
    return AsyncHfInferenceClient(
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(script)),
        **{"default_provider": "hf-inference", **config},
    )


@pytest.mark.anyio
async def test_retries_5xx_with_backoff_then_succeeds(fake_clock: FakeClock, no_env: None) -> None:
    script = Script(
        httpx2.Response(500, json={"error": "boom"}),
        httpx2.Response(
            502, text="<html>bad gateway</html>", headers={"content-type": "text/html"}
        ),
        httpx2.Response(200, json=completion()),
    )
    async with make_client(script, retry_base_delay=1.0) as client:
        result = await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert result.choices[0].message.content == "hello"
    assert len(script.requests) == 3
    assert len(fake_clock.sleeps) == 2
    assert 0 <= fake_clock.sleeps[0] <= 1.0 and 0 <= fake_clock.sleeps[1] <= 2.0
    assert result.response_meta is not None and result.response_meta.attempts == 3


@pytest.mark.anyio
async def test_honours_retry_after_in_seconds_and_ms(fake_clock: FakeClock, no_env: None) -> None:
    script = Script(
        httpx2.Response(429, json={"error": "slow down"}, headers={"retry-after": "3"}),
        httpx2.Response(429, json={"error": "slow down"}, headers={"retry-after-ms": "250"}),
        httpx2.Response(200, json=completion()),
    )
    async with make_client(script) as client:
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert fake_clock.sleeps == [3.0, 0.25]


@pytest.mark.anyio
async def test_gives_up_after_max_retries_with_the_typed_error(
    fake_clock: FakeClock, no_env: None
) -> None:
    script = Script(
        *[httpx2.Response(429, json={"error": "busy"}, headers={"x-request-id": "r9"})] * 3
    )
    async with make_client(script, max_retries=2) as client:
        with pytest.raises(RateLimited) as info:
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert len(script.requests) == 3
    assert info.value.request_id == "r9"
    assert info.value.model == MODEL and info.value.provider == "hf-inference"


@pytest.mark.anyio
async def test_non_retryable_errors_are_not_retried(fake_clock: FakeClock, no_env: None) -> None:
    script = Script(httpx2.Response(401, json={"error": "Invalid username or password."}))
    async with make_client(script) as client:
        with pytest.raises(AuthenticationError):
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert len(script.requests) == 1 and fake_clock.sleeps == []


@pytest.mark.anyio
async def test_cold_start_is_waited_out_then_times_out(fake_clock: FakeClock, no_env: None) -> None:
    loading = httpx2.Response(
        503, json={"error": "Model org/model is currently loading", "estimated_time": 20.0}
    )
    script = Script(*[loading] * 10)
    async with make_client(script, cold_start_timeout=50.0, max_retries=0) as client:
        with pytest.raises(ColdStartTimeout) as info:
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert fake_clock.sleeps == [20.0, 20.0, 10.0]
    assert info.value.waited == 50.0
    assert info.value.model == MODEL


@pytest.mark.anyio
async def test_total_timeout_bounds_retries(fake_clock: FakeClock, no_env: None) -> None:
    script = Script(*[httpx2.Response(429, json={}, headers={"retry-after": "4"})] * 5)
    async with make_client(script, max_retries=10) as client:
        with pytest.raises(DeadlineExceeded) as caught:  # ours: the 429s are not the reason
            await client.chat.complete(model=MODEL, messages=MESSAGES, timeout=10.0)
    assert isinstance(caught.value.__cause__, RateLimited)
    assert fake_clock.sleeps == [4.0, 4.0]


@pytest.mark.anyio
async def test_network_errors_are_mapped_and_retried(fake_clock: FakeClock, no_env: None) -> None:
    script = Script(
        httpx2.ConnectError("refused"),
        httpx2.ReadTimeout("slow"),
        httpx2.Response(200, json=completion("ok")),
    )
    async with make_client(script) as client:
        result = await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert result.choices[0].message.content == "ok"


@pytest.mark.anyio
async def test_network_error_after_retries_is_network_error(
    fake_clock: FakeClock, no_env: None
) -> None:
    script = Script(*[httpx2.ConnectError("refused")] * 2)
    async with make_client(script, max_retries=1) as client:
        with pytest.raises(NetworkError) as info:
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert "ConnectError" in str(info.value)
    assert not isinstance(info.value.__cause__, httpx2.HTTPError)


@pytest.mark.anyio
async def test_timeouts_become_request_timeout(fake_clock: FakeClock, no_env: None) -> None:
    script = Script(httpx2.ReadTimeout("slow"))
    async with make_client(script, max_retries=0) as client:
        with pytest.raises(RequestTimeout):
            await client.chat.complete(model=MODEL, messages=MESSAGES)


@pytest.mark.anyio
async def test_malformed_json_body_is_a_server_error(no_env: None) -> None:
    script = Script(
        httpx2.Response(200, content=b"{not json", headers={"content-type": "application/json"})
    )
    async with make_client(script) as client:
        with pytest.raises(ServerError) as info:
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert "application/json" in str(info.value)


@pytest.mark.anyio
async def test_the_exact_request_sent(no_env: None) -> None:
    script = Script(httpx2.Response(200, json=completion()))
    async with make_client(script, bill_to="acme") as client:
        await client.chat.complete(
            model=MODEL,
            messages=MESSAGES,
            max_tokens=5,
            extra_headers={"X-Custom": "1"},
            extra_body={"top_k": 3},
        )
    (request,) = script.requests
    assert request.method == "POST"
    assert (
        str(request.url)
        == "https://router.huggingface.co/hf-inference/models/org/model/v1/chat/completions"
    )
    assert request.headers["authorization"] == "Bearer hf_fake_token_for_tests"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-hf-bill-to"] == "acme"
    assert request.headers["x-custom"] == "1"
    assert json.loads(request.content) == {
        "model": MODEL,
        "messages": MESSAGES,
        "max_tokens": 5,
        "top_k": 3,
    }


@pytest.mark.anyio
async def test_requests_on_our_own_pool_are_what_httpx2_would_build(no_env: None) -> None:
    """On a pool the client made, requests skip ``build_request`` but must not differ from it."""
    async with AsyncHfInferenceClient(
        default_provider="hf-inference", token="hf_fake_token_for_tests"
    ) as client:
        prepared = await client._prepare(
            describe(
                client,
                MODEL,
                None,
                "conversational",
                {"messages": MESSAGES},
                False,
                {"X-Custom": "1"},
                None,
            )
        )
        transport = client._transport
        http = transport.http_client
        http.cookies.set("session", "abc", domain="router.huggingface.co")
        timeout = {"connect": 1.0, "read": 2.0, "write": 2.0, "pool": 2.0}
        ours = transport._build_request(prepared, timeout)
        theirs = http.build_request(
            prepared.method,
            prepared.url,
            headers=prepared.headers,
            content=prepared.content,
            extensions={"timeout": timeout},
        )
        assert (ours.method, ours.url) == (theirs.method, theirs.url)
        assert sorted(ours.headers.multi_items()) == sorted(theirs.headers.multi_items())
        assert ours.headers["cookie"] == "session=abc"
        assert ours.headers["x-custom"] == "1"
        assert ours.content == theirs.content
        assert ours.extensions == theirs.extensions == {"timeout": timeout}
        for n in range(600):  # parsed URLs are kept, but never more than a bounded number
            prepared = dataclasses.replace(prepared, url=f"https://example.com/{n}")
            assert str(transport._build_request(prepared, timeout).url) == prepared.url
        assert 0 < len(transport._urls) <= 512


@pytest.mark.anyio
async def test_wrong_types_are_rejected_before_sending(no_env: None) -> None:
    script = Script()
    async with make_client(script) as client:
        with pytest.raises(ValidationError, match="max_tokens"):
            await client.chat.complete(model=MODEL, messages=MESSAGES, max_tokens="ten")
        with pytest.raises(ValidationError, match="messages"):
            await client.chat.complete(model=MODEL, messages=[])
        with pytest.raises(ValidationError, match="prompt"):
            await client.text_generation.generate(model=MODEL, prompt=123)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="not a valid Hub model id"):
            await client.chat.complete(model="../../etc", messages=MESSAGES)
    assert script.requests == []


@pytest.mark.anyio
async def test_stream_yields_chunks_and_closes(no_env: None) -> None:
    body = sse(chunk("Hel"), chunk("lo"), chunk(None, "stop"))
    script = Script(
        httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})
    )
    async with make_client(script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        texts = [c.choices[0].delta.content async for c in stream]
        assert stream.is_closed
    assert texts == ["Hel", "lo", None]
    assert json.loads(script.requests[0].content)["stream"] is True


@pytest.mark.anyio
async def test_a_compressed_stream_is_decoded(no_env: None) -> None:
    # uncompressed streams are read raw (no decoder layer); a gzip one still decodes
    body = gzip.compress(sse(chunk("Hel"), chunk("lo"), chunk(None, "stop")))
    headers = {"content-type": "text/event-stream", "content-encoding": "GZip"}
    script = Script(httpx2.Response(200, content=body, headers=headers))
    async with make_client(script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        texts = [c.choices[0].delta.content async for c in stream]
    assert texts == ["Hel", "lo", None]


@pytest.mark.anyio
async def test_stream_error_event_raises_stream_interrupted(no_env: None) -> None:
    body = sse(chunk("a"), {"error": {"message": "overloaded", "http_status_code": 500}})
    script = Script(httpx2.Response(200, content=body, headers={"x-request-id": "s1"}))
    async with make_client(script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        seen = []
        with pytest.raises(StreamInterrupted) as info:
            async for item in stream:
                seen.append(item)
        assert stream.is_closed
    assert len(seen) == 1
    assert info.value.server_message == "overloaded"


@pytest.mark.anyio
async def test_stream_without_done_raises(no_env: None) -> None:
    script = Script(httpx2.Response(200, content=sse(chunk("a"), done=False)))
    async with make_client(script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        with pytest.raises(StreamInterrupted, match=r"\[DONE\]"):
            async for _ in stream:
                pass


@pytest.mark.anyio
async def test_stream_with_finish_reason_but_no_done_is_accepted(no_env: None) -> None:
    script = Script(httpx2.Response(200, content=sse(chunk("a"), chunk(None, "stop"), done=False)))
    async with make_client(script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        assert [c.choices[0].finish_reason async for c in stream] == [None, "stop"]


@pytest.mark.anyio
async def test_stream_malformed_event_raises_stream_interrupted(no_env: None) -> None:
    script = Script(httpx2.Response(200, content=b"data: {oops\n\n"))
    async with make_client(script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        with pytest.raises(StreamInterrupted, match="malformed"):
            async for _ in stream:
                pass


@pytest.mark.anyio
async def test_stream_opening_is_retried(fake_clock: FakeClock, no_env: None) -> None:
    script = Script(
        httpx2.Response(503, json={"error": "loading", "estimated_time": 1.0}),
        httpx2.Response(200, content=sse(chunk("x"), chunk(None, "stop"))),
    )
    async with (
        make_client(script) as client,
        await client.chat.stream(model=MODEL, messages=MESSAGES) as stream,
    ):
        items = [c async for c in stream]
    assert len(items) == 2 and fake_clock.sleeps == [1.0]
    assert stream.response_meta.attempts == 2


@pytest.mark.anyio
async def test_text_generation_stream_needs_final_event(no_env: None) -> None:
    token = {
        "index": 1,
        "token": {"id": 1, "text": "a", "logprob": -0.1, "special": False},
        "generated_text": None,
        "details": None,
    }
    script = Script(httpx2.Response(200, content=b"data:" + json.dumps(token).encode() + b"\n\n"))
    async with make_client(script) as client:
        stream = await client.text_generation.stream(model=MODEL, prompt="x")
        with pytest.raises(StreamInterrupted, match="final event"):
            async for _ in stream:
                pass


@pytest.mark.anyio
async def test_text_generation_retries_without_unused_model_kwargs(no_env: None) -> None:
    script = Script(
        httpx2.Response(
            400,
            json={
                "error": "The following `model_kwargs` are not used by the model: ['watermark', 'stop'] (note: typos in the generate arguments will also show up in this list)"
            },
        ),
        httpx2.Response(200, json=[{"generated_text": "ok"}]),
    )
    async with make_client(script) as client:
        out = await client.text_generation.generate(
            model=MODEL, prompt="x", watermark=True, stop=["\n"], max_new_tokens=3
        )
    assert out.generated_text == "ok"
    assert json.loads(script.requests[1].content) == {
        "inputs": "x",
        "parameters": {"max_new_tokens": 3},
    }


@pytest.mark.anyio
async def test_closed_client_refuses_calls(no_env: None) -> None:
    client = make_client(Script())
    await client.aclose()
    await client.aclose()  # idempotent
    assert client.is_closed
    with pytest.raises(HfError, match="closed"):
        await client.chat.complete(model=MODEL, messages=MESSAGES)


@pytest.mark.anyio
async def test_client_repr_and_errors_never_show_the_token(no_env: None) -> None:
    script = Script(httpx2.Response(401, json={"error": "bad token"}))
    async with make_client(script, token="hf_secretsecretsecret") as client:
        assert "hf_secretsecretsecret" not in repr(client)
        assert "hf_secretsecretsecret" not in repr(client.config)
        with pytest.raises(AuthenticationError) as info:
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert "hf_secretsecretsecret" not in str(info.value)
    assert "hf_secretsecretsecret" not in repr(info.value)
