"""LangChain messages <-> OpenAI chat-completion JSON (no I/O).

What goes out: :func:`to_wire_messages` (LangChain messages to the chat ``messages``
list, tool calls and tool results included) and :func:`tool_choice_to_wire`. What
comes back: :func:`message_from_completion` (a whole answer) and
:func:`chunk_from_stream_chunk` (one streamed chunk).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    InvalidToolCall,
    ToolCall,
    UsageMetadata,
    convert_to_openai_messages,
)
from langchain_core.messages.tool import tool_call, tool_call_chunk
from langchain_core.output_parsers.openai_tools import make_invalid_tool_call, parse_tool_call

if TYPE_CHECKING:
    from ...models import ChatCompletion, ChatCompletionChunk, Usage
    from ...models.chat_completion import ChatMessage
    from ...models.chat_completion import ToolCall as WireToolCall

__all__ = [
    "chunk_from_stream_chunk",
    "message_from_completion",
    "to_wire_messages",
    "tool_choice_to_wire",
    "usage_metadata",
]


def to_wire_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """The ``messages`` of a chat request, from LangChain messages.

    Tool calls of an ``AIMessage`` become ``tool_calls`` (``arguments`` JSON-encoded),
    a ``ToolMessage`` becomes a ``tool`` message, list content keeps its text and
    image parts; Anthropic-style ``tool_use`` blocks are folded into ``tool_calls`` and
    an assistant's ``thinking`` blocks are left out.

    Example:
        >>> from langchain_core.messages import HumanMessage
        >>> to_wire_messages([HumanMessage("hi")])
        [{'role': 'user', 'content': 'hi'}]
    """
    converted = convert_to_openai_messages(list(messages), text_format="string")
    return [_drop_empty(m) for m in converted]


#: Content blocks of another model's reasoning (Anthropic ``thinking``...): not sent back.
_REASONING_BLOCKS = frozenset({"thinking", "redacted_thinking", "reasoning"})


def _drop_empty(message: dict[str, Any]) -> dict[str, Any]:
    content = message.get("content")
    if message.get("role") == "assistant" and isinstance(content, list):
        # A history from a reasoning model (e.g. Anthropic's) carries its thinking blocks;
        # the chat API takes none, and what is left is plain text.
        kept = [
            p for p in content if not (isinstance(p, dict) and p.get("type") in _REASONING_BLOCKS)
        ]
        if all(isinstance(p, dict) and p.get("type") == "text" for p in kept):
            content = "".join(str(p.get("text", "")) for p in kept)
        else:
            content = kept
        message = {**message, "content": content}
    # An assistant turn that only calls tools has content "" or []: servers want a
    # string there, and some reject an empty list.
    if message.get("role") == "assistant" and message.get("tool_calls") and not content:
        return {**message, "content": ""}
    return message


def tool_choice_to_wire(choice: Any) -> Any:
    """LangChain's ``tool_choice`` as the chat API spells it.

    ``"any"`` / ``True`` force some tool (``"required"``); ``"auto"``, ``"none"``,
    ``"required"`` and dicts go as they are; any other string names the tool to call.

    Example:
        >>> tool_choice_to_wire("any"), tool_choice_to_wire("get_weather")
        ('required', {'type': 'function', 'function': {'name': 'get_weather'}})
    """
    if choice is None or isinstance(choice, Mapping):
        return choice
    if choice is True or choice == "any":
        return "required"
    if choice is False:
        return "none"
    if choice in ("auto", "none", "required"):
        return choice
    if isinstance(choice, str):
        return {"type": "function", "function": {"name": choice}}
    raise ValueError(
        f"tool_choice must be a tool name, 'auto', 'any', 'none' or a dict, got {choice!r}"
    )


def usage_metadata(usage: Usage | None) -> UsageMetadata | None:
    """LangChain's token counts from the answer's ``usage`` (None when the server sent none)."""
    if usage is None or (usage.prompt_tokens is None and usage.completion_tokens is None):
        return None
    prompt = usage.prompt_tokens or 0
    completion = usage.completion_tokens or 0
    total = usage.total_tokens if usage.total_tokens is not None else prompt + completion
    return cast(
        "UsageMetadata",
        {"input_tokens": prompt, "output_tokens": completion, "total_tokens": total},
    )


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: keep the text ones
        return "".join(getattr(part, "text", None) or "" for part in content)
    return ""


def _raw_tool_call(call: WireToolCall) -> dict[str, Any]:
    function = call.function
    arguments = function.arguments if function is not None else None
    if not isinstance(arguments, str):  # some TGI versions send an object
        arguments = json.dumps(arguments if arguments is not None else {})
    return {
        "id": None if call.id is None else str(call.id),
        "function": {
            "name": function.name if function is not None else None,
            "arguments": arguments,
        },
    }


def _tool_calls(message: ChatMessage) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    valid: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for call in message.tool_calls or []:
        raw = _raw_tool_call(call)
        try:
            parsed = parse_tool_call(raw, return_id=True)
        except Exception as exc:  # langchain's OutputParserException: bad JSON arguments
            invalid.append(make_invalid_tool_call(raw, str(exc)))
            continue
        if parsed is not None:
            valid.append(tool_call(name=parsed["name"], args=parsed["args"], id=parsed["id"]))
    return valid, invalid


def _response_metadata(
    model: str | None, finish_reason: str | None, fingerprint: str | None, extra: Mapping[str, Any]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"model_name": model, "finish_reason": finish_reason}
    if fingerprint is not None:
        metadata["system_fingerprint"] = fingerprint
    metadata.update({k: v for k, v in extra.items() if v not in (None, "")})
    return metadata


def message_from_completion(
    completion: ChatCompletion, *, requested_model: str
) -> tuple[AIMessage, dict[str, Any]]:
    """The ``AIMessage`` of a completion's first choice, and its generation info.

    ``response_metadata`` has ``model_name`` (the server's, else the one asked for),
    ``finish_reason``, ``system_fingerprint``, ``id`` and, from ``response_meta``, the
    ``provider`` that answered and the ``request_id``.
    """
    if not completion.choices or completion.choices[0].message is None:
        raise ValueError("the chat completion has no choices")
    choice = completion.choices[0]
    message = choice.message
    assert message is not None
    tool_calls, invalid = _tool_calls(message)
    meta = completion.response_meta
    metadata = _response_metadata(
        completion.model or requested_model,
        choice.finish_reason,
        completion.system_fingerprint,
        {
            "id": completion.id,
            "provider": meta.provider if meta is not None else None,
            "request_id": meta.request_id if meta is not None else None,
        },
    )
    ai = AIMessage(
        content=_text(message.content),
        tool_calls=tool_calls,
        invalid_tool_calls=invalid,
        usage_metadata=usage_metadata(completion.usage),
        response_metadata=metadata,
        id=completion.id or None,
    )
    info: dict[str, Any] = {"finish_reason": choice.finish_reason}
    if choice.logprobs is not None:
        info["logprobs"] = choice.logprobs.model_dump(exclude_none=True)
    return ai, info


def chunk_from_stream_chunk(
    chunk: ChatCompletionChunk, *, requested_model: str
) -> tuple[AIMessageChunk, dict[str, Any] | None]:
    """One streamed chunk as an ``AIMessageChunk`` (and generation info on the last one).

    Only the chunk that ends the choice (``finish_reason`` set) carries
    ``response_metadata`` (``model_name``...), and only a usage chunk carries
    ``usage_metadata``: LangChain adds chunks up, so each must appear once.
    """
    usage = usage_metadata(chunk.usage)
    if not chunk.choices:
        return AIMessageChunk(content="", usage_metadata=usage), None
    choice = chunk.choices[0]
    delta = choice.delta
    calls = []
    for call in (delta.tool_calls if delta is not None else None) or []:
        function = call.function
        arguments = function.arguments if function is not None else None
        if arguments is not None and not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        calls.append(
            tool_call_chunk(
                name=function.name if function is not None else None,
                args=arguments,
                id=None if call.id is None else str(call.id),
                index=call.index,
            )
        )
    metadata: dict[str, Any] = {}
    info: dict[str, Any] | None = None
    if choice.finish_reason is not None:
        metadata = _response_metadata(
            chunk.model or requested_model, choice.finish_reason, chunk.system_fingerprint, {}
        )
        info = {"finish_reason": choice.finish_reason}
    message = AIMessageChunk(
        content=(delta.content or "") if delta is not None else "",
        tool_call_chunks=calls,
        usage_metadata=usage,
        response_metadata=metadata,
        id=chunk.id or None,
    )
    return message, info
