"""Every service hands the call options it was given to its :class:`Call` unchanged
(``CallOptions.for_call``), and ``timeout=`` becomes the call's deadline, not an option.

The client's one routing seam (``client._route``) is replaced by a recorder that stops
the call, so each method's ``Call`` is seen exactly as it left the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient
from hf_inference_endpoints._call import Call
from hf_inference_endpoints._options import NO_OPTIONS, CallOptions

from ..media import png, wav

MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
VIA_PROVIDER: dict[str, Any] = {
    "provider": "together",
    "fallback": ["groq"],
    "bill_to": "acme",
    "extra_headers": {"X-Trace": "1"},
    "extra_body": {"seed": 7},
}
VIA_ENDPOINT: dict[str, Any] = {
    "endpoint": "acme/my-ep",
    "bill_to": "acme",
    "extra_headers": {"X-Trace": "2"},
    "extra_body": {"seed": 8},
}

Method = Callable[..., Any]
METHODS: dict[str, Method] = {
    "chat.complete": lambda c, **o: c.chat.complete(model=MODEL, messages=MESSAGES, **o),
    "chat.stream": lambda c, **o: c.chat.stream(model=MODEL, messages=MESSAGES, **o),
    "text_generation.generate": lambda c, **o: c.text_generation.generate(
        model=MODEL, prompt="hi", **o
    ),
    "text_generation.stream": lambda c, **o: c.text_generation.stream(
        model=MODEL, prompt="hi", **o
    ),
    "embeddings.create": lambda c, **o: c.embeddings.create(MODEL, ["a"], **o),
    "embeddings.similarity": lambda c, **o: c.embeddings.similarity(MODEL, "a", ["b"], **o),
    "text.classify": lambda c, **o: c.text.classify(MODEL, "hi", **o),
    "images.classify": lambda c, **o: c.images.classify(MODEL, png(), **o),
    "audio.classify": lambda c, **o: c.audio.classify(MODEL, wav(), **o),
    "audio.transcribe": lambda c, **o: c.audio.transcribe(MODEL, wav(), **o),
    "documents.answer": lambda c, **o: c.documents.answer(MODEL, png(), "what?", **o),
    "infer": lambda c, **o: c.infer("text-classification", MODEL, "hi", **o),
}


class Stopped(Exception):
    """Raised by the recorder: the call went no further than routing."""


def recording_client(seen: list[Call]) -> AsyncHfInferenceClient:
    def nothing_is_sent(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"unexpected {request.method} {request.url}")

    client = AsyncHfInferenceClient(
        token="hf_forwarding_token",
        default_provider="hf-inference",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(nothing_is_sent)),
    )

    async def route(call: Call) -> Any:
        seen.append(call)
        raise Stopped

    client._route = route  # type: ignore[method-assign]
    return client


def expected(options: dict[str, Any]) -> CallOptions:
    return CallOptions(**options)


@pytest.mark.anyio
@pytest.mark.parametrize("options", [VIA_PROVIDER, VIA_ENDPOINT], ids=["provider", "endpoint"])
@pytest.mark.parametrize("name", sorted(METHODS))
async def test_every_service_puts_its_options_into_the_call(
    name: str, options: dict[str, Any]
) -> None:
    seen: list[Call] = []
    async with recording_client(seen) as client:
        with pytest.raises(Stopped):
            await METHODS[name](client, timeout=30.0, **options)
    assert seen, f"{name} never routed a call"
    call = seen[0]
    assert call.options == expected(options), name
    assert call.options.timeout is None and call.deadline.timeout == 30.0


@pytest.mark.anyio
async def test_rank_on_an_endpoint_puts_its_options_into_the_call() -> None:
    seen: list[Call] = []
    async with recording_client(seen) as client:
        with pytest.raises(Stopped):
            await client.text.rank("q", ["a"], timeout=30.0, **VIA_ENDPOINT)
    assert seen[0].options == expected(VIA_ENDPOINT)
    assert seen[0].deadline.timeout == 30.0


@pytest.mark.anyio
async def test_a_call_without_options_shares_the_empty_options() -> None:
    seen: list[Call] = []
    async with recording_client(seen) as client:
        with pytest.raises(Stopped):
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert seen[0].options is NO_OPTIONS


def test_for_call_sets_each_option_in_its_own_field() -> None:
    given = {
        "provider": "p",
        "endpoint": "e",
        "fallback": ["f"],
        "bill_to": "b",
        "extra_headers": {"h": "1"},
        "extra_body": {"x": 1},
    }
    assert CallOptions.for_call(**given) == CallOptions(**given)
    for name in given:  # any one set: a new value, that one field set
        one = {key: (value if key == name else None) for key, value in given.items()}
        assert CallOptions.for_call(**one) == CallOptions(**{name: given[name]})
    nothing = dict.fromkeys(given)
    assert CallOptions.for_call(**nothing) is NO_OPTIONS
