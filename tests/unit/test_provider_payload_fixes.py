"""Provider bodies as the providers (and huggingface_hub 2.4's own tests) take them.

Each case is one finding of issue 14 (huggingface_hub's provider tests replayed through
our helpers): the request body the provider must receive.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from hf_inference_endpoints._request import RawBody
from hf_inference_endpoints._routing.providers import registered

PNG = b"\x89PNG\r\n\x1a\n" + bytes(8)
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
FLAC = b'fLaC\x00\x00\x00"' + bytes(8)


def payload(provider: str, task: str, model_id: str, body: dict[str, Any]) -> Any:
    helper = registered(provider)
    assert helper is not None
    return helper.payload(task, model_id, body)


@pytest.mark.parametrize("task", ["text-to-video", "image-to-video"])
def test_together_video_options_use_togethers_names(task: str) -> None:
    inputs: Any = "a cat" if task == "text-to-video" else RawBody(PNG, "image/png")
    body = payload(
        "together",
        task,
        "vid/turbo",
        {
            "inputs": inputs,
            "parameters": {
                "num_inference_steps": 20,
                "target_size": {"width": 640, "height": 360},
                "seed": 3,
            },
        },
    )
    assert body["steps"] == 20 and (body["width"], body["height"]) == (640, 360)
    assert body["seed"] == 3 and body["model"] == "vid/turbo"
    assert "num_inference_steps" not in body and "target_size" not in body


def test_together_image_to_image_without_a_prompt_sends_an_empty_one() -> None:
    body = payload(
        "together",
        "image-to-image",
        "black-forest-labs/FLUX.2-dev",
        {"inputs": RawBody(PNG, "image/png")},
    )
    assert body["prompt"] == ""
    assert body["reference_images"] == [PNG_URL] and "image_url" not in body


@pytest.mark.parametrize(
    ("model_id", "field"),
    [
        ("black-forest-labs/FLUX.1-Kontext-dev", "image_url"),
        ("black-forest-labs/FLUX.2-dev", "reference_images"),
        ("some-org/kontext-like-v2", "reference_images"),  # only FLUX.1 Kontext takes image_url
    ],
)
def test_together_image_to_image_image_field(model_id: str, field: str) -> None:
    body = payload(
        "together",
        "image-to-image",
        model_id,
        {"inputs": RawBody(PNG, "image/png"), "parameters": {"prompt": "make it blue"}},
    )
    assert field in body and body["prompt"] == "make it blue"


@pytest.mark.parametrize(
    ("provider", "task", "inputs"),
    [
        ("deepinfra", "text-to-speech", "hello"),
        ("together", "text-to-speech", "hello"),
        ("together", "text-to-video", "a cat"),
        ("scaleway", "feature-extraction", "hello"),
        ("deepinfra", "feature-extraction", "hello"),
    ],
)
def test_a_callers_model_parameter_never_replaces_the_mapped_id(
    provider: str, task: str, inputs: str
) -> None:
    body = payload(provider, task, "mapped/id", {"inputs": inputs, "parameters": {"model": "mine"}})
    assert body["model"] == "mapped/id"


def test_deepinfra_transcription_names_the_file_with_its_extension() -> None:
    raw = payload(
        "deepinfra",
        "automatic-speech-recognition",
        "openai/whisper",
        {"inputs": RawBody(FLAC, "audio/flac"), "parameters": {"model": "mine"}},
    )
    assert b'name="file"; filename="audio.flac"\r\nContent-Type: audio/flac' in raw.content
    assert b'name="model"\r\n\r\nopenai/whisper\r\n' in raw.content
    assert b"mine" not in raw.content
    sniffed = payload("deepinfra", "automatic-speech-recognition", "m", {"inputs": FLAC})
    assert b'filename="audio.flac"' in sniffed.content
    unknown = payload("deepinfra", "automatic-speech-recognition", "m", {"inputs": b"\x00" * 16})
    assert b'filename="audio.wav"' in unknown.content


def test_scaleway_embeddings_keep_every_option() -> None:
    body = payload(
        "scaleway",
        "feature-extraction",
        "bge",
        {"inputs": ["a", "b"], "truncate": True, "normalize": False, "dimensions": 8},
    )
    assert body == {
        "input": ["a", "b"],
        "truncate": True,
        "normalize": False,
        "dimensions": 8,
        "model": "bge",
    }


def test_plain_openai_embeddings_still_send_only_what_openai_knows() -> None:
    body = payload(
        "sambanova", "feature-extraction", "e5", {"inputs": "a", "truncate": True, "dimensions": 8}
    )
    assert body == {"input": "a", "dimensions": 8, "model": "e5"}


def _request(provider: str, task: str, body: Any, extra_body: dict[str, Any]) -> Any:
    from hf_inference_endpoints import HfInferenceConfig
    from hf_inference_endpoints._routing.build import build_request
    from hf_inference_endpoints._routing.mapping import MappingEntry
    from hf_inference_endpoints._routing.targets import Target

    entry = MappingEntry(provider, "openai/whisper", task, "live", "org/m")
    target = Target("provider", "org/m", provider=provider, mapping=entry)
    return build_request(HfInferenceConfig(token="hf_x"), target, task, body, extra_body=extra_body)


def test_extra_body_becomes_form_fields_of_a_multipart_body() -> None:
    request = _request(
        "deepinfra",
        "automatic-speech-recognition",
        {"inputs": RawBody(FLAC, "audio/flac")},
        {"temperature": 0.2, "prompt": "names: Ada"},
    )
    content = request.content
    assert b'name="temperature"\r\n\r\n0.2\r\n' in content
    assert b'name="prompt"\r\n\r\nnames: Ada\r\n' in content
    assert content.endswith(b"--\r\n") and content.count(b'filename="audio.flac"') == 1


def test_extra_body_with_a_raw_file_body_is_refused_before_sending() -> None:
    from hf_inference_endpoints import ValidationError

    with pytest.raises(ValidationError, match="extra_body"):
        _request(
            "hf-inference",
            "automatic-speech-recognition",
            RawBody(FLAC, "audio/flac"),
            {"temperature": 0.2},
        )


UNKNOWN = b"\x00\x01 no known signature"


@pytest.mark.parametrize(
    ("provider", "task", "field", "mime"),
    [
        ("fal-ai", "automatic-speech-recognition", "audio_url", "audio/mpeg"),
        ("fal-ai", "image-to-image", "image_url", "image/jpeg"),
        ("replicate", "automatic-speech-recognition", None, "audio/wav"),
        ("together", "image-to-video", None, "image/jpeg"),
    ],
)
def test_bytes_of_no_known_type_take_the_routes_default(
    provider: str, task: str, field: str | None, mime: str
) -> None:
    body = payload(
        provider,
        task,
        "p/m",
        {"inputs": RawBody(UNKNOWN, "application/octet-stream"), "parameters": {}},
    )
    text = str(body[field]) if field else str(body)
    assert f"data:{mime};base64," in text
