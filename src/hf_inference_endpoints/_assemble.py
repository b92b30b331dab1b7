"""Fold the items of a stream into the whole answer (no I/O).

``stream.final()`` hands the items it kept to these: chat chunks become one
``ChatCompletion`` (content and reasoning concatenated, tool calls merged by index with
their arguments concatenated, finish reason, logprobs, usage); TGI stream events become
one ``TextGenerationOutput``. The work happens once, at the end: iterating a stream
does nothing more than keep the items it already parsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._meta import ResponseMeta
    from .models import (
        ChatCompletion,
        ChatCompletionChunk,
        TextGenerationOutput,
        TextGenerationStreamOutput,
    )

__all__ = ["assemble_chat", "assemble_generation", "final_chat", "final_generation"]


class _Choice:
    __slots__ = ("content", "finish", "logprobs", "reasoning", "role", "tools")

    def __init__(self) -> None:
        self.role: str | None = None
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.tools: dict[int, dict[str, Any]] = {}
        self.finish: str | None = None
        self.logprobs: list[Any] | None = None

    def add(self, choice: Any) -> None:
        if choice.finish_reason:
            self.finish = choice.finish_reason
        if choice.logprobs is not None and choice.logprobs.content:
            if self.logprobs is None:
                self.logprobs = []
            self.logprobs.extend(t.model_dump(exclude_none=True) for t in choice.logprobs.content)
        delta = choice.delta
        if delta is None:
            return
        if delta.role and self.role is None:
            self.role = delta.role
        if delta.content:
            self.content.append(delta.content)
        if delta.reasoning_content:
            self.reasoning.append(delta.reasoning_content)
        for position, call in enumerate(delta.tool_calls or ()):
            index = call.index if call.index is not None else position
            merged = self.tools.get(index)
            if merged is None:
                merged = self.tools[index] = {"id": None, "type": None, "name": None, "args": []}
            if call.id not in (None, "") and merged["id"] is None:
                merged["id"] = call.id
            if call.type and merged["type"] is None:
                merged["type"] = call.type
            function = call.function
            if function is not None:
                if function.name and merged["name"] is None:
                    merged["name"] = function.name
                if function.arguments:
                    merged["args"].append(function.arguments)

    def to_json(self, index: int) -> dict[str, Any]:
        message: dict[str, Any] = {
            "role": self.role or "assistant",
            "content": "".join(self.content) if self.content or not self.tools else None,
        }
        if self.reasoning:
            message["reasoning_content"] = "".join(self.reasoning)
        if self.tools:
            message["tool_calls"] = [
                {
                    "id": call["id"],
                    "type": call["type"] or "function",
                    "function": {"name": call["name"], "arguments": "".join(call["args"])},
                }
                for _, call in sorted(self.tools.items())
            ]
        return {
            "index": index,
            "message": message,
            "finish_reason": self.finish,
            "logprobs": None if self.logprobs is None else {"content": self.logprobs},
        }


def assemble_chat(chunks: Iterable[ChatCompletionChunk]) -> ChatCompletion:
    """One ``ChatCompletion`` from the chunks of a chat stream.

    Args:
        chunks: Every chunk of the stream, in order.

    Returns:
        The completion: ``object`` ``chat.completion``, the stream's id, model, created
        and fingerprint (first seen), one choice per index, the last usage sent.

    Example:
        >>> from hf_inference_endpoints.models import ChatCompletionChunk as C
        >>> chunks = [C.model_validate({"id": "x", "choices": [{"index": 0, "delta": {"content": w}}]})
        ...           for w in ("Hel", "lo")]
        >>> assemble_chat(chunks).choices[0].message.content
        'Hello'
    """
    from ._generation import _python_validator

    head: dict[str, Any] = {}
    choices: dict[int, _Choice] = {}
    usage: Any = None
    for chunk in chunks:
        for name in ("id", "model", "created", "system_fingerprint"):
            if name not in head:
                value = getattr(chunk, name)
                if value is not None:
                    head[name] = value
        if chunk.usage is not None:
            usage = chunk.usage
        for position, choice in enumerate(chunk.choices or ()):
            index = choice.index if choice.index is not None else position
            state = choices.get(index)
            if state is None:
                state = choices[index] = _Choice()
            state.add(choice)
    body: dict[str, Any] = {
        "object": "chat.completion",
        **head,
        "choices": [state.to_json(index) for index, state in sorted(choices.items())],
        "usage": None if usage is None else usage.model_dump(),
    }
    completion: ChatCompletion = _python_validator("ChatCompletion")(body)
    return completion


def assemble_generation(events: Iterable[TextGenerationStreamOutput]) -> TextGenerationOutput:
    """One ``TextGenerationOutput`` from the events of a TGI stream.

    The last event carries ``generated_text`` (and ``details`` when asked); its details
    gain the stream's tokens. Without such an event the tokens' text is joined.

    Example:
        >>> from hf_inference_endpoints.models import TextGenerationStreamOutput as E
        >>> events = [E.model_validate({"index": 1, "token": {"id": 1, "text": "Hi"}}),
        ...           E.model_validate({"index": 2, "token": {"id": 2, "text": "!"},
        ...                             "generated_text": "Hi!"})]
        >>> assemble_generation(events).generated_text
        'Hi!'
    """
    from .models import TextGenerationOutput

    text: str | None = None
    details: Any = None
    tokens: list[dict[str, Any]] = []
    for event in events:
        if event.token is not None:
            tokens.append(event.token.model_dump(exclude_none=True))
        if event.generated_text is not None:
            text = event.generated_text
        if event.details is not None:
            details = event.details
    if text is None:
        text = "".join(t.get("text", "") for t in tokens if not t.get("special"))
    body: dict[str, Any] = {"generated_text": text}
    if details is not None:
        body["details"] = {**details.model_dump(exclude_none=True), "tokens": tokens}
    return TextGenerationOutput.model_validate(body)


def final_chat(
    model: type[Any] | None, chunks: list[ChatCompletionChunk], meta: ResponseMeta
) -> ChatCompletion:
    """``stream.final()`` of a chat stream: the completion, parsed when ``model`` is set.

    Raises:
        StructuredOutputError: ``model`` is set and the reply does not validate.
    """
    completion = assemble_chat(chunks)
    completion._response_meta = meta
    if model is None:
        return completion
    from ._structured import parse_structured

    return parse_structured(completion, model)


def final_generation(
    events: list[TextGenerationStreamOutput], meta: ResponseMeta
) -> TextGenerationOutput:
    """``stream.final()`` of a TGI text-generation stream."""
    output = assemble_generation(events)
    output._response_meta = meta
    return output
