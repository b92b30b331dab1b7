"""Per-call ``bill_to=`` and ``fallback=`` on every inference method, both twins.

``bill_to`` is sent as ``X-HF-Bill-To`` (winning over ``config.bill_to``) with an HF
token only; ``fallback`` moves a task call to the next provider (the submit, for
provider jobs). The network is an ``httpx2.MockTransport`` answering per URL and
recording every request, so each test asserts the exact requests sent.
"""

from __future__ import annotations

import base64
import inspect
import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    InvalidArgument,
    RateLimited,
    ValidationError,
)
from hf_inference_endpoints._call import Call

from ..media import mp4, png, wav
from ..wire import Wire as BaseWire

HUB = "https://hub.test"
ROUTER = "https://router.test"
API = "https://api.endpoints.test"
TOKEN = "hf_bill_to_test_token"
HF = f"{ROUTER}/hf-inference/models"
FLUX = "black-forest-labs/FLUX.1-dev"
EMBEDDER = "org/embedder"
BASE_LLM = "org/base-llm"
PNG = png(2, 2)
ENDPOINT_URL = "https://my-ep.endpoints.test"

MAPPINGS: dict[str, dict[str, Any]] = {
    FLUX: {
        "fal-ai": {"status": "live", "providerId": "fal-ai/flux/dev", "task": "text-to-image"},
        "together": {"status": "live", "providerId": "bfl/flux-dev", "task": "text-to-image"},
    },
    BASE_LLM: {
        "hf-inference": {"status": "live", "providerId": BASE_LLM, "task": "text-generation"},
        "together": {"status": "live", "providerId": "tg/base-llm", "task": "text-generation"},
    },
    EMBEDDER: {
        "hf-inference": {"status": "live", "providerId": EMBEDDER, "task": "feature-extraction"},
        "scaleway": {"status": "live", "providerId": "sw-embed", "task": "feature-extraction"},
    },
}
TOGETHER_IMAGES = f"{ROUTER}/together/v1/images/generations"
TOGETHER_ANSWER = {"data": [{"b64_json": base64.b64encode(PNG).decode()}]}


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
        endpoints_api_url=API,
        **{"default_provider": "hf-inference", **config},
    )


def labels(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json=[{"label": "POSITIVE", "score": 0.9}])


# ----------------------------------------------------------------------------- bill_to


@pytest.mark.anyio
async def test_a_task_call_on_hf_inference_bills_the_organisation_given_for_it(
    no_env: None,
) -> None:
    wire = Wire().add("POST", f"{HF}/org/sst2", labels)
    async with make_client(wire) as client:
        out = await client.text.classify("org/sst2", "I like you", bill_to="acme")
        await client.text.classify("org/sst2", "I like you")
    async with make_client(wire, bill_to="config-org") as client:
        await client.text.classify("org/sst2", "I like you", bill_to="acme")
        await client.text.classify("org/sst2", "I like you")
    assert [(x.label, x.score) for x in out] == [("POSITIVE", 0.9)]
    assert wire.urls() == [f"POST {HF}/org/sst2"] * 4
    assert wire.bill_to() == ["acme", None, "acme", "config-org"]
    assert json.loads(wire.requests[0].content) == {"inputs": "I like you"}
    assert wire.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.anyio
async def test_a_provider_route_through_the_router_bills_the_organisation(no_env: None) -> None:
    wire = Wire().hub(FLUX).add("POST", TOGETHER_IMAGES, httpx2.Response(200, json=TOGETHER_ANSWER))
    async with make_client(wire) as client:
        image = await client.images.generate(FLUX, "a red fox", provider="together", bill_to="acme")
    assert image.content == PNG
    assert wire.urls() == [
        f"GET {HUB}/api/models/{FLUX}?expand[]=inferenceProviderMapping",
        f"POST {TOGETHER_IMAGES}",
    ]
    assert wire.bill_to() == [None, "acme"]  # the Hub lookup is not billed
    assert wire.requests[1].headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(wire.requests[1].content)["model"] == "bfl/flux-dev"


