"""Error bodies of the emulated services, and the ``Reject`` escape hatch.

Handlers raise :class:`Reject` with a ready response from anywhere (body parsing,
fault planning, validation); ``app.py`` registers an exception handler that sends
it.  Bodies follow the service family (``ErrorStyle``):

* ``"hf"`` -- router / Hub: ``{"error": "<message>"}``;
* ``"tgi"`` / ``"tei"`` -- engines: ``{"error": "<message>", "error_type": "<kind>"}``.

A missing or refused token is the router's 401 (:func:`unauthorized_response`) on the
Hub and the router, and a dedicated endpoint's 401 ``{"error": "401 Unauthorized",
"code": "UNAUTHORIZED"}`` (:func:`endpoint_unauthorized_response`, docs/wire.md §5.2) on the
``/tgi`` and ``/tei`` data planes.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .generation import InputError

__all__ = [
    "AUTH_CHALLENGE",
    "ENDPOINT_UNAUTHORIZED_BODY",
    "ErrorStyle",
    "Reject",
    "endpoint_unauthorized_response",
    "error_response",
    "input_error_response",
    "loading_response",
    "read_json_object",
    "unauthorized_response",
]

ErrorStyle = Literal["hf", "tgi", "tei"]
AUTH_CHALLENGE = 'Bearer realm="Authentication required"'


class Reject(Exception):
    """Abort request handling and send ``response`` instead."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def error_response(
    style: ErrorStyle,
    status: int,
    message: str,
    *,
    error_type: str = "validation",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if style != "hf":
        body["error_type"] = error_type
    return JSONResponse(body, status_code=status, headers=headers)


def unauthorized_response() -> JSONResponse:
    return JSONResponse(
        {"error": "Invalid username or password."},
        status_code=401,
        headers={"www-authenticate": AUTH_CHALLENGE},
    )


#: A dedicated endpoint's answer to a missing or refused token, on every route
#: including ``/health`` (docs/wire.md §5.2). the notes record no ``WWW-Authenticate`` for it.
ENDPOINT_UNAUTHORIZED_BODY = {"error": "401 Unauthorized", "code": "UNAUTHORIZED"}


def endpoint_unauthorized_response() -> JSONResponse:
    """The 401 of a dedicated endpoint's data plane (:data:`ENDPOINT_UNAUTHORIZED_BODY`)."""
    return JSONResponse(ENDPOINT_UNAUTHORIZED_BODY, status_code=401)


def loading_response(model: str, estimated_time: float) -> JSONResponse:
    return JSONResponse(
        {
            "error": f"Model {model} is currently loading",
            "estimated_time": round(estimated_time, 6),  # scaled: small at small time_scale
        },
        status_code=503,
    )


def input_error_response(style: ErrorStyle, exc: InputError) -> JSONResponse:
    return error_response(style, exc.status, exc.message, error_type=exc.error_type)


async def read_json_object(request: Request, style: ErrorStyle) -> dict[str, Any]:
    """The request body as a JSON object, or :class:`Reject` with a 422."""
    raw = await request.body()
    try:
        data = json.loads(raw) if raw else None
    except ValueError as exc:
        raise Reject(
            error_response(style, 422, f"Failed to parse the request body as JSON: {exc}")
        ) from None
    if not isinstance(data, dict):
        raise Reject(
            error_response(
                style,
                422,
                "Failed to deserialize the JSON body into the target type: expected a JSON object",
            )
        )
    return data
