"""Emulated inference router (``router.huggingface.co``), mounted under ``/router``.

Routes (paths relative to the mount):

* ``POST /v1/chat/completions`` -- OpenAI-compatible auto-router. The body ``model``
  is an HF model id, optionally suffixed ``:fastest`` (default), ``:cheapest``,
  ``:preferred`` or ``:<provider>``; the chosen provider is echoed in the
  ``x-inference-provider`` response header, and ``model`` in the reply is that
  provider's model id.  Unknown model -> 404; provider not mapped -> 400.
* ``GET /v1/models`` and ``GET /v1/models/{model_id}`` -- chat models with their
  ``providers[]`` (status, pricing, throughput, ...).
* ``POST /hf-inference/models/{model_id}/v1/chat/completions`` -- chat on hf-inference.
* ``POST /hf-inference/models/{model_id}/pipeline/{feature-extraction|sentence-similarity}``.
* ``POST /hf-inference/models/{model_id}`` -- task envelope ``{"inputs", "parameters"}``,
  dispatched on the model's pipeline tag through :data:`TASK_HANDLERS` (with
  ``serve_any_model``, models not in the catalog are treated as text-generation: TGI
  compat route, a JSON list or SSE depending on ``stream``).

Like the real router, a model id that is not in the catalog is a 404 with the router's
body (``{"error": "The requested model '<id>' does not exist."}``), on hf-inference and on
the auto-router; ``EmulatorSettings.serve_any_model`` serves any id on hf-inference instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .catalog import PROVIDER_STATS, RoutingError
from .embeddings import cosine, embed
from .errors import Reject, error_response, input_error_response, read_json_object
from .faults import begin
from .generation import SYSTEM_FINGERPRINT, InputError
from .handlers import (
    chat_endpoint,
    compute_embeddings,
    emulator_state,
    request_id,
    text_generation_endpoint,
)

__all__ = ["PREFIX", "TASK_HANDLERS", "TaskHandler", "routes"]

PREFIX = "/router"
PROVIDER_HEADER = "x-inference-provider"

TaskHandler = Callable[[Request, str], Awaitable[Response]]


# ----------------------------------------------------------------- auto-router chat


async def router_chat(request: Request) -> Response:
    body = await read_json_object(request, "hf")
    requested = body.get("model")
    if not isinstance(requested, str) or not requested:
        return error_response(
            "hf", 422, "Failed to deserialize the JSON body: missing field `model`"
        )
    state = emulator_state(request)
    try:
        route = state.catalog.resolve_chat(requested)
    except RoutingError as exc:
        return error_response("hf", exc.status, exc.message)
    hf_served = route.provider == "hf-inference"
    return await chat_endpoint(
        request,
        model_key=route.model,
        model_name=route.provider_id,
        style="hf",
        completion_id="" if hf_served else f"chatcmpl-{request_id(request)}",
        fingerprint=SYSTEM_FINGERPRINT if hf_served else f"emulator-{route.provider}",
        headers={PROVIDER_HEADER: route.provider},
        body=body,
    )


def _model_listing(request: Request, model_id: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for model in emulator_state(request).catalog.all():
        if model_id is not None and model.id != model_id:
            continue
        providers = []
        for name, mapping in model.providers.items():
            if mapping.task != "conversational":
                continue
            stats = PROVIDER_STATS.get(name)
            entry: dict[str, Any] = {
                "provider": name,
                "status": mapping.status,
                "context_length": model.context_length,
                "supports_tools": True,
                "supports_structured_output": True,
                "is_model_author": mapping.is_model_author,
            }
            if stats is not None:
                entry["pricing"] = {"input": stats.input_price, "output": stats.output_price}
                entry["throughput"] = stats.throughput
                entry["first_token_latency_ms"] = stats.first_token_latency_ms
            providers.append(entry)
        if providers:
            out.append(
                {
                    "id": model.id,
                    "object": "model",
                    "created": 1735689600,
                    "owned_by": model.author,
                    "providers": providers,
                }
            )
    return out


async def list_chat_models(request: Request) -> Response:
    await begin(request, model="", style="hf", cold=False)
    return JSONResponse({"object": "list", "data": _model_listing(request, None)})


async def get_chat_model(request: Request) -> Response:
    model_id: str = request.path_params["model_id"]
    await begin(request, model=model_id, style="hf", cold=False)
    found = _model_listing(request, model_id)
    if not found:
        return error_response("hf", 404, f"Model {model_id} not found")
    return JSONResponse(found[0])


# ----------------------------------------------------------------- hf-inference


def unknown_model_response(model_id: str) -> Response:
    """The router's 404 for a model id it does not know (same body as the auto-router's)."""
    return error_response("hf", 404, f"The requested model '{model_id}' does not exist.")


def _require_known(request: Request, model_id: str) -> None:
    """Refuse, like the router, a model id that is not in the catalog.

    ``EmulatorSettings.serve_any_model`` lets any id through (as a text-generation model).
    """
    state = emulator_state(request)
    if not state.settings.serve_any_model and state.catalog.get(model_id) is None:
        raise Reject(unknown_model_response(model_id))


async def hf_chat(request: Request) -> Response:
    model_id: str = request.path_params["model_id"]
    _require_known(request, model_id)
    return await chat_endpoint(
        request,
        model_key=model_id,
        model_name=model_id,
        style="hf",
        headers={PROVIDER_HEADER: "hf-inference"},
    )


async def _text_generation(request: Request, model_id: str) -> Response:
    return await text_generation_endpoint(
        request,
        model_key=model_id,
        style="hf",
        mode="compat",
        headers={PROVIDER_HEADER: "hf-inference"},
    )


async def _feature_extraction(request: Request, model_id: str) -> Response:
    body = await read_json_object(request, "hf")
    await begin(request, model=model_id, style="hf")
    vectors, single, _ = compute_embeddings(request, body, model=model_id, style="hf")
    return JSONResponse(vectors[0] if single else vectors)


async def _sentence_similarity(request: Request, model_id: str) -> Response:
    body = await read_json_object(request, "hf")
    await begin(request, model=model_id, style="hf")
    inputs = body.get("inputs")
    source = inputs.get("source_sentence") if isinstance(inputs, dict) else None
    sentences = inputs.get("sentences") if isinstance(inputs, dict) else None
    if not isinstance(source, str) or not (
        isinstance(sentences, list) and all(isinstance(s, str) for s in sentences)
    ):
        return input_error_response(
            "hf",
            InputError(
                "Failed to deserialize the JSON body into the target type: inputs: "
                "expected {source_sentence: str, sentences: [str]}"
            ),
        )
    settings = emulator_state(request).settings
    dim = settings.embedding_dim(model_id)
    src = embed(model_id, source, dim=dim, seed=settings.seed)
    return JSONResponse(
        [cosine(src, embed(model_id, s, dim=dim, seed=settings.seed)) for s in sentences]
    )


#: pipeline tag -> handler for ``POST /hf-inference/models/{id}``; other modules
#: (e.g. a future ``tasks.py``) register more tasks here.
TASK_HANDLERS: dict[str, TaskHandler] = {
    "text-generation": _text_generation,
    "text2text-generation": _text_generation,
    "feature-extraction": _feature_extraction,
    "sentence-similarity": _sentence_similarity,
}

_PIPELINES: dict[str, TaskHandler] = {
    "feature-extraction": _feature_extraction,
    "sentence-similarity": _sentence_similarity,
}


async def hf_model(request: Request) -> Response:
    model_id: str = request.path_params["model_id"]
    _require_known(request, model_id)
    model = emulator_state(request).catalog.get(model_id)
    task = model.pipeline_tag if model is not None else "text-generation"
    handler = TASK_HANDLERS.get(task)
    if handler is None:
        raise Reject(
            error_response(
                "hf", 400, f"Model {model_id} (task {task}) is not supported by the emulator yet"
            )
        )
    return await handler(request, model_id)


async def hf_pipeline(request: Request) -> Response:
    model_id: str = request.path_params["model_id"]
    task: str = request.path_params["task"]
    _require_known(request, model_id)
    handler = _PIPELINES.get(task)
    if handler is None:
        return error_response("hf", 404, f"Unknown pipeline {task!r}")
    return await handler(request, model_id)


routes: list[BaseRoute] = [
    Route("/v1/chat/completions", router_chat, methods=["POST"]),
    Route("/v1/models", list_chat_models, methods=["GET"]),
    Route("/v1/models/{model_id:path}", get_chat_model, methods=["GET"]),
    Route("/hf-inference/models/{model_id:path}/v1/chat/completions", hf_chat, methods=["POST"]),
    Route("/hf-inference/models/{model_id:path}/pipeline/{task}", hf_pipeline, methods=["POST"]),
    Route("/hf-inference/models/{model_id:path}", hf_model, methods=["POST"]),
]
