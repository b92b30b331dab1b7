"""Secrets stay out of errors, reprs and log lines, whatever a hostile server echoes."""

from __future__ import annotations

import logging

import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    HfError,
    ServerError,
    StreamInterrupted,
    ValidationError,
)

from ..server import HostileServer, echo, echo_event

pytestmark = pytest.mark.anyio

TOKEN = "hf_hostile_redaction_token_1234"
PROVIDER_KEY = "sk-provider-key-for-hostile-tests"
MESSAGES = [{"role": "user", "content": "hi"}]


def shown(err: HfError) -> str:
    """Everything a caller or a log handler may print about an error."""
    return " | ".join(
        [str(err), repr(err), str(err.endpoint), str(err.server_message), repr(err.body)]
    )


async def test_url_userinfo_and_query_never_show_in_errors_or_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with HostileServer() as server:
        server.script(echo(500, template="upstream failed"), echo(500, template="still failing"))
        url = f"http://alice:pa55w0rd@127.0.0.1:{server.port}/classify?api_key=query-secret"
        client = AsyncHfInferenceClient(
            token=TOKEN, max_retries=1, retry_base_delay=0.0, retry_max_delay=0.0
        )
        async with client:
            caplog.set_level(logging.DEBUG, logger="hf_inference_endpoints")
            with pytest.raises(ServerError) as caught:
                await client.infer("text-classification", url, "I like you")
        # the request itself went where the caller said, query string included
        assert server.requests[0].path == "/classify?api_key=query-secret"
    err = caught.value
    assert err.endpoint == f"http://127.0.0.1:{server.port}/classify"
    logs = "\n".join(record.getMessage() for record in caplog.records)
    assert "retrying POST" in logs  # the line the issue found leaking
    for text in (shown(err), logs, repr(client), repr(client.config)):
        assert "pa55w0rd" not in text and "alice" not in text
        assert "query-secret" not in text


async def test_a_token_echoed_in_an_error_body_is_masked_everywhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with HostileServer() as server:
        server.script(echo(400, template="bad token {token} in header '{auth}'"))
        async with AsyncHfInferenceClient(
            token=TOKEN, router_url=server.url, default_provider="hf-inference"
        ) as client:
            caplog.set_level(logging.DEBUG, logger="hf_inference_endpoints")
            with pytest.raises(ValidationError) as caught:
                await client.chat.complete(model="org/model", messages=MESSAGES)
        assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    err = caught.value
    assert err.server_message == "bad token *** in header 'Bearer ***'"
    assert err.body == {"error": "bad token *** in header 'Bearer ***'"}
    logs = "\n".join(record.getMessage() for record in caplog.records)
    assert TOKEN not in shown(err) and TOKEN not in logs


async def test_a_provider_key_echoed_back_is_masked() -> None:
    with HostileServer() as server:
        server.script(echo(401, template="key {token} is not valid for {target}"))
        async with AsyncHfInferenceClient(token=PROVIDER_KEY, max_retries=0) as client:
            with pytest.raises(HfError) as caught:
                await client.chat.complete(model=f"{server.url}/v1", messages=MESSAGES)
        assert server.requests[0].headers["authorization"] == f"Bearer {PROVIDER_KEY}"
    assert caught.value.status_code == 401
    assert caught.value.server_message == "key *** is not valid for /v1/chat/completions"
    assert PROVIDER_KEY not in shown(caught.value)


async def test_a_per_call_secret_in_extra_headers_is_masked_when_echoed() -> None:
    custom = "custom-gateway-secret-987"
    with HostileServer() as server:
        server.script(echo(403, template="{auth} may not call this"))
        async with AsyncHfInferenceClient(token=None, max_retries=0) as client:
            with pytest.raises(HfError) as caught:
                await client.chat.complete(
                    model=f"{server.url}/v1",
                    messages=MESSAGES,
                    extra_headers={"Authorization": f"Bearer {custom}"},
                )
    assert caught.value.server_message == "Bearer *** may not call this"
    assert custom not in shown(caught.value)


async def test_a_token_echoed_in_a_stream_error_event_is_masked() -> None:
    with HostileServer() as server:
        server.script(echo_event())
        async with AsyncHfInferenceClient(
            token=TOKEN, router_url=server.url, default_provider="hf-inference"
        ) as client:
            stream = await client.chat.stream(model="org/model", messages=MESSAGES)
            with pytest.raises(StreamInterrupted) as caught:
                async for _ in stream:
                    pass
    assert caught.value.server_message == "token *** was refused"
    assert TOKEN not in shown(caught.value)
