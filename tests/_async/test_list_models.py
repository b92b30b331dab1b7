"""client.hub.list_models: typed models, lazy Link-header pagination against the emulator's Hub (both twins)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, InvalidArgument, ServerError
from hf_inference_endpoints.models import HubModel, HubProviderMapping

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
    assert [m.id for m in first + rest] == [m.id for m in everything]
    assert all(isinstance(m, HubModel) for m in everything)
    assert all(
        m.response_meta is not None and m.response_meta.status_code == 200 for m in everything
    )


@pytest.mark.anyio
async def test_models_are_typed_with_their_provider_mapping(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        together = [m async for m in client.hub.list_models(provider="together")]
    assert together
    catalog = emulator.state.catalog
    for model in together:
        entries = model.inferenceProviderMapping
        assert all(isinstance(e, HubProviderMapping) for e in entries)
        known = catalog.get(model.id)
        # the Hub's order and values, entry by entry
        assert [e.provider for e in entries] == list(known.providers)
        for entry in entries:
            mapped = known.providers[entry.provider]
            assert (entry.providerId, entry.status, entry.task) == (
                mapped.provider_id,
                mapped.status,
                mapped.task,
            )
        assert "together" in [e.provider for e in entries]
        assert model.pipeline_tag == known.pipeline_tag
        assert model.library_name == known.library_name
        assert isinstance(model.likes, int) and isinstance(model.downloads, int)


@pytest.mark.anyio
async def test_filters_and_limit(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        chat = [m async for m in client.hub.list_models(task="text-generation", search="llama")]
        limited = [m async for m in client.hub.list_models(provider="all", limit=3, page_size=2)]
    assert chat and all("llama" in m.id.lower() for m in chat)
    assert all(m.pipeline_tag == "text-generation" for m in chat)
    assert len(limited) == 3


@pytest.mark.anyio
async def test_the_request_names_filters_and_expanded_fields() -> None:
    requests: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        return httpx2.Response(200, json=[{"id": "a/b"}])

    async with AsyncHfInferenceClient(
        token="hf_x",
        hub_url="https://hub.test",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(answer)),
    ) as client:
        models = [m async for m in client.hub.list_models(provider="groq", task="text-generation")]
    assert [m.id for m in models] == ["a/b"] and models[0].inferenceProviderMapping == []
    url = str(requests[0].url)
    assert "inference_provider=groq" in url and "pipeline_tag=text-generation" in url
    for field in ("inferenceProviderMapping", "pipeline_tag", "likes", "downloads"):
        assert f"expand[]={field}" in url.replace("%5B%5D", "[]")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "page", [{"not": "a list"}, [{"name": "no id"}], [{"id": "a/b", "likes": "many"}]]
)
async def test_an_unreadable_page_is_a_server_error(page: Any) -> None:
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, json=page))
    async with AsyncHfInferenceClient(
        token="hf_x",
        hub_url="https://hub.test",
        http_client=httpx2.AsyncClient(transport=transport),
        max_retries=0,
    ) as client:
        with pytest.raises(ServerError):
            [m async for m in client.hub.list_models()]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "bad",
    [{"limit": 0}, {"page_size": "10"}, {"limit": True}, {"provider": ""}, {"task": 3}],
)
async def test_bad_arguments_are_refused_before_sending(
    emulator: Any, no_env: None, bad: dict[str, Any]
) -> None:
    async with client_for(emulator) as client:
        with pytest.raises(InvalidArgument):
            client.hub.list_models(**bad)
