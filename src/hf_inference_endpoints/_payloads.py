"""Request bodies and result parsing for chat and text generation (no I/O).

Both twins call these; nothing here touches the network. Generated models are
imported inside the functions so that importing the package stays cheap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._errors import ErrorContext, HfError, ValidationError, error_from_event, error_from_response

if TYPE_CHECKING:
    from .models import (
        ChatCompletion,
        ChatCompletionChunk,
        TextGenerationOutput,
        TextGenerationStreamOutput,
    )

__all__ = [
    "chat_body",
    "is_final_chat_chunk",
    "is_final_generation_event",
    "parse_chat_chunk",
    "parse_chat_completion",
    "parse_text_generation",
    "parse_text_generation_event",
    "raise_if_error_body",
    "text_generation_body",
    "unused_model_kwargs",
]

_MODEL_KWARGS_NOT_USED = re.compile(
    r"The following `model_kwargs` are not used by the model: \[(.*?)\]"
)


def _plain(value: Any) -> Any:
    """Turn models (ours or any pydantic model) into JSON-ready values, dropping None."""
    kind = type(value)  # exact built-in types first: the usual request is dicts of strings
    if kind is str or kind is int or kind is float or kind is bool:
        return value
    if kind is dict:
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if kind is list:
        return [_plain(v) for v in value]
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json", exclude_none=True, by_alias=True)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


_python_validators: dict[str, Callable[..., Any]] = {}


def _python_validator(name: str) -> Callable[..., Any]:
    """``models.<name>.model_validate``, looked up once (see :func:`_json_validator`)."""
    validate = _python_validators.get(name)
    if validate is None:
        from . import models

        validate = getattr(models, name).__pydantic_validator__.validate_python
        _python_validators[name] = validate
    return validate


def _validation_error(what: str, exc: Exception) -> ValidationError:
    errors = getattr(exc, "errors", None)
    details = []
    if callable(errors):
        for err in errors()[:5]:
            loc = ".".join(str(part) for part in err.get("loc", ()))
            details.append(f"{loc}: {err.get('msg')}")
    detail = "; ".join(details) if details else str(exc)
    return ValidationError(f"Invalid {what} (nothing was sent): {detail}")


def chat_body(messages: Sequence[Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a chat request and return its JSON body (without ``model``).

    Args:
        messages: Dicts or ``ChatMessage`` models.
        params: Other request fields (``max_tokens``, ``tools``...); None values are dropped.

    Returns:
        The body, ready to serialise.

    Raises:
        ValidationError: A field has the wrong type (strictly: ``"5"`` is not an int) or
            ``messages`` is empty.
    """
    if isinstance(messages, (str, bytes)) or not messages:
        raise ValidationError(
            "messages must be a non-empty list of messages like {'role': 'user', 'content': '...'}"
        )
    body = {"messages": [_plain(m) for m in messages]}
    body.update({k: _plain(v) for k, v in params.items() if v is not None})
    try:
        _python_validator("ChatCompletionRequest")({"model": "x", **body}, strict=True)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise _validation_error("chat request", exc) from None
    return body


def text_generation_body(prompt: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a TGI generate request and return ``{"inputs", "parameters"}``.

    Raises:
        ValidationError: ``prompt`` is not a string or a parameter has the wrong type.
    """
    if not isinstance(prompt, str):
        raise ValidationError(f"prompt must be a string, got {type(prompt).__name__}")
    parameters = {k: _plain(v) for k, v in params.items() if v is not None}
    body: dict[str, Any] = {"inputs": prompt, "parameters": parameters}
    try:
        _python_validator("TextGenerationRequest")(body, strict=True)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise _validation_error("text-generation request", exc) from None
    return body


def unused_model_kwargs(error: HfError) -> list[str]:
    """Parameter names a non-TGI backend said it does not use (HTTP 400), else []."""
    match = _MODEL_KWARGS_NOT_USED.search(error.server_message or "")
    if not match:
        return []
    return [name.strip().strip("'\"") for name in match.group(1).split(",") if name.strip()]


_validators: dict[str, Callable[[str | bytes], Any]] = {}


def _json_validator(name: str) -> Callable[[str | bytes], Any]:
    """``models.<name>.model_validate_json``, looked up once.

    The hot paths (every chat answer, every stream chunk) call the pydantic-core
    validator directly: a function-level ``from .models import X`` plus the
    ``model_validate_json`` wrapper cost about a microsecond per chunk.
    """
    validate = _validators.get(name)
    if validate is None:
        from . import models

        validate = _validators[name] = getattr(models, name).__pydantic_validator__.validate_json
    return validate


def _parse_json(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None


def parse_chat_completion(content: bytes) -> ChatCompletion:
    """Parse a chat completion body; a 2xx body that is an error object raises it."""
    if b'"error"' in content:
        raise_if_error_body(content)
    result: ChatCompletion = _json_validator("ChatCompletion")(content)
    return result


def raise_if_error_body(content: bytes) -> None:
    """Raise the error a 2xx answer carries instead of a result (``{"error": ...}``, no result).

    Some servers and proxies answer 200 with an error object; taking it for an empty
    result would hide the failure.

    Raises:
        HfError: The mapped error (status from the body's ``code``/``http_status_code``,
            else 500, i.e. ``ServerError``).
    """
    try:
        payload = json.loads(content)
    except ValueError:
        return
    if not isinstance(payload, dict) or payload.get("error") is None:
        return
    if payload.get("choices") or payload.get("generated_text") is not None:
        return
    error = payload["error"]
    status = 500
    if isinstance(error, dict):
        code = error.get("http_status_code", error.get("code"))
        if isinstance(code, int) and 400 <= code <= 599:
            status = code
    raise error_from_response(status, {}, payload)


def parse_chat_chunk(data: str, context: ErrorContext | None = None) -> ChatCompletionChunk:
    """Parse one chat stream event, raising the error it carries if it is an error event."""
    if '"error"' in data:
        _raise_if_error(data, context)
    chunk: ChatCompletionChunk = _json_validator("ChatCompletionChunk")(data)
    return chunk


def is_final_chat_chunk(chunk: ChatCompletionChunk) -> bool:
    """A chunk with a finish reason or usage is the server's last meaningful one."""
    if chunk.usage is not None:
        return True
    for choice in chunk.choices or ():  # noqa: SIM110 (cheaper than any(<genexpr>) per chunk)
        if choice.finish_reason:
            return True
    return False


def parse_text_generation(content: bytes) -> TextGenerationOutput:
    """Parse a TGI generate body; transformers backends answer a one-element list."""
    from .models import TextGenerationOutput

    data = _parse_json(content)
    if isinstance(data, dict) and data.get("error") is not None:
        raise_if_error_body(content)
    if isinstance(data, list):
        if not data:
            raise ValueError("empty list")
        data = data[0]
    return TextGenerationOutput.model_validate(data)


def parse_text_generation_event(
    data: str, context: ErrorContext | None = None
) -> TextGenerationStreamOutput:
    """Parse one TGI stream event, raising the error it carries if it is an error event."""
    if '"error"' in data:
        _raise_if_error(data, context)
    event: TextGenerationStreamOutput = _json_validator("TextGenerationStreamOutput")(data)
    return event


def is_final_generation_event(event: TextGenerationStreamOutput) -> bool:
    """TGI's last event carries ``generated_text`` (and ``details`` when asked)."""
    return event.generated_text is not None or event.details is not None


def _raise_if_error(data: str, context: ErrorContext | None) -> None:
    try:
        payload = json.loads(data)
    except ValueError:
        return
    error = error_from_event(payload, context=context)
    if error is not None:
        raise error
