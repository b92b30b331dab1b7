"""Our client and huggingface_hub send the same request for the same call.

Each case makes one call through both clients against the lane's emulator and compares
method, path and JSON body. The differences we keep are spelled out in the case (and in
docs/upstream.md): huggingface_hub always sends ``parameters: {}`` and its create body has
no ``accountId: null``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import HfInferenceClient

from .conftest import CLASSIFIER, IMAGE_MODEL, TOKEN, HostRewrite

hub = pytest.importorskip("huggingface_hub")

pytestmark = pytest.mark.usefixtures("hub_env")

HARDWARE = {
    "accelerator": "cpu",
    "vendor": "aws",
    "region": "us-east-1",
    "instance_size": "x2",
    "instance_type": "intel-spr",
}


@pytest.fixture
def ours(compat_emulator: Any) -> Iterator[tuple[HfInferenceClient, list[httpx2.Request]]]:
    sent: list[httpx2.Request] = []
    emu = compat_emulator
    with (
        httpx2.Client(event_hooks={"request": [sent.append]}) as http,
        HfInferenceClient(
            token=TOKEN,
            http_client=http,
            hub_url=emu.hub_url,
            router_url=emu.router_url,
            endpoints_api_url=emu.endpoints_api_url,
        ) as client,
    ):
        yield client, sent


def _post(requests: list[httpx2.Request], where: Callable[[str], bool]) -> tuple[str, Any]:
    """(path after the service's host, JSON body) of the one POST whose URL matches."""
    (request,) = [r for r in requests if r.method == "POST" and where(str(r.url))]
    return request.url.path, json.loads(request.read())


def _router_path(path: str) -> str:
    return path.removeprefix("/router")


def test_text_classification(ours: Any, host_rewrite: HostRewrite) -> None:
    client, sent = ours
    hub.InferenceClient(provider="hf-inference").text_classification("I like it", model=CLASSIFIER)
    client.text.classify(model=CLASSIFIER, text="I like it", provider="hf-inference")
    theirs_path, theirs = _post(host_rewrite.requests, lambda u: CLASSIFIER in u)
    our_path, body = _post(sent, lambda u: CLASSIFIER in u)
    assert _router_path(our_path) == theirs_path == f"/hf-inference/models/{CLASSIFIER}"
    assert theirs == {**body, "parameters": {}}  # huggingface_hub sends an empty parameters


def test_text_to_image(ours: Any, host_rewrite: HostRewrite) -> None:
    client, sent = ours
    hub.InferenceClient(provider="hf-inference").text_to_image(
        "a fox", model=IMAGE_MODEL, num_inference_steps=4
    )
    client.images.generate(
        model=IMAGE_MODEL, prompt="a fox", num_inference_steps=4, provider="hf-inference"
    )
    theirs_path, theirs = _post(host_rewrite.requests, lambda u: IMAGE_MODEL in u)
    our_path, body = _post(sent, lambda u: IMAGE_MODEL in u)
    assert _router_path(our_path) == theirs_path
    assert theirs == body == {"inputs": "a fox", "parameters": {"num_inference_steps": 4}}


def test_tgi_generate(compat_emulator: Any, ours: Any, host_rewrite: HostRewrite) -> None:
    client, sent = ours
    url = compat_emulator.tgi_url("same-wire")
    hub.InferenceClient(model=url).text_generation("Once upon", max_new_tokens=3, seed=1)
    client.text_generation.generate(model=url, prompt="Once upon", max_new_tokens=3, seed=1)
    theirs_path, theirs = _post(host_rewrite.requests, lambda u: u.startswith(url))
    our_path, body = _post(sent, lambda u: u.startswith(url))
    assert our_path == theirs_path
    assert theirs == body == {"inputs": "Once upon", "parameters": {"max_new_tokens": 3, "seed": 1}}


def test_endpoint_create(compat_emulator: Any, ours: Any, host_rewrite: HostRewrite) -> None:
    client, sent = ours
    compat_emulator.reset()
    hub.HfApi().create_inference_endpoint(
        "same-wire", repository="gpt2", framework="pytorch", task="text-generation", **HARDWARE
    )
    compat_emulator.reset()
    client.endpoints.create(
        "same-wire", "gpt2", framework="pytorch", task="text-generation", **HARDWARE
    )
    theirs_path, theirs = _post(host_rewrite.requests, lambda u: "/v2/endpoint/" in u)
    our_path, body = _post(sent, lambda u: "/v2/endpoint/" in u)
    assert our_path.removeprefix("/endpoints-api") == theirs_path == "/v2/endpoint/emulator-user"
    # WIRE §f.5 (an older huggingface_hub) sends accountId: null; 2.4 leaves it out
    assert body.pop("accountId") is None
    assert theirs == body
