"""Fault injection for the emulator.

Where faults come from, in evaluation order:

1. the request header ``X-Emulator-Fault: <spec>``;
2. runtime faults set with ``POST /_emulator/faults {"model": <id or "*">, "fault": <spec>}``
   (cleared by ``DELETE /_emulator/faults`` or ``POST /_emulator/reset``);
3. ``EmulatorSettings.faults[<model>]`` and ``EmulatorSettings.faults["*"]``.

Spec grammar::

    spec   := fault ("," fault)*
    fault  := name [":" param (";" param)*]
    param  := key "=" value

Every fault accepts ``times=N``: it applies to the first N *matching* requests, then
stops.  Uses are counted per (fault text, model) -- the fault text being the fault
as written, e.g. ``429:retry_after=1;times=2`` -- so a client retrying with the same
header sees the fault N times and then succeeds.  ``POST /_emulator/reset`` zeroes
the counters.  Stream faults only match streamed requests.

=================  ==============================================================
name               effect (parameters)
=================  ==============================================================
``429``            429, family-style body. ``retry_after=<s>`` -> ``Retry-After: <s>``;
                   ``retry_after_ms=<ms>`` -> ``retry-after-ms: <ms>``;
                   ``retry_after_date=1`` -> ``Retry-After`` as an HTTP-date
                   (now + ``retry_after`` seconds, default 1). Scaled.
``503-loading``    503 ``{"error": "Model <id> is currently loading",
                   "estimated_time": s}`` (``estimated_time=<s>``, default 20). Scaled.
``503``            503 endpoint-proxy body ``{"error": "503 Service Unavailable",
                   "code": "SERVICE_UNAVAILABLE"}``.
``500``            500, family-style body (TGI: ``error_type`` incomplete_generation).
``502``            502 JSON ``{"error": "502 Bad Gateway", "code": "BAD_GATEWAY"}``;
                   ``html=1`` -> a text/html proxy error page.
``504``            504 JSON ``{"error": "504 Gateway Timeout", "code":
                   "GATEWAY_TIMEOUT"}``; ``html=1`` -> text/html page.
``400-paused``     400 ``{"error": "Bad Request: The endpoint is paused, ask a
                   maintainer to restart it", "code": "BAD_REQUEST"}``.
``402``            402 ``{"error": <out of credits message>}`` (the billed account has
                   no credits left; the real router's exact body is not established).
``401``            401 like a bad token: on TGI/TEI routes a dedicated endpoint's
                   ``{"error": "401 Unauthorized", "code": "UNAUTHORIZED"}``, else the
                   router's (``WWW-Authenticate`` included).
``latency``        wait ``ms`` milliseconds (scaled by ``time_scale``) before
                   handling; combines with the other faults.
``stream-error``   after ``after=N`` events (default 1) send an error event and end:
                   TGI routes ``{"error": ..., "error_type": "generation"}``;
                   chat routes ``{"error": {"message": ..., "http_status_code": 500}}``
                   then ``[DONE]``. ``message=<text>`` overrides the message.
``stream-drop``    after ``after=N`` events (default 1) abort the connection without
                   finishing the chunked body (the app raises :class:`StreamDropped`;
                   uvicorn closes the socket, clients see a protocol/read error).
``stall``          after ``after=N`` events (default 1) pause ``ms`` milliseconds
                   (default 1000, scaled) then continue.
=================  ==============================================================

Durations are simulated seconds: the ones waited (``latency``, ``stall``) and the ones
reported (``Retry-After``, ``retry-after-ms``, ``estimated_time``, marked "Scaled"
above) are multiplied by ``EmulatorSettings.time_scale``, so a client waiting as told
waits the emulated time (``retry_after=2`` at ``time_scale=0.01`` -> ``Retry-After:
0.02``; an HTTP-date has whole seconds only).

Example: ``X-Emulator-Fault: 429:retry_after=2;times=2, latency:ms=300``.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from .errors import (
    ErrorStyle,
    Reject,
    endpoint_unauthorized_response,
    error_response,
    loading_response,
    unauthorized_response,
)
from .settings import EmulatorSettings
from .sse import OPENAI_DONE, openai_event, tgi_event
from .state import EmulatorState

__all__ = [
    "FAULT_HEADER",
    "Fault",
    "FaultSpecError",
    "StreamDropped",
    "StreamFaults",
    "begin",
    "parse_spec",
    "stream_frames",
]

FAULT_HEADER = "x-emulator-fault"
StreamDialect = Literal["openai", "tgi"]

_INT, _FLOAT, _FLAG, _TEXT = "int", "float", "flag", "text"
_PARAMS: dict[str, dict[str, str]] = {
    "429": {"retry_after": _FLOAT, "retry_after_ms": _INT, "retry_after_date": _FLAG},
    "503-loading": {"estimated_time": _FLOAT},
    "503": {},
    "500": {},
    "502": {"html": _FLAG},
    "504": {"html": _FLAG},
    "400-paused": {},
    "401": {},
    "402": {},
    "latency": {"ms": _FLOAT},
    "stream-error": {"after": _INT, "message": _TEXT},
    "stream-drop": {"after": _INT},
    "stall": {"after": _INT, "ms": _FLOAT},
}
RESPONSE_FAULTS = frozenset(
    {"429", "503-loading", "503", "500", "502", "504", "400-paused", "401", "402"}
)
#: The 402 body: what users report seeing when their credits run out.
OUT_OF_CREDITS = (
    "You have exceeded your monthly included credits for Inference Providers. "
    "Add pre-paid credits to your account to continue."
)
STREAM_FAULTS = frozenset({"stream-error", "stream-drop", "stall"})


class FaultSpecError(ValueError):
    """A fault spec that does not follow the grammar."""


class StreamDropped(RuntimeError):
    """Raised inside a streaming body to make the server abort the connection."""


@dataclass(frozen=True)
class Fault:
    name: str
    params: dict[str, str]
    text: str
    times: int | None

    def number(self, key: str, default: float) -> float:
        return float(self.params[key]) if key in self.params else default

    def flag(self, key: str) -> bool:
        return self.params.get(key, "0").lower() in ("1", "true", "yes", "on")


def _check_value(fault: str, key: str, kind: str, value: str) -> None:
    try:
        if kind == _INT and int(value) < 0:
            raise ValueError
        if kind == _FLOAT and float(value) < 0:
            raise ValueError
    except ValueError:
        raise FaultSpecError(f"{fault}: {key}={value!r} is not a non-negative number") from None


def parse_spec(spec: str) -> list[Fault]:
    """Parse a fault spec (grammar in the module docstring)."""
    faults: list[Fault] = []
    for raw in spec.split(","):
        text = raw.strip()
        if not text:
            continue
        name, _, rest = text.partition(":")
        name = name.strip().lower()
        if name not in _PARAMS:
            raise FaultSpecError(f"unknown fault {name!r} (known: {', '.join(sorted(_PARAMS))})")
        allowed = {**_PARAMS[name], "times": _INT}
        params: dict[str, str] = {}
        for item in rest.split(";"):
            if not item.strip():
                continue
            key, eq, value = item.partition("=")
            key, value = key.strip().lower(), value.strip()
            if not eq or key not in allowed:
                raise FaultSpecError(
                    f"{name}: bad parameter {item.strip()!r} (allowed: {', '.join(sorted(allowed))})"
                )
            _check_value(name, key, allowed[key], value)
            params[key] = value
        times = int(params["times"]) if "times" in params else None
        faults.append(Fault(name, params, text, times))
    return faults


@dataclass
class StreamFaults:
    """Stream faults planned for one request (event counts, real seconds)."""

    error_after: int | None = None
    error_message: str = "Emulated stream error"
    drop_after: int | None = None
    stall_after: int | None = None
    stall_seconds: float = 0.0
    applied: list[str] = field(default_factory=list)


def _fmt_number(value: float) -> str:
    value = round(float(value), 6)  # scaled values: 2 * 0.01 is 0.02, not 0.020000000000000004
    return str(int(value)) if value.is_integer() else str(value)


def _fault_response(
    fault: Fault, model: str, style: ErrorStyle, settings: EmulatorSettings
) -> Response:
    name = fault.name
    if name == "429":
        headers: dict[str, str] = {}
        seconds = settings.scaled(fault.number("retry_after", 1.0))
        if fault.flag("retry_after_date"):
            headers["retry-after"] = email.utils.formatdate(time.time() + seconds, usegmt=True)
        elif "retry_after" in fault.params:
            headers["retry-after"] = _fmt_number(seconds)
        if "retry_after_ms" in fault.params:
            millis = settings.scaled(fault.number("retry_after_ms", 0.0))
            headers["retry-after-ms"] = _fmt_number(millis)
        message = (
            "Model is overloaded" if style != "hf" else "Rate limit reached. Please retry later."
        )
        return error_response(style, 429, message, error_type="overloaded", headers=headers)
    if name == "503-loading":
        return loading_response(model, settings.scaled(fault.number("estimated_time", 20.0)))
    if name == "503":
        return JSONResponse(
            {"error": "503 Service Unavailable", "code": "SERVICE_UNAVAILABLE"}, status_code=503
        )
    if name == "500":
        if style == "hf":
            return error_response(style, 500, "Internal Server Error")
        kind = "incomplete_generation" if style == "tgi" else "backend"
        return error_response(
            style, 500, "Request failed during generation: emulated failure", error_type=kind
        )
    if name in ("502", "504"):
        title = "502 Bad Gateway" if name == "502" else "504 Gateway Time-out"
        if fault.flag("html"):
            page = (
                f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
                f"<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
            )
            return HTMLResponse(page, status_code=int(name))
        code = "BAD_GATEWAY" if name == "502" else "GATEWAY_TIMEOUT"
        message = "502 Bad Gateway" if name == "502" else "504 Gateway Timeout"
        return JSONResponse({"error": message, "code": code}, status_code=int(name))
    if name == "400-paused":
        return JSONResponse(
            {
                "error": "Bad Request: The endpoint is paused, ask a maintainer to restart it",
                "code": "BAD_REQUEST",
            },
            status_code=400,
        )
    if name == "402":
        return JSONResponse({"error": OUT_OF_CREDITS}, status_code=402)
    if style != "hf":  # a TGI/TEI route: a dedicated endpoint's data plane
        return endpoint_unauthorized_response()
    return unauthorized_response()


def _collect(state: EmulatorState, request: Request, model: str) -> list[Fault]:
    specs: list[str] = []
    header = request.headers.get(FAULT_HEADER)
    if header:
        specs.append(header)
    for table in (state.runtime_faults, state.settings.faults):
        for key in (model, "*"):
            spec = table.get(key)
            if spec:
                specs.append(spec)
    faults: list[Fault] = []
    for spec in specs:
        try:
            faults.extend(parse_spec(spec))
        except FaultSpecError as exc:
            raise Reject(
                JSONResponse({"error": f"Invalid fault spec {spec!r}: {exc}"}, status_code=400)
            ) from None
    return faults


async def begin(
    request: Request,
    *,
    model: str,
    style: ErrorStyle,
    streaming: bool = False,
    cold: bool = True,
) -> StreamFaults:
    """Apply faults and cold-model loading to a request about ``model``.

    Sleeps for ``latency`` faults, raises :class:`Reject` for response faults and
    for a cold model still loading, and returns the stream faults to apply.
    """
    state: EmulatorState = request.app.state.emulator
    faults = _collect(state, request, model)

    def use(fault: Fault) -> bool:
        return state.consume(f"{fault.text}|{model}", fault.times)

    for fault in faults:
        if fault.name == "latency" and use(fault):
            await anyio.sleep(state.settings.scaled(fault.number("ms", 0.0) / 1000.0))
    for fault in faults:
        if fault.name in RESPONSE_FAULTS and use(fault):
            raise Reject(_fault_response(fault, model, style, state.settings))
    plan = StreamFaults()
    if streaming:
        for fault in faults:
            if fault.name not in STREAM_FAULTS or not use(fault):
                continue
            after = int(fault.number("after", 1))
            plan.applied.append(fault.text)
            if fault.name == "stream-error" and plan.error_after is None:
                plan.error_after = after
                plan.error_message = fault.params.get("message", plan.error_message)
            elif fault.name == "stream-drop" and plan.drop_after is None:
                plan.drop_after = after
            elif fault.name == "stall" and plan.stall_after is None:
                plan.stall_after = after
                plan.stall_seconds = state.settings.scaled(fault.number("ms", 1000.0) / 1000.0)
    if cold:
        remaining = state.loading_remaining(model)
        if remaining is not None:
            raise Reject(loading_response(model, remaining))
    return plan


async def stream_frames(
    request: Request,
    plan: StreamFaults,
    frames: Sequence[bytes],
    *,
    dialect: StreamDialect,
) -> AsyncIterator[bytes]:
    """Yield SSE ``frames`` (plus ``[DONE]`` for the OpenAI dialect) applying ``plan``."""
    state: EmulatorState = request.app.state.emulator
    interval = state.settings.scaled(state.settings.token_latency_ms / 1000.0)
    total = len(frames)

    def at(after: int | None, index: int) -> bool:
        return after is not None and min(after, total) == index

    for index in range(total + 1):
        if at(plan.stall_after, index):
            await anyio.sleep(plan.stall_seconds)
        if at(plan.error_after, index):
            if dialect == "tgi":
                yield tgi_event({"error": plan.error_message, "error_type": "generation"})
            else:
                yield openai_event(
                    {"error": {"message": plan.error_message, "http_status_code": 500}}
                )
                yield OPENAI_DONE
            return
        if at(plan.drop_after, index):
            raise StreamDropped("emulated stream-drop fault")
        if index == total:
            break
        if index and interval:
            await anyio.sleep(interval)
        yield frames[index]
    if dialect == "openai":
        yield OPENAI_DONE