@pytest.mark.anyio
async def test_a_provider_key_as_token_never_sends_bill_to(no_env: None) -> None:
    direct = "https://api.together.xyz/v1/images/generations"
    wire = Wire().hub(FLUX).add("POST", direct, httpx2.Response(200, json=TOGETHER_ANSWER))
    async with make_client(wire, token="tg-own-key", bill_to="config-org") as client:
        image = await client.images.generate(FLUX, "a red fox", provider="together", bill_to="acme")
    assert image.content == PNG
    assert wire.urls()[1] == f"POST {direct}"
    assert wire.requests[1].headers["authorization"] == "Bearer tg-own-key"
    assert wire.bill_to() == [None, None]


@pytest.mark.anyio
async def test_infer_bills_per_call(no_env: None) -> None:
    wire = Wire().add("POST", f"{HF}/org/sst2", labels)
    async with make_client(wire) as client:
        answer = await client.infer("text-classification", "org/sst2", "hi", bill_to="acme")
    assert answer == [{"label": "POSITIVE", "score": 0.9}]
    assert wire.bill_to() == ["acme"]


@pytest.mark.anyio
async def test_text_generation_bills_per_call_plain_and_streamed(no_env: None) -> None:
    events = (
        b'data: {"index":1,"token":{"id":1,"text":"hi","logprob":0.0,"special":false},'
        b'"generated_text":"hi","details":null}\n\n'
    )
    wire = (
        Wire()
        .add("POST", f"{HF}/gpt2", httpx2.Response(200, json=[{"generated_text": "Once more"}]))
        .add(
            "POST",
            f"{HF}/org/llm",
            httpx2.Response(200, content=events, headers={"content-type": "text/event-stream"}),
        )
    )
    async with make_client(wire, bill_to="config-org") as client:
        out = await client.text_generation.generate(model="gpt2", prompt="Once", bill_to="acme")
        async with await client.text_generation.stream(
            model="org/llm", prompt="Say", bill_to="acme-stream"
        ) as stream:
            texts = [event.token.text async for event in stream if event.token is not None]
    assert out.generated_text == "Once more"
    assert texts == ["hi"]
    assert wire.urls() == [f"POST {HF}/gpt2", f"POST {HF}/org/llm"]
    assert wire.bill_to() == ["acme", "acme-stream"]
    assert json.loads(wire.requests[1].content)["stream"] is True


@pytest.mark.anyio
async def test_embeddings_bill_every_batch_and_similarity(no_env: None) -> None:
    def vectors(request: httpx2.Request) -> httpx2.Response:
        inputs = json.loads(request.content)["inputs"]
        return httpx2.Response(200, json=[[float(len(text)), 0.5] for text in inputs])

    similarity = f"{HF}/org/minilm/pipeline/sentence-similarity"
    wire = (
        Wire()
        .add("POST", f"{HF}/{EMBEDDER}/pipeline/feature-extraction", vectors)
        .add("POST", similarity, httpx2.Response(200, json=[0.9, 0.1]))
    )
    async with make_client(wire) as client:
        result = await client.embeddings.create(
            EMBEDDER, ["a", "bb", "ccc"], batch_size=2, bill_to="acme"
        )
        again = await client.embeddings.create(EMBEDDER, ["a", "bb"], bill_to="other-org")
        scores = await client.embeddings.similarity(
            "org/minilm", "a cat", ["a kitten", "a stock"], bill_to="acme"
        )
    assert result.to_list() == [[1.0, 0.5], [2.0, 0.5], [3.0, 0.5]]
    assert (again.cached, again.requests) == (2, 0)  # bill_to is not part of the cache key
    assert list(scores) == [0.9, 0.1]
    assert wire.urls() == [f"POST {HF}/{EMBEDDER}/pipeline/feature-extraction"] * 2 + [
        f"POST {similarity}"
    ]
    assert wire.bill_to() == ["acme", "acme", "acme"]


@pytest.mark.anyio
async def test_bill_to_reaches_a_dedicated_endpoint_like_the_configs(no_env: None) -> None:
    info = {
        "name": "my-ep",
        "compute": {"scaling": {"minReplica": 1, "maxReplica": 1}},
        "model": {"repository": "org/sst2", "task": "text-classification"},
        "status": {"state": "running", "url": ENDPOINT_URL, "readyReplica": 1, "targetReplica": 1},
    }
    wire = (
        Wire()
        .add("GET", f"{API}/v2/endpoint/acme/my-ep", httpx2.Response(200, json=info))
        .add("POST", ENDPOINT_URL, labels)
    )
    async with make_client(wire) as client:
        await client.text.classify(text="hi", endpoint="acme/my-ep", bill_to="acme")
    assert wire.urls() == [f"GET {API}/v2/endpoint/acme/my-ep", f"POST {ENDPOINT_URL}"]
    assert wire.bill_to() == [None, "acme"]


# ---------------------------------------------------------------------------- fallback


@pytest.mark.anyio
async def test_a_task_call_fails_over_to_the_next_provider(no_env: None) -> None:
    fal = f"{ROUTER}/fal-ai/fal-ai/flux/dev"
    wire = Wire().hub(FLUX).add("POST", fal, httpx2.Response(429, json={"detail": "busy"}))
    wire.add("POST", TOGETHER_IMAGES, httpx2.Response(200, json=TOGETHER_ANSWER))
    async with make_client(wire) as client:
        image = await client.images.generate(
            FLUX, "a red fox", provider="fal-ai", fallback=["together"], bill_to="acme"
        )
    assert image.content == PNG
    assert wire.urls()[1:] == [f"POST {fal}", f"POST {TOGETHER_IMAGES}"]  # no retry on fal
    assert wire.bill_to()[1:] == ["acme", "acme"]
    assert image.response_meta is not None
    assert image.response_meta.provider == "together"
    assert image.response_meta.providers_tried == ("fal-ai", "together")


@pytest.mark.anyio
async def test_without_fallback_a_task_call_stays_on_its_provider(no_env: None) -> None:
    fal = f"{ROUTER}/fal-ai/fal-ai/flux/dev"
    wire = Wire().hub(FLUX).add("POST", fal, httpx2.Response(429, json={"detail": "busy"}))
    async with make_client(wire, max_retries=0) as client:
        with pytest.raises(RateLimited):
            await client.images.generate(FLUX, "a red fox", provider="fal-ai")
    assert wire.urls()[1:] == [f"POST {fal}"]


@pytest.mark.anyio
async def test_text_generation_fails_over_to_a_completions_provider(no_env: None) -> None:
    hf = f"{HF}/{BASE_LLM}"
    together = f"{ROUTER}/together/v1/completions"
    completion = {
        "id": "c1",
        "object": "text_completion",
        "model": "tg/base-llm",
        "choices": [{"index": 0, "text": " upon a time", "finish_reason": "length"}],
    }
    wire = Wire().hub(BASE_LLM).add("POST", hf, httpx2.Response(503, json={"error": "down"}))
    wire.add("POST", together, httpx2.Response(200, json=completion))
    async with make_client(wire, auto_wait_for_model=False) as client:
        out = await client.text_generation.generate(
            model=BASE_LLM, prompt="Once", max_new_tokens=4, fallback=True, bill_to="acme"
        )
    assert out.generated_text == " upon a time"
    assert wire.urls()[1:] == [f"POST {hf}", f"POST {together}"]
    assert json.loads(wire.requests[2].content) == {
        "prompt": "Once",
        "max_tokens": 4,
        "model": "tg/base-llm",
    }
    assert wire.bill_to()[1:] == ["acme", "acme"]
    assert out.response_meta is not None
    assert out.response_meta.providers_tried == ("hf-inference", "together")


