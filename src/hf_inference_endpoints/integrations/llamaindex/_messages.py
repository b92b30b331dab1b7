"""LlamaIndex messages <-> OpenAI chat-completion JSON (no I/O).

Tool calls travel the way LlamaIndex's OpenAI-style integrations carry them: an
assistant message's ``additional_kwargs["tool_calls"]`` (OpenAI JSON), a tool result's
``additional_kwargs["tool_call_id"]``.
"""

from __future__ import annotations

import json
from typing import Any

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.core.llms.llm import ToolSelection

__all__ = ["ToolCallAccumulator", "chat_response", "to_wire_message", "tool_selections"]


def to_wire_message(message: ChatMessage) -> dict[str, Any]:
    """One LlamaIndex message as a chat ``messages`` entry (text content).

    ``additional_kwargs`` may carry ``tool_calls`` (assistant), ``tool_call_id`` and
    ``name`` (tool results), which are sent along.

    Example:
        >>> to_wire_message(ChatMessage(role="user", content="hi"))
        {'role': 'user', 'content': 'hi'}
    """
    out: dict[str, Any] = {
        "role": MessageRole(message.role).value,
        "content": message.content or "",
    }
    for key in ("tool_calls", "tool_call_id", "name"):
        if message.additional_kwargs.get(key) is not None:
            out[key] = message.additional_kwargs[key]
    return out


def chat_response(completion: Any) -> ChatResponse:
    """A LlamaIndex ``ChatResponse`` from a ``ChatCompletion`` (first choice)."""
    choice = completion.choices[0]
    message = choice.message
    extra: dict[str, Any] = {}
    if message.tool_calls:
        extra["tool_calls"] = [call.model_dump(exclude_none=True) for call in message.tool_calls]
    content = message.content if isinstance(message.content, str) else ""
    usage = completion.usage
    meta = completion.response_meta
    return ChatResponse(
        message=ChatMessage(role=MessageRole.ASSISTANT, content=content, additional_kwargs=extra),
        raw=completion.model_dump(),
        additional_kwargs={
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "total_tokens": usage.total_tokens if usage else None,
            "finish_reason": choice.finish_reason,
            "model": completion.model,
            "provider": meta.provider if meta is not None else None,
            "request_id": meta.request_id if meta is not None else None,
        },
    )


class ToolCallAccumulator:
    """Joins streamed tool-call fragments (by ``index``) into whole OpenAI tool calls.

    Example:
        >>> acc = ToolCallAccumulator()
        >>> acc.add([{"index": 0, "id": "c1", "function": {"name": "f", "arguments": '{"a"'}}])
        >>> acc.add([{"index": 0, "function": {"arguments": ": 1}"}}])
        >>> acc.calls()
        [{'id': 'c1', 'type': 'function', 'function': {'name': 'f', 'arguments': '{"a": 1}'}}]
    """

    def __init__(self) -> None:
        self._calls: dict[int, dict[str, Any]] = {}

    def add(self, fragments: list[dict[str, Any]]) -> None:
        for fragment in fragments:
            index = fragment.get("index") or 0
            call = self._calls.setdefault(
                index, {"id": None, "type": "function", "function": {"name": None, "arguments": ""}}
            )
            if fragment.get("id") is not None:
                call["id"] = str(fragment["id"])
            function = fragment.get("function") or {}
            if function.get("name"):
                call["function"]["name"] = function["name"]
            arguments = function.get("arguments")
            if arguments is not None:
                call["function"]["arguments"] += (
                    arguments if isinstance(arguments, str) else json.dumps(arguments)
                )

    def calls(self) -> list[dict[str, Any]]:
        """The tool calls so far, in index order (copies)."""
        return [
            {**call, "function": dict(call["function"])} for _, call in sorted(self._calls.items())
        ]


def tool_selections(message: ChatMessage) -> list[ToolSelection]:
    """The tool calls of an assistant message as LlamaIndex ``ToolSelection``s.

    Arguments that are not a JSON object become ``{}`` (the tool then reports what is
    missing), as LlamaIndex's own integrations do.
    """
    selections = []
    for call in message.additional_kwargs.get("tool_calls") or []:
        function = call.get("function") or {}
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except ValueError:
                arguments = {}
        selections.append(
            ToolSelection(
                tool_id=str(call.get("id") or ""),
                tool_name=str(function.get("name") or ""),
                tool_kwargs=arguments if isinstance(arguments, dict) else {},
            )
        )
    return selections
