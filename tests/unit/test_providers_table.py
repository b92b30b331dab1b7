"""Every provider x task of docs/wire.md §3, table-driven: the exact request and the answer's parse.

Each row gives the caller's body (the task envelope, or OpenAI chat fields), the
provider's model id (the mapped ``providerId``), the route, the body the provider
must receive, and an answer of that provider's shape -- plus, for async jobs, every
follow-up GET (URL, whether it carries credentials, the answer) -- and the task-level
value the client must produce. Each row is checked through the router with an HF
token (bill-to sent) and directly with the provider's own key (its own API base, its
auth scheme, no bill-to). The expected values are written from docs/wire.md, not from the
code.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from hf_inference_endpoints import (
    ConfigurationError,
    HfInferenceConfig,
    ModelNotAvailableOnProvider,
)
from hf_inference_endpoints._request import PreparedRequest, RawBody
from hf_inference_endpoints._routing.build import build_request
from hf_inference_endpoints._routing.mapping import MappingEntry
from hf_inference_endpoints._routing.providers import (
    REMOVED_WITHOUT_HELPER,
    UNROUTED,
    answer_helper,
    known_providers,
    registered,
)
from hf_inference_endpoints._routing.providers._base import (
    Done,
    Fetch,
    JobContext,
    follow_up_request,
)
from hf_inference_endpoints._routing.targets import Target

ROUTER = "https://router.huggingface.co"
HF_TOKEN = "hf_test_token"
KEY = "sk-provider-key"
HF = "org/model"
PID = "prov/model-id"
ROUTER_CONFIG = HfInferenceConfig(token=HF_TOKEN, bill_to="acme", default_provider="hf-inference")
DIRECT_CONFIG = HfInferenceConfig(token=KEY, bill_to="acme", default_provider="hf-inference")

#: docs/wire.md §3 "Direct base URL" (+ SPEC §2.2 / HUB for sambanova, nebius, hyperbolic).
DIRECT = {
    "baseten": "https://inference.baseten.co",
    "cerebras": "https://api.cerebras.ai",
    "cohere": "https://api.cohere.com",
    "deepinfra": "https://api.deepinfra.com",
    "fal-ai": "https://fal.run",
    "featherless-ai": "https://api.featherless.ai",
    "fireworks-ai": "https://api.fireworks.ai",
    "groq": "https://api.groq.com",
    "novita": "https://api.novita.ai",
    "nscale": "https://inference.api.nscale.com",
    "openai": "https://api.openai.com",
    "ovhcloud": "https://oai.endpoints.kepler.ai.cloud.ovh.net",
    "publicai": "https://api.publicai.co",
    "replicate": "https://api.replicate.com",
    "scaleway": "https://api.scaleway.ai",
    "together": "https://api.together.xyz",
    "wavespeed": "https://api.wavespeed.ai",
    "zai-org": "https://api.z.ai",
    "sambanova": "https://api.sambanova.ai",
    "nebius": "https://api.studio.nebius.ai",
    "hyperbolic": "https://api.hyperbolic.xyz",
}
FAL_QUEUE = "https://queue.fal.run"

#: docs/wire.md §3 provider -> tasks (hf-inference: its 26 tasks).
WIRE_TASKS = {
    "baseten": {"conversational"},
    "cerebras": {"conversational"},
    "cohere": {"conversational"},
    "deepinfra": {
        "conversational",
        "text-generation",
        "feature-extraction",
        "automatic-speech-recognition",
        "text-to-speech",
    },
    "fal-ai": {
        "automatic-speech-recognition",
        "text-to-image",
        "text-to-speech",
        "text-to-video",
        "image-to-video",
        "image-to-image",
        "image-segmentation",
    },
    "featherless-ai": {"conversational", "text-generation"},
    "fireworks-ai": {"conversational"},
    "groq": {"conversational"},
    "hf-inference": {
        "text-to-image",
        "conversational",
        "text-generation",
        "text-classification",
        "question-answering",
        "audio-classification",
        "automatic-speech-recognition",
        "fill-mask",
        "feature-extraction",
        "image-classification",
        "image-segmentation",
        "document-question-answering",
        "image-to-text",
        "object-detection",
        "audio-to-audio",
        "zero-shot-image-classification",
        "zero-shot-classification",
        "image-to-image",
        "sentence-similarity",
        "table-question-answering",
        "tabular-classification",
        "tabular-regression",
        "text-to-speech",
        "token-classification",
        "translation",
        "summarization",
        "visual-question-answering",
    },
    "novita": {"conversational", "text-generation", "text-to-video"},
    "nscale": {"conversational", "text-to-image"},
    "openai": {"conversational"},
    "ovhcloud": {"conversational"},
    "publicai": {"conversational"},
    "replicate": {
        "automatic-speech-recognition",
        "image-to-image",
        "text-to-image",
        "text-to-speech",
        "text-to-video",
    },
    "scaleway": {"conversational", "feature-extraction"},
    "together": {
        "conversational",
        "text-generation",
        "text-to-image",
        "image-to-image",
        "text-to-speech",
        "feature-extraction",
        "text-to-video",
        "image-to-video",
    },
    "wavespeed": {"text-to-image", "text-to-video", "image-to-image", "image-to-video"},
    "zai-org": {"conversational", "text-to-image"},
}

# ------------------------------------------------------------------------------ files

IMG = b"\x89PNG\r\n\x1a\n" + bytes(range(16))
IMG_B64 = base64.b64encode(IMG).decode()
IMG_URL = f"data:image/png;base64,{IMG_B64}"
AUDIO = b"fLaC\x00\x00\x00\x22" + bytes(range(8))
AUDIO_URL = f"data:audio/flac;base64,{base64.b64encode(AUDIO).decode()}"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(8)
MASK = b"\x89PNG\r\n\x1a\nmask"
MASK_B64 = base64.b64encode(MASK).decode()

MSGS = [{"role": "user", "content": "hi"}]
CHAT = {"messages": MSGS, "max_tokens": 5}
CHAT_SENT = {"model": PID, "messages": MSGS, "max_tokens": 5}
COMPLETION = {
    "id": "c1",
    "object": "chat.completion",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "yo"}, "finish_reason": "stop"}
    ],
}
SCHEMA_FMT = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
TG_BODY = {
    "inputs": "Once",
    "parameters": {"max_new_tokens": 5, "temperature": 0.5, "details": True},
}
TG_SENT = {"prompt": "Once", "max_tokens": 5, "temperature": 0.5, "model": PID}
TG_ANSWER = {"choices": [{"index": 0, "text": " upon", "finish_reason": "length", "seed": 7}]}
TG_RESULT = {"generated_text": " upon", "details": {"finish_reason": "length", "seed": 7}}
FE_BODY = {"inputs": ["a", "b"]}
FE_SENT = {"input": ["a", "b"], "model": PID}
FE_ANSWER = {
    "object": "list",
    "data": [{"index": 1, "embedding": [0.3, 0.4]}, {"index": 0, "embedding": [0.1, 0.2]}],
}
FE_RESULT = [[0.1, 0.2], [0.3, 0.4]]
B64_IMAGES = {"data": [{"index": 0, "b64_json": IMG_B64}]}

Follow = tuple[str, str, bool, Any]  # expected URL, stage, carries credentials, answer


@dataclass
class Case:
    """One provider x task row (see the module docstring)."""

    provider: str
    task: str
    route: str
    body: Any
    sent: Any  # dict (JSON), bytes (raw body), or a callable(content, content_type)
    answer: Any
    result: Any
    follow: tuple[Follow, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    pid: str = PID
    query: str = ""
    direct_base: str | None = None
    mapping_extra: dict[str, Any] = field(default_factory=dict)
    router: bool = True
    id: str = ""

    def __post_init__(self) -> None:
        self.id = self.id or f"{self.provider}-{self.task}"


def download(url: str, data: bytes) -> Follow:
    return (url, "download", False, data)


def chat(provider: str, route: str, **kw: Any) -> Case:
    return Case(provider, "conversational", route, CHAT, CHAT_SENT, COMPLETION, COMPLETION, **kw)


def hf(task: str, body: Any, sent: Any, answer: Any, result: Any = None, **kw: Any) -> Case:
    route = kw.pop("route", f"/models/{HF}")
    return Case(
        "hf-inference",
        task,
        route,
        body,
        sent,
        answer,
        answer if result is None else result,
        pid=HF,
        **kw,
    )


def multipart_check(
    fields: dict[str, str], file: bytes, mime: str, filename: str
) -> Callable[[bytes, str], None]:
    def check(content: bytes, content_type: str) -> None:
        assert content_type.startswith("multipart/form-data; boundary=")
        boundary = content_type.split("boundary=", 1)[1]
        assert content.endswith(f"--{boundary}--\r\n".encode())
        for name, value in fields.items():
            part = f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            assert part.encode() in content
        head = f'name="file"; filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
        assert head + file + b"\r\n" in content

    return check


def _fal_queue(
    task: str, body: Any, sent: Any, result_answer: Any, tail: tuple[Follow, ...], result: Any
) -> Case:
    submit = {
        "request_id": "r1",
        "status": "IN_QUEUE",
        "response_url": "https://queue.fal.run/fal-ai/ltx/requests/r1",
        "status_url": "https://queue.fal.run/fal-ai/ltx/requests/r1/status",
    }
    status = f"{ROUTER}/fal-ai/fal-ai/ltx/requests/r1/status?_subdomain=queue"
    return Case(
        "fal-ai",
        task,
        "/fal-ai/ltx/v1",
        body,
        sent,
        submit,
        result,
        follow=(
            (status, "status", True, {"status": "IN_QUEUE"}),
            (status, "status", True, {"status": "IN_PROGRESS"}),
            (status, "status", True, {"status": "COMPLETED"}),
            (
                f"{ROUTER}/fal-ai/fal-ai/ltx/requests/r1?_subdomain=queue",
                "result",
                True,
                result_answer,
            ),
            *tail,
        ),
        pid="fal-ai/ltx/v1",
        query="?_subdomain=queue",
        direct_base=FAL_QUEUE,
    )


def _prediction(output: Any, status: str = "succeeded", pid: str = "p1") -> dict[str, Any]:
    get = f"https://api.replicate.com/v1/predictions/{pid}"
    return {
        "id": pid,
        "status": status,
        "output": output,
        "urls": {"get": get, "cancel": get + "/cancel"},
    }


def _wavespeed(task: str, body: Any, sent: Any, url: str, data: bytes) -> Case:
    result_url = f"{ROUTER}/wavespeed/api/v3/predictions/w1/result"
    return Case(
        "wavespeed",
        task,
        f"/api/v3/{PID}",
        body,
        sent,
        {
            "code": 200,
            "data": {
                "id": "w1",
                "status": "created",
                "urls": {"get": "https://api.wavespeed.ai/api/v3/predictions/w1/result"},
            },
        },
        data,
        follow=(
            (result_url, "result", True, {"code": 200, "data": {"status": "processing"}}),
            (
                result_url,
                "result",
                True,
                {"code": 200, "data": {"status": "completed", "outputs": [url]}},
            ),
            download(url, data),
        ),
    )


TTV_BODY = {"inputs": "a cat", "parameters": {"seconds": 5}}
I2V_BODY = {"inputs": IMG, "parameters": {"prompt": "move"}}
ZAI_HEADERS = {"accept-language": "en-US,en", "x-source-channel": "hugging_face"}

CASES: list[Case] = [
    # ---------------------------------------------------------------- plain chat
    chat("baseten", "/v1/chat/completions"),
    chat("cerebras", "/v1/chat/completions"),
    chat("groq", "/openai/v1/chat/completions"),
    chat("ovhcloud", "/v1/chat/completions"),
    chat("publicai", "/v1/chat/completions"),
    Case(
        "openai",
        "conversational",
        "/v1/chat/completions",
        CHAT,
        {**CHAT_SENT, "model": HF},  # no mapping: the model id is sent as given
        COMPLETION,
        COMPLETION,
        router=False,
        pid=HF,
    ),
    # ---------------------------------------------------------------- cohere, fireworks
    Case(
        "cohere",
        "conversational",
        "/compatibility/v1/chat/completions",
        {"messages": MSGS, "response_format": SCHEMA_FMT},
        {
            "model": PID,
            "messages": MSGS,
            "response_format": {"type": "json_object", "schema": {"type": "object"}},
        },
        COMPLETION,
        COMPLETION,
    ),
    Case(
        "fireworks-ai",
        "conversational",
        "/inference/v1/chat/completions",
        {"messages": MSGS, "response_format": SCHEMA_FMT},
        {
            "model": PID,
            "messages": MSGS,
            "response_format": {"type": "json_object", "schema": {"type": "object"}},
        },
        COMPLETION,
        COMPLETION,
    ),
    # ---------------------------------------------------------------- deepinfra
    chat("deepinfra", "/v1/openai/chat/completions"),
    Case(
        "deepinfra",
        "text-generation",
        "/v1/openai/completions",
        TG_BODY,
        TG_SENT,
        TG_ANSWER,
        TG_RESULT,
    ),
    Case(
        "deepinfra",
        "feature-extraction",
        "/v1/openai/embeddings",
        FE_BODY,
        FE_SENT,
        FE_ANSWER,
        FE_RESULT,
    ),
    Case(
        "deepinfra",
        "automatic-speech-recognition",
        "/v1/openai/audio/transcriptions",
        {"inputs": AUDIO, "parameters": {"language": "en"}},
        multipart_check({"language": "en", "model": PID}, AUDIO, "audio/flac", "audio.flac"),
        {"text": "hi there", "segments": [{"id": 0, "start": 0.0, "end": 1.2, "text": "hi there"}]},
        {"text": "hi there", "chunks": [{"text": "hi there", "timestamp": [0.0, 1.2]}]},
    ),
    Case(
        "deepinfra",
        "text-to-speech",
        "/v1/openai/audio/speech",
        {"inputs": "hello", "parameters": {"voice": "af"}},
        {"input": "hello", "model": PID, "voice": "af"},
        AUDIO,
        AUDIO,
    ),
    # ---------------------------------------------------------------- fal-ai
    Case(
        "fal-ai",
        "automatic-speech-recognition",
        "/fal-ai/whisper",
        {"inputs": AUDIO},
        {"audio_url": AUDIO_URL},
        {
            "text": " hello",
            "chunks": [{"timestamp": [0.0, 1.0], "text": " hello", "speaker": None}],
        },
        {"text": " hello", "chunks": [{"text": " hello", "timestamp": [0.0, 1.0]}]},
        pid="fal-ai/whisper",
    ),
    Case(
        "fal-ai",
        "text-to-image",
        "/fal-ai/flux/dev",
        {"inputs": "a cat", "parameters": {"width": 512, "height": 256, "num_inference_steps": 4}},
        {"prompt": "a cat", "num_inference_steps": 4, "image_size": {"width": 512, "height": 256}},
        {"images": [{"url": "https://v3.fal.media/files/x.png", "width": 512}], "seed": 1},
        IMG,
        follow=(download("https://v3.fal.media/files/x.png", IMG),),
        pid="fal-ai/flux/dev",
    ),
    Case(
        "fal-ai",
        "text-to-image",
        "/fal-ai/flux-lora",
        {"inputs": "a cat"},
        {
            "prompt": "a cat",
            "loras": [
                {"path": f"https://huggingface.co/{HF}/resolve/main/w.safetensors", "scale": 1}
            ],
        },
        {"images": [{"url": "https://v3.fal.media/files/y.png"}]},
        IMG,
        follow=(download("https://v3.fal.media/files/y.png", IMG),),
        pid="fal-ai/flux-lora",
        mapping_extra={"adapter": "lora", "adapter_weights_path": "w.safetensors"},
        id="fal-ai-text-to-image-lora",
    ),
    Case(
        "fal-ai",
        "text-to-speech",
        "/fal-ai/tts",
        {"inputs": "hello"},
        {"text": "hello"},
        {"audio": {"url": "https://v3.fal.media/files/a.wav"}},
        AUDIO,
        follow=(download("https://v3.fal.media/files/a.wav", AUDIO),),
        pid="fal-ai/tts",
    ),
    _fal_queue(
        "text-to-video",
        TTV_BODY,
        {"prompt": "a cat", "seconds": 5},
        {"video": {"url": "https://v3.fal.media/files/v.mp4"}},
        (download("https://v3.fal.media/files/v.mp4", VIDEO),),
        VIDEO,
    ),
    _fal_queue(
        "image-to-video",
        I2V_BODY,
        {"image_url": IMG_URL, "prompt": "move"},
        {"video": {"url": "https://v3.fal.media/files/w.mp4"}},
        (download("https://v3.fal.media/files/w.mp4", VIDEO),),
        VIDEO,
    ),
    _fal_queue(
        "image-to-image",
        {
            "inputs": IMG,
            "parameters": {"prompt": "red", "target_size": {"width": 64, "height": 32}},
        },
        {
            "image_url": IMG_URL,
            "image_urls": [IMG_URL],
            "prompt": "red",
            "image_size": {"width": 64, "height": 32},
        },
        {"images": [{"url": "https://v3.fal.media/files/i.png"}]},
        (download("https://v3.fal.media/files/i.png", IMG),),
        IMG,
    ),
    _fal_queue(
        "image-segmentation",
        {"inputs": IMG},
        {"image_url": IMG_URL, "sync_mode": True},
        {"image": {"url": f"data:image/png;base64,{MASK_B64}"}},
        (),
        [{"label": "mask", "mask": MASK_B64}],
    ),
    # ---------------------------------------------------------------- featherless
    chat("featherless-ai", "/v1/chat/completions"),
    Case(
        "featherless-ai",
        "text-generation",
        "/v1/completions",
        TG_BODY,
        TG_SENT,
        TG_ANSWER,
        TG_RESULT,
    ),
    # ---------------------------------------------------------------- hf-inference (26)
    Case(
        "hf-inference",
        "conversational",
        f"/models/{HF}/v1/chat/completions",
        {"messages": MSGS, "response_format": SCHEMA_FMT},
        {
            "model": HF,
            "messages": MSGS,
            "response_format": {"type": "json_object", "value": {"type": "object"}},
        },
        COMPLETION,
        COMPLETION,
        pid=HF,
    ),
    hf(
        "text-generation",
        {"inputs": "Once", "parameters": {"max_new_tokens": 3}},
        {"inputs": "Once", "parameters": {"max_new_tokens": 3}},
        [{"generated_text": "Once upon"}],
        {"generated_text": "Once upon"},
    ),
    hf(
        "text-classification",
        {"inputs": "good", "parameters": {"top_k": 2}},
        {"inputs": "good", "parameters": {"top_k": 2}},
        [[{"label": "POS", "score": 0.9}]],
    ),
    hf(
        "token-classification",
        {"inputs": "Paris"},
        {"inputs": "Paris"},
        [{"entity_group": "LOC", "score": 0.9, "word": "Paris", "start": 0, "end": 5}],
    ),
    hf(
        "fill-mask",
        {"inputs": "a [MASK]"},
        {"inputs": "a [MASK]"},
        [{"sequence": "a b", "score": 0.5, "token": 1, "token_str": "b"}],
    ),
    hf(
        "question-answering",
        {"inputs": {"question": "q", "context": "c"}},
        {"inputs": {"question": "q", "context": "c"}},
        {"answer": "c", "score": 0.9, "start": 0, "end": 1},
    ),
    hf(
        "table-question-answering",
        {"inputs": {"query": "q", "table": {"a": ["1"]}}},
        {"inputs": {"query": "q", "table": {"a": ["1"]}}},
        {"answer": "1", "coordinates": [[0, 0]], "cells": ["1"], "aggregator": "NONE"},
    ),
    hf(
        "zero-shot-classification",
        {"inputs": "x", "parameters": {"candidate_labels": ["a", "b"]}},
        {"inputs": "x", "parameters": {"candidate_labels": ["a", "b"]}},
        [{"label": "a", "score": 0.7}],
    ),
    hf(
        "summarization",
        {"inputs": "long text"},
        {"inputs": "long text"},
        [{"summary_text": "short"}],
    ),
    hf(
        "translation",
        {"inputs": "hello", "parameters": {"src_lang": "en", "tgt_lang": "fr"}},
        {"inputs": "hello", "parameters": {"src_lang": "en", "tgt_lang": "fr"}},
        [{"translation_text": "bonjour"}],
    ),
    hf(
        "feature-extraction",
        {"inputs": ["a"], "normalize": True, "truncate": None},
        {"inputs": ["a"], "normalize": True},
        [[0.1, 0.2]],
        route=f"/models/{HF}/pipeline/feature-extraction",
    ),
    hf(
        "sentence-similarity",
        {"inputs": {"source_sentence": "a", "sentences": ["b"]}},
        {"inputs": {"source_sentence": "a", "sentences": ["b"]}},
        [0.5],
        route=f"/models/{HF}/pipeline/sentence-similarity",
    ),
    hf("audio-classification", {"inputs": AUDIO}, AUDIO, [{"label": "yes", "score": 0.9}]),
    hf(
        "automatic-speech-recognition",
        RawBody(AUDIO, "audio/flac"),
        AUDIO,
        {"text": "hi", "chunks": [{"text": "hi", "timestamp": [0.0, 0.5]}]},
    ),
    hf("image-classification", {"inputs": IMG}, IMG, [{"label": "cat", "score": 0.9}]),
    hf(
        "image-segmentation",
        {"inputs": IMG, "parameters": {"threshold": 0.5}},
        {"inputs": IMG_B64, "parameters": {"threshold": 0.5}},
        [{"label": "cat", "score": 0.9, "mask": MASK_B64}],
    ),
    hf(
        "image-to-text",
        {"inputs": IMG},
        IMG,
        [{"generated_text": "a cat"}],
        {"generated_text": "a cat"},
    ),
    hf(
        "object-detection",
        {"inputs": IMG},
        IMG,
        [{"label": "cat", "score": 0.9, "box": {"xmin": 1, "ymin": 2, "xmax": 3, "ymax": 4}}],
    ),
    hf(
        "audio-to-audio",
        {"inputs": AUDIO},
        AUDIO,
        [{"label": "speech", "blob": "UklGRg==", "content-type": "audio/wav"}],
    ),
    hf(
        "zero-shot-image-classification",
        {"inputs": IMG, "parameters": {"candidate_labels": ["cat", "dog"]}},
        {"inputs": IMG_B64, "parameters": {"candidate_labels": ["cat", "dog"]}},
        [{"label": "cat", "score": 0.9}],
    ),
    hf(
        "document-question-answering",
        {"inputs": {"image": IMG, "question": "total?"}},
        {"inputs": {"image": IMG_B64, "question": "total?"}},
        [{"answer": "12", "score": 0.9, "start": 0, "end": 1}],
    ),
    hf(
        "visual-question-answering",
        {"inputs": {"image": IMG, "question": "what?"}},
        {"inputs": {"image": IMG_B64, "question": "what?"}},
        [{"answer": "cat", "score": 0.9}],
    ),
    hf(
        "tabular-classification",
        {"inputs": {"data": {"a": ["1"]}}},
        {"inputs": {"data": {"a": ["1"]}}},
        ["setosa"],
    ),
    hf(
        "tabular-regression",
        {"inputs": {"data": {"a": ["1"]}}},
        {"inputs": {"data": {"a": ["1"]}}},
        [4.2],
    ),
    hf(
        "text-to-image",
        {"inputs": "a cat", "parameters": {"num_inference_steps": 4}},
        {"inputs": "a cat", "parameters": {"num_inference_steps": 4}},
        IMG,
        headers={"accept": "image/png"},
    ),
    hf(
        "image-to-image",
        {"inputs": IMG, "parameters": {"prompt": "red"}},
        {"inputs": IMG_B64, "parameters": {"prompt": "red"}},
        IMG,
        headers={"accept": "image/png"},
    ),
    hf("text-to-speech", {"inputs": "hello"}, {"inputs": "hello"}, AUDIO),
    # tasks huggingface_hub does not send to hf-inference (HF_INFERENCE_EXTRA_TASKS)
    hf(
        "depth-estimation",
        {"inputs": IMG, "parameters": {"x": 1}},
        {"inputs": IMG_B64, "parameters": {"x": 1}},
        {"predicted_depth": [[0.5]], "depth": MASK_B64},
    ),
    hf(
        "zero-shot-object-detection",
        {"inputs": IMG, "parameters": {"candidate_labels": ["cat"]}},
        {"inputs": IMG_B64, "parameters": {"candidate_labels": ["cat"]}},
        [{"label": "cat", "score": 0.9, "box": {"xmin": 1, "ymin": 2, "xmax": 3, "ymax": 4}}],
    ),
    hf(
        "image-text-to-image",
        {"inputs": IMG, "parameters": {"prompt": "red"}},
        {"inputs": IMG_B64, "parameters": {"prompt": "red"}},
        IMG,
    ),
    hf("text-to-audio", {"inputs": "rain"}, {"inputs": "rain"}, AUDIO),
    hf("text-to-video", {"inputs": "a cat"}, {"inputs": "a cat"}, VIDEO),
    hf(
        "image-to-video",
        {"inputs": IMG, "parameters": {"num_frames": 8}},
        {"inputs": IMG_B64, "parameters": {"num_frames": 8}},
        VIDEO,
    ),
    hf(
        "image-text-to-video",
        {"inputs": IMG, "parameters": {"prompt": "run"}},
        {"inputs": IMG_B64, "parameters": {"prompt": "run"}},
        VIDEO,
    ),
    hf(
        "video-classification",
        {"inputs": VIDEO, "parameters": {"top_k": 1}},
        {"inputs": base64.b64encode(VIDEO).decode(), "parameters": {"top_k": 1}},
        [{"label": "surfing", "score": 0.8}],
    ),
    # ---------------------------------------------------------------- novita
    chat("novita", "/v3/openai/chat/completions"),
    Case(
        "novita",
        "text-generation",
        "/v3/openai/completions",
        TG_BODY,
        TG_SENT,
        TG_ANSWER,
        TG_RESULT,
    ),
    Case(
        "novita",
        "text-to-video",
        f"/v3/hf/{PID}",
        TTV_BODY,
        {"prompt": "a cat", "seconds": 5},
        {"video": {"video_url": "https://novita.cdn/v.mp4"}},
        VIDEO,
        follow=(download("https://novita.cdn/v.mp4", VIDEO),),
    ),
    # ---------------------------------------------------------------- nscale
    chat("nscale", "/v1/chat/completions"),
    Case(
        "nscale",
        "text-to-image",
        "/v1/images/generations",
        {
            "inputs": "a cat",
            "parameters": {
                "width": 512,
                "height": 256,
                "num_inference_steps": 4,
                "cfg_scale": 2,
                "seed": 3,
            },
        },
        {
            "response_format": "b64_json",
            "prompt": "a cat",
            "seed": 3,
            "model": PID,
            "size": "512x256",
        },
        B64_IMAGES,
        IMG,
    ),
    # ---------------------------------------------------------------- replicate
    Case(
        "replicate",
        "text-to-image",
        f"/v1/models/{PID}/predictions",
        {"inputs": "a cat", "parameters": {"seed": 1}},
        {"input": {"prompt": "a cat", "seed": 1}},
        _prediction(["https://replicate.delivery/x.png"]),
        IMG,
        follow=(download("https://replicate.delivery/x.png", IMG),),
        headers={"prefer": "wait"},
    ),
    Case(
        "replicate",
        "text-to-image",
        "/v1/predictions",
        {"inputs": "a cat"},
        {
            "input": {"prompt": "a cat", "lora_weights": f"https://huggingface.co/{HF}"},
            "version": "abc123",
        },
        _prediction(None, "starting", "p2"),
        IMG,
        follow=(
            (
                f"{ROUTER}/replicate/v1/predictions/p2",
                "prediction",
                True,
                _prediction(None, "processing", "p2"),
            ),
            (
                f"{ROUTER}/replicate/v1/predictions/p2",
                "prediction",
                True,
                _prediction("https://replicate.delivery/y.png", "succeeded", "p2"),
            ),
            download("https://replicate.delivery/y.png", IMG),
        ),
        headers={"prefer": "wait"},
        pid="owner/name:abc123",
        mapping_extra={"adapter": "lora", "adapter_weights_path": "w.safetensors"},
        id="replicate-text-to-image-version-polling-lora",
    ),
    Case(
        "replicate",
        "text-to-speech",
        f"/v1/models/{PID}/predictions",
        {"inputs": "hello"},
        {"input": {"text": "hello"}},
        _prediction("https://replicate.delivery/a.wav"),
        AUDIO,
        follow=(download("https://replicate.delivery/a.wav", AUDIO),),
        headers={"prefer": "wait"},
    ),
    Case(
        "replicate",
        "text-to-video",
        f"/v1/models/{PID}/predictions",
        TTV_BODY,
        {"input": {"prompt": "a cat", "seconds": 5}},
        _prediction("https://replicate.delivery/v.mp4"),
        VIDEO,
        follow=(download("https://replicate.delivery/v.mp4", VIDEO),),
        headers={"prefer": "wait"},
    ),
    Case(
        "replicate",
        "automatic-speech-recognition",
        f"/v1/models/{PID}/predictions",
        {"inputs": AUDIO},
        {"input": {"audio": AUDIO_URL}},
        _prediction({"transcription": "hello", "segments": []}),
        {"text": "hello"},
        headers={"prefer": "wait"},
    ),
    Case(
        "replicate",
        "image-to-image",
        f"/v1/models/{PID}/predictions",
        {"inputs": IMG, "parameters": {"prompt": "red"}},
        {
            "input": {
                "image": IMG_URL,
                "images": [IMG_URL],
                "input_image": IMG_URL,
                "input_images": [IMG_URL],
                "prompt": "red",
            }
        },
        _prediction("https://replicate.delivery/i.png"),
        IMG,
        follow=(download("https://replicate.delivery/i.png", IMG),),
        headers={"prefer": "wait"},
    ),
    # ---------------------------------------------------------------- scaleway
    chat("scaleway", "/v1/chat/completions"),
    Case(
        "scaleway", "feature-extraction", "/v1/embeddings", FE_BODY, FE_SENT, FE_ANSWER, FE_RESULT
    ),
    # ---------------------------------------------------------------- together
    Case(
        "together",
        "conversational",
        "/v1/chat/completions",
        {"messages": MSGS, "response_format": SCHEMA_FMT},
        {
            "model": PID,
            "messages": MSGS,
            "response_format": {"type": "json_schema", "schema": {"type": "object"}},
        },
        COMPLETION,
        COMPLETION,
    ),
    Case("together", "text-generation", "/v1/completions", TG_BODY, TG_SENT, TG_ANSWER, TG_RESULT),
    Case(
        "together",
        "text-to-image",
        "/v1/images/generations",
        {"inputs": "a cat", "parameters": {"num_inference_steps": 4, "width": 512}},
        {"prompt": "a cat", "response_format": "base64", "steps": 4, "width": 512, "model": PID},
        B64_IMAGES,
        IMG,
    ),
    Case(
        "together",
        "image-to-image",
        "/v1/images/generations",
        {"inputs": IMG, "parameters": {"prompt": "red"}},
        {"prompt": "red", "response_format": "base64", "model": PID, "reference_images": [IMG_URL]},
        B64_IMAGES,
        IMG,
    ),
    Case(
        "together",
        "image-to-image",
        "/v1/images/generations",
        {"inputs": IMG, "parameters": {"prompt": "red"}},
        {
            "prompt": "red",
            "response_format": "base64",
            "model": "black-forest-labs/FLUX.1-kontext-dev",
            "image_url": IMG_URL,
        },
        B64_IMAGES,
        IMG,
        pid="black-forest-labs/FLUX.1-kontext-dev",
        id="together-image-to-image-kontext",
    ),
    Case(
        "together",
        "text-to-speech",
        "/v1/audio/speech",
        {"inputs": "hello", "parameters": {"voice": "alloy"}},
        {"input": "hello", "model": PID, "voice": "alloy"},
        AUDIO,
        AUDIO,
    ),
    Case(
        "together", "feature-extraction", "/v1/embeddings", FE_BODY, FE_SENT, FE_ANSWER, FE_RESULT
    ),
    Case(
        "together",
        "text-to-video",
        "/v2/videos",
        TTV_BODY,
        {"model": PID, "prompt": "a cat", "seconds": 5},
        {"id": "v1", "status": "queued"},
        VIDEO,
        follow=(
            (
                f"{ROUTER}/together/v2/videos/v1",
                "video",
                True,
                {"id": "v1", "status": "in_progress"},
            ),
            (
                f"{ROUTER}/together/v2/videos/v1",
                "video",
                True,
                {
                    "id": "v1",
                    "status": "completed",
                    "outputs": {"video_url": "https://cdn.together/v.mp4"},
                },
            ),
            download("https://cdn.together/v.mp4", VIDEO),
        ),
    ),
    Case(
        "together",
        "image-to-video",
        "/v2/videos",
        I2V_BODY,
        {
            "model": PID,
            "prompt": "move",
            "frame_images": [{"input_image": IMG_URL, "frame": "first"}],
        },
        {"id": "v2", "status": "queued"},
        VIDEO,
        follow=(
            (
                f"{ROUTER}/together/v2/videos/v2",
                "video",
                True,
                {
                    "id": "v2",
                    "status": "completed",
                    "outputs": {"video_url": "https://cdn.together/w.mp4"},
                },
            ),
            download("https://cdn.together/w.mp4", VIDEO),
        ),
    ),
    # ---------------------------------------------------------------- wavespeed
    _wavespeed(
        "text-to-image",
        {"inputs": "a cat", "parameters": {"seed": 1}},
        {"prompt": "a cat", "seed": 1},
        "https://cdn.wavespeed/x.png",
        IMG,
    ),
    _wavespeed(
        "text-to-video",
        TTV_BODY,
        {"prompt": "a cat", "seconds": 5},
        "https://cdn.wavespeed/v.mp4",
        VIDEO,
    ),
    _wavespeed(
        "image-to-image",
        {"inputs": IMG, "parameters": {"prompt": "red", "strength": 0.5}},
        {"image": IMG_URL, "strength": 0.5, "prompt": "red"},
        "https://cdn.wavespeed/i.png",
        IMG,
    ),
    _wavespeed(
        "image-to-video",
        I2V_BODY,
        {"image": IMG_URL, "prompt": "move"},
        "https://cdn.wavespeed/w.mp4",
        VIDEO,
    ),
    # ---------------------------------------------------------------- zai-org
    chat("zai-org", "/api/paas/v4/chat/completions", headers=ZAI_HEADERS),
    Case(
        "zai-org",
        "text-to-image",
        "/api/paas/v4/async/images/generations",
        {"inputs": "a cat", "parameters": {"width": 1024, "height": 768}},
        {"model": PID, "prompt": "a cat", "size": "1024x768"},
        {"id": "z1", "task_status": "PROCESSING"},
        IMG,
        follow=(
            (
                f"{ROUTER}/zai-org/api/paas/v4/async-result/z1",
                "result",
                True,
                {"id": "z1", "task_status": "PROCESSING"},
            ),
            (
                f"{ROUTER}/zai-org/api/paas/v4/async-result/z1",
                "result",
                True,
                {
                    "id": "z1",
                    "task_status": "SUCCESS",
                    "image_result": [{"url": "https://z.cdn/x.png"}],
                },
            ),
            download("https://z.cdn/x.png", IMG),
        ),
        headers=ZAI_HEADERS,
    ),
    # ---------------------------------------------------------------- SPEC §2.2 / HUB extras
    chat("sambanova", "/v1/chat/completions"),
    Case(
        "sambanova", "feature-extraction", "/v1/embeddings", FE_BODY, FE_SENT, FE_ANSWER, FE_RESULT
    ),
    Case(
        "nebius",
        "conversational",
        "/v1/chat/completions",
        {"messages": MSGS, "response_format": SCHEMA_FMT},
        {
            "model": PID,
            "messages": MSGS,
            "response_format": SCHEMA_FMT,
            "guided_json": {"type": "object"},
        },
        COMPLETION,
        COMPLETION,
    ),
    Case("nebius", "text-generation", "/v1/completions", TG_BODY, TG_SENT, TG_ANSWER, TG_RESULT),
    Case(
        "nebius",
        "text-to-image",
        "/v1/images/generations",
        {"inputs": "a cat", "parameters": {"guidance_scale": 3, "width": 512}},
        {"prompt": "a cat", "width": 512, "response_format": "b64_json", "model": PID},
        B64_IMAGES,
        IMG,
    ),
    Case("nebius", "feature-extraction", "/v1/embeddings", FE_BODY, FE_SENT, FE_ANSWER, FE_RESULT),
    chat("hyperbolic", "/v1/chat/completions"),
    Case(
        "hyperbolic",
        "text-to-image",
        "/v1/images/generations",
        {"inputs": "a cat", "parameters": {"num_inference_steps": 4, "guidance_scale": 3}},
        {
            "prompt": "a cat",
            "model_name": PID,
            "steps": 4,
            "cfg_scale": 3,
            "width": 512,
            "height": 512,
        },
        {"images": [{"image": IMG_B64}]},
        IMG,
    ),
]


def _target(case: Case) -> Target:
    entry = MappingEntry(case.provider, case.pid, case.task, "live", HF, **case.mapping_extra)
    return Target("provider", HF, provider=case.provider, mapping=entry)


def _body(req: PreparedRequest) -> Any:
    return json.loads(req.content or b"")


def _check_sent(case: Case, req: PreparedRequest) -> None:
    content_type = req.headers["content-type"]
    if callable(case.sent):
        case.sent(req.content, content_type)
    elif isinstance(case.sent, bytes):
        assert req.content == case.sent
        assert content_type == ("audio/flac" if case.sent is AUDIO else "image/png")
    else:
        assert content_type == "application/json"
        assert _body(req) == case.sent
        if case.task == "conversational":
            assert next(iter(_body(req))) == "model"  # model first: the router routes early


def _run_answer(case: Case, req: PreparedRequest) -> Any:
    """Drive the helper's steps with the row's answers (no I/O), checking each GET."""
    helper = answer_helper(req.context.provider, req.task)
    job = JobContext.of(req)
    step = helper.parse_response(case.task, case.answer, job)
    for url, stage, authenticated, answer in case.follow:
        assert isinstance(step, Fetch), f"expected a GET of {url}, got {step!r}"
        assert (step.url, step.stage, step.authenticated) == (url, stage, authenticated)
        get = follow_up_request(req, step)
        assert get.method == "GET" and get.url == url
        if authenticated:
            assert get.headers["authorization"] == req.headers["authorization"]
            assert "content-type" not in get.headers
            assert get.context == req.context
        else:
            assert set(get.headers) == {"user-agent"}  # no token, no bill-to on a file host
            assert get.task == "download"
            assert not get.context.cold_starts  # a CDN's 503 is no model loading
            assert get.context.provider == req.context.provider
        step = helper.advance(case.task, step, answer, job)
    assert isinstance(step, Done), f"unexpected extra step {step!r}"
    return step.value


def test_the_table_covers_every_provider_and_task() -> None:
    rows = {(c.provider, c.task) for c in CASES}
    registry = {(name, task) for name in known_providers() for task in registered(name).tasks}  # type: ignore[union-attr]
    assert rows == registry
    wire = {(p, t) for p, tasks in WIRE_TASKS.items() for t in tasks}
    assert wire <= registry, sorted(wire - registry)
    assert set(WIRE_TASKS) | {"sambanova", "nebius", "hyperbolic"} == set(known_providers())


def _routed(provider: str) -> bool:
    helper = registered(provider)
    assert helper is not None
    return helper.routed


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.router and _routed(c.provider)], ids=lambda c: c.id
)
def test_through_the_router_with_an_hf_token(case: Case) -> None:
    req = build_request(ROUTER_CONFIG, _target(case), case.task, case.body)
    assert req.method == "POST"
    assert req.url == f"{ROUTER}/{case.provider}{case.route}{case.query}"
    assert req.provider_base == f"{ROUTER}/{case.provider}"
    assert req.headers["authorization"] == f"Bearer {HF_TOKEN}"
    assert req.headers["x-hf-bill-to"] == "acme"
    assert req.headers["user-agent"].startswith("hf-inference-endpoints/")
    for name, value in case.headers.items():
        assert req.headers[name] == value
    assert req.context.provider == case.provider and req.context.model == HF
    assert req.expect == ("bytes" if isinstance(case.answer, bytes) else "json")
    _check_sent(case, req)
    assert _run_answer(case, req) == case.result


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_directly_with_the_providers_own_key(case: Case) -> None:
    req = build_request(DIRECT_CONFIG, _target(case), case.task, case.body)
    if case.provider == "hf-inference":  # router only (docs/wire.md §3): same route, key as given
        base = f"{ROUTER}/hf-inference"
    else:
        base = case.direct_base or DIRECT[case.provider]
    assert req.url == f"{base}{case.route}"  # no ?_subdomain=queue off the router
    assert req.provider_base == base
    scheme = "Key" if case.provider == "fal-ai" else "Bearer"
    assert req.headers["authorization"] == f"{scheme} {KEY}"
    assert "x-hf-bill-to" not in req.headers  # bill-to never goes with a provider key
    for name, value in case.headers.items():
        assert req.headers[name] == value
    _check_sent(case, req)
    if not _routed(case.provider):  # their own API is the only route: answers read here
        assert _run_answer(case, req) == case.result


@pytest.mark.parametrize("case", [c for c in CASES if not _routed(c.provider)], ids=lambda c: c.id)
def test_a_provider_removed_from_routing_refuses_an_hf_token(case: Case) -> None:
    with pytest.raises(ConfigurationError, match="removed from Hugging Face routing") as err:
        build_request(ROUTER_CONFIG, _target(case), case.task, case.body)
    assert "its own API" in str(err.value)


def test_the_providers_removed_from_routing_are_the_ones_hf_removed() -> None:
    # WIRE §j.2 (2026-07-01): of the removed six, three keep a helper for their own API
    removed = {name for name in known_providers() if not _routed(name)}
    assert removed == {"hyperbolic", "nebius", "sambanova"}


def test_fal_queue_polls_stay_on_the_providers_own_host_with_a_key() -> None:
    case = next(c for c in CASES if c.id == "fal-ai-text-to-video")
    req = build_request(DIRECT_CONFIG, _target(case), case.task, case.body)
    step = answer_helper("fal-ai", case.task).parse_response(
        case.task, case.answer, JobContext.of(req)
    )
    assert isinstance(step, Fetch)
    assert step.url == f"{FAL_QUEUE}/fal-ai/ltx/requests/r1/status"
    assert follow_up_request(req, step).headers["authorization"] == f"Key {KEY}"


def test_openai_refuses_an_hf_token() -> None:
    case = next(c for c in CASES if c.provider == "openai")
    with pytest.raises(ConfigurationError, match="OpenAI API key"):
        build_request(ROUTER_CONFIG, _target(case), case.task, case.body)


def test_a_generic_provider_has_no_own_base_for_a_key() -> None:
    target = Target(
        "provider",
        HF,
        provider="newprov",
        mapping=MappingEntry("newprov", PID, "conversational", "live", HF),
    )
    req = build_request(ROUTER_CONFIG, target, "conversational", CHAT)
    assert req.url == f"{ROUTER}/newprov/v1/chat/completions"
    assert _body(req) == CHAT_SENT
    with pytest.raises(ConfigurationError, match="router only"):
        build_request(DIRECT_CONFIG, target, "conversational", CHAT)


@pytest.mark.parametrize(
    ("provider", "answer", "message"),
    [
        ("together", {"id": "v1", "status": "failed", "error": {"message": "nsfw"}}, "nsfw"),
        ("wavespeed", {"data": {"status": "failed", "error": "bad prompt"}}, "bad prompt"),
        ("zai-org", {"id": "z1", "task_status": "FAIL"}, "failed"),
        ("replicate", {"id": "p1", "status": "failed", "error": "OOM", "output": None}, "OOM"),
        ("fal-ai", {"status": "FAILED", "error": "boom"}, "FAILED"),
    ],
)
def test_failed_jobs_raise_with_the_providers_reason(
    provider: str, answer: Any, message: str
) -> None:
    from hf_inference_endpoints import ServerError

    case = next(
        c for c in CASES if c.provider == provider and c.follow and c.follow[0][1] != "download"
    )
    req = build_request(ROUTER_CONFIG, _target(case), case.task, case.body)
    helper = answer_helper(provider, case.task)
    job = JobContext.of(req)
    step = helper.parse_response(case.task, case.answer, job)
    assert isinstance(step, Fetch)
    with pytest.raises(ServerError, match=message):
        helper.advance(case.task, step, answer, job)


@pytest.mark.parametrize(
    ("provider", "task", "answer"),
    [
        ("together", "text-to-image", {"data": []}),
        ("together", "feature-extraction", {"data": "nope"}),
        ("deepinfra", "text-generation", {"choices": []}),
        ("fal-ai", "text-to-image", {"images": []}),
        ("fal-ai", "text-to-video", {"status": "IN_QUEUE"}),
        ("wavespeed", "text-to-image", {"data": {"status": "created"}}),
        ("zai-org", "text-to-image", {"task_status": "PROCESSING"}),
        ("novita", "text-to-video", {"video": {}}),
        ("nscale", "text-to-image", {"data": [{"b64_json": 3}]}),
    ],
)
def test_malformed_answers_are_server_errors(provider: str, task: str, answer: Any) -> None:
    from hf_inference_endpoints import ServerError

    job = JobContext(provider, task, f"{ROUTER}/{provider}", f"{ROUTER}/{provider}/x")
    with pytest.raises(ServerError, match="malformed"):
        answer_helper(provider, task).parse_response(task, answer, job)


def test_the_unrouted_table_names_exactly_the_helpers_that_say_they_are_not_routed() -> None:
    # the per-call key check reads UNROUTED instead of importing every helper to ask it
    said = {name for name in known_providers() if not registered(name).routed}  # type: ignore[union-attr]
    assert said == UNROUTED
    assert said  # nebius, hyperbolic, sambanova at the time of writing


@pytest.mark.parametrize("name", sorted(REMOVED_WITHOUT_HELPER))
@pytest.mark.parametrize("task", ["conversational", "text-to-image"])
def test_a_removed_provider_without_a_helper_is_refused_with_the_reason(
    name: str, task: str
) -> None:
    body = {"messages": MSGS} if task == "conversational" else {"inputs": "a cat"}
    with pytest.raises(ModelNotAvailableOnProvider, match="removed from Hugging Face routing"):
        build_request(ROUTER_CONFIG, Target("provider", HF, provider=name), task, body)
