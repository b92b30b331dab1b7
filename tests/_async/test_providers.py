"""Provider routing, mapping lookups, failover, rate limits and async-job polling, both twins.

The network is an ``httpx2.MockTransport`` that answers per URL and records every
request, so each test asserts the exact requests; sleeps and the clock are a fake
clock (no real waiting).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    ConfigurationError,
    ModelNotAvailableOnProvider,
    RateLimited,
    RequestTimeout,
    ServerError,
    ServiceUnavailable,
)
from hf_inference_endpoints._async._execute import execute
from tests.calls import describe

from ..wire import Wire as BaseWire
from .conftest import FakeClock

HUB = "https://hub.test"
ROUTER = "https://router.test"
TOKEN = "hf_test_token"
MODEL = "meta-llama/Llama-3.1-8B-Instruct"
FLUX = "black-forest-labs/FLUX.1-dev"
VIDEO_MODEL = "org/video-model"
MESSAGES = [{"role": "user", "content": "hi"}]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(8)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(8)

CHAT_MAPPING = {
    "hf-inference": {"status": "live", "providerId": MODEL, "task": "conversational"},
    "together": {"status": "live", "providerId": "together/llama-turbo", "task": "conversational"},
    "groq": {"status": "live", "providerId": "llama-3.1-8b-instant", "task": "conversational"},
    "newprov": {"status": "live", "providerId": "newprov-llama", "task": "conversational"},
    "nebius": {"status": "staging", "providerId": "nebius-llama", "task": "conversational"},
    "nscale": {"status": "staging", "providerId": "nscale-llama", "task": "conversational"},
}
IMAGE_MAPPING = [  # the listing shape: entries with a provider key
    {"provider": "newprov", "status": "live", "providerId": "np/flux", "task": "text-to-image"},
    {
        "provider": "fal-ai",
        "status": "live",
        "providerId": "fal-ai/flux/dev",
        "task": "text-to-image",
    },
    {
        "provider": "together",
        "status": "live",
        "providerId": "bfl/flux-dev",
        "task": "text-to-image",
    },
    {
        "provider": "replicate",
        "status": "live",
        "providerId": "bfl/flux-dev",
        "task": "text-to-image",
    },
]
VIDEO_MAPPING = {
    "fal-ai": {"status": "live", "providerId": "fal-ai/ltx/v1", "task": "text-to-video"},
    "together": {"status": "live", "providerId": "vid/turbo", "task": "text-to-video"},
    "replicate": {"status": "live", "providerId": "vid/rep", "task": "text-to-video"},
    "wavespeed": {"status": "live", "providerId": "ws/vid", "task": "text-to-video"},
    "novita": {"status": "live", "providerId": "nv/vid", "task": "text-to-video"},
}
ZAI_MAPPING = {"zai-org": {"status": "live", "providerId": "cogview-4", "task": "text-to-image"}}
EDIT_MODEL = "black-forest-labs/FLUX.1-Kontext-dev"
EDIT_MAPPING = {
    "together": {
        "status": "live",
        "providerId": "black-forest-labs/FLUX.1-kontext-dev",
        "task": "image-to-image",
    }
}
ASR_MODEL = "openai/whisper-large-v3"
ASR_MAPPING = {
    "fal-ai": {
        "status": "live",
        "providerId": "fal-ai/whisper",
        "task": "automatic-speech-recognition",
    },
    "hf-inference": {
        "status": "live",
        "providerId": ASR_MODEL,
        "task": "automatic-speech-recognition",
    },
}
MAPPINGS = {
    EDIT_MODEL: EDIT_MAPPING,
    ASR_MODEL: ASR_MAPPING,
    MODEL: CHAT_MAPPING,
    FLUX: IMAGE_MAPPING,
    VIDEO_MODEL: VIDEO_MAPPING,
    "org/zai-image": ZAI_MAPPING,
}


def completion(model: str = "m", text: str = "hello") -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }


class Wire(BaseWire):
    """The shared scripted peer, with this module's Hub mappings."""

    def hub(self, model: str) -> Wire:
        self.mapping(HUB, model, MAPPINGS[model])
        return self


