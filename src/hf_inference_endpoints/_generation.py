"""Request bodies and result parsing for chat and text generation (no I/O).

Both twins call these; nothing here touches the network. Generated models are
imported inside the functions so that importing the package stays cheap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from ._errors import (
    ErrorContext,
    HfError,
    InvalidArgument,
    ValidationError,
    error_from_event,
    error_from_response,
)
from ._sse import SkipEvent

if TYPE_CHECKING:
    from .models import (
        ChatCompletion,
        ChatCompletionChunk,
        TextGenerationOutput,
        TextGenerationStreamOutput,
    )

__all__ = [
    "CompletionStreamParser",
    "chat_body",
    "details_asked",
    "is_final_chat_chunk",
    "is_final_generation_event",
    "parse_chat_chunk",
    "parse_chat_completion",
    "parse_text_generation",
    "parse_text_generation_event",
    "raise_if_error_body",
    "text_generation_body",
    "text_generation_from_value",
    "text_generation_stream_parser",
    "tgi_finish_reason",
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
    return InvalidArgument(f"Invalid {what} (nothing was sent): {detail}")


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
        raise InvalidArgument(
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
        raise InvalidArgument(f"prompt must be a string, got {type(prompt).__name__}")
    parameters = {k: _plain(v) for k, v in params.items() if v is not None}
    body: dict[str, Any] = {"inputs": prompt, "parameters": parameters}
    try:
        _python_validator("TextGenerationRequest")(body, strict=True)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise _validation_error("text-generation request", exc) from None
    return body


def details_asked(body: Mapping[str, Any], extra_body: Mapping[str, Any] | None) -> bool:
    """Whether a text-generation call asks for ``details``, read from what is sent.

    ``extra_body`` is merged over the body (it wins over ours), so its top-level
    ``details`` decides when present, then a ``parameters`` it replaces ours with, then
    the body's ``parameters.details`` (the ``details=`` keyword).

    Args:
        body: The TGI body (``{"inputs", "parameters"}``) from :func:`text_generation_body`.
        extra_body: The call's ``extra_body``.

    Returns:
        True when ``details`` is asked for (truthy).

    Example:
        >>> details_asked({"inputs": "x", "parameters": {}}, {"details": True})
        True
        >>> details_asked({"inputs": "x", "parameters": {"details": True}}, None)
        True
    """
    sent = {**body, **extra_body} if extra_body else body
    if "details" in sent:
        return bool(sent["details"])
    parameters = sent.get("parameters")
    return isinstance(parameters, Mapping) and bool(parameters.get("details"))


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


def text_generation_from_value(value: Any, *, details: bool = False) -> TextGenerationOutput:
    """A text-generation answer a provider helper rewrote into TGI's shape, as TGI's output.

    TGI servers (hf-inference, endpoints, URLs) answer TGI's shape, read straight from
    the body by :func:`parse_text_generation`; any other provider's answer is turned into
    ``{"generated_text", "details"}`` by its helper's ``parse_response`` (completions:
    ``choices[0].text``) and read here, ``details`` kept only when the caller asked, as
    TGI (``_answers.answer_reader`` picks which).

    Args:
        value: The helper's value.
        details: The caller asked for ``details`` (see :func:`details_asked`).

    Example:
        >>> text_generation_from_value({"generated_text": "hi", "details": None}).generated_text
        'hi'
    """
    from .models import TextGenerationOutput

    if not details and isinstance(value, dict) and "details" in value:
        value = {k: v for k, v in value.items() if k != "details"}  # TGI: only when asked
    return TextGenerationOutput.model_validate(value)


def text_generation_stream_parser(
    stream_format: str, context: ErrorContext | None = None, *, details: bool = False
) -> tuple[Callable[[str], TextGenerationStreamOutput], bool]:
    """The event parser of a text-generation stream, and whether it ends with ``[DONE]``.

    Args:
        stream_format: The provider helper's ``stream_format("text-generation")``.
        context: Where the request went (named in errors).
        details: The caller asked for ``details`` (TGI sends them on the last event
            only then; a completions parser gives them only then too).

    Returns:
        ``(parse, needs_done)``: TGI events (no ``[DONE]``) by default; for
        ``"openai-completions"`` a fresh :class:`CompletionStreamParser` (it keeps the
        text so far, so one per stream) and ``needs_done=True``.

    Example:
        >>> parse, needs_done = text_generation_stream_parser("openai-completions")
        >>> parse('{"choices":[{"index":0,"text":"Hi","finish_reason":"stop"}]}').generated_text
        'Hi'
    """
    if stream_format == "openai-completions":
        return CompletionStreamParser(context, details=details), True
    return partial(parse_text_generation_event, context=context), False


#: OpenAI finish reasons in TGI's words. OpenAI's ``stop`` also covers a stop sequence,
#: which TGI would call ``stop_sequence``; the chunks do not say which one it was.
_TGI_FINISH_REASONS = {"stop": "eos_token", "length": "length"}


def tgi_finish_reason(reason: Any) -> Any:
    """TGI's name for an OpenAI finish reason (``stop`` -> ``eos_token``); others as given.

    Example:
        >>> tgi_finish_reason("stop"), tgi_finish_reason("length"), tgi_finish_reason("content_filter")
        ('eos_token', 'length', 'content_filter')
    """
    if type(reason) is str:
        return _TGI_FINISH_REASONS.get(reason, reason)
    return reason


def _chunk_logprob(logprobs: Any) -> float | None:
    """The log-probability of a completion chunk's text (summed when it holds several tokens)."""
    if isinstance(logprobs, dict):
        values = logprobs.get("token_logprobs")
    elif isinstance(logprobs, (int, float)) and not isinstance(logprobs, bool):
        return float(logprobs)
    else:
        return None
    if not isinstance(values, list) or not values:
        return None
    if len(values) == 1:
        value = values[0]
        return float(value) if isinstance(value, (int, float)) else None
    if all(isinstance(v, (int, float)) for v in values):
        return float(sum(values))
    return None


