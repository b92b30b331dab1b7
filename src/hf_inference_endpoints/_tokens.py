"""Token counts for tokens-per-minute limits: an estimate before sending, usage after (no I/O).

A provider counts a request's tokens with its model's tokenizer; the client has none, so
it estimates before sending (:func:`estimate_tokens`) and corrects the count from the
``usage`` of the answer when there is one (:func:`usage_tokens`):

* every text: ``ceil(characters / 4)`` (about four characters a token in English);
* chat: the text of every message (string content and text parts; images are not
  counted) plus :data:`MESSAGE_OVERHEAD` per message (role and separators), plus
  ``max_tokens`` (or ``max_completion_tokens``) times ``n``: the completion may be that
  long, and providers reserve it too;
* text generation: ``inputs`` plus ``parameters.max_new_tokens``;
* embeddings and the other text tasks: every string of ``inputs`` (``input`` for the
  OpenAI shape);
* tasks on images, audio or video: 0 (they are limited by requests per minute only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "CHARS_PER_TOKEN",
    "MESSAGE_OVERHEAD",
    "TEXT_TASKS",
    "estimate_tokens",
    "text_tokens",
    "tokens_used",
    "usage_tokens",
]

#: Characters per token in the estimate (English prose averages about four).
CHARS_PER_TOKEN = 4
#: Tokens added per chat message for its role and separators.
MESSAGE_OVERHEAD = 4
#: Tasks whose ``inputs`` are text, counted by :func:`estimate_tokens`.
TEXT_TASKS = frozenset(
    {
        "feature-extraction",
        "sentence-similarity",
        "text-classification",
        "token-classification",
        "zero-shot-classification",
        "fill-mask",
        "question-answering",
        "table-question-answering",
        "summarization",
        "translation",
        "text-ranking",
    }
)
_CHAT_TASKS = frozenset({"conversational", "chat-completion"})


def text_tokens(text: str) -> int:
    """The estimated tokens of one text: ``ceil(len / 4)``.

    Example:
        >>> text_tokens("hello world"), text_tokens(""), text_tokens("abcd")
        (3, 0, 1)
    """
    return -(-len(text) // CHARS_PER_TOKEN)


def _strings(value: Any, depth: int = 0) -> int:
    if isinstance(value, str):
        return text_tokens(value)
    if depth > 4:
        return 0
    if isinstance(value, Mapping):
        return sum(_strings(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_strings(v, depth + 1) for v in value)
    return 0


def _whole(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _message_tokens(message: Any) -> int:
    if not isinstance(message, Mapping):
        return 0
    content = message.get("content")
    tokens = MESSAGE_OVERHEAD
    if isinstance(content, str):
        tokens += text_tokens(content)
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                tokens += text_tokens(part["text"])
    for call in message.get("tool_calls") or ():
        function = call.get("function") if isinstance(call, Mapping) else None
        if isinstance(function, Mapping):
            tokens += _strings(function.get("arguments"))
    return tokens


def estimate_tokens(task: str, body: Mapping[str, Any]) -> int:
    """The tokens a request will likely count for, before it is sent.

    Args:
        task: The inference task (``conversational``, ``feature-extraction``...).
        body: The request's fields in HF's shape (what the services build).

    Returns:
        The estimate (0 for tasks that are not about text).

    Example:
        >>> estimate_tokens("conversational", {
        ...     "messages": [{"role": "user", "content": "Say hello in French"}],
        ...     "max_tokens": 20,
        ... })
        29
        >>> estimate_tokens("feature-extraction", {"inputs": ["one text", "another text"]})
        5
        >>> estimate_tokens("image-classification", {"inputs": "aGVsbG8="})
        0
    """
    if task in _CHAT_TASKS or "messages" in body:
        messages = body.get("messages")
        prompt = sum(_message_tokens(m) for m in messages) if isinstance(messages, list) else 0
        completion = _whole(body.get("max_tokens")) or _whole(body.get("max_completion_tokens"))
        return prompt + completion * max(1, _whole(body.get("n")))
    if task == "text-generation":
        parameters = body.get("parameters")
        new = _whole(parameters.get("max_new_tokens")) if isinstance(parameters, Mapping) else 0
        return _strings(body.get("inputs")) + new
    if task in TEXT_TASKS:
        return _strings(body.get("inputs", body.get("input")))
    return 0


def usage_tokens(content: bytes) -> int | None:
    """The tokens an answer says it used (its ``usage`` object), or None.

    ``total_tokens``, else ``prompt_tokens + completion_tokens``. Only the ``usage``
    object is decoded (the last one in the body: where OpenAI-style answers put it), not
    the whole answer.

    Example:
        >>> usage_tokens(b'{"choices": [], "usage": {"prompt_tokens": 5, "total_tokens": 12}}')
        12
        >>> usage_tokens(b"[[0.1, 0.2]]") is None
        True
    """
    at = content.rfind(b'"usage"')
    if at < 0:
        return None
    tail = content[at + len(b'"usage"') :].decode("utf-8", "replace").lstrip()
    if not tail.startswith(":"):
        return None
    try:
        usage, _ = json.JSONDecoder().raw_decode(tail[1:].lstrip())
    except ValueError:
        return None
    if not isinstance(usage, Mapping):
        return None
    return tokens_used(usage)


def tokens_used(usage: Any) -> int | None:
    """What a ``usage`` object (a mapping, or a model such as a chat chunk's) counts:
    ``total_tokens``, else ``prompt_tokens + completion_tokens``; None when it says nothing.

    Example:
        >>> tokens_used({"prompt_tokens": 5, "completion_tokens": 7})
        12
    """
    if isinstance(usage, Mapping):
        total, prompt, completion = (
            usage.get("total_tokens"),
            usage.get("prompt_tokens"),
            usage.get("completion_tokens"),
        )
    else:
        total = getattr(usage, "total_tokens", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
    return _whole(total) or (_whole(prompt) + _whole(completion)) or None
