"""HF serverless inference (``hf-inference``) through the router."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import (
    Done,
    JobContext,
    ProviderHelper,
    RawBody,
    ResponseKind,
    Step,
    body_parameters,
    jsonable,
    quote_model,
    sniff_mime,
)

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = [
    "HF_INFERENCE_EXTRA_TASKS",
    "HF_INFERENCE_TASKS",
    "HfInferenceHelper",
    "rewrite_json_schema_format",
]

#: The 26 tasks hf-inference serves (WIRE.md §c).
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

#: Tasks whose input is a file: raw bytes on the wire when there are no parameters.
BINARY_INPUT_TASKS = frozenset(
    {
        "audio-classification",
        "automatic-speech-recognition",
        "image-classification",
        "image-segmentation",
        "image-to-text",
        "object-detection",
        "audio-to-audio",
        "zero-shot-image-classification",
        "image-to-image",
        "visual-question-answering",
    }
)

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
_DEFAULT_MIME = {
    "audio-classification": "audio/wav",
    "automatic-speech-recognition": "audio/wav",
    "audio-to-audio": "audio/wav",
}


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
    tasks: ClassVar[frozenset[str]] = HF_INFERENCE_TASKS | HF_INFERENCE_EXTRA_TASKS
    needs_mapping: ClassVar[bool] = False
    chat_json_schema: ClassVar[str | None] = "tgi"
    hf_native: ClassVar[bool] = True
    interchangeable_tasks: ClassVar[frozenset[str]] = _PIPELINE_TASKS

    def route(self, task: str, model_id: str) -> str:
        path = f"/models/{quote_model(model_id)}"
        if task == "conversational":
            return path + "/v1/chat/completions"
        if task in _PIPELINE_TASKS:
            return f"{path}/pipeline/{task}"
        return path

    def accept(self, task: str) -> str | None:
        return "image/png" if task in ("text-to-image", "image-to-image") else None

    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: MappingEntry | None = None,
    ) -> dict[str, Any] | RawBody:
        if isinstance(body, RawBody):
            return body
        if task == "conversational":
            return self.chat_payload(model_id, body)
        inputs = body.get("inputs")
        if (
            task in BINARY_INPUT_TASKS
            and isinstance(inputs, (bytes, bytearray))
            and not body_parameters(body)
            and set(body) <= {"inputs", "parameters"}
        ):
            data = bytes(inputs)
            return RawBody(data, sniff_mime(data, _DEFAULT_MIME.get(task, "image/jpeg")))
        return jsonable(body)  # type: ignore[no-any-return]

    def response_kind(self, task: str) -> ResponseKind:
        return "bytes" if task in _BYTES_ANSWER else "json"

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task in _FIRST_OF_LIST and isinstance(data, list) and data:
            return Done(data[0])
        return Done(data)


def rewrite_json_schema_format(payload: dict[str, Any]) -> None:
    """TGI-served chat wants ``{"type": "json_object", "value": schema}`` for JSON schemas."""
    fmt = payload.get("response_format")
    if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        payload["response_format"] = {"type": "json_object", "value": schema or {}}
