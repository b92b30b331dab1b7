"""Deterministic, cheap text generation and payload builders (no Starlette).

The emulator's "model" is an echo: a reply is ``"Emulated reply:"`` followed by the
words of the prompt (the last user message for chat, the ``inputs`` for TGI), at
most :data:`MAX_ECHO_WORDS` of them.  One token is one whitespace-separated word
with its leading whitespace, so ``"".join(tokens)`` is the text and token counts
are word counts:

* ``prompt_tokens`` = words in all messages (chat) or in ``inputs`` (TGI);
* ``completion_tokens`` = tokens generated (text words, or fragments of the tool
  call arguments); ``total_tokens`` = their sum.

Limits: ``max_tokens``/``max_new_tokens`` cut the reply (finish reason ``length``);
``stop`` cuts before the stop string (chat ``stop``) or after the token that
completes it (TGI ``stop_sequence``).  Token ids and logprobs are stable hashes of
(seed, position, text).

Tools: when ``tools`` are given and ``tool_choice`` is not ``"none"`` the reply is a
call to the forced tool (``{"function": {"name": ...}}`` or a bare name) or else the
first tool, with JSON arguments built from its parameter schema and the numbers and
quoted phrases of the last user message (:func:`tool_arguments`) -- except that with
``auto`` a conversation whose last message is a ``tool`` result gets a text answer,
so agent loops terminate.  ``response_format`` (``json_object``/``json_schema``/TGI
``json``) and TGI ``grammar`` of type ``json`` produce a JSON document built from
the schema the same way; ``json_object`` without a schema gives the keys the prompt
quotes (:func:`json_without_schema`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_ECHO_WORDS",
    "REPLY_PREFIX",
    "SYSTEM_FINGERPRINT",
    "ChatResult",
    "Generation",
    "InputError",
    "Token",
    "ToolCall",
    "chat_response_payload",
    "chat_stream_payloads",
    "count_words",
    "generate_chat",
    "generate_response_payload",
    "generate_stream_payloads",
    "generate_text",
    "json_without_schema",
    "stable_hash",
    "tokenize",
    "tool_arguments",
    "value_from_schema",
]

REPLY_PREFIX = "Emulated reply:"
MAX_ECHO_WORDS = 256
SYSTEM_FINGERPRINT = "emulator-3.3.6-native"
VOCAB_SIZE = 32000
_TOKEN_RE = re.compile(r"\s*\S+")


class InputError(ValueError):
    """Invalid request input; the HTTP layer turns it into a 422 (or ``status``)."""

    def __init__(self, message: str, *, error_type: str = "validation", status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.status = status


# --------------------------------------------------------------------------- tokens


def stable_hash(*parts: object) -> int:
    """A process-independent 64-bit hash of ``parts``."""
    data = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def tokenize(text: str) -> list[str]:
    """Words with their leading whitespace; ``"".join`` gives back ``text`` (minus trailing space)."""
    return _TOKEN_RE.findall(text)


def count_words(text: str) -> int:
    return len(text.split())


@dataclass(frozen=True)
class Token:
    id: int
    text: str
    logprob: float
    special: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "logprob": self.logprob, "special": self.special}


def _token_id(text: str) -> int:
    return 1 + stable_hash("id", text.strip()) % (VOCAB_SIZE - 1)


def _logprob(seed: int, position: int, text: str) -> float:
    return -round(0.001 + (stable_hash("lp", seed, position, text) % 2000) / 1000.0, 4)


def make_token(text: str, position: int, seed: int) -> Token:
    return Token(_token_id(text), text, _logprob(seed, position, text))


def top_alternatives(token: Token, position: int, seed: int, n: int) -> list[Token]:
    """``n`` candidates for a position: the chosen token first, then less likely ones."""
    out = [token]
    for k in range(1, n):
        text = f" alt{stable_hash('alt', seed, position, k) % 1000}"
        out.append(Token(_token_id(text), text, round(token.logprob - 0.5 * k, 4)))
    return out


# --------------------------------------------------------------------------- schemas


def value_from_schema(schema: Any, name: str = "value", depth: int = 0) -> Any:
    """A small value conforming to a simple JSON Schema (objects, arrays, scalars, enums)."""
    if depth > 8 or not isinstance(schema, Mapping):
        return f"emulated-{name}"
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [
                o for o in options if not (isinstance(o, Mapping) and o.get("type") == "null")
            ]
            return value_from_schema((non_null or options)[0], name, depth + 1)
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), "null")
    if typ is None:
        typ = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if typ == "object":
        props = schema.get("properties")
        if not isinstance(props, Mapping):
            return {}
        return {str(k): value_from_schema(v, str(k), depth + 1) for k, v in props.items()}
    if typ == "array":
        count = schema.get("minItems", 1)
        max_items = schema.get("maxItems")
        if isinstance(max_items, int):
            count = min(count, max_items)
        return [value_from_schema(schema.get("items"), name, depth + 1) for _ in range(count)]
    if typ in ("integer", "number"):
        value: float = 1
        if isinstance(schema.get("minimum"), (int, float)):
            value = schema["minimum"]
        elif isinstance(schema.get("exclusiveMinimum"), (int, float)):
            value = schema["exclusiveMinimum"] + 1
        if isinstance(schema.get("maximum"), (int, float)):
            value = min(value, schema["maximum"])
        return int(value) if typ == "integer" else float(value)
    if typ == "boolean":
        return True
    if typ == "null":
        return None
    return _string_from_schema(schema, name)


def _string_from_schema(schema: Mapping[str, Any], name: str) -> str:
    fmt = schema.get("format")
    text = {
        "date-time": "2025-01-01T00:00:00Z",
        "date": "2025-01-01",
        "time": "00:00:00",
        "email": "user@example.com",
        "uri": "https://example.com/",
        "uuid": "00000000-0000-4000-8000-000000000000",
    }.get(str(fmt), f"emulated-{name}")
    min_len = schema.get("minLength")
    if isinstance(min_len, int) and len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    max_len = schema.get("maxLength")
    if isinstance(max_len, int):
        text = text[:max_len]
    return text


_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
_QUOTED_RE = re.compile(r"'([^']+)'|\"([^\"]+)\"")


def _in_bounds(value: float, schema: Mapping[str, Any]) -> bool:
    def bound(key: str) -> float | None:
        limit = schema.get(key)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)):
            return None
        return float(limit)

    low, high = bound("minimum"), bound("maximum")
    low_open, high_open = bound("exclusiveMinimum"), bound("exclusiveMaximum")
    return (
        (low is None or value >= low)
        and (high is None or value <= high)
        and (low_open is None or value > low_open)
        and (high_open is None or value < high_open)
    )


def tool_arguments(parameters: Any, prompt: str) -> dict[str, Any]:
    """Arguments for a tool call, taken from what the user wrote where possible.

    A model fills a tool's parameters from the request (``magic_function(3)`` gives
    ``{"input": 3}``); the emulator does it by position: the top-level numeric
    parameters take the numbers of ``prompt`` in order, the string ones its quoted
    phrases (``'...'`` or ``"..."``) in order. Anything left (or out of the schema's
    bounds) is :func:`value_from_schema`'s value.

    Example:
        >>> tool_arguments({"type": "object", "properties": {"a": {"type": "integer"},
        ...     "b": {"type": "integer"}}}, "What is 1 + 2?")
        {'a': 1, 'b': 2}
    """
    values = value_from_schema(parameters, "arguments")
    props = parameters.get("properties") if isinstance(parameters, Mapping) else None
    if not isinstance(values, dict) or not isinstance(props, Mapping):
        return {} if not isinstance(values, dict) else values
    numbers = [float(n) for n in _NUMBER_RE.findall(prompt)]
    phrases = [a or b for a, b in _QUOTED_RE.findall(prompt)]
    for key, schema in props.items():
        typ = schema.get("type") if isinstance(schema, Mapping) else None
        if typ in ("integer", "number") and numbers:
            number = numbers.pop(0)
            if typ == "integer" and number.is_integer() and _in_bounds(number, schema):
                values[str(key)] = int(number)
            elif typ == "number" and _in_bounds(number, schema):
                values[str(key)] = number
        elif typ == "string" and phrases and "enum" not in schema:
            values[str(key)] = phrases.pop(0)
    return values


# --------------------------------------------------------------------------- chat


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass(frozen=True)
class ChatResult:
    tokens: tuple[str, ...]
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str
    prompt_tokens: int
    seed: int

    @property
    def content(self) -> str | None:
        return None if self.tool_calls else "".join(self.tokens)

    @property
    def completion_tokens(self) -> int:
        return len(self.tokens)

    @property
    def usage(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


def message_text(message: Mapping[str, Any]) -> str:
    """The text of a chat message: string content, text parts, and tool-call arguments."""
    content = message.get("content")
    pieces: list[str] = []
    if isinstance(content, str):
        pieces.append(content)
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                pieces.append(part["text"])
    for call in message.get("tool_calls") or []:
        if isinstance(call, Mapping) and isinstance(call.get("function"), Mapping):
            args = call["function"].get("arguments")
            pieces.append(args if isinstance(args, str) else json.dumps(args))
    return " ".join(pieces)


def _echo(words: Sequence[str]) -> str:
    words = list(words)[:MAX_ECHO_WORDS]
    return REPLY_PREFIX + ("" if not words else " " + " ".join(words))


def _optional_int(body: Mapping[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(
                f"Failed to deserialize the JSON body into the target type: {key}: "
                f"invalid value {value!r}, expected a non-negative integer"
            )
        return value
    return None


def _stop_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return [s for s in value if s]
    raise InputError(
        "Failed to deserialize the JSON body into the target type: stop: expected a sequence of strings"
    )


def _select_tool(
    tools: Any, tool_choice: Any, messages: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    if not tools or tool_choice == "none":
        return None
    if not isinstance(tools, list) or not all(
        isinstance(t, Mapping) and isinstance(t.get("function"), Mapping) for t in tools
    ):
        raise InputError(
            "Failed to deserialize the JSON body into the target type: tools: "
            "expected a sequence of {type, function}"
        )
    forced: str | None = None
    if isinstance(tool_choice, Mapping):
        fn = tool_choice.get("function")
        forced = fn.get("name") if isinstance(fn, Mapping) else None
        if forced is None:
            raise InputError(
                "tool_choice: expected {'type': 'function', 'function': {'name': ...}}"
            )
    elif isinstance(tool_choice, str) and tool_choice not in ("auto", "required"):
        forced = tool_choice
    if forced is not None:
        for tool in tools:
            if tool["function"].get("name") == forced:
                return dict(tool["function"])
        raise InputError(f"Tool error: Tool with name {forced} not found")
    if tool_choice in (None, "auto") and messages and messages[-1].get("role") == "tool":
        return None
    return dict(tools[0]["function"])


def _response_schema(response_format: Any) -> tuple[bool, Any]:
    """(wants JSON, schema or None) for the chat ``response_format`` variants."""
    if not isinstance(response_format, Mapping):
        return False, None
    kind = response_format.get("type")
    if kind == "json_schema":
        inner = response_format.get("json_schema")
        if isinstance(inner, Mapping):
            return True, inner.get("schema")
        return True, response_format.get("schema")
    if kind in ("json_object", "json"):
        return True, response_format.get("value") or response_format.get("schema")
    return False, None


_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _json_document(schema: Any, text: str, prompt: str = "") -> str:
    value = value_from_schema(schema) if schema is not None else json_without_schema(prompt, text)
    return json.dumps(value, ensure_ascii=False)


def json_without_schema(prompt: str, reply: str) -> dict[str, Any]:
    """JSON mode without a schema: the keys the prompt asks for, else ``{"reply": ...}``.

    A model in JSON mode follows the prompt's instructions ("... with 'setup' and
    'punchline' keys"); the emulator takes the quoted identifiers of the prompt as keys.

    Example:
        >>> json_without_schema("Answer as JSON with 'city' and 'country' keys", "x")
        {'city': 'emulated-city', 'country': 'emulated-country'}
    """
    keys = [a or b for a, b in _QUOTED_RE.findall(prompt)]
    keys = [k for k in dict.fromkeys(keys) if _KEY_RE.match(k)]
    if not keys:
        return {"reply": reply}
    return {key: f"emulated-{key}" for key in keys}


def generate_chat(body: Mapping[str, Any], *, seed: int = 0) -> ChatResult:
    """Produce the emulated assistant turn for an OpenAI chat-completion ``body``."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not all(
        isinstance(m, Mapping) and isinstance(m.get("role"), str) for m in messages
    ):
        raise InputError(
            "Failed to deserialize the JSON body into the target type: messages: "
            "expected a sequence of {role, content}"
        )
    if not messages:
        raise InputError("Input validation error: `messages` must not be empty")
    max_tokens = _optional_int(body, "max_tokens", "max_completion_tokens")
    stops = _stop_list(body.get("stop"))
    if isinstance(body.get("seed"), int):
        seed = stable_hash(seed, body["seed"]) % (2**31)
    prompt_tokens = sum(count_words(message_text(m)) for m in messages)

    last_user = next((m for m in reversed(messages) if m.get("role") == "user"), messages[-1])
    tool = _select_tool(body.get("tools"), body.get("tool_choice"), messages)
    if tool is not None:
        name = str(tool.get("name", "tool"))
        values = tool_arguments(tool.get("parameters") or {}, message_text(last_user))
        arguments = json.dumps(values, ensure_ascii=False)
        call_id = f"call_{stable_hash('call', seed, name, prompt_tokens) % 16**12:012x}"
        fragments = tuple(tokenize(arguments))
        return ChatResult(
            fragments, (ToolCall(call_id, name, arguments),), "tool_calls", prompt_tokens, seed
        )

    text = _echo(message_text(last_user).split())
    wants_json, schema = _response_schema(body.get("response_format"))
    if wants_json:
        text = _json_document(schema, text, message_text(last_user))
    finish = "stop"
    cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
    if cut >= 0:
        text = text[:cut]
    tokens = tokenize(text)
    if max_tokens is not None and len(tokens) > max_tokens:
        tokens = tokens[:max_tokens]
        finish = "length"
    return ChatResult(tuple(tokens), (), finish, prompt_tokens, seed)


