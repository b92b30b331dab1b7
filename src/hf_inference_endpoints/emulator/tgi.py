"""Emulated text-generation-inference (TGI) server, mounted under ``/tgi/{name}``.

``{name}`` identifies the emulated deployment; it is the model key for faults and
cold loading and the ``model_id`` reported by ``/info``.  Routes (relative):

* ``POST /generate`` -> ``{generated_text, details?}``;
* ``POST /generate_stream`` -> SSE ``data:{json}`` per token (no space, no ``[DONE]``);
  the last event carries ``generated_text`` and, when ``details`` was asked, ``details``;
* ``POST /`` -> compat: SSE when ``"stream": true``, else a one-element JSON list;
* ``POST /v1/chat/completions`` -> OpenAI chat, streamed or not (``id`` is ``""``);
* ``POST /v1/completions`` -> OpenAI legacy completions (:mod:`.completions`);
* ``GET /v1/models``, ``GET /health`` (empty 200), ``GET /info``.

Errors use TGI's ``{"error", "error_type"}`` body (422 validation, 429 overloaded, ...).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .completions import completions_endpoint
from .faults import begin
from .handlers import chat_endpoint, emulator_state, text_generation_endpoint

__all__ = ["PREFIX", "TGI_VERSION", "routes"]

PREFIX = "/tgi/{name}"
TGI_VERSION = "3.3.6-emulator"


def _name(request: Request) -> str:
    name: str = request.path_params["name"]
    return name


async def compat(request: Request) -> Response:
    return await text_generation_endpoint(
        request, model_key=_name(request), style="tgi", mode="compat"
    )


async def generate(request: Request) -> Response:
    return await text_generation_endpoint(
        request, model_key=_name(request), style="tgi", mode="generate"
    )


async def generate_stream(request: Request) -> Response:
    return await text_generation_endpoint(
        request, model_key=_name(request), style="tgi", mode="generate_stream"
    )


async def chat(request: Request) -> Response:
    name = _name(request)
    return await chat_endpoint(request, model_key=name, model_name=name, style="tgi")


async def completions(request: Request) -> Response:
    name = _name(request)
    return await completions_endpoint(request, model_key=name, model_name=name, style="tgi")


async def health(request: Request) -> Response:
    await begin(request, model=_name(request), style="tgi")
    return Response(status_code=200)


async def info(request: Request) -> Response:
    name = _name(request)
    await begin(request, model=name, style="tgi")
    settings = emulator_state(request).settings
    return JSONResponse(
        {
            "model_id": name,
            "model_sha": None,
            "model_pipeline_tag": "text-generation",
            "max_concurrent_requests": 128,
            "max_best_of": 2,
            "max_stop_sequences": 4,
            "max_input_tokens": settings.tgi_max_input_tokens,
            "max_total_tokens": settings.tgi_max_total_tokens,
            "validation_workers": 2,
            "max_client_batch_size": 4,
            "router": "text-generation-router",
            "version": TGI_VERSION,
            "sha": None,
            "docker_label": None,
        }
    )


async def models(request: Request) -> Response:
    name = _name(request)
    await begin(request, model=name, style="tgi", cold=False)
    return JSONResponse(
        {
            "object": "list",
            "data": [{"id": name, "object": "model", "created": 0, "owned_by": name}],
        }
    )


routes: list[BaseRoute] = [
    Route("/", compat, methods=["POST"]),
    Route("/generate", generate, methods=["POST"]),
    Route("/generate_stream", generate_stream, methods=["POST"]),
    Route("/v1/chat/completions", chat, methods=["POST"]),
    Route("/v1/completions", completions, methods=["POST"]),
    Route("/v1/models", models, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
    Route("/info", info, methods=["GET"]),
]
