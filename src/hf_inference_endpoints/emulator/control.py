"""Control API of the emulator itself, mounted under ``/_emulator`` (no auth needed).

* ``POST /faults`` ``{"model": <id> | "*" | null, "fault": <spec>}`` -- set (or, with an
  empty spec, remove) the runtime fault of a model; ``null`` means ``"*"`` (all).
  400 on a spec that does not parse.
* ``DELETE /faults`` (optional ``?model=``) -- clear runtime faults.
* ``POST /reset`` -- clear runtime faults, fault counters and cold-model clocks.
* ``GET /state`` -- counters, faults and cold-model status as JSON.
* ``POST /rate-limits`` ``{"provider": <name>, "per_minute": <int> | null,
  "tokens_per_minute": <int> | null}`` (either key or both) -- set (or remove) a
  provider's request and token limits (:mod:`.ratelimit`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import read_json_object
from .faults import FaultSpecError, parse_spec
from .handlers import emulator_state
from .ratelimit import rate_limits

__all__ = ["PREFIX", "routes"]

PREFIX = "/_emulator"


async def set_fault(request: Request) -> Response:
    body = await read_json_object(request, "hf")
    model = body.get("model") or "*"
    spec = body.get("fault") or ""
    if not isinstance(model, str) or not isinstance(spec, str):
        return JSONResponse({"error": "expected {model: str | null, fault: str}"}, status_code=422)
    try:
        parse_spec(spec)
    except FaultSpecError as exc:
        return JSONResponse({"error": f"Invalid fault spec {spec!r}: {exc}"}, status_code=400)
    state = emulator_state(request)
    if spec.strip():
        state.runtime_faults[model] = spec
    else:
        state.runtime_faults.pop(model, None)
    return JSONResponse({"faults": dict(state.runtime_faults)})


async def clear_faults(request: Request) -> Response:
    state = emulator_state(request)
    model = request.query_params.get("model")
    if model is None:
        state.runtime_faults.clear()
    else:
        state.runtime_faults.pop(model, None)
    return JSONResponse({"faults": dict(state.runtime_faults)})


async def reset(request: Request) -> Response:
    emulator_state(request).reset()
    return JSONResponse({"reset": True})


async def get_state(request: Request) -> Response:
    state = emulator_state(request)
    return JSONResponse({**state.snapshot(), "rate_limits": rate_limits(state).snapshot()})


def _valid_limit(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1)


async def set_rate_limit(request: Request) -> Response:
    body = await read_json_object(request, "hf")
    provider = body.get("provider")
    kinds = [key for key in ("per_minute", "tokens_per_minute") if key in body]
    if (
        not isinstance(provider, str)
        or not provider
        or not kinds
        or not all(_valid_limit(body[key]) for key in kinds)
    ):
        return JSONResponse(
            {
                "error": "expected {provider: str, per_minute?: int >= 1 | null, "
                "tokens_per_minute?: int >= 1 | null}"
            },
            status_code=422,
        )
    limits = rate_limits(emulator_state(request))
    for key, table in (("per_minute", limits.limits), ("tokens_per_minute", limits.token_limits)):
        if key not in body:
            continue
        if body[key] is None:
            table.pop(provider, None)
        else:
            table[provider] = body[key]
    return JSONResponse(limits.snapshot())


routes: list[BaseRoute] = [
    Route("/faults", set_fault, methods=["POST"]),
    Route("/faults", clear_faults, methods=["DELETE"]),
    Route("/reset", reset, methods=["POST"]),
    Route("/state", get_state, methods=["GET"]),
    Route("/rate-limits", set_rate_limit, methods=["POST"]),
]