def _chat_logprobs(result: ChatResult, body: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    if not body.get("logprobs") or result.tool_calls:
        return None
    top_n = body.get("top_logprobs") or 0
    top_n = top_n if isinstance(top_n, int) and top_n > 0 else 0
    out: list[dict[str, Any]] = []
    for pos, text in enumerate(result.tokens):
        tok = make_token(text, pos, result.seed)
        alts = top_alternatives(tok, pos, result.seed, top_n) if top_n else []
        out.append(
            {
                "token": text,
                "logprob": tok.logprob,
                "top_logprobs": [{"token": a.text, "logprob": a.logprob} for a in alts],
            }
        )
    return out


def chat_response_payload(
    result: ChatResult,
    body: Mapping[str, Any],
    *,
    model: str,
    completion_id: str,
    created: int,
    fingerprint: str | None = SYSTEM_FINGERPRINT,
) -> dict[str, Any]:
    """Non-streamed ``chat.completion`` object."""
    message: dict[str, Any] = {"role": "assistant", "content": result.content}
    if result.tool_calls:
        message["tool_calls"] = [c.to_json() for c in result.tool_calls]
    logprobs = _chat_logprobs(result, body)
    return {
        "object": "chat.completion",
        "id": completion_id,
        "created": created,
        "model": model,
        "system_fingerprint": fingerprint,
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None if logprobs is None else {"content": logprobs},
                "finish_reason": result.finish_reason,
            }
        ],
        "usage": result.usage,
    }


