"""Structured outputs: a pydantic class as chat ``response_format`` (no I/O).

``chat.complete(response_format=MyModel, ...)`` sends the class's JSON schema in the
OpenAI form (``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}``;
provider helpers rewrite it for TGI, cohere... as for any ``json_schema``), and the
answer comes back as a :class:`ParsedChatCompletion` whose messages carry ``parsed``,
an instance of the class validated from the reply's text. A reply that does not
validate raises :class:`StructuredOutputError` with the raw text.

Both twins call these; pydantic is imported with the first generated model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._errors import HfError, InvalidArgument

if TYPE_CHECKING:
    from .models import ChatCompletion

__all__ = [
    "ParsedChatCompletion",
    "ParsedChatCompletionChoice",
    "ParsedChatMessage",
    "StructuredOutputError",
    "apply_response_format",
    "output_model",
    "parse_structured",
    "structured_response_format",
]

T = TypeVar("T")


class StructuredOutputError(HfError):
    """The model's reply does not match the ``response_format`` class.

    Attributes:
        raw: The reply's text, as the model wrote it (``None`` when it sent no text).
        choice_index: Which choice failed.
        errors: pydantic's error list (empty when the text was missing).

    Example:
        >>> err = StructuredOutputError("no match", raw='{"x": 1')
        >>> err.raw
        '{"x": 1'
    """

    def __init__(
        self,
        message: str,
        *,
        raw: str | None = None,
        choice_index: int = 0,
        errors: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.raw = raw
        self.choice_index = choice_index
        self.errors = errors or []


def output_model(response_format: Any) -> type[Any] | None:
    """The pydantic class a ``response_format`` names, or None for a plain dict format.

    Raises:
        InvalidArgument: ``response_format`` is a class that is not a pydantic model, or
            neither a class nor a mapping.
    """
    if response_format is None or isinstance(response_format, Mapping):
        return None
    if isinstance(response_format, type):
        if callable(getattr(response_format, "model_json_schema", None)) and callable(
            getattr(response_format, "model_validate_json", None)
        ):
            return response_format
        raise InvalidArgument(
            f"response_format={response_format.__name__} is not a pydantic model class "
            "(give a BaseModel subclass, or a dict like {'type': 'json_object'})"
        )
    if hasattr(response_format, "model_dump"):  # a ResponseFormat* request model
        return None
    raise InvalidArgument(
        "response_format must be a pydantic model class or a dict like "
        f"{{'type': 'json_schema', 'json_schema': {{...}}}}, got {type(response_format).__name__}"
    )


def apply_response_format(params: dict[str, Any]) -> type[Any] | None:
    """Turn a pydantic class given as ``params["response_format"]`` into its wire form.

    Returns:
        The class (to validate the reply with), or None for a dict format (unchanged).

    Raises:
        InvalidArgument: ``response_format`` is neither a dict nor a pydantic class.
    """
    model = output_model(params["response_format"])
    if model is not None:
        params["response_format"] = structured_response_format(model)
    return model


def _close_objects(schema: Any) -> None:
    """Add ``additionalProperties: false`` to every object schema (strict mode needs it)."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            _close_objects(value)
    elif isinstance(schema, list):
        for value in schema:
            _close_objects(value)


def structured_response_format(model: type[Any], *, strict: bool = True) -> dict[str, Any]:
    """The OpenAI ``json_schema`` response format for a pydantic class.

    Args:
        model: A pydantic ``BaseModel`` subclass.
        strict: Ask for strict schema adherence (providers that take only the schema,
            TGI, cohere, fireworks, together, drop the flag when they rewrite it).

    Returns:
        ``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}``.

    Example:
        >>> from pydantic import BaseModel
        >>> class City(BaseModel):
        ...     name: str
        >>> fmt = structured_response_format(City)
        >>> fmt["json_schema"]["name"], fmt["json_schema"]["schema"]["required"]
        ('City', ['name'])
    """
    schema = model.model_json_schema()
    _close_objects(schema)
    spec: dict[str, Any] = {"name": model.__name__, "schema": schema, "strict": strict}
    doc = schema.get("description")
    if isinstance(doc, str) and doc:
        spec["description"] = doc
    return {"type": "json_schema", "json_schema": spec}


def _parsed_classes() -> tuple[type[Any], type[Any], type[Any]]:
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _define_classes()
    return _CLASSES


_CLASSES: tuple[type[Any], type[Any], type[Any]] | None = None


