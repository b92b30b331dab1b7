"""token= as a callable: asked when each request is built (rotating credentials), both twins."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, AuthenticationError, ConfigurationError

from ..conftest import EMULATOR_TOKEN

MESSAGES = [{"role": "user", "content": "hi"}]


class Rotation:
    """A secret store whose current value the test changes."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return self.value


def client_for(emulator: Any, token: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        token=token,
        default_provider="hf-inference",
        max_retries=0,
    )


@pytest.mark.anyio
async def test_a_callable_token_is_asked_for_each_request(emulator: Any, no_env: None) -> None:
    rotation = Rotation("hf_revoked_token_value")
    async with client_for(emulator, rotation) as client:
        with pytest.raises(AuthenticationError):
            await client.chat.complete(model="org/chat-model", messages=MESSAGES)
        rotation.value = EMULATOR_TOKEN  # rotated: the same client picks it up
        reply = await client.chat.complete(model="org/chat-model", messages=MESSAGES)
        assert reply.choices[0].message is not None
        assert rotation.calls >= 2
        shown = repr(client.config) + str(client.config.token)
    assert EMULATOR_TOKEN not in shown and "rotating" in shown


@pytest.mark.anyio  # unasync: remove
async def test_async_token_source(emulator: Any, no_env: None) -> None:  # unasync: remove
    seen: list[str] = []  # unasync: remove

    async def current() -> str:  # unasync: remove
        seen.append("asked")  # unasync: remove
        return EMULATOR_TOKEN  # unasync: remove

    async with client_for(emulator, current) as client:  # unasync: remove
        await client.chat.complete(model="org/chat-model", messages=MESSAGES)  # unasync: remove
        await client.chat.complete(model="org/chat-model", messages=MESSAGES)  # unasync: remove
        assert seen == ["asked", "asked"]  # unasync: remove
        models = client.hub.list_models(provider="all", limit=1)  # unasync: remove
        assert len([m async for m in models]) == 1  # unasync: remove
        await client.text.rank("q", ["a"], model=emulator.tei_url("reranker"))  # unasync: remove
    assert seen == ["asked"] * 4  # unasync: remove


@pytest.mark.anyio
@pytest.mark.parametrize("bad", [lambda: "", lambda: None, lambda: 42])
async def test_a_callable_returning_no_token_is_refused(
    emulator: Any, no_env: None, bad: Any
) -> None:
    before = emulator.state.request_count
    async with client_for(emulator, bad) as client:
        with pytest.raises(ConfigurationError, match="non-empty string"):
            await client.chat.complete(model="org/chat-model", messages=MESSAGES)
    assert emulator.state.request_count == before


def test_a_token_that_is_neither_is_refused(no_env: None) -> None:
    with pytest.raises(ConfigurationError, match="callable"):
        AsyncHfInferenceClient(token=42)