@pytest.mark.anyio
async def test_embeddings_fail_over_per_batch(no_env: None) -> None:
    hf = f"{HF}/{EMBEDDER}/pipeline/feature-extraction"
    scaleway = f"{ROUTER}/scaleway/v1/embeddings"
    openai_answer = {"object": "list", "data": [{"index": 0, "embedding": [0.25, 0.75]}]}
    wire = Wire().hub(EMBEDDER).add("POST", hf, httpx2.Response(503, json={"error": "down"}))
    wire.add("POST", scaleway, httpx2.Response(200, json=openai_answer))
    async with make_client(wire, auto_wait_for_model=False) as client:
        result = await client.embeddings.create(EMBEDDER, ["a"], fallback=["scaleway"])
    assert result.to_list() == [[0.25, 0.75]]
    assert wire.urls()[1:] == [f"POST {hf}", f"POST {scaleway}"]
    assert json.loads(wire.requests[2].content) == {"input": ["a"], "model": "sw-embed"}
    meta = result.response_metas[0]
    assert meta.providers_tried == ("hf-inference", "scaleway")


@pytest.mark.anyio
async def test_fallback_with_a_url_or_an_endpoint_is_refused_before_anything_is_sent(
    no_env: None,
) -> None:
    wire = Wire()
    async with make_client(wire) as client:
        with pytest.raises(
            ValidationError, match=r"fallback=True cannot be used with the URL 'https://tgi\.test'"
        ):
            await client.text.classify("https://tgi.test", "hi", fallback=True)
        with pytest.raises(
            ValidationError, match=r"fallback=\['together'\] cannot be used with endpoint="
        ):
            await client.text.classify(text="hi", endpoint="acme/my-ep", fallback=["together"])
        with pytest.raises(ValidationError, match="cannot be used with endpoint='my-ep'"):
            await client.chat.complete(
                endpoint="my-ep", messages=[{"role": "user", "content": "hi"}], fallback=True
            )
        with pytest.raises(ValidationError, match="cannot be used with the URL"):
            await client.embeddings.create("https://tei.test", ["a"], fallback=True)
    assert wire.requests == []


@pytest.mark.anyio
async def test_the_configs_fallback_does_not_refuse_urls(no_env: None) -> None:
    wire = Wire().add("POST", "https://tgi.test", labels)
    async with make_client(wire, fallback=True) as client:
        await client.text.classify("https://tgi.test", "hi", fallback=False)
        await client.text.classify("https://tgi.test", "hi")
    assert wire.urls() == ["POST https://tgi.test"] * 2


# ------------------------------------------------------------- every method forwards them


SERVICES = (
    "text",
    "images",
    "audio",
    "video",
    "documents",
    "embeddings",
    "chat",
    "text_generation",
)

#: The task arguments of every public method (a new method must be added here).
CALLS: dict[str, dict[str, Any]] = {
    "text.classify": {"text": "t"},
    "text.classify_tokens": {"text": "t"},
    "text.zero_shot_classify": {"text": "t", "candidate_labels": ["a", "b"]},
    "text.fill_mask": {"text": "a [MASK]"},
    "text.answer": {"question": "q", "context": "c"},
    "text.answer_table": {"query": "q", "table": {"a": ["1"]}},
    "text.classify_table": {"table": {"a": ["1"]}},
    "text.regress_table": {"table": {"a": ["1"]}},
    "text.rank": {"query": "q", "texts": ["a"]},
    "text.summarize": {"text": "t"},
    "text.translate": {"text": "t"},
    "images.generate": {"prompt": "p"},
    "images.transform": {"image": PNG, "prompt": "p"},
    "images.edit": {"image": PNG, "prompt": "p"},
    "images.classify": {"image": PNG},
    "images.segment": {"image": PNG},
    "images.detect": {"image": PNG},
    "images.zero_shot_classify": {"image": PNG, "candidate_labels": ["a", "b"]},
    "images.zero_shot_detect": {"image": PNG, "candidate_labels": ["a", "b"]},
    "images.caption": {"image": PNG},
    "images.estimate_depth": {"image": PNG},
    "images.answer": {"image": PNG, "question": "q"},
    "audio.transcribe": {"audio": wav()},
    "audio.synthesize": {"text": "t"},
    "audio.classify": {"audio": wav()},
    "audio.transform": {"audio": wav()},
    "video.generate": {"prompt": "p"},
    "video.from_image": {"image": PNG, "prompt": "p"},
    "video.classify": {"video": mp4(b"frames")},
    "documents.answer": {"image": PNG, "question": "q"},
    "embeddings.create": {"inputs": ["t"]},
    "embeddings.similarity": {"source_sentence": "s", "sentences": ["t"]},
    "chat.complete": {"messages": [{"role": "user", "content": "hi"}]},
    "chat.stream": {"messages": [{"role": "user", "content": "hi"}]},
    "text_generation.generate": {"prompt": "p"},
    "text_generation.stream": {"prompt": "p"},
}