def chat_stream_payloads(
    result: ChatResult,
    body: Mapping[str, Any],
    *,
    model: str,
    completion_id: str,
    created: int,
    fingerprint: str | None = SYSTEM_FINGERPRINT,
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a stream (without ``[DONE]``).

    The last content chunk carries ``finish_reason``; with
    ``stream_options.include_usage`` a final chunk has ``choices: []`` and ``usage``.
    """

    def chunk(delta: dict[str, Any], finish: str | None, logprob: Any = None) -> dict[str, Any]:
        return {
            "object": "chat.completion.chunk",
            "id": completion_id,
            "created": created,
            "model": model,
            "system_fingerprint": fingerprint,
            "choices": [{"index": 0, "delta": delta, "logprobs": logprob, "finish_reason": finish}],
            "usage": None,
        }

    chunks: list[dict[str, Any]] = []
    if result.tool_calls:
        call = result.tool_calls[0]
        head = {"index": 0, "id": call.id, "type": "function"}
        chunks.append(
            chunk(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [{**head, "function": {"name": call.name, "arguments": ""}}],
                },
                None,
            )
        )
        for i, frag in enumerate(result.tokens):
            last = i == len(result.tokens) - 1
            delta = {
                "role": "assistant",
                "tool_calls": [{"index": 0, "function": {"arguments": frag}}],
            }
            chunks.append(chunk(delta, result.finish_reason if last else None))
    else:
        logprobs = _chat_logprobs(result, body)
        tokens = result.tokens or ("",)
        for i, text in enumerate(tokens):
            last = i == len(tokens) - 1
            lp = None if logprobs is None or i >= len(logprobs) else {"content": [logprobs[i]]}
            chunks.append(
                chunk(
                    {"role": "assistant", "content": text},
                    result.finish_reason if last else None,
                    lp,
                )
            )
    options = body.get("stream_options")
    if isinstance(options, Mapping) and options.get("include_usage"):
        final = chunk({}, None)
        final["choices"] = []
        final["usage"] = result.usage
        chunks.append(final)
    return chunks


# --------------------------------------------------------------------------- TGI


@dataclass(frozen=True)
class Generation:
    """Result of a TGI-style ``generate`` call."""

    input_tokens: tuple[str, ...]
    tokens: tuple[Token, ...]
    finish_reason: str
    seed: int | None
    top_tokens: tuple[tuple[Token, ...], ...] | None
    prefix: str
    token_seed: int

    @property
    def generated_text(self) -> str:
        return self.prefix + "".join(t.text for t in self.tokens)


def _params(body: Mapping[str, Any]) -> dict[str, Any]:
    params = body.get("parameters")
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise InputError(
            "Failed to deserialize the JSON body into the target type: parameters: expected a map"
        )
    return dict(params)


def generate_text(
    body: Mapping[str, Any],
    *,
    seed: int = 0,
    stream: bool = False,
    max_input_tokens: int = 4096,
    max_total_tokens: int = 8192,
) -> Generation:
    """Validate a TGI ``{"inputs", "parameters"}`` body and produce the generation."""
    inputs = body.get("inputs")
    if not isinstance(inputs, str):
        kind = type(inputs).__name__ if inputs is not None else "null"
        raise InputError(
            "Failed to deserialize the JSON body into the target type: inputs: "
            f"invalid type: {kind}, expected a string"
        )
    params = _params(body)
    max_new = _optional_int(params, "max_new_tokens")
    if max_new == 0:
        raise InputError("Input validation error: `max_new_tokens` must be strictly positive")
    best_of = _optional_int(params, "best_of") or 1
    if stream and best_of > 1:
        raise InputError(
            "Input validation error: `best_of` != 1 is not supported when streaming tokens"
        )
    if stream and params.get("decoder_input_details"):
        raise InputError(
            "Input validation error: `decoder_input_details` == true is not supported when streaming tokens"
        )
    input_words = inputs.split()
    truncate = _optional_int(params, "truncate")
    if truncate is not None:
        input_words = input_words[-truncate:] if truncate else []
    if len(input_words) > max_input_tokens:
        raise InputError(
            f"Input validation error: `inputs` must have less than {max_input_tokens} tokens. "
            f"Given: {len(input_words)}"
        )
    if max_new is not None and len(input_words) + max_new > max_total_tokens:
        raise InputError(
            f"Input validation error: `inputs` tokens + `max_new_tokens` must be <= {max_total_tokens}. "
            f"Given: {len(input_words)} `inputs` tokens and {max_new} `max_new_tokens`"
        )
    stops = _stop_list(params.get("stop", params.get("stop_sequences")))

    param_seed = params.get("seed") if isinstance(params.get("seed"), int) else None
    token_seed = stable_hash(seed, param_seed) % (2**31) if param_seed is not None else seed
    do_sample = bool(params.get("do_sample")) or best_of > 1
    reported_seed = (
        (param_seed if param_seed is not None else stable_hash("seed", seed, inputs) % (2**31))
        if do_sample
        else None
    )

    text = " " + _echo(input_words)
    grammar = params.get("grammar")
    if isinstance(grammar, Mapping) and grammar.get("type") in ("json", "json_object"):
        text = _json_document(grammar.get("value"), text)
    pieces = tokenize(text)
    finish = "eos_token"
    for i, _ in enumerate(pieces):
        joined = "".join(pieces[: i + 1])
        if any(s in joined for s in stops):
            pieces = pieces[: i + 1]
            finish = "stop_sequence"
            break
    if max_new is not None and len(pieces) > max_new:
        pieces = pieces[:max_new]
        finish = "length"
    tokens = tuple(make_token(p, i, token_seed) for i, p in enumerate(pieces))
    top_n = _optional_int(params, "top_n_tokens")
    top = (
        tuple(tuple(top_alternatives(t, i, token_seed, top_n)) for i, t in enumerate(tokens))
        if top_n
        else None
    )
    prefix = inputs if params.get("return_full_text") else ""
    return Generation(tuple(input_words), tokens, finish, reported_seed, top, prefix, token_seed)


def _prefill(gen: Generation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, word in enumerate(gen.input_tokens):
        text = word if i == 0 else " " + word
        out.append(
            {
                "id": _token_id(text),
                "text": text,
                "logprob": None if i == 0 else _logprob(gen.token_seed, -1 - i, text),
            }
        )
    return out


def generate_response_payload(gen: Generation, body: Mapping[str, Any]) -> dict[str, Any]:
    """``GenerateResponse``: ``generated_text`` plus ``details`` when asked."""
    params = _params(body)
    out: dict[str, Any] = {"generated_text": gen.generated_text}
    if not params.get("details"):
        return out
    details: dict[str, Any] = {
        "finish_reason": gen.finish_reason,
        "generated_tokens": len(gen.tokens),
        "seed": gen.seed,
        "prefill": _prefill(gen) if params.get("decoder_input_details") else [],
        "tokens": [t.to_json() for t in gen.tokens],
    }
    if gen.top_tokens is not None:
        details["top_tokens"] = [[t.to_json() for t in row] for row in gen.top_tokens]
    best_of = _optional_int(params, "best_of") or 1
    if best_of > 1:
        details["best_of_sequences"] = [
            {
                "generated_text": gen.generated_text,
                "finish_reason": gen.finish_reason,
                "generated_tokens": len(gen.tokens),
                "seed": (gen.seed or 0) + k,
                "prefill": details["prefill"],
                "tokens": details["tokens"],
            }
            for k in range(1, best_of)
        ]
    out["details"] = details
    return out


def generate_stream_payloads(gen: Generation, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """TGI ``StreamResponse`` events; the last one has ``generated_text`` (+ ``details`` if asked)."""
    params = _params(body)
    events: list[dict[str, Any]] = []
    for i, tok in enumerate(gen.tokens):
        last = i == len(gen.tokens) - 1
        event: dict[str, Any] = {
            "index": i + 1,
            "token": tok.to_json(),
            "generated_text": gen.generated_text if last else None,
            "details": None,
        }
        if gen.top_tokens is not None:
            event["top_tokens"] = [t.to_json() for t in gen.top_tokens[i]]
        if last and params.get("details"):
            event["details"] = {
                "finish_reason": gen.finish_reason,
                "generated_tokens": len(gen.tokens),
                "input_length": len(gen.input_tokens),
                "seed": gen.seed,
            }
        events.append(event)
    return events
