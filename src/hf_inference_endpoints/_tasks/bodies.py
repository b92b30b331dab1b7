"""Request bodies of the inference tasks (no I/O).

The hf-inference envelope (WIRE.md §d.1) is ``{"inputs": ..., "parameters": {...}}``
with ``None`` values dropped; an empty ``parameters`` is left out. A binary-input
task without parameters sends the raw file instead (``Content-Type`` = its MIME
type); with parameters the file goes base64-encoded in ``inputs``. Per-task shapes:

* text tasks the service runs on a batch (text-classification, fill-mask, summarization,
  translation): ``inputs`` may be a list of texts, answered one result per text;
* question-answering: ``{"inputs": {"question", "context"}}``;
* table-question-answering: ``{"inputs": {"query", "table": {column: [cells]}}}``;
* document-question-answering: ``{"inputs": {"image": <base64>, "question"}}``;
* visual-question-answering: ``{"inputs": {"image": <base64>, "question"}}``, the task
  spec's shape and the one real recordings of the service show (huggingface_hub sends
  ``{"inputs": <base64>, "question", "image": <base64>}`` instead).

``wire=False`` builds the provider-neutral envelope instead (``_routing/providers``):
files go in ``inputs`` as :class:`RawBody` (bytes + MIME type) and each provider
helper turns them into its own request (data URL, multipart, raw body...); a
:class:`RemoteMedia` (a URL the provider fetches itself) goes as its URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import InvalidArgument
from .._generation import _plain, _validation_error
from .._inputs import Media, RemoteMedia
from .._request import RawBody
from .registry import TaskSpec, get_task

__all__ = ["build_body", "drop_none", "validate_parameters"]


def drop_none(value: Any) -> Any:
    """A copy of ``value`` without ``None`` entries, recursively (models are dumped)."""
    plain = _plain(value)
    if isinstance(plain, Mapping):
        return {k: drop_none(v) for k, v in plain.items() if v is not None}
    if isinstance(plain, list):
        return [drop_none(v) for v in plain]
    return plain


def validate_parameters(task: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Check a task's options strictly against its ``<Task>Parameters`` model.

    Args:
        task: The task.
        parameters: The options; ``None`` values are dropped first.

    Returns:
        The options as sent (the caller's values, models dumped, ``None`` dropped).

    Raises:
        ValidationError: An option has the wrong type (``"5"`` is not an int), is out of
            range, or a required one (``candidate_labels``) is missing. Nothing is sent.

    Example:
        >>> validate_parameters("object-detection", {"threshold": 0.5, "x": None})
        {'threshold': 0.5}
    """
    from pydantic import ValidationError as PydanticValidationError

    from .. import models

    plain: dict[str, Any] = drop_none(dict(parameters))
    spec = get_task(task)
    if spec is None or spec.parameters is None:
        return plain
    model = getattr(models, spec.parameters)
    try:
        model.model_validate(plain, strict=True)
    except PydanticValidationError as exc:
        raise _validation_error(f"{task} parameters", exc) from None
    return plain


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, got {type(value).__name__}")
    return value


def _texts(values: list[Any], task: str) -> list[str]:
    """A batch of texts (tasks the service runs on a list): non-empty, every item a string."""
    if not values:
        raise InvalidArgument(f"{task}: a batch of texts must not be empty")
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise InvalidArgument(
                f"{task}: every text of the batch must be a string, item {index} is "
                f"{type(value).__name__}"
            )
    return list(values)


def _media(value: Any, what: str) -> Media | RemoteMedia:
    if not isinstance(value, (Media, RemoteMedia)):
        raise InvalidArgument(f"{what} must be a loaded file (Media), got {type(value).__name__}")
    return value


def _file(media: Media | RemoteMedia, wire: bool) -> Any:
    if isinstance(media, RemoteMedia):  # a provider that fetches URLs itself gets the URL
        if wire:
            raise InvalidArgument("a URL input must be downloaded for this target")
        return media.url
    return media.base64() if wire else RawBody(media.data, media.mime)


def _check_input_data(model_name: str, data: Mapping[str, Any], task: str) -> None:
    from pydantic import ValidationError as PydanticValidationError

    from .. import models

    try:
        getattr(models, model_name).model_validate(data, strict=True)
    except PydanticValidationError as exc:
        raise _validation_error(f"{task} inputs", exc) from None


def _inputs(spec: TaskSpec, inputs: Any, wire: bool) -> dict[str, Any]:
    """The body fields (``inputs`` and any top-level siblings) for ``spec``."""
    kind = spec.inputs
    if kind == "text":
        if isinstance(inputs, list) and spec.parse_batch is not None:
            return {"inputs": _texts(inputs, spec.name)}
        return {"inputs": _text(inputs, "the text input")}
    if kind in ("image", "audio", "video"):
        return {"inputs": _file(_media(inputs, f"the {kind}"), wire)}
    if kind == "optional-image":
        return {} if inputs is None else {"inputs": _file(_media(inputs, "the image"), wire)}
    if not isinstance(inputs, Mapping):
        raise InvalidArgument(f"{spec.name} inputs must be a mapping, got {type(inputs).__name__}")
    if kind == "question-context":
        data = {"question": inputs.get("question"), "context": inputs.get("context")}
        _check_input_data("QuestionAnsweringInputData", data, spec.name)
        return {"inputs": data}
    if kind == "table":
        data = {"query": inputs.get("query"), "table": inputs.get("table")}
        _check_input_data("TableQuestionAnsweringInputData", data, spec.name)
        return {"inputs": _plain(data)}
    question = _text(inputs.get("question"), "question")
    image = _media(inputs.get("image"), "the image")
    if kind == "document-question":
        return {"inputs": {"image": _file(image, wire), "question": question}}
    # image-question (visual-question-answering): the same nested shape
    return {"inputs": {"image": _file(image, wire), "question": question}}


def build_body(
    task: str,
    inputs: Any,
    parameters: Mapping[str, Any] | None = None,
    *,
    wire: bool = True,
) -> dict[str, Any] | RawBody:
    """The request body of one task call.

    Args:
        task: The task; one the table does not know gets the plain envelope with
            ``inputs`` as given (files base64-encoded).
        inputs: The task input, files already loaded as :class:`Media` (see
            :data:`~.registry.InputKind`).
        parameters: Options, already validated; ``None`` values are dropped.
        wire: True for hf-inference / endpoint bodies (raw bytes or base64); False for
            the provider-neutral envelope (files as :class:`RawBody`).

    Returns:
        The JSON body, or a :class:`RawBody` (binary-input task without parameters).

    Raises:
        ValidationError: ``inputs`` does not have the task's shape.

    Example:
        >>> build_body("text-classification", "I like you", {"top_k": None})
        {'inputs': 'I like you'}
        >>> build_body("image-classification", Media(b"\\x89PNG...", "image/png"))
        RawBody(11 bytes, 'image/png')
    """
    params = drop_none(dict(parameters or {}))
    spec = get_task(task)
    if spec is None:
        value = _file(inputs, wire) if isinstance(inputs, Media) else drop_none(inputs)
        body: dict[str, Any] = {"inputs": value}
    else:
        if (
            wire
            and spec.raw_when_no_parameters
            and not params
            and isinstance(inputs, Media)
            and spec.inputs in ("image", "audio", "video", "optional-image")
        ):
            return RawBody(inputs.data, inputs.mime)
        body = _inputs(spec, inputs, wire)
    if params:
        body["parameters"] = params
    return body
