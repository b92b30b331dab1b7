"""The inference-task registry: request bodies, headers and answer parsing per task (no I/O).

Services in ``_async/`` (text, images, audio, video, documents, ``client.infer``) ask
this package three things for a task: the body (:func:`build_body`, after
:func:`validate_parameters`), the ``Accept`` header (``TaskSpec.accept``), and how
to read the answer (:func:`answer_parser`). Adding a task is one row in
:data:`TASKS` (``registry.py``) and, for a JSON answer, one parser (``parsers.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from .._errors import InvalidArgument
from .bodies import build_body, drop_none, validate_parameters
from .registry import TASKS, InputKind, TaskSpec, get_task

__all__ = [
    "TASKS",
    "InputKind",
    "TaskSpec",
    "answer_parser",
    "build_body",
    "decode_json",
    "drop_none",
    "get_task",
    "need",
    "validate_parameters",
]

T = TypeVar("T")


def need(value: T | None, name: str) -> T:
    """``value``, or a ``ValidationError`` saying the argument ``name`` is required.

    The task methods take their main arguments positionally (``classify(model, text)``)
    with ``model`` optional first, so the others default to None and are checked here.

    Example:
        >>> need("hi", "text")
        'hi'
    """
    if value is None:
        raise InvalidArgument(f"{name} is required")
    return value


def decode_json(content: bytes) -> Any:
    """JSON of an answer body.

    Raises:
        ValueError: The body is not JSON.
    """
    try:
        return json.loads(content)
    except ValueError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None


def _keep_bytes(content: bytes) -> bytes:
    return content


def answer_parser(task: str) -> Callable[[bytes], Any]:
    """What turns the 2xx body of ``task`` into its result.

    Binary-answer tasks keep the bytes; JSON tasks decode and parse into the typed
    result; tasks the table does not know decode JSON only.

    Example:
        >>> answer_parser("translation")(b'[{"translation_text": "Hallo Welt"}]')
        TranslationOutput(translation_text='Hallo Welt')
    """
    spec = get_task(task)
    if spec is not None and spec.binary_output:
        return _keep_bytes
    parse = spec.parse if spec is not None else None
    if parse is None:
        return decode_json

    def parse_answer(content: bytes) -> Any:
        return parse(decode_json(content))

    return parse_answer