def public_methods(client: AsyncHfInferenceClient) -> dict[str, Callable[..., Any]]:
    """``service.method`` -> bound method, for every public method of a service."""
    found: dict[str, Callable[..., Any]] = {}
    for name in SERVICES:
        service = getattr(client, name)
        for attr, member in inspect.getmembers(service, inspect.ismethod):
            if not attr.startswith("_"):
                found[f"{name}.{attr}"] = member
    return found


@pytest.mark.anyio
async def test_every_public_task_method_takes_bill_to_and_fallback(no_env: None) -> None:
    async with AsyncHfInferenceClient(default_provider="hf-inference", token=TOKEN) as client:
        methods = public_methods(client)
        assert set(methods) == set(CALLS)  # CALLS names every public method
        methods["client.infer"] = client.infer
    for name, method in methods.items():
        service = name.split(".")[0]
        params = inspect.signature(method).parameters
        bill_to = params.get("bill_to")
        assert bill_to is not None, f"{name} has no bill_to"
        assert bill_to.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert (bill_to.default, bill_to.annotation) == (None, "str | None"), name
        fallback = params.get("fallback")
        assert fallback is not None, f"{name} has no fallback"
        assert fallback.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert fallback.default is None, name
        assert fallback.annotation == "bool | Sequence[str] | None", name
        if service not in ("chat", "text_generation"):  # those take model options as **params
            kinds = {p.kind for p in params.values()}
            assert inspect.Parameter.VAR_KEYWORD not in kinds, name


class _Stop(Exception):
    """Raised by the fake ``_route`` once it has seen the call's arguments."""


@pytest.mark.anyio
async def test_every_public_task_method_forwards_bill_to_and_fallback(no_env: None) -> None:
    seen: dict[str, Any] = {}

    async def fake_prepare(call: Call) -> Any:
        seen.update(bill_to=call.options.bill_to, fallback=call.options.fallback)
        raise _Stop

    client = AsyncHfInferenceClient(default_provider="hf-inference", token=TOKEN)
    client._route = fake_prepare  # type: ignore[method-assign]  # the seam _prepare uses too
    methods = public_methods(client)
    methods["client.infer"] = client.infer
    calls = {**CALLS, "client.infer": {"task": "text-classification", "inputs": "t"}}
    for name, method in methods.items():
        seen.clear()
        options = {"bill_to": f"org-of-{name}", "fallback": ["together", name]}
        with pytest.raises(_Stop):
            await method(model="org/model", **calls[name], **options)
        assert seen.get("bill_to") == f"org-of-{name}", name
        assert seen.get("fallback") == options["fallback"], name
    await client.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("bad", [5, [1], "", ["together", ""], {"together": 1}])
async def test_a_fallback_that_is_not_provider_names_is_refused_before_anything_is_sent(
    no_env: None, bad: object
) -> None:
    wire = Wire()
    async with make_client(wire) as client:
        with pytest.raises(InvalidArgument, match="fallback must be True/False, a provider name"):
            await client.chat.complete(
                model="org/m", messages=[{"role": "user", "content": "hi"}], fallback=bad
            )
        with pytest.raises(InvalidArgument, match="fallback must be True/False"):
            await client.text.classify("org/m", "hi", fallback=bad)
        with pytest.raises(InvalidArgument, match="fallback must be True/False"):
            await client.text.classify(text="hi", endpoint="acme/my-ep", fallback=bad)
    assert wire.requests == []
