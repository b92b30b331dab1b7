"""Fold the items of a stream into the whole answer (no I/O).

A stream folds each item it hands out (``ChatFold.add``, ``GenerationFold.add``), so
that ``stream.final()`` can build the whole answer after a partial iteration too: chat
chunks become one ``ChatCompletion`` (content and reasoning concatenated, tool calls
merged by index with their arguments concatenated, finish reason, logprobs, usage); TGI
stream events become one ``TextGenerationOutput``. A fold keeps the pieces (strings,
token objects), never the items themselves: a stream of thousands of chunks keeps no
thousands of models alive, and memory freed by one chunk serves the next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._meta import ResponseMeta
    from .models import (
        ChatCompletion,
        ChatCompletionChunk,
        TextGenerationOutput,
        TextGenerationStreamOutput,
    )

__all__ = ["ChatFold", "GenerationFold"]


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


#: The head fields of a completion, taken from the first chunk that has each.
_HEAD = ("id", "model", "created", "system_fingerprint")


class ChatFold:
    """A chat stream's chunks, folded one by one into the completion they make.

    Args:
        model: A ``response_format`` class: :meth:`result` parses the reply into it.

    Example:
        >>> from hf_inference_endpoints.models import ChatCompletionChunk as C
        >>> fold = ChatFold()
        >>> for word in ("Hel", "lo"):
        ...     fold.add(C.model_validate({"id": "x", "choices": [{"index": 0, "delta": {"content": word}}]}))
        >>> fold.completion().choices[0].message.content
        'Hello'
    """

    __slots__ = ("_choices", "_head", "_missing", "_model", "_usage")

    def __init__(self, model: type[Any] | None = None) -> None:
        self._model = model
        self._head: dict[str, Any] = {}
        self._missing = list(_HEAD)  # head fields no chunk has given yet
        self._choices: dict[int, _Choice] = {}
        self._usage: Any = None

    def add(self, chunk: ChatCompletionChunk) -> None:
        """Fold in the next chunk."""
        missing = self._missing
        if missing:
            for name in tuple(missing):
                value = getattr(chunk, name)
                if value is not None:
                    self._head[name] = value
                    missing.remove(name)
        usage = chunk.usage
        if usage is not None:
            self._usage = usage
        choices = chunk.choices
        if choices:
            folded = self._choices
            for position, choice in enumerate(choices):
                index = choice.index if choice.index is not None else position
                state = folded.get(index)
                if state is None:
                    state = folded[index] = _Choice()
                state.add(choice)

    def completion(self) -> ChatCompletion:
        """The completion the chunks folded so far make.

        Returns:
            ``object`` ``chat.completion``, the stream's id, model, created and fingerprint
            (first seen), one choice per index, the last usage sent.
        """
        from ._generation import _python_validator

        body: dict[str, Any] = {
            "object": "chat.completion",
            **self._head,
            "choices": [state.to_json(index) for index, state in sorted(self._choices.items())],
            "usage": None if self._usage is None else self._usage.model_dump(),
        }
        completion: ChatCompletion = _python_validator("ChatCompletion")(body)
        return completion

    def result(self, meta: ResponseMeta) -> ChatCompletion:
        """``stream.final()``: the completion with ``meta``, parsed when a model was given.

        Raises:
            StructuredOutputError: A model was given and the reply does not validate.
        """
        completion = self.completion()
        completion._response_meta = meta
        if self._model is None:
            return completion
        from ._structured import parse_structured

        return parse_structured(completion, self._model)


class GenerationFold:
    """A TGI stream's events, folded one by one into the ``TextGenerationOutput``.

    The last event carries ``generated_text`` (and ``details`` when asked); its details
    gain the stream's tokens. Without such an event the tokens' text is joined.

    Example:
        >>> from hf_inference_endpoints.models import TextGenerationStreamOutput as E
        >>> fold = GenerationFold()
        >>> fold.add(E.model_validate({"index": 1, "token": {"id": 1, "text": "Hi"}}))
        >>> fold.add(E.model_validate({"index": 2, "token": {"id": 2, "text": "!"},
        ...                            "generated_text": "Hi!"}))
        >>> fold.output().generated_text
        'Hi!'
    """

    __slots__ = ("_details", "_text", "_tokens")

    def __init__(self) -> None:
        self._text: str | None = None
        self._details: Any = None
        self._tokens: list[Any] = []  # the events' token models, dumped once at the end

    def add(self, event: TextGenerationStreamOutput) -> None:
        """Fold in the next event."""
        if event.token is not None:
            self._tokens.append(event.token)
        if event.generated_text is not None:
            self._text = event.generated_text
        if event.details is not None:
            self._details = event.details

    def output(self) -> TextGenerationOutput:
        """The output the events folded so far make."""
        from .models import TextGenerationOutput

        tokens = [token.model_dump(exclude_none=True) for token in self._tokens]
        text = self._text
        if text is None:
            text = "".join(t.get("text", "") for t in tokens if not t.get("special"))
        body: dict[str, Any] = {"generated_text": text}
        if self._details is not None:
            body["details"] = {**self._details.model_dump(exclude_none=True), "tokens": tokens}
        return TextGenerationOutput.model_validate(body)

    def result(self, meta: ResponseMeta) -> TextGenerationOutput:
        """``stream.final()``: the output, with ``meta``."""
        output = self.output()
        output._response_meta = meta
        return output
