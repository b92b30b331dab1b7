"""With no provider named anywhere, a call goes where huggingface_hub and huggingface.js send it.

The default provider is ``auto``: chat goes to the router's OpenAI-compatible route with the
bare model id (no Hub lookup; the router picks the provider), and any other task takes the
first provider the Hub maps the model to. ``default_provider`` / ``HF_DEFAULT_PROVIDER``
still choose a provider for every call.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, InvalidArgument

from ..wire import Wire

HUB = "https://hub.test"
ROUTER = "https://router.test"
MODEL = "meta-llama/Llama-3.1-8B-Instruct"
FLUX = "black-forest-labs/FLUX.1-dev"
MESSAGES = [{"role": "user", "content": "hi"}]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(8)
FLUX_MAPPING = [
    {
        "provider": "together",
        "status": "live",
        "providerId": "bfl/flux-dev",
        "task": "text-to-image",
    },
    {
        "provider": "fal-ai",
        "status": "live",
        "providerId": "fal-ai/flux/dev",
        "task": "text-to-image",
    },
]


def completion() -> dict[str, Any]:
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "hello"},
                "finish_reason": "stop",
            }
        ],
    }


def make_client(wire: Wire, **config: Any) -> AsyncHfInferenceClient:
    """A client as a user makes it: no provider in the config (the environment is cleared)."""
    return AsyncHfInferenceClient(
        token="hf_default_token",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        hub_url=HUB,
        router_url=ROUTER,
        **config,
    )


@pytest.mark.anyio
async def test_chat_goes_to_the_router_with_the_bare_model_id(no_env: None) -> None:
    wire = Wire().add(
        "POST", f"{ROUTER}/v1/chat/completions", httpx2.Response(200, json=completion())
    )
    async with make_client(wire) as client:
        assert client.config.default_provider == "auto"
        reply = await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert reply.choices[0].message.content == "hello"
    assert wire.urls() == [f"POST {ROUTER}/v1/chat/completions"]  # no Hub lookup
    assert wire.body(0)["model"] == MODEL


@pytest.mark.anyio
async def test_another_task_takes_the_first_provider_the_hub_maps(no_env: None) -> None:
    url = f"{ROUTER}/together/v1/images/generations"
    image = {"data": [{"b64_json": "iVBORw0KGgoAAAAAAAAAAA=="}]}
    wire = (
        Wire().mapping(HUB, FLUX, FLUX_MAPPING).add("POST", url, httpx2.Response(200, json=image))
    )
    async with make_client(wire) as client:
        await client.images.generate(model=FLUX, prompt="a cat")
    assert wire.urls() == [
        f"GET {HUB}/api/models/{FLUX}?expand[]=inferenceProviderMapping",
        f"POST {url}",
    ]
    assert wire.body(1)["model"] == "bfl/flux-dev"  # the mapped id, not the Hub id


@pytest.mark.anyio
async def test_the_environment_still_chooses_a_default_provider(
    no_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DEFAULT_PROVIDER", "hf-inference")
    url = f"{ROUTER}/hf-inference/models/{MODEL}/v1/chat/completions"
    wire = Wire().add("POST", url, httpx2.Response(200, json=completion()))
    async with make_client(wire) as client:
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert wire.urls() == [f"POST {url}"]


@pytest.mark.anyio
async def test_a_provider_key_with_auto_is_refused_before_sending(no_env: None) -> None:
    wire = Wire()
    async with AsyncHfInferenceClient(
        token="sk-together-own-key",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        hub_url=HUB,
        router_url=ROUTER,
    ) as client:
        with pytest.raises(InvalidArgument, match="not a provider's own key"):
            await client.chat.complete(model=MODEL, messages=MESSAGES)
        with pytest.raises(InvalidArgument, match="not a provider's own key"):
            await client.chat.complete(model=f"{MODEL}:cheapest", messages=MESSAGES)
    assert wire.requests == []