class CompletionStreamParser:
    """Reads an OpenAI completions stream as TGI stream items; one parser per stream.

    Each chunk ``{"choices": [{"index": 0, "text", "finish_reason", "logprobs"?,
    "seed"?}], "usage"?}`` becomes a ``TextGenerationStreamOutput`` like TGI's: ``index``
    counts the items from 1, ``token`` is ``{id: 0, text, logprob, special: false}``
    (``logprob`` from ``logprobs.token_logprobs``, summed when a chunk holds several
    tokens). The chunk with a finish reason is the last item: it also carries
    ``generated_text`` (all the text) and, when the caller asked for ``details`` (as
    TGI does), ``details`` (``finish_reason`` in TGI's words,
    ``generated_tokens``/``input_length`` from ``usage`` and ``seed`` when sent).

    A stream that sends ``[DONE]`` without any finish reason still ends with an item
    carrying ``generated_text``: the stream asks :meth:`at_done` for it (an item with an
    empty token and, when asked, ``details`` whose ``finish_reason`` is None).

    Chunks without a choice 0 (e.g. the usage-only chunk ``stream_options`` asks for)
    give no item (their ``usage`` is kept for :meth:`at_done`). An error event raises
    its error; a chunk without ``choices`` or with a non-text ``text`` is malformed
    (``ValueError``).

    Per chunk: one JSON parse (pydantic-core, about 3x faster than ``json.loads``) and
    one pydantic-core validation of the small item dict, no model construction in Python.
    """

    __slots__ = (
        "_context",
        "_details",
        "_ended",
        "_index",
        "_loads",
        "_parts",
        "_usage",
        "_validate",
    )

    def __init__(self, context: ErrorContext | None = None, *, details: bool = False) -> None:
        from pydantic_core import from_json  # imported with pydantic, on first use

        self._context = context
        self._details = details  # the caller asked for details (TGI's `details: true`)
        self._loads = from_json
        self._validate = _python_validator("TextGenerationStreamOutput")
        self._parts: list[str] = []  # the text so far
        self._index = 0
        self._ended = False  # an item with generated_text was given
        self._usage: Any = None  # from a chunk without choices, for at_done

    def __call__(self, data: str) -> TextGenerationStreamOutput:
        """Parse one event's data.

        Raises:
            HfError: The event is an error event.
            SkipEvent: The chunk has no choice 0.
            ValueError: The chunk is not a completion chunk.
        """
        if '"error"' in data:
            _raise_if_error(data, self._context)
        chunk = self._loads(data)
        try:
            choices = chunk["choices"]
        except (KeyError, TypeError):
            raise ValueError("a completion chunk needs a list of choices") from None
        if not choices:
            if chunk.get("usage") is not None:  # a dict: chunk["choices"] was found
                self._usage = chunk["usage"]
            raise SkipEvent
        choice = choices[0] if type(choices) is list else None
        if type(choice) is not dict:
            raise ValueError("a completion chunk needs a list of choices")
        if choice.get("index", 0) != 0:
            raise SkipEvent
        text = choice.get("text")
        if type(text) is not str:
            if text is not None:
                raise ValueError(f"choices[0].text is {type(text).__name__}, not a string")
            text = ""
        self._parts.append(text)
        self._index += 1
        logprobs = choice.get("logprobs")
        token = {
            "id": 0,
            "text": text,
            "logprob": None if logprobs is None else _chunk_logprob(logprobs),
            "special": False,
        }
        reason = choice.get("finish_reason")
        if not reason:
            item: TextGenerationStreamOutput = self._validate(
                {"index": self._index, "token": token}
            )
            return item
        return self._last(token, reason, chunk.get("usage"), choice.get("seed"))

    def at_done(self) -> TextGenerationStreamOutput | None:
        """The last item when ``[DONE]`` came without any finish reason, else None.

        It carries ``generated_text`` (all the text so far) and an empty token (``id``
        0, ``text`` ""), so the stream keeps TGI's contract that its last item holds
        the whole text; ``details`` (when asked) has no ``finish_reason``.

        Example:
            >>> parse = CompletionStreamParser()
            >>> parse('{"choices":[{"index":0,"text":"Hi","finish_reason":null}]}').generated_text
            >>> parse.at_done().generated_text
            'Hi'
        """
        if self._ended:
            return None
        self._index += 1
        token = {"id": 0, "text": "", "logprob": None, "special": False}
        return self._last(token, None, self._usage, None)

    def _last(
        self, token: dict[str, Any], reason: Any, usage: Any, seed: Any
    ) -> TextGenerationStreamOutput:
        """The final item: ``generated_text``, and ``details`` when the caller asked."""
        self._ended = True
        fields: dict[str, Any] = {
            "index": self._index,
            "token": token,
            "generated_text": "".join(self._parts),
        }
        if self._details:
            if not isinstance(usage, dict):
                usage = {}
            fields["details"] = {
                "finish_reason": tgi_finish_reason(reason),
                "generated_tokens": usage.get("completion_tokens"),
                "input_length": usage.get("prompt_tokens"),
                "seed": seed,
            }
        item: TextGenerationStreamOutput = self._validate(fields)
        return item


def _raise_if_error(data: str, context: ErrorContext | None) -> None:
    try:
        payload = json.loads(data)
    except ValueError:
        return
    error = error_from_event(payload, context=context)
    if error is not None:
        raise error
