"""Request handlers shared by several API families (router, TGI, TEI).

Each helper runs the common pipeline -- parse the JSON body, :func:`.faults.begin`
(latency / injected errors / cold model), validate and generate with the pure
engines, then answer JSON or SSE -- so the per-family modules only choose the model
key, the error style and the response envelope.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from .choices import multiply_choices, multiply_stream_choices, requested_choices
from .embeddings import embed, reduce_dims
from .errors import ErrorStyle, Reject, input_error_response, read_json_object
from .faults import begin, stream_frames
from .generation import (
    SYSTEM_FINGERPRINT,
    InputError,
    chat_response_payload,
    chat_stream_payloads,
    generate_chat,
    generate_response_payload,
    generate_stream_payloads,
    generate_text,
)
from .sse import SSE_HEADERS, SSE_MEDIA_TYPE, openai_event, tgi_event
from .state import EmulatorState

__all__ = [
    "chat_endpoint",
    "compute_embeddings",
    "emulator_state",
    "request_id",
    "sse_response",
    "text_generation_endpoint",
]

GenerateMode = Literal["compat", "generate", "generate_stream"]


def emulator_state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


def sse_response(
    body: AsyncIterator[bytes], headers: Mapping[str, str] | None = None
) -> StreamingResponse:
    return StreamingResponse(
        body, media_type=SSE_MEDIA_TYPE, headers={**SSE_HEADERS, **(headers or {})}
    )


async def chat_endpoint(
    request: Request,
    *,
    model_key: str,
    model_name: str,
    style: ErrorStyle,
    completion_id: str = "",
    fingerprint: str | None = SYSTEM_FINGERPRINT,
    headers: Mapping[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> Response:
    """OpenAI chat completion, streamed (``"stream": true``) or not."""
    if body is None:
        body = await read_json_object(request, style)
    stream = bool(body.get("stream"))
    plan = await begin(request, model=model_key, style=style, streaming=stream)
    state = emulator_state(request)
    try:
        result = generate_chat(body, seed=state.settings.seed)
        n = requested_choices(body)
    except InputError as exc:
        return input_error_response(style, exc)
    created = int(time.time())
    extra = dict(headers or {})
    if stream:
        chunks = chat_stream_payloads(
            result,
            body,
            model=model_name,
            completion_id=completion_id,
            created=created,
            fingerprint=fingerprint,
        )
        frames = [openai_event(c) for c in multiply_stream_choices(chunks, n)]
        return sse_response(stream_frames(request, plan, frames, dialect="openai"), extra)
    payload = multiply_choices(
        chat_response_payload(
            result,
            body,
            model=model_name,
            completion_id=completion_id,
            created=created,
            fingerprint=fingerprint,
        ),
        n,
    )
    extra.update(
        {
            "x-compute-type": "emulator",
            "x-prompt-tokens": str(result.prompt_tokens),
            "x-generated-tokens": str(result.completion_tokens),
        }
    )
    return JSONResponse(payload, headers=extra)


async def text_generation_endpoint(
    request: Request,
    *,
    model_key: str,
    style: ErrorStyle,
    mode: GenerateMode,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """TGI text generation.

    ``mode="generate"`` answers ``{generated_text, details?}``; ``"generate_stream"``
    always streams; ``"compat"`` (TGI ``POST /`` and the hf-inference router) streams
    when the body says ``"stream": true`` and otherwise answers a one-element list.
    """
    body = await read_json_object(request, style)
    stream = mode == "generate_stream" or (mode == "compat" and bool(body.get("stream")))
    plan = await begin(request, model=model_key, style=style, streaming=stream)
    settings = emulator_state(request).settings
    try:
        gen = generate_text(
            body,
            seed=settings.seed,
            stream=stream,
            max_input_tokens=settings.tgi_max_input_tokens,
            max_total_tokens=settings.tgi_max_total_tokens,
        )
    except InputError as exc:
        return input_error_response(style, exc)
    extra = dict(headers or {})
    if stream:
        frames = [tgi_event(e) for e in generate_stream_payloads(gen, body)]
        return sse_response(stream_frames(request, plan, frames, dialect="tgi"), extra)
    payload = generate_response_payload(gen, body)
    extra.update(
        {
            "x-compute-type": "emulator",
            "x-prompt-tokens": str(len(gen.input_tokens)),
            "x-generated-tokens": str(len(gen.tokens)),
        }
    )
    return JSONResponse([payload] if mode == "compat" else payload, headers=extra)


def _as_texts(value: Any, style: ErrorStyle, field: str) -> tuple[list[str], bool]:
    """(texts, was_single) for ``str | [str]`` inputs, or :class:`Reject` 422."""
    if isinstance(value, str):
        return [value], True
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value), False
    raise InputError(
        f"Failed to deserialize the JSON body into the target type: {field}: "
        "expected a string or a sequence of strings"
    )


def compute_embeddings(
    request: Request,
    body: Mapping[str, Any],
    *,
    model: str,
    style: ErrorStyle,
    field: str = "inputs",
    max_length: int | None = None,
) -> tuple[list[list[float]], bool, int]:
    """Embed ``body[field]``; returns (vectors, input was a single string, token count).

    Honours ``normalize`` (default true), ``truncate`` (to ``max_length`` words;
    without it an over-long input is a 413), ``truncation_direction``,
    ``prompt_name`` (prepended as ``"<name>: "``) and ``dimensions``.
    """
    settings = emulator_state(request).settings
    try:
        texts, single = _as_texts(body.get(field), style, field)
    except InputError as exc:
        raise Reject(input_error_response(style, exc)) from None
    normalize = body.get("normalize", True) is not False
    truncate = bool(body.get("truncate"))
    from_left = str(body.get("truncation_direction", "right")).lower() == "left"
    prompt_name = body.get("prompt_name")
    dims = body.get("dimensions")
    dim = settings.embedding_dim(model)
    vectors: list[list[float]] = []
    tokens = 0
    for text in texts:
        words = text.split()
        if max_length is not None and len(words) > max_length:
            if not truncate:
                raise Reject(
                    JSONResponse(
                        {
                            "message": f"Input validation error: `inputs` must have less than "
                            f"{max_length} tokens. Given: {len(words)}",
                            "code": 413,
                            "type": "Validation",
                        },
                        status_code=413,
                    )
                )
            words = words[-max_length:] if from_left else words[:max_length]
            text = " ".join(words)
        tokens += len(words)
        if isinstance(prompt_name, str) and prompt_name:
            text = f"{prompt_name}: {text}"
        vec = embed(model, text, dim=dim, seed=settings.seed, normalize=normalize)
        if isinstance(dims, int) and not isinstance(dims, bool) and 0 < dims < dim:
            vec = reduce_dims(vec, dims, normalize=normalize)
        vectors.append(vec)
    return vectors, single, tokens
