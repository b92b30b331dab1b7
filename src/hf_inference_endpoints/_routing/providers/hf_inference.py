"""HF serverless inference (``hf-inference``) through the router."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._base import (
    BodyBuilder,
    Done,
    JobContext,
    ProviderHelper,
    RawBody,
    Route,
    Step,
    body_parameters,
    jsonable,
    sniff_mime,
)

__all__ = [
    "HF_INFERENCE_EXTRA_TASKS",
    "HF_INFERENCE_TASKS",
    "HfInferenceHelper",
    "rewrite_json_schema_format",
]

#: The 26 tasks hf-inference serves (docs/wire.md §3).
HF_INFERENCE_TASKS = frozenset(
    {
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
        "text-to-speech",
        "token-classification",
        "translation",
        "summarization",
        "visual-question-answering",
    }
)

#: Tasks huggingface_hub does not send to hf-inference but that take the same
#: ``POST /models/{id}`` envelope (the task specs' shapes): routed too, so the typed
#: methods (or ``client.infer``) reach models deployed for them (and the emulator); the
#: router answers an error for a model it does not serve. huggingface.js routes
#: tabular-regression there (``{"inputs": {"data": {column: [values]}}}`` -> numbers).
HF_INFERENCE_EXTRA_TASKS = frozenset(
    {
        "depth-estimation",
        "tabular-regression",
        "image-text-to-image",
        "image-text-to-video",
        "image-to-video",
        "text-to-audio",
        "text-to-video",
        "video-classification",
        "zero-shot-object-detection",
    }
)

_PIPELINE_TASKS = frozenset({"feature-extraction", "sentence-similarity"})

#: Tasks whose input is a file: raw bytes on the wire when there are no parameters
#: (the value: the MIME type when the bytes say nothing).
BINARY_INPUT_TASKS: Mapping[str, str] = {
    "audio-classification": "audio/wav",
    "automatic-speech-recognition": "audio/wav",
    "image-classification": "image/jpeg",
    "image-segmentation": "image/jpeg",
    "image-to-text": "image/jpeg",
    "object-detection": "image/jpeg",
    "audio-to-audio": "audio/wav",
    "zero-shot-image-classification": "image/jpeg",
    "image-to-image": "image/jpeg",
    "visual-question-answering": "image/jpeg",
}

_BYTES_ANSWER = frozenset(
    {
        "text-to-image",
        "image-to-image",
        "text-to-speech",
        "text-to-audio",
        "image-text-to-image",
        "text-to-video",
        "image-to-video",
        "image-text-to-video",
    }
)
_FIRST_OF_LIST = frozenset({"text-generation", "image-to-text"})
_PNG_ACCEPTED = frozenset({"text-to-image", "image-to-image"})


def _envelope(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any] | RawBody:
    """The task envelope itself (``None`` values dropped, bytes base64); a raw file as is."""
    if isinstance(body, RawBody):
        return body
    return jsonable(body)  # type: ignore[no-any-return]


def _file_or_envelope(default_mime: str) -> BodyBuilder:
    """A file task: bytes ``inputs`` and no parameters go as the raw file (its MIME type
    sniffed, else ``default_mime``); anything else as :func:`_envelope`."""

    def body(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any] | RawBody:
        if isinstance(body, RawBody):
            return body
        inputs = body.get("inputs")
        if (
            isinstance(inputs, (bytes, bytearray))
            and not body_parameters(body)
            and set(body) <= {"inputs", "parameters"}
        ):
            data = bytes(inputs)
            return RawBody(data, sniff_mime(data, default_mime))
        return _envelope(model_id, body)

    return body


def _first_of_list(data: Any, job: JobContext) -> Step:
    """A one-element list answer (text-generation, image-to-text) is unwrapped."""
    if isinstance(data, list) and data:
        return Done(data[0])
    return Done(data)


def _task_route(task: str) -> Route:
    """hf-inference's row for a (non-chat) task: all of it follows from the tables above."""
    default_mime = BINARY_INPUT_TASKS.get(task)
    return Route(
        f"/models/{{model}}/pipeline/{task}" if task in _PIPELINE_TASKS else "/models/{model}",
        body=_envelope if default_mime is None else _file_or_envelope(default_mime),
        answer=_first_of_list if task in _FIRST_OF_LIST else None,
        kind="bytes" if task in _BYTES_ANSWER else "json",
        accept="image/png" if task in _PNG_ACCEPTED else None,
    )


class HfInferenceHelper(ProviderHelper):
    """``{router}/hf-inference/models/{id}`` for tasks, ``.../v1/chat/completions`` for chat,
    ``.../pipeline/{task}`` for feature-extraction and sentence-similarity.

    The model id is the Hub id: no mapping lookup is needed. The body is the task
    envelope itself (``None`` values dropped, bytes base64-encoded); a file task with
    bytes ``inputs`` and no parameters sends the raw file (Content-Type sniffed).
    text-to-image, image-to-image and text-to-speech answer raw bytes; text-generation
    and image-to-text answers that come as a one-element list are unwrapped.
    """

    name: ClassVar[str] = "hf-inference"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/models/{model}/v1/chat/completions",
        **{
            task: _task_route(task)
            for task in sorted(HF_INFERENCE_TASKS | HF_INFERENCE_EXTRA_TASKS)
            if task != "conversational"
        },
    }
    needs_mapping: ClassVar[bool] = False
    chat_json_schema: ClassVar[str | None] = "tgi"
    hf_native: ClassVar[bool] = True
    interchangeable_tasks: ClassVar[frozenset[str]] = _PIPELINE_TASKS


def rewrite_json_schema_format(payload: dict[str, Any]) -> None:
    """TGI-served chat wants ``{"type": "json_object", "value": schema}`` for JSON schemas."""
    fmt = payload.get("response_format")
    if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        payload["response_format"] = {"type": "json_object", "value": schema or {}}
