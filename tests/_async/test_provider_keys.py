"""A provider's own key goes to the provider it is for, and nowhere else.

With provider ``auto`` (the default) HF picks the provider: the router for chat, the
Hub's first mapping for any other task. A key that is not an HF token (``hf_...``) is
for one provider, so such a call is an ``InvalidArgument`` before anything is sent --
no Hub lookup, no download of a URL input, no request -- for every task. Naming the
provider sends the key straight to its API; failover to other providers is refused
per call, and ``config.fallback`` does not apply to such a key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, InvalidArgument, ServiceUnavailable
from hf_inference_endpoints._errors import ValidationError

from ..media import wav
from ..wire import Wire

HUB = "https://hub.test"
ROUTER = "https://router.test"
KEY = "sk-together-own-key"
FLUX = "black-forest-labs/FLUX.1-dev"
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
CAT_URL = "https://files.test/cat.png"
AUDIO_URL = "https://files.test/speech.wav"
FLUX_MAPPING = [
    {"provider": "together", "status": "live", "providerId": "bfl/flux", "task": "text-to-image"},
    {"provider": "fal-ai", "status": "live", "providerId": "fal/flux", "task": "text-to-image"},
]

Call = Callable[[AsyncHfInferenceClient], Awaitable[Any]]

#: One call per service and task family, each with provider ``auto`` (the default).
CALLS: dict[str, Call] = {
    "chat": lambda c: c.chat.complete(model=LLAMA, messages=[{"role": "user", "content": "hi"}]),
    "chat :cheapest": lambda c: c.chat.complete(
        model=f"{LLAMA}:cheapest", messages=[{"role": "user", "content": "hi"}]
    ),
    "text-generation": lambda c: c.text_generation.generate(model=LLAMA, prompt="hi"),
    "text-to-image": lambda c: c.images.generate(FLUX, "a cat"),
    "text-to-image, default model": lambda c: c.images.generate(prompt="a cat"),
    "image-classification, URL input": lambda c: c.images.classify(FLUX, CAT_URL),
    "asr, bytes": lambda c: c.audio.transcribe(FLUX, wav()),
    "asr, URL input": lambda c: c.audio.transcribe(FLUX, AUDIO_URL),
    "asr, default model": lambda c: c.audio.transcribe(audio=wav()),
    "embeddings": lambda c: c.embeddings.create(FLUX, ["hi"]),
    "embeddings, default model": lambda c: c.embeddings.create(inputs=["hi"]),
    "sentence-similarity": lambda c: c.embeddings.similarity(FLUX, "a", ["b"]),
    "feature-extraction via infer": lambda c: c.infer("feature-extraction", FLUX, "hi"),
    "text-classification": lambda c: c.text.classify(FLUX, "hi"),
    "translation": lambda c: c.text.translate(FLUX, "hi"),
    "text-to-video": lambda c: c.video.generate(FLUX, "a cat"),
}


def make_client(wire: Wire, **config: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        token=KEY,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        hub_url=HUB,
        router_url=ROUTER,
        max_retries=0,
        **config,
    )


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(CALLS))
async def test_a_provider_key_with_auto_is_refused_before_anything_is_sent(
    no_env: None, name: str
) -> None:
    wire = Wire().mapping(HUB, FLUX, FLUX_MAPPING)
    async with make_client(wire) as client:
        assert client.config.default_provider == "auto"
        with pytest.raises(InvalidArgument, match="not a provider's own key") as caught:
            await CALLS[name](client)
    assert isinstance(caught.value, ValidationError)
    assert wire.requests == []  # no Hub lookup, no download, no request
    assert KEY not in str(caught.value)


@pytest.mark.anyio
async def test_default_provider_auto_set_explicitly_is_refused_too(no_env: None) -> None:
    wire = Wire().mapping(HUB, FLUX, FLUX_MAPPING)
    async with make_client(wire, default_provider="hf-inference") as client:
        with pytest.raises(InvalidArgument, match="not a provider's own key"):
            await client.images.generate(FLUX, "a cat", provider="auto")
    assert wire.requests == []


@pytest.mark.anyio
async def test_naming_the_provider_sends_the_key_to_its_own_api(no_env: None) -> None:
    url = "https://api.together.xyz/v1/images/generations"
    image = {"data": [{"b64_json": "iVBORw0KGgoAAAAAAAAAAA=="}]}
    wire = (
        Wire().mapping(HUB, FLUX, FLUX_MAPPING).add("POST", url, httpx2.Response(200, json=image))
    )
    async with make_client(wire) as client:
        await client.images.generate(FLUX, "a cat", provider="together")
    assert wire.urls()[-1] == f"POST {url}"
    assert wire.requests[-1].headers["authorization"] == f"Bearer {KEY}"
    lookups = [r for r in wire.requests if r.url.host == "hub.test"]
    assert all("authorization" not in r.headers for r in lookups)  # never to the Hub


@pytest.mark.anyio
async def test_a_per_call_fallback_with_a_provider_key_is_refused(no_env: None) -> None:
    wire = Wire().mapping(HUB, FLUX, FLUX_MAPPING)
    async with make_client(wire) as client:
        with pytest.raises(InvalidArgument, match="for 'together' only"):
            await client.images.generate(FLUX, "a cat", provider="together", fallback=True)
        with pytest.raises(InvalidArgument, match="for 'together' only"):
            await client.images.generate(FLUX, "a cat", provider="together", fallback=["fal-ai"])
    assert wire.requests == []


@pytest.mark.anyio
async def test_config_fallback_never_carries_a_provider_key_to_another_provider(
    no_env: None,
) -> None:
    url = "https://api.together.xyz/v1/images/generations"
    wire = (
        Wire()
        .mapping(HUB, FLUX, FLUX_MAPPING)
        .add("POST", url, httpx2.Response(503, json={"error": "overloaded"}))
    )
    async with make_client(wire, fallback=True) as client:
        with pytest.raises(ServiceUnavailable):
            await client.images.generate(FLUX, "a cat", provider="together")
    assert [r.url.host for r in wire.requests if r.method == "POST"] == ["api.together.xyz"]
