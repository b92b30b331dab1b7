"""The official ``huggingface_hub`` client (``InferenceClient``, ``HfApi``) against the emulator.

Its hard-coded hosts reach the emulator through :class:`tests.compat.conftest.HostRewrite`.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

from .conftest import ASR_MODEL, CHAT_MODEL, CLASSIFIER, IMAGE_MODEL, TOKEN, HostRewrite

hub = pytest.importorskip("huggingface_hub")

pytestmark = pytest.mark.usefixtures("hub_env")

MESSAGES = [{"role": "user", "content": "Say hello"}]


def _wav(seconds: float = 0.5, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x01" * int(seconds * rate))
    return out.getvalue()


# ------------------------------------------------------------------ serverless (router)


def test_chat_with_the_default_provider(host_rewrite: HostRewrite) -> None:
    client = hub.InferenceClient(token=TOKEN)
    reply = client.chat_completion(MESSAGES, model=CHAT_MODEL, max_tokens=20)
    assert reply.choices[0].message.content == f"{REPLY_PREFIX} Say hello"
    # provider "auto": the router's OpenAI route with the bare model id, no Hub lookup
    assert "POST https://router.huggingface.co/v1/chat/completions" in host_rewrite.sent
    streamed = client.chat_completion(MESSAGES, model=CHAT_MODEL, max_tokens=20, stream=True)
    text = "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)
    assert text == reply.choices[0].message.content


def test_text_classification_on_hf_inference(host_rewrite: HostRewrite) -> None:
    client = hub.InferenceClient(provider="hf-inference", token=TOKEN)
    labels = client.text_classification("I love this movie!", model=CLASSIFIER)
    assert labels and all(isinstance(x.label, str) and 0 <= x.score <= 1 for x in labels)
    assert labels == sorted(labels, key=lambda x: -x.score)


def test_text_classification_of_an_unknown_model_is_not_found(host_rewrite: HostRewrite) -> None:
    client = hub.InferenceClient(provider="hf-inference", token=TOKEN)
    with pytest.raises(hub.errors.RepositoryNotFoundError):
        client.text_classification("I love this movie!", model="nobody/no-such-model")


def test_text_to_image_on_hf_inference(host_rewrite: HostRewrite) -> None:
    client = hub.InferenceClient(provider="hf-inference", token=TOKEN)
    image = client.text_to_image("An astronaut riding a horse", model=IMAGE_MODEL)
    assert image.size[0] > 0 and image.size[1] > 0


def test_speech_recognition_on_hf_inference(host_rewrite: HostRewrite) -> None:
    client = hub.InferenceClient(provider="hf-inference", token=TOKEN)
    out = client.automatic_speech_recognition(_wav(), model=ASR_MODEL)
    assert isinstance(out.text, str) and out.text


def test_public_model_info_is_read_anonymously(host_rewrite: HostRewrite) -> None:
    info = hub.HfApi(token=False).model_info(CHAT_MODEL, expand=["inferenceProviderMapping"])
    sent = host_rewrite.requests[-1]
    assert str(sent.url).startswith(f"https://huggingface.co/api/models/{CHAT_MODEL}")
    assert "authorization" not in sent.headers
    assert info.id == CHAT_MODEL
    providers = [m.provider for m in info.inference_provider_mapping or []]
    assert "hf-inference" in providers


# ------------------------------------------------------------------ TGI / TEI endpoints


def test_tgi_generate_stream_and_chat(compat_emulator: Any, host_rewrite: HostRewrite) -> None:
    client = hub.InferenceClient(model=compat_emulator.tgi_url("compat-tgi"), token=TOKEN)
    text = client.text_generation("Once upon a time", max_new_tokens=4)
    detailed = client.text_generation("Once upon a time", max_new_tokens=4, details=True)
    assert detailed.generated_text == text
    assert detailed.details.finish_reason == "length"
    assert detailed.details.generated_tokens == 4
    pieces = list(client.text_generation("Once upon a time", max_new_tokens=4, stream=True))
    assert "".join(pieces) == text
    chat = client.chat_completion(MESSAGES, max_tokens=20)
    assert chat.choices[0].message.content == f"{REPLY_PREFIX} Say hello"


def test_tei_feature_extraction(compat_emulator: Any, host_rewrite: HostRewrite) -> None:
    client = hub.InferenceClient(model=compat_emulator.tei_url("compat-tei"), token=TOKEN)
    vectors = client.feature_extraction("a sentence to embed")
    assert vectors.shape[-1] == 384


# ------------------------------------------------------------------ endpoint lifecycle (HfApi)


def test_endpoint_lifecycle(compat_emulator: Any, host_rewrite: HostRewrite) -> None:
    compat_emulator.reset()
    api = hub.HfApi(token=TOKEN)
    endpoint = api.create_inference_endpoint(
        "compat-ep",
        repository="HuggingFaceTB/SmolLM3-3B",
        framework="pytorch",
        task="text-generation",
        accelerator="cpu",
        vendor="aws",
        region="us-east-1",
        instance_size="x2",
        instance_type="intel-spr",
        type="authenticated",
        min_replica=0,
        max_replica=1,
    )
    assert endpoint.name == "compat-ep" and endpoint.namespace == "emulator-user"
    endpoint.wait(timeout=30, refresh_every=0.01)
    assert endpoint.status == "running" and endpoint.url
    reply = endpoint.client.chat_completion(MESSAGES, max_tokens=20)
    assert reply.choices[0].message.content == f"{REPLY_PREFIX} Say hello"

    endpoint.pause()
    assert endpoint.status == "paused"
    endpoint.resume()
    endpoint.wait(timeout=30, refresh_every=0.01)
    assert endpoint.status == "running"
    endpoint.scale_to_zero()
    assert endpoint.status == "scaledToZero"
    assert api.get_inference_endpoint("compat-ep").status == "scaledToZero"
    endpoint.delete()
    with pytest.raises(hub.errors.HfHubHTTPError) as caught:
        api.get_inference_endpoint("compat-ep")
    assert caught.value.response.status_code == 404


def test_the_lane_never_leaves_the_machine() -> None:
    transport = HostRewrite({"https://huggingface.co/": "http://127.0.0.1:9/hub/"})
    with pytest.raises(AssertionError, match="would leave the machine"):
        transport.handle_request(httpx2.Request("GET", "https://example.com/api/models"))
    transport.close()
