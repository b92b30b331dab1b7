"""OpenAI's legacy ``POST /v1/completions`` as TGI serves it (prompt in, text out).

The body is OpenAI's (``prompt``, ``max_tokens``, ``stop``, ``seed``, ``echo``, ``n``,
``stream``); the text comes from the TGI engine (:func:`.generation.generate_text`). The
answer is a ``text_completion`` object, or with ``"stream": true`` SSE ``data: {...}``
chunks ending in ``data: [DONE]``. Several prompts (a list) give ``n`` choices each, indexed
in order.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .choices import requested_choices
from .errors import ErrorStyle, input_error_response, read_json_object
from .faults import begin, stream_frames
from .generation import SYSTEM_FINGERPRINT, InputError, generate_text
from .handlers import emulator_state, sse_response
from .sse import openai_event

__all__ = ["completions_endpoint", "tgi_body"]

#: TGI's finish reasons as OpenAI clients expect them.
_FINISH = {"eos_token": "stop", "stop_sequence": "stop", "length": "length"}


def _prompts(body: Mapping[str, Any]) -> list[str]:
    prompt = body.get("prompt")
    if isinstance(prompt, str):
        return [prompt]
    if isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        return list(prompt)
    raise InputError(
        "Failed to deserialize the JSON body into the target type: prompt: "
        "expected a string or a non-empty list of strings"
    )


def tgi_body(body: Mapping[str, Any], prompt: str) -> dict[str, Any]:
    """The TGI ``{inputs, parameters}`` body of one OpenAI completion prompt."""
    parameters: dict[str, Any] = {}
    for ours, theirs in (
        ("max_tokens", "max_new_tokens"),
        ("stop", "stop"),
        ("seed", "seed"),
        ("temperature", "temperature"),
        ("top_p", "top_p"),
    ):
        if body.get(ours) is not None:
            parameters[theirs] = body[ours]
    if body.get("echo"):
        parameters["return_full_text"] = True
    return {"inputs": prompt, "parameters": parameters}


def _choice(index: int, text: str, finish: str | None) -> dict[str, Any]:
    return {"index": index, "text": text, "logprobs": None, "finish_reason": finish}


async def completions_endpoint(
    request: Request, *, model_key: str, model_name: str, style: ErrorStyle
) -> Response:
    """``POST /v1/completions``: a ``text_completion`` answer, streamed or not."""
    body = await read_json_object(request, style)
    stream = bool(body.get("stream"))
    plan = await begin(request, model=model_key, style=style, streaming=stream)
    settings = emulator_state(request).settings
    try:
        n = requested_choices(body)
        generations = [
            generate_text(
                tgi_body(body, prompt),
                seed=settings.seed,
                stream=stream,
                max_input_tokens=settings.tgi_max_input_tokens,
                max_total_tokens=settings.tgi_max_total_tokens,
            )
            for prompt in _prompts(body)
        ]
    except InputError as exc:
        return input_error_response(style, exc)
    envelope = {
        "id": "",
        "object": "text_completion",
        "created": int(time.time()),
        "model": model_name,
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }
    indexed = [(p * n + k, gen) for p, gen in enumerate(generations) for k in range(n)]
    if stream:
        frames = []
        for index, gen in indexed:
            pieces = [gen.prefix] if gen.prefix else []
            pieces += [t.text for t in gen.tokens] or [""]
            for i, text in enumerate(pieces):
                finish = _FINISH.get(gen.finish_reason) if i == len(pieces) - 1 else None
                payload = {**envelope, "choices": [_choice(index, text, finish)]}
                frames.append(openai_event(payload))
        return sse_response(stream_frames(request, plan, frames, dialect="openai"))
    prompt_tokens = sum(len(g.input_tokens) for g in generations)
    completion_tokens = sum(len(g.tokens) for _, g in indexed)
    return JSONResponse(
        {
            **envelope,
            "choices": [
                _choice(index, gen.generated_text, _FINISH.get(gen.finish_reason))
                for index, gen in indexed
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )
