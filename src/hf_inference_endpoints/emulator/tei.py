"""Emulated text-embeddings-inference (TEI) server, mounted under ``/tei/{name}``.

``{name}`` is the model key (faults, cold loading, ``embedding_dims``) and the
``model_id`` of ``/info``.  Routes (relative):

* ``POST /embed`` ``{inputs: str | [str], normalize=true, truncate=false,
  truncation_direction, prompt_name, dimensions}`` -> ``[[float]]``; also ``POST /``,
  which real TEI routes by model type (``/embed`` for an embedding model): what a
  dedicated endpoint called by name (its bare URL) is sent;
* ``POST /v1/embeddings`` (also ``/embeddings``) ``{input, model?, encoding_format,
  dimensions}`` -> ``{object: "list", data: [{object, embedding, index}], model, usage}``;
* ``POST /rerank`` ``{query, texts, raw_scores=false, return_text=false, truncate}`` ->
  ``[{index, score, text?}]``, best first: the raw score is the share of the text's
  words found in the query (plus a tiny stable tie-breaker), passed through a sigmoid
  unless ``raw_scores``;
* ``GET /info`` (``max_client_batch_size`` from settings, default 32), ``GET /health``.

A batch larger than ``max_client_batch_size`` -- or an input longer than
``tei_max_input_length`` words without ``truncate`` -- is a 413
``{"message": ..., "code": 413, "type": "Validation"}``; an empty batch is a 400.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .embeddings import floats_to_base64
from .errors import Reject, error_response, read_json_object
from .faults import begin
from .generation import stable_hash
from .handlers import compute_embeddings, emulator_state

__all__ = ["PREFIX", "TEI_VERSION", "routes"]

PREFIX = "/tei/{name}"
TEI_VERSION = "1.9.3-emulator"


def _name(request: Request) -> str:
    name: str = request.path_params["name"]
    return name


def _check_batch(request: Request, value: Any) -> None:
    limit = emulator_state(request).settings.max_client_batch_size
    if isinstance(value, list):
        if not value:
            raise Reject(error_response("tei", 400, "`inputs` cannot be empty", error_type="Empty"))
        if len(value) > limit:
            raise Reject(
                JSONResponse(
                    {
                        "message": f"batch size {len(value)} > maximum allowed batch size {limit}",
                        "code": 413,
                        "type": "Validation",
                    },
                    status_code=413,
                )
            )


async def embed_route(request: Request) -> Response:
    name = _name(request)
    body = await read_json_object(request, "tei")
    await begin(request, model=name, style="tei")
    _check_batch(request, body.get("inputs"))
    vectors, _, _ = compute_embeddings(
        request,
        body,
        model=name,
        style="tei",
        max_length=emulator_state(request).settings.tei_max_input_length,
    )
    return JSONResponse(vectors)


async def openai_embeddings(request: Request) -> Response:
    name = _name(request)
    body = await read_json_object(request, "tei")
    await begin(request, model=name, style="tei")
    _check_batch(request, body.get("input"))
    settings = emulator_state(request).settings
    request_body = {
        "input": body.get("input"),
        "dimensions": body.get("dimensions"),
        "truncate": body.get("truncate", False),
    }
    vectors, _, tokens = compute_embeddings(
        request,
        request_body,
        model=name,
        style="tei",
        field="input",
        max_length=settings.tei_max_input_length,
    )
    as_base64 = body.get("encoding_format") == "base64"
    data = [
        {
            "object": "embedding",
            "embedding": floats_to_base64(v) if as_base64 else v,
            "index": i,
        }
        for i, v in enumerate(vectors)
    ]
    return JSONResponse(
        {
            "object": "list",
            "data": data,
            "model": name,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


def _rerank_score(query: str, text: str) -> float:
    asked = {w.lower().strip(".,?!") for w in query.split()}
    words = [w.lower().strip(".,?!") for w in text.split()]
    share = sum(w in asked for w in words) / len(words) if words else 0.0
    return 4.0 * share - 2.0 + stable_hash("rerank", text) % 1000 / 1e6


async def rerank(request: Request) -> Response:
    name = _name(request)
    body = await read_json_object(request, "tei")
    await begin(request, model=name, style="tei")
    query, texts = body.get("query"), body.get("texts")
    if not isinstance(query, str) or not isinstance(texts, list):
        raise Reject(error_response("tei", 422, "`query` (string) and `texts` (list) are required"))
    _check_batch(request, texts)
    results = []
    for index, text in enumerate(texts):
        raw = _rerank_score(query, str(text))
        score = raw if body.get("raw_scores") else 1.0 / (1.0 + math.exp(-raw))
        result: dict[str, Any] = {"index": index, "score": score}
        if body.get("return_text"):
            result["text"] = text
        results.append(result)
    results.sort(key=lambda r: -r["score"])
    return JSONResponse(results)


async def info(request: Request) -> Response:
    name = _name(request)
    await begin(request, model=name, style="tei")
    settings = emulator_state(request).settings
    return JSONResponse(
        {
            "model_id": name,
            "model_sha": None,
            "model_dtype": "float16",
            "model_type": {"embedding": {"pooling": "mean"}},
            "served_model_name": name,
            "max_concurrent_requests": 512,
            "max_input_length": settings.tei_max_input_length,
            "max_batch_tokens": 16384,
            "max_batch_requests": None,
            "max_client_batch_size": settings.max_client_batch_size,
            "auto_truncate": False,
            "tokenization_workers": 4,
            "version": TEI_VERSION,
            "sha": None,
            "docker_label": None,
        }
    )


async def health(request: Request) -> Response:
    await begin(request, model=_name(request), style="tei")
    return Response(status_code=200)


routes: list[BaseRoute] = [
    Route("/", embed_route, methods=["POST"]),
    Route("/embed", embed_route, methods=["POST"]),
    Route("/v1/embeddings", openai_embeddings, methods=["POST"]),
    Route("/embeddings", openai_embeddings, methods=["POST"]),
    Route("/rerank", rerank, methods=["POST"]),
    Route("/info", info, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
]
