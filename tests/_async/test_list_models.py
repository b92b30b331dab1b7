"""client.hub.list_models: lazy Link-header pagination against the emulator's Hub (both twins)."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, InvalidArgument

from ..conftest import EMULATOR_TOKEN


def client_for(emulator: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        router_url=emulator.router_url, hub_url=emulator.hub_url, token=EMULATOR_TOKEN
    )


@pytest.mark.anyio
async def test_pages_are_fetched_as_the_iteration_reaches_them(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        everything = [m async for m in client.hub.list_models(provider="all")]
        assert len(everything) > 4
        before = emulator.state.request_count
        models = client.hub.list_models(provider="all", page_size=2)
        assert emulator.state.request_count == before  # nothing fetched yet
        first = [await models.__anext__() for _ in range(3)]
        assert emulator.state.request_count == before + 2  # two pages of two
        rest = [m async for m in models]
    assert [m["id"] for m in first + rest] == [m["id"] for m in everything]
    assert all(isinstance(m["inferenceProviderMapping"], list) for m in everything)


@pytest.mark.anyio
async def test_filters_and_limit(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        together = [m async for m in client.hub.list_models(provider="together")]
        chat = [m async for m in client.hub.list_models(task="text-generation", search="llama")]
        limited = [m async for m in client.hub.list_models(provider="all", limit=3, page_size=2)]
    assert together
    assert all(
        any(e["provider"] == "together" for e in m["inferenceProviderMapping"]) for m in together
    )
    assert chat and all("llama" in m["id"].lower() for m in chat)
    assert all(m["pipeline_tag"] == "text-generation" for m in chat)
    assert len(limited) == 3


@pytest.mark.anyio
@pytest.mark.parametrize("bad", [{"limit": 0}, {"page_size": "10"}, {"limit": True}])
async def test_bad_limits_are_refused_before_sending(
    emulator: Any, no_env: None, bad: dict[str, Any]
) -> None:
    async with client_for(emulator) as client:
        with pytest.raises(InvalidArgument):
            client.hub.list_models(**bad)