def make_client(wire: Wire, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("token", TOKEN)
    return AsyncHfInferenceClient(
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        hub_url=HUB,
        router_url=ROUTER,
        **{"default_provider": "hf-inference", **config},
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A fake clock for the transport and for the provider module (polls, cache TTL)."""
    fake = FakeClock()
    for module in ("_transport", "_execute"):
        monkeypatch.setattr(f"hf_inference_endpoints._async.{module}.async_sleep", fake.sleep)
    for module in ("_transport", "_providers", "_execute"):
        monkeypatch.setattr(
            f"hf_inference_endpoints._async.{module}.async_monotonic", fake.monotonic
        )
    return fake


MAPPING_GET = f"GET {HUB}/api/models/{MODEL}?expand[]=inferenceProviderMapping"


# ----------------------------------------------------------------------------- routing


@pytest.mark.anyio
async def test_together_chat_uses_the_mapped_model_id_and_caches_the_mapping(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().hub(MODEL)
    wire.add(
        "POST",
        f"{ROUTER}/together/v1/chat/completions",
        httpx2.Response(
            200,
            json=completion("together/llama-turbo"),
            headers={"x-inference-provider": "together"},
        ),
    )
    async with make_client(wire) as client:
        reply = await client.chat.complete(
            model=MODEL, provider="together", messages=MESSAGES, max_tokens=5
        )
        again = await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
    assert wire.urls() == [
        MAPPING_GET,
        f"POST {ROUTER}/together/v1/chat/completions",
        f"POST {ROUTER}/together/v1/chat/completions",
    ]
    assert wire.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert wire.body(1) == {"model": "together/llama-turbo", "messages": MESSAGES, "max_tokens": 5}
    assert next(iter(wire.body(1))) == "model"
    assert reply.model == "together/llama-turbo"
    assert reply.response_meta is not None and reply.response_meta.provider == "together"
    assert reply.response_meta.providers_tried == ()  # failover was off
    assert again.choices[0].message.content == "hello"


@pytest.mark.anyio
async def test_the_mapping_is_fetched_again_after_its_ttl(clock: FakeClock, no_env: None) -> None:
    wire = (
        Wire()
        .hub(MODEL)
        .add(
            "POST",
            f"{ROUTER}/groq/openai/v1/chat/completions",
            httpx2.Response(200, json=completion()),
        )
    )
    async with make_client(wire, provider_mapping_ttl=60.0) as client:
        await client.chat.complete(model=MODEL, provider="groq", messages=MESSAGES)
        clock.now += 59.0
        await client.chat.complete(model=MODEL, provider="groq", messages=MESSAGES)
        clock.now += 1.0
        await client.chat.complete(model=MODEL, provider="groq", messages=MESSAGES)
        client.clear_caches()
        await client.chat.complete(model=MODEL, provider="groq", messages=MESSAGES)
    assert [u for u in wire.urls() if u.startswith("GET")] == [MAPPING_GET] * 3
    assert wire.body(1)["model"] == "llama-3.1-8b-instant"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("model", "provider", "config", "url", "body_model"),
    [
        (MODEL, None, {}, f"{ROUTER}/hf-inference/models/{MODEL}/v1/chat/completions", MODEL),
        (
            MODEL,
            "hf-inference",
            {},
            f"{ROUTER}/hf-inference/models/{MODEL}/v1/chat/completions",
            MODEL,
        ),
        (MODEL, "auto", {}, f"{ROUTER}/v1/chat/completions", MODEL),
        (MODEL, None, {"default_provider": "auto"}, f"{ROUTER}/v1/chat/completions", MODEL),
        (f"{MODEL}:cheapest", None, {}, f"{ROUTER}/v1/chat/completions", f"{MODEL}:cheapest"),
        (MODEL, "preferred", {}, f"{ROUTER}/v1/chat/completions", f"{MODEL}:preferred"),
        (f"{MODEL}:groq", None, {}, f"{ROUTER}/v1/chat/completions", f"{MODEL}:groq"),
        ("http://127.0.0.1:8080", None, {}, "http://127.0.0.1:8080/v1/chat/completions", None),
    ],
)
async def test_hf_inference_router_and_url_targets_need_no_lookup(
    model: str,
    provider: str | None,
    config: dict[str, Any],
    url: str,
    body_model: str | None,
    no_env: None,
) -> None:
    wire = Wire().add("POST", url, httpx2.Response(200, json=completion()))
    async with make_client(wire, **config) as client:
        await client.chat.complete(model=model, provider=provider, messages=MESSAGES)
    assert wire.urls() == [f"POST {url}"]
    assert wire.body(0).get("model") == body_model


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("provider", "task", "reason", "available"),
    [
        (
            "fireworks-ai",
            "conversational",
            "no mapping",
            ("hf-inference", "together", "groq", "newprov"),
        ),
        ("together", "text-generation", "serves it for 'conversational' only", ()),
    ],
)
async def test_unavailable_mappings_raise_and_list_where_the_model_is(
    provider: str, task: str, reason: str, available: tuple[str, ...], no_env: None
) -> None:
    wire = Wire().hub(MODEL)
    async with make_client(wire) as client:
        with pytest.raises(ModelNotAvailableOnProvider) as info:
            if task == "conversational":
                await client.chat.complete(model=MODEL, provider=provider, messages=MESSAGES)
            else:
                await client._prepare(
                    describe(client, MODEL, provider, task, {"inputs": "x"}, False, None, None)
                )
    assert wire.urls() == [MAPPING_GET]  # nothing was sent to a provider
    err = info.value
    assert (err.model, err.provider) == (MODEL, provider)
    assert reason in err.message
    assert err.available_on == available


@pytest.mark.anyio
async def test_chat_on_a_mapped_provider_without_a_helper_uses_the_generic_route(
    no_env: None,
) -> None:
    wire = (
        Wire()
        .hub(MODEL)
        .add(
            "POST", f"{ROUTER}/newprov/v1/chat/completions", httpx2.Response(200, json=completion())
        )
    )
    async with make_client(wire) as client:
        reply = await client.chat.complete(model=MODEL, provider="newprov", messages=MESSAGES)
    assert wire.urls() == [MAPPING_GET, f"POST {ROUTER}/newprov/v1/chat/completions"]
    assert wire.body(1) == {"model": "newprov-llama", "messages": MESSAGES}
    assert reply.response_meta is not None and reply.response_meta.provider == "newprov"


@pytest.mark.anyio
async def test_other_tasks_on_a_provider_without_a_helper_fail_before_any_io(no_env: None) -> None:
    wire = Wire()
    async with make_client(wire) as client:
        with pytest.raises(
            ModelNotAvailableOnProvider, match="'newprov' is not supported for task 'text-to-image'"
        ):
            await client._prepare(
                describe(
                    client, FLUX, "newprov", "text-to-image", {"inputs": "a cat"}, False, None, None
                )
            )
        with pytest.raises(
            ModelNotAvailableOnProvider, match="does not serve task 'text-to-image'"
        ):
            await client._prepare(
                describe(
                    client, FLUX, "groq", "text-to-image", {"inputs": "a cat"}, False, None, None
                )
            )
    assert wire.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("preference", "chosen", "url"),
    [
        ((), "fal-ai", f"{ROUTER}/fal-ai/fal-ai/flux/dev"),
        (
            ("replicate", "together"),
            "replicate",
            f"{ROUTER}/replicate/v1/models/bfl/flux-dev/predictions",
        ),
        (("groq", "together"), "together", f"{ROUTER}/together/v1/images/generations"),
    ],
)
async def test_auto_for_other_tasks_takes_the_first_live_mapping_in_preference_order(
    preference: tuple[str, ...], chosen: str, url: str, no_env: None
) -> None:
    wire = Wire().hub(FLUX)
    async with make_client(wire, provider_preference=preference) as client:
        prepared = await client._prepare(
            describe(client, FLUX, "auto", "text-to-image", {"inputs": "a cat"}, False, None, None)
        )
    assert prepared.url == url
    assert prepared.context.provider == chosen  # newprov (no helper) was skipped
    assert prepared.fallbacks == ()


@pytest.mark.anyio
async def test_bill_to_from_config_and_per_call(no_env: None) -> None:
    wire = (
        Wire()
        .hub(MODEL)
        .add(
            "POST",
            f"{ROUTER}/groq/openai/v1/chat/completions",
            httpx2.Response(200, json=completion()),
        )
    )
    async with make_client(wire, bill_to="config-org") as client:
        await client.chat.complete(model=MODEL, provider="groq", messages=MESSAGES)
        await client.chat.complete(
            model=MODEL, provider="groq", messages=MESSAGES, bill_to="call-org"
        )
    assert "x-hf-bill-to" not in wire.requests[0].headers  # not on the Hub lookup
    assert wire.requests[1].headers["x-hf-bill-to"] == "config-org"
    assert wire.requests[2].headers["x-hf-bill-to"] == "call-org"


@pytest.mark.anyio
async def test_a_provider_key_goes_straight_to_the_provider_and_never_to_the_hub(
    no_env: None,
) -> None:
    wire = (
        Wire()
        .hub(MODEL)
        .add(
            "POST",
            "https://api.together.xyz/v1/chat/completions",
            httpx2.Response(200, json=completion()),
        )
    )
    async with make_client(wire, token="tg-own-key", bill_to="org") as client:
        await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
    assert wire.urls() == [MAPPING_GET, "POST https://api.together.xyz/v1/chat/completions"]
    assert "authorization" not in wire.requests[0].headers
    assert wire.requests[1].headers["authorization"] == "Bearer tg-own-key"
    assert "x-hf-bill-to" not in wire.requests[1].headers
    assert wire.body(1)["model"] == "together/llama-turbo"


# ---------------------------------------------------------------------------- failover

TOGETHER_CHAT = f"{ROUTER}/together/v1/chat/completions"
GROQ_CHAT = f"{ROUTER}/groq/openai/v1/chat/completions"
NSCALE_CHAT = f"{ROUTER}/nscale/v1/chat/completions"
HF_CHAT = f"{ROUTER}/hf-inference/models/{MODEL}/v1/chat/completions"


@pytest.mark.anyio
async def test_failover_is_off_by_default(clock: FakeClock, no_env: None) -> None:
    wire = (
        Wire().hub(MODEL).add("POST", TOGETHER_CHAT, httpx2.Response(429, json={"error": "busy"}))
    )
    async with make_client(wire, max_retries=2) as client:
        with pytest.raises(RateLimited):
            await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
    assert wire.urls().count(f"POST {TOGETHER_CHAT}") == 3  # the normal retries, same provider


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("failure", "per_call", "config"),
    [
        (httpx2.Response(429, json={"error": "busy"}, headers={"retry-after": "30"}), ["groq"], {}),
        (httpx2.Response(503, json={"error": "down"}), True, {"provider_preference": ("groq",)}),
        (
            httpx2.Response(500, json={"error": "boom"}),
            None,
            {"fallback": True, "provider_preference": ("groq",)},
        ),
        (
            httpx2.Response(404, json={"error": {"message": "no such model"}}),
            None,
            {"fallback": ("groq",)},
        ),
        (
            httpx2.Response(402, json={"error": "You have exceeded your monthly credits"}),
            ["groq"],
            {},
        ),
    ],
)
async def test_failover_moves_to_the_next_provider_at_once(
    failure: httpx2.Response, per_call: Any, config: dict[str, Any], clock: FakeClock, no_env: None
) -> None:
    wire = (
        Wire()
        .hub(MODEL)
        .add("POST", TOGETHER_CHAT, failure)
        .add("POST", GROQ_CHAT, httpx2.Response(200, json=completion("llama-3.1-8b-instant")))
    )
    async with make_client(wire, **config) as client:
        reply = await client.chat.complete(
            model=MODEL, provider="together", messages=MESSAGES, fallback=per_call
        )
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_CHAT}", f"POST {GROQ_CHAT}"]
    assert clock.sleeps == []  # no retry, no Retry-After wait on the failed provider
    assert wire.body(2)["model"] == "llama-3.1-8b-instant"
    meta = reply.response_meta
    assert meta is not None
    assert meta.provider == "groq"
    assert meta.providers_tried == ("together", "groq")


@pytest.mark.anyio
async def test_failover_true_tries_every_live_mapping_and_raises_the_last_error(
    clock: FakeClock, no_env: None
) -> None:
    wire = (
        Wire()
        .hub(MODEL)
        .add("POST", TOGETHER_CHAT, httpx2.Response(503, json={"error": "down"}))
        .add("POST", HF_CHAT, httpx2.Response(502, json={"error": "bad gateway"}))
        .add("POST", GROQ_CHAT, httpx2.Response(503, json={"error": "down too"}))
        .add(
            "POST",
            f"{ROUTER}/newprov/v1/chat/completions",
            httpx2.Response(503, json={"error": "last"}),
        )
    )
    async with make_client(wire, max_retries=1, auto_wait_for_model=False) as client:
        with pytest.raises(ServiceUnavailable, match="last"):
            await client.chat.complete(
                model=MODEL, provider="together", messages=MESSAGES, fallback=True
            )
    posts = [u for u in wire.urls() if u.startswith("POST")]
    # the Hub's order after together; the last provider gets the normal retries
    assert posts == [
        f"POST {TOGETHER_CHAT}",
        f"POST {HF_CHAT}",
        f"POST {GROQ_CHAT}",
        f"POST {ROUTER}/newprov/v1/chat/completions",
        f"POST {ROUTER}/newprov/v1/chat/completions",
    ]


@pytest.mark.anyio
async def test_a_payment_required_answer_is_not_retried_and_says_what_to_do(
    clock: FakeClock, no_env: None
) -> None:
    from hf_inference_endpoints import PaymentRequired

    wire = (
        Wire()
        .hub(MODEL)
        .add("POST", TOGETHER_CHAT, httpx2.Response(402, json={"error": "Not enough balance"}))
    )
    async with make_client(wire, max_retries=3) as client:
        with pytest.raises(PaymentRequired) as caught:
            await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_CHAT}"]  # one attempt, no retry
    assert clock.sleeps == []
    err = caught.value
    assert err.status_code == 402 and err.provider == "together"
    assert err.server_message == "Not enough balance"
    assert "bill_to" in err.message and "credits" in err.message
    assert not err.is_retryable


@pytest.mark.anyio
async def test_a_validation_error_does_not_fail_over(clock: FakeClock, no_env: None) -> None:
    from hf_inference_endpoints import ValidationError

    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, httpx2.Response(422, json={"error": "bad"}))
    async with make_client(wire) as client:
        with pytest.raises(ValidationError):
            await client.chat.complete(
                model=MODEL, provider="together", messages=MESSAGES, fallback=True
            )
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_CHAT}"]


@pytest.mark.anyio
async def test_a_network_error_is_retried_on_the_same_provider_before_failing_over(
    clock: FakeClock, no_env: None
) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused")

    wire = (
        Wire()
        .hub(MODEL)
        .add("POST", TOGETHER_CHAT, refuse, httpx2.Response(200, json=completion()))
    )
    async with make_client(wire) as client:
        reply = await client.chat.complete(
            model=MODEL, provider="together", messages=MESSAGES, fallback=["groq"]
        )
    assert wire.urls() == [MAPPING_GET, f"POST {TOGETHER_CHAT}", f"POST {TOGETHER_CHAT}"]
    assert reply.response_meta is not None and reply.response_meta.providers_tried == ("together",)


@pytest.mark.anyio
async def test_an_unmapped_first_choice_is_skipped_with_failover(no_env: None) -> None:
    wire = Wire().hub(MODEL).add("POST", GROQ_CHAT, httpx2.Response(200, json=completion()))
    async with make_client(wire) as client:
        reply = await client.chat.complete(
            model=MODEL, provider="fireworks-ai", messages=MESSAGES, fallback=["groq"]
        )
    assert wire.urls() == [MAPPING_GET, f"POST {GROQ_CHAT}"]
    meta = reply.response_meta
    assert meta is not None and meta.provider == "groq"
    assert meta.providers_tried == ()  # one provider left to try: a plain call


@pytest.mark.anyio
async def test_a_staging_mapping_is_sent_with_its_provider_id(no_env: None) -> None:
    """As huggingface_hub does: warn and send; the provider decides."""
    wire = Wire().hub(MODEL).add("POST", NSCALE_CHAT, httpx2.Response(200, json=completion()))
    async with make_client(wire) as client:
        reply = await client.chat.complete(model=MODEL, provider="nscale", messages=MESSAGES)
    assert wire.urls() == [MAPPING_GET, f"POST {NSCALE_CHAT}"]
    assert wire.body(1)["model"] == "nscale-llama"
    assert reply.response_meta is not None and reply.response_meta.provider == "nscale"


@pytest.mark.anyio
async def test_an_hf_token_for_a_provider_removed_from_routing_is_refused_before_sending(
    no_env: None,
) -> None:
    """WIRE §j.2: the router no longer forwards to nebius, hyperbolic, sambanova."""
    wire = Wire()
    async with make_client(wire) as client:
        calls: list[Callable[[], Awaitable[Any]]] = [
            lambda: client.chat.complete(model=MODEL, provider="nebius", messages=MESSAGES),
            lambda: client.chat.complete(model=f"{MODEL}:sambanova", messages=MESSAGES),
            lambda: client.images.generate(MODEL, "a cat", provider="hyperbolic"),
            lambda: client.chat.complete(
                model=MODEL, provider="together", messages=MESSAGES, fallback=["nebius"]
            ),
            lambda: client.with_options(provider="together").chat.complete(
                model=MODEL, messages=MESSAGES, fallback=["nebius"]
            ),
            lambda: client.with_options(provider="together", fallback=["nebius"]).chat.complete(
                model=MODEL, messages=MESSAGES
            ),
            lambda: client.with_options(provider="nebius").chat.complete(
                model=MODEL, messages=MESSAGES
            ),
            lambda: client.with_options(fallback="hyperbolic").images.generate(
                MODEL, "a cat", provider="fal-ai"
            ),
        ]
        for call in calls:
            with pytest.raises(ConfigurationError, match="removed from Hugging Face routing"):
                await call()
    assert wire.requests == []


@pytest.mark.anyio
async def test_auto_and_failover_skip_a_provider_removed_from_routing(no_env: None) -> None:
    removed_first = {
        "nebius": {"status": "live", "providerId": "nebius-flux", "task": "text-to-image"},
        "fal-ai": {"status": "live", "providerId": "fal-ai/flux", "task": "text-to-image"},
    }
    chat_mapping = {
        "together": CHAT_MAPPING["together"],
        "nebius": {"status": "live", "providerId": "nebius-llama", "task": "conversational"},
        "groq": CHAT_MAPPING["groq"],
    }
    wire = Wire().mapping(HUB, "org/flux", removed_first).mapping(HUB, MODEL, chat_mapping)
    wire.add("POST", TOGETHER_CHAT, httpx2.Response(503, json={"error": "down"}))
    wire.add("POST", GROQ_CHAT, httpx2.Response(200, json=completion()))
    async with make_client(wire, max_retries=0, auto_wait_for_model=False) as client:
        image = await client._prepare(
            describe(client, "org/flux", "auto", "text-to-image", {"inputs": "a cat"})
        )
        reply = await client.chat.complete(
            model=MODEL, provider="together", messages=MESSAGES, fallback=True
        )
    assert image.context.provider == "fal-ai" and image.url == f"{ROUTER}/fal-ai/fal-ai/flux"
    assert reply.response_meta is not None
    assert reply.response_meta.providers_tried == ("together", "groq")  # nebius skipped
    assert not any("nebius" in url for url in wire.urls())


@pytest.mark.anyio
async def test_an_own_key_still_reaches_a_provider_removed_from_routing(no_env: None) -> None:
    direct = "https://api.studio.nebius.ai/v1/chat/completions"
    wire = Wire().hub(MODEL).add("POST", direct, httpx2.Response(200, json=completion()))
    async with make_client(wire, token="nebius-key") as client:
        reply = await client.chat.complete(model=MODEL, provider="nebius", messages=MESSAGES)
    assert wire.urls() == [MAPPING_GET, f"POST {direct}"]
    assert wire.requests[1].headers["authorization"] == "Bearer nebius-key"
    assert reply.response_meta is not None and reply.response_meta.provider == "nebius"


def sse(*events: Any) -> bytes:
    return (
        b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"
    )


def chunk(text: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": text} if text is not None else {}
    return {
        "id": "s",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


@pytest.mark.anyio
async def test_streams_fail_over_before_the_first_byte(clock: FakeClock, no_env: None) -> None:
    stream_answer = httpx2.Response(
        200,
        content=sse(chunk("he"), chunk("llo", "stop")),
        headers={"content-type": "text/event-stream"},
    )
    wire = (
        Wire()
        .hub(MODEL)
        .add("POST", TOGETHER_CHAT, httpx2.Response(503, json={"error": "down"}))
        .add("POST", GROQ_CHAT, stream_answer)
    )
    async with make_client(wire) as client:
        stream = await client.chat.stream(
            model=MODEL, provider="together", messages=MESSAGES, fallback=["groq"]
        )
        async with stream:
            text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "hello"
    assert stream.response_meta.providers_tried == ("together", "groq")
    assert wire.body(2)["stream"] is True and wire.body(2)["model"] == "llama-3.1-8b-instant"


# -------------------------------------------------------------------------- rate limits


@pytest.mark.anyio
async def test_provider_rate_limits_space_requests_with_a_sliding_window(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, httpx2.Response(200, json=completion()))
    wire.add("POST", GROQ_CHAT, httpx2.Response(200, json=completion()))
    async with make_client(wire, provider_rate_limits={"together": 2}) as client:
        for _ in range(4):
            await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
        await client.chat.complete(model=MODEL, provider="groq", messages=MESSAGES)  # not limited
    # 2/min in any minute: two at once; the 3rd waits until the first two leave the
    # minute, and the 4th goes with it (the sends at 0 s no longer count at 60 s)
    assert clock.sleeps == [60.0]


@pytest.mark.anyio
async def test_a_rate_limit_wait_longer_than_the_timeout_fails_fast(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, httpx2.Response(200, json=completion()))
    async with make_client(wire, provider_rate_limits={"together": 1}) as client:
        await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
        with pytest.raises(RequestTimeout, match="rate limit for together"):
            await client.chat.complete(
                model=MODEL, provider="together", messages=MESSAGES, timeout=10.0
            )
    assert clock.sleeps == []


# ------------------------------------------------------------------------ async jobs

FAL_SUBMIT = f"{ROUTER}/fal-ai/fal-ai/ltx/v1?_subdomain=queue"
FAL_STATUS = f"{ROUTER}/fal-ai/fal-ai/ltx/requests/r1/status?_subdomain=queue"
FAL_RESULT = f"{ROUTER}/fal-ai/fal-ai/ltx/requests/r1?_subdomain=queue"
FAL_QUEUED = {
    "request_id": "r1",
    "status": "IN_QUEUE",
    "response_url": "https://queue.fal.run/fal-ai/ltx/requests/r1",
    "status_url": "https://queue.fal.run/fal-ai/ltx/requests/r1/status",
}


async def run_video(
    client: AsyncHfInferenceClient, provider: str, timeout: float | None = None
) -> tuple[Any, Any]:
    call = describe(
        client,
        VIDEO_MODEL,
        provider,
        "text-to-video",
        {"inputs": "a cat"},
        False,
        None,
        None,
        timeout=timeout,
    )
    prepared = await client._prepare(call)
    return await execute(client, call, prepared)


def assert_downloads_carry_no_credentials(wire: Wire, cdn: str) -> None:
    downloads = [r for r in wire.requests if str(r.url).startswith(cdn)]
    assert downloads, "no download happened"
    for request in downloads:
        assert "authorization" not in request.headers
        assert "x-hf-bill-to" not in request.headers


@pytest.mark.anyio
async def test_fal_queue_is_polled_until_completed_then_the_video_is_downloaded(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().hub(VIDEO_MODEL)
    wire.add("POST", FAL_SUBMIT, httpx2.Response(200, json=FAL_QUEUED))
    wire.add(
        "GET",
        FAL_STATUS,
        httpx2.Response(200, json={"status": "IN_QUEUE"}),
        httpx2.Response(200, json={"status": "IN_PROGRESS"}),
        httpx2.Response(200, json={"status": "COMPLETED"}),
    )
    wire.add(
        "GET", FAL_RESULT, httpx2.Response(200, json={"video": {"url": "https://cdn.test/v.mp4"}})
    )
    wire.add(
        "GET",
        "https://cdn.test/v.mp4",
        httpx2.Response(200, content=MP4, headers={"content-type": "video/mp4"}),
    )
    async with make_client(wire, bill_to="org") as client:
        video, meta = await run_video(client, "fal-ai")
    assert video == MP4
    assert wire.urls() == [
        f"GET {HUB}/api/models/{VIDEO_MODEL}?expand[]=inferenceProviderMapping",
        f"POST {FAL_SUBMIT}",
        f"GET {FAL_STATUS}",
        f"GET {FAL_STATUS}",
        f"GET {FAL_STATUS}",
        f"GET {FAL_RESULT}",
        "GET https://cdn.test/v.mp4",
    ]
    assert clock.sleeps == [0.5, 0.5, 0.5]
    for poll in wire.requests[2:6]:
        assert poll.headers["authorization"] == f"Bearer {TOKEN}"
    assert_downloads_carry_no_credentials(wire, "https://cdn.test")
    assert meta.provider == "fal-ai" and meta.elapsed == pytest.approx(1.5)


@pytest.mark.anyio
async def test_fal_queue_times_out_after_the_calls_timeout(clock: FakeClock, no_env: None) -> None:
    wire = Wire().hub(VIDEO_MODEL).add("POST", FAL_SUBMIT, httpx2.Response(200, json=FAL_QUEUED))
    wire.add("GET", FAL_STATUS, httpx2.Response(200, json={"status": "IN_PROGRESS"}))
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout, match="still running after 10 s") as info:
            await run_video(client, "fal-ai", timeout=10.0)
    assert clock.sleeps == [0.5] * 19  # no wait that would leave no time for its poll
    assert wire.urls().count(f"GET {FAL_STATUS}") == 19
    assert info.value.provider == "fal-ai"


@pytest.mark.anyio
async def test_replicate_waits_then_polls_the_prediction(clock: FakeClock, no_env: None) -> None:
    get = "https://api.replicate.com/v1/predictions/p1"
    running = {"id": "p1", "status": "starting", "output": None, "urls": {"get": get}}
    wire = Wire().hub(VIDEO_MODEL)
    wire.add(
        "POST",
        f"{ROUTER}/replicate/v1/models/vid/rep/predictions",
        httpx2.Response(202, json=running, headers={"preference-applied": "wait=60"}),
    )
    wire.add(
        "GET",
        f"{ROUTER}/replicate/v1/predictions/p1",
        httpx2.Response(200, json={**running, "status": "processing"}),
        httpx2.Response(
            200,
            json={**running, "status": "succeeded", "output": "https://replicate.delivery/v.mp4"},
        ),
    )
    wire.add("GET", "https://replicate.delivery/v.mp4", httpx2.Response(200, content=MP4))
    async with make_client(wire) as client:
        video, _ = await run_video(client, "replicate")
    assert video == MP4
    assert wire.requests[1].headers["prefer"] == "wait"
    assert wire.body(1) == {"input": {"prompt": "a cat"}}
    assert clock.sleeps == [1.0, 1.0]
    assert_downloads_carry_no_credentials(wire, "https://replicate.delivery")


@pytest.mark.anyio
async def test_together_video_polls_every_two_seconds_at_most_150_times(
    clock: FakeClock, no_env: None
) -> None:
    poll = f"{ROUTER}/together/v2/videos/v1"
    wire = Wire().hub(VIDEO_MODEL)
    wire.add(
        "POST",
        f"{ROUTER}/together/v2/videos",
        httpx2.Response(200, json={"id": "v1", "status": "queued"}),
    )
    wire.add("GET", poll, httpx2.Response(200, json={"id": "v1", "status": "in_progress"}))
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout, match="after 150 polls"):
            await run_video(client, "together", timeout=10_000.0)
    assert wire.urls().count(f"GET {poll}") == 150
    assert set(clock.sleeps) == {2.0} and len(clock.sleeps) == 150


@pytest.mark.anyio
async def test_together_video_failure_raises_the_providers_message(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().hub(VIDEO_MODEL)
    wire.add(
        "POST",
        f"{ROUTER}/together/v2/videos",
        httpx2.Response(200, json={"id": "v1", "status": "queued"}),
    )
    wire.add(
        "GET",
        f"{ROUTER}/together/v2/videos/v1",
        httpx2.Response(
            200, json={"id": "v1", "status": "failed", "error": {"message": "content policy"}}
        ),
    )
    async with make_client(wire) as client:
        with pytest.raises(ServerError, match="content policy"):
            await run_video(client, "together")


@pytest.mark.anyio
async def test_wavespeed_polls_the_result_path_on_the_router(
    clock: FakeClock, no_env: None
) -> None:
    result = f"{ROUTER}/wavespeed/api/v3/predictions/w1/result"
    wire = Wire().hub(VIDEO_MODEL)
    wire.add(
        "POST",
        f"{ROUTER}/wavespeed/api/v3/ws/vid",
        httpx2.Response(
            200,
            json={
                "code": 200,
                "data": {
                    "id": "w1",
                    "status": "created",
                    "urls": {"get": "https://api.wavespeed.ai/api/v3/predictions/w1/result"},
                },
            },
        ),
    )
    wire.add(
        "GET",
        result,
        httpx2.Response(200, json={"data": {"status": "processing"}}),
        httpx2.Response(
            200, json={"data": {"status": "completed", "outputs": ["https://cdn.test/w.mp4"]}}
        ),
    )
    wire.add("GET", "https://cdn.test/w.mp4", httpx2.Response(200, content=MP4))
    async with make_client(wire) as client:
        video, _ = await run_video(client, "wavespeed")
    assert video == MP4 and clock.sleeps == [0.5, 0.5]
    assert_downloads_carry_no_credentials(wire, "https://cdn.test")


@pytest.mark.anyio
async def test_novita_video_is_downloaded_without_credentials(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().hub(VIDEO_MODEL)
    wire.add(
        "POST",
        f"{ROUTER}/novita/v3/hf/nv/vid",
        httpx2.Response(200, json={"video": {"video_url": "https://cdn.test/n.mp4"}}),
    )
    wire.add("GET", "https://cdn.test/n.mp4", httpx2.Response(200, content=MP4))
    async with make_client(wire) as client:
        video, _ = await run_video(client, "novita")
    assert video == MP4 and clock.sleeps == []
    assert_downloads_carry_no_credentials(wire, "https://cdn.test")


@pytest.mark.anyio
async def test_zai_image_job_keeps_its_headers_on_every_poll(
    clock: FakeClock, no_env: None
) -> None:
    poll = f"{ROUTER}/zai-org/api/paas/v4/async-result/z1"
    wire = Wire().hub("org/zai-image")
    wire.add(
        "POST",
        f"{ROUTER}/zai-org/api/paas/v4/async/images/generations",
        httpx2.Response(200, json={"id": "z1", "task_status": "PROCESSING"}),
    )
    wire.add(
        "GET",
        poll,
        httpx2.Response(200, json={"id": "z1", "task_status": "PROCESSING"}),
        httpx2.Response(
            200,
            json={
                "id": "z1",
                "task_status": "SUCCESS",
                "image_result": [{"url": "https://cdn.test/z.png"}],
            },
        ),
    )
    wire.add("GET", "https://cdn.test/z.png", httpx2.Response(200, content=PNG))
    async with make_client(wire) as client:
        call = describe(
            client,
            "org/zai-image",
            "zai-org",
            "text-to-image",
            {"inputs": "a cat", "parameters": {"width": 64, "height": 64}},
            False,
            None,
            None,
        )
        prepared = await client._prepare(call)
        image, _ = await execute(client, call, prepared)
    assert image == PNG and clock.sleeps == [5.0, 5.0]
    assert wire.body(1) == {"model": "cogview-4", "prompt": "a cat", "size": "64x64"}
    for request in wire.requests[1:4]:
        assert request.headers["x-source-channel"] == "hugging_face"
        assert request.headers["accept-language"] == "en-US,en"
    assert_downloads_carry_no_credentials(wire, "https://cdn.test")


@pytest.mark.anyio
async def test_a_job_submit_fails_over_to_the_next_provider(clock: FakeClock, no_env: None) -> None:
    together_images = f"{ROUTER}/together/v1/images/generations"
    wire = Wire().hub(FLUX)
    wire.add(
        "POST", f"{ROUTER}/fal-ai/fal-ai/flux/dev", httpx2.Response(429, json={"detail": "busy"})
    )
    wire.add(
        "POST",
        together_images,
        httpx2.Response(200, json={"data": [{"b64_json": base64.b64encode(PNG).decode()}]}),
    )
    async with make_client(wire) as client:
        call = describe(
            client,
            FLUX,
            "fal-ai",
            "text-to-image",
            {"inputs": "a cat"},
            False,
            None,
            None,
            fallback=["together"],
        )
        prepared = await client._prepare(call)
        image, meta = await execute(client, call, prepared)
    assert image == PNG
    assert meta.providers_tried == ("fal-ai", "together")
    assert wire.body(2) == {"prompt": "a cat", "response_format": "base64", "model": "bfl/flux-dev"}


# unasync: remove-begin
@pytest.mark.anyio
async def test_polling_is_cancellable(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, no_env: None
) -> None:
    """A cancel scope (``move_on_after``) stops a job mid-wait; nothing more is sent."""
    import anyio

    async def wait_forever(seconds: float) -> None:
        clock.sleeps.append(seconds)
        await anyio.sleep_forever()

    monkeypatch.setattr("hf_inference_endpoints._async._execute.async_sleep", wait_forever)
    wire = Wire().hub(VIDEO_MODEL).add("POST", FAL_SUBMIT, httpx2.Response(200, json=FAL_QUEUED))
    async with make_client(wire) as client:
        with anyio.move_on_after(0.05) as scope:
            await run_video(client, "fal-ai")
        assert scope.cancelled_caught
        assert wire.urls()[-1] == f"POST {FAL_SUBMIT}"  # cancelled in the first poll wait
        assert clock.sleeps == [0.5]
        assert not client.is_closed  # the client stays usable


@pytest.mark.anyio
async def test_polling_stops_when_its_scope_is_cancelled_between_polls(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, no_env: None
) -> None:
    """Each poll wait is a cancellation point: cancelling the scope ends the job there."""
    import anyio

    async def checkpointed_sleep(seconds: float) -> None:
        await clock.sleep(seconds)
        await anyio.lowlevel.checkpoint()

    monkeypatch.setattr("hf_inference_endpoints._async._execute.async_sleep", checkpointed_sleep)
    wire = Wire().hub(VIDEO_MODEL).add("POST", FAL_SUBMIT, httpx2.Response(200, json=FAL_QUEUED))
    wire.add("GET", FAL_STATUS, httpx2.Response(200, json={"status": "IN_PROGRESS"}))
    async with make_client(wire) as client:
        with anyio.CancelScope() as scope:

            def cancel_on_third_poll(request: httpx2.Request) -> None:
                if wire.urls().count(f"GET {FAL_STATUS}") == 3:
                    scope.cancel()

            wire.on_request = cancel_on_third_poll
            await run_video(client, "fal-ai")
    assert scope.cancel_called
    assert wire.urls().count(f"GET {FAL_STATUS}") == 3


@pytest.mark.anyio
async def test_a_cancelled_rate_limit_wait_gives_its_slot_back(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, no_env: None
) -> None:
    import anyio

    async def wait_forever(seconds: float) -> None:
        clock.sleeps.append(seconds)
        await anyio.sleep_forever()

    wire = Wire().hub(MODEL).add("POST", TOGETHER_CHAT, httpx2.Response(200, json=completion()))
    async with make_client(wire, provider_rate_limits={"together": 1}) as client:
        await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
        monkeypatch.setattr("hf_inference_endpoints._async._transport.async_sleep", wait_forever)
        with anyio.move_on_after(0.02):
            await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
        monkeypatch.setattr("hf_inference_endpoints._async._transport.async_sleep", clock.sleep)
        await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
    assert clock.sleeps == [60.0, 60.0]  # not 120: the cancelled call's slot came back
    assert wire.urls().count(f"POST {TOGETHER_CHAT}") == 2


# unasync: remove-end


@pytest.mark.anyio
async def test_a_fal_image_answered_as_a_data_url_is_decoded_locally(
    clock: FakeClock, no_env: None
) -> None:
    inline = "data:image/png;base64," + base64.b64encode(PNG).decode()
    wire = Wire().hub(FLUX)
    wire.add(
        "POST",
        f"{ROUTER}/fal-ai/fal-ai/flux/dev",
        httpx2.Response(200, json={"images": [{"url": inline, "content_type": "image/png"}]}),
    )
    async with make_client(wire) as client:
        image = await client.images.generate(model=FLUX, provider="fal-ai", prompt="a cat")
    assert image.content == PNG and image.content_type == "image/png"
    assert wire.urls()[-1] == f"POST {ROUTER}/fal-ai/fal-ai/flux/dev"  # nothing fetched after


@pytest.mark.anyio
async def test_a_malformed_data_url_answer_is_a_server_error(
    clock: FakeClock, no_env: None
) -> None:
    from hf_inference_endpoints import ServerError

    wire = Wire().hub(FLUX)
    wire.add(
        "POST",
        f"{ROUTER}/fal-ai/fal-ai/flux/dev",
        httpx2.Response(200, json={"images": [{"url": "data:image/png;base64,@@@"}]}),
    )
    async with make_client(wire) as client:
        with pytest.raises(ServerError, match="data: URL") as caught:
            await client.images.generate(model=FLUX, provider="fal-ai", prompt="a cat")
    assert caught.value.provider == "fal-ai"
    assert len(wire.requests) == 2  # the mapping and the POST


AUDIO_URL = "https://files.test/talk.mp3"
FAL_WHISPER = f"{ROUTER}/fal-ai/fal-ai/whisper"


@pytest.mark.anyio
async def test_a_url_input_goes_to_a_provider_that_fetches_it_as_the_url(
    clock: FakeClock, no_env: None
) -> None:
    wire = Wire().hub(ASR_MODEL).add("POST", FAL_WHISPER, httpx2.Response(200, json={"text": "hi"}))
    async with make_client(wire) as client:
        out = await client.audio.transcribe(model=ASR_MODEL, provider="fal-ai", audio=AUDIO_URL)
    assert out.text == "hi"
    assert wire.urls()[1:] == [f"POST {FAL_WHISPER}"]  # nothing downloaded by the client
    assert wire.body(1) == {"audio_url": AUDIO_URL}


MP3 = b"ID3" + bytes(13)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("provider", "config"),
    [("fal-ai", {"fallback": ("hf-inference",)}), ("hf-inference", {})],
    ids=["with-failover", "hf-inference"],
)
async def test_a_url_input_is_downloaded_where_the_route_needs_bytes(
    provider: str, config: dict[str, Any], clock: FakeClock, no_env: None
) -> None:
    wire = (
        Wire()
        .hub(ASR_MODEL)
        .add("GET", AUDIO_URL, httpx2.Response(200, content=MP3))
        .add("POST", FAL_WHISPER, httpx2.Response(200, json={"text": "hi"}))
        .add(
            "POST",
            f"{ROUTER}/hf-inference/models/{ASR_MODEL}",
            httpx2.Response(200, json={"text": "hi"}),
        )
    )
    async with make_client(wire, **config) as client:
        out = await client.audio.transcribe(model=ASR_MODEL, provider=provider, audio=AUDIO_URL)
    assert out.text == "hi"
    assert f"GET {AUDIO_URL}" in wire.urls()
    download = next(r for r in wire.requests if str(r.url) == AUDIO_URL)
    assert "authorization" not in download.headers
    posted = wire.requests[-1]
    if provider == "fal-ai":
        assert json.loads(posted.content)["audio_url"].startswith("data:audio/mpeg;base64,")
    else:
        assert posted.content == MP3


@pytest.mark.anyio
async def test_together_image_to_image_takes_a_url_input_as_the_url(
    clock: FakeClock, no_env: None
) -> None:
    image_url = "https://files.test/cat.png"
    route = f"{ROUTER}/together/v1/images/generations"
    answer = {"data": [{"b64_json": base64.b64encode(PNG).decode()}]}
    wire = Wire().hub(EDIT_MODEL).add("POST", route, httpx2.Response(200, json=answer))
    async with make_client(wire) as client:
        out = await client.images.transform(
            model=EDIT_MODEL, image=image_url, prompt="make it blue", provider="together"
        )
    assert out.content == PNG
    assert wire.urls()[1:] == [f"POST {route}"]
    sent = wire.body(1)
    assert sent["image_url"] == image_url  # FLUX.1 Kontext: image_url, the URL itself
    assert sent["prompt"] == "make it blue"
    assert sent["model"] == "black-forest-labs/FLUX.1-kontext-dev"