def _define_classes() -> tuple[type[Any], type[Any], type[Any]]:
    from pydantic import Field

    from .models import ChatCompletion, ChatCompletionChoice, ChatMessage

    class _ParsedChatMessage(ChatMessage, Generic[T]):
        parsed: T | None = Field(default=None, exclude=True)

    class _ParsedChatCompletionChoice(ChatCompletionChoice, Generic[T]):
        message: _ParsedChatMessage[T] | None = None

    class _ParsedChatCompletion(ChatCompletion, Generic[T]):
        choices: list[_ParsedChatCompletionChoice[T]] = []  # type: ignore[assignment]

    for cls, name in (
        (_ParsedChatMessage, "ParsedChatMessage"),
        (_ParsedChatCompletionChoice, "ParsedChatCompletionChoice"),
        (_ParsedChatCompletion, "ParsedChatCompletion"),
    ):
        cls.__name__ = cls.__qualname__ = name
    return _ParsedChatMessage, _ParsedChatCompletionChoice, _ParsedChatCompletion


if TYPE_CHECKING:
    from .models import ChatCompletionChoice, ChatMessage

    class ParsedChatMessage(ChatMessage, Generic[T]):
        """A chat message with ``parsed``: the reply validated as the requested class."""

        parsed: T | None

    class ParsedChatCompletionChoice(ChatCompletionChoice, Generic[T]):
        """A choice whose message carries ``parsed``."""

        message: ParsedChatMessage[T] | None

    class ParsedChatCompletion(ChatCompletion, Generic[T]):
        """A chat completion whose messages carry ``parsed`` (see ``response_format``)."""

        choices: list[ParsedChatCompletionChoice[T]]  # type: ignore[assignment]

else:

    def __getattr__(name: str) -> Any:
        names = ("ParsedChatMessage", "ParsedChatCompletionChoice", "ParsedChatCompletion")
        if name in names:
            return _parsed_classes()[names.index(name)]
        raise AttributeError(name)


def _rebuild(cls: type[Any], instance: Any, **updates: Any) -> Any:
    """``instance``'s fields (and kept unknown keys) as a ``cls``, without re-validating."""
    values = {**instance.__dict__, **(instance.__pydantic_extra__ or {}), **updates}
    fields = set(instance.model_fields_set) | set(updates)
    return cls.model_construct(_fields_set=fields, **values)


def parse_structured(completion: ChatCompletion, model: type[T]) -> ParsedChatCompletion[T]:
    """The completion with each message's ``parsed`` validated as ``model``.

    A choice without text (a tool call) gets ``parsed=None``.

    Raises:
        StructuredOutputError: A choice's text does not validate (``raw`` holds it).
    """
    message_cls, choice_cls, completion_cls = _parsed_classes()
    choices = []
    for position, choice in enumerate(completion.choices):
        message = choice.message
        parsed = None
        if message is not None:
            content = message.content
            if isinstance(content, str):
                parsed = _validate(model, content, choice, position, completion)
            elif not message.tool_calls:
                raise _error(
                    f"The reply has no text to read as {model.__name__}", None, choice, position
                )
            message = _rebuild(message_cls, message, parsed=parsed)
        choices.append(_rebuild(choice_cls, choice, message=message))
    result: ParsedChatCompletion[T] = _rebuild(completion_cls, completion, choices=choices)
    result._response_meta = completion._response_meta
    return result


def _validate(model: type[T], text: str, choice: Any, position: int, completion: Any) -> T:
    try:
        value: T = model.model_validate_json(text)  # type: ignore[attr-defined]
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        errors = exc.errors() if callable(getattr(exc, "errors", None)) else []  # type: ignore[attr-defined]
        reason = choice.finish_reason
        hint = " (the reply was cut off: finish_reason=length)" if reason == "length" else ""
        meta = completion._response_meta
        raise _error(
            f"The reply does not match {model.__name__}{hint}: {_summary(errors, exc)}",
            text,
            choice,
            position,
            errors=errors,
            request_id=None if meta is None else meta.request_id,
            provider=None if meta is None else meta.provider,
        ) from None
    return value


def _summary(errors: list[Any], exc: Exception) -> str:
    if not errors:
        return str(exc)
    parts = []
    for err in errors[:3]:
        loc = ".".join(str(p) for p in err.get("loc", ())) or "(root)"
        parts.append(f"{loc}: {err.get('msg')}")
    return "; ".join(parts)


def _error(
    message: str, raw: str | None, choice: Any, position: int, **kwargs: Any
) -> StructuredOutputError:
    index = choice.index if isinstance(choice.index, int) else position
    return StructuredOutputError(message, raw=raw, choice_index=index, **kwargs)
