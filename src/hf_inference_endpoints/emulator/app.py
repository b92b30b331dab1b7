"""Assemble the emulator's Starlette app from the per-family route modules.

Mounts (prefix -> module): ``/_emulator`` control, ``/hub`` Hub API, ``/router``
inference router, ``/router/{provider}`` emulated third-party providers,
``/_emulator/files`` their output files, ``/tgi/{name}`` TGI server, ``/tei/{name}`` TEI
server, ``/endpoints-api`` Inference Endpoints management API.  A new
API family is one module exposing ``PREFIX`` and ``routes``, added to
:data:`FAMILIES`.  Every family shares the auth/request-id middleware, the fault
engine and the state on ``app.state.emulator``.
"""

from __future__ import annotations

from types import ModuleType

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from . import control, endpoints_api, hub, provider_files, providers, router, tei, tgi
from . import tasks as _tasks  # noqa: F401  (registers the hf-inference task handlers)
from .auth import AuthMiddleware
from .errors import Reject
from .faults import FaultSpecError, parse_spec
from .ratelimit import RateLimitMiddleware
from .settings import EmulatorSettings
from .state import EmulatorState

__all__ = ["FAMILIES", "create_app"]

#: Route modules, each with ``PREFIX`` and ``routes``; mounted in this order (the first
#: matching prefix wins: ``/_emulator/files`` before ``/_emulator``, and the emulated
#: providers' ``/router/{provider}`` before the router's own routes).
FAMILIES: tuple[ModuleType, ...] = (
    provider_files,
    control,
    hub,
    providers,
    router,
    tgi,
    tei,
    endpoints_api,
)


async def _on_reject(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Reject)
    return exc.response


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


def create_app(settings: EmulatorSettings | None = None) -> Starlette:
    """A fresh emulator app with its own state (see :class:`EmulatorSettings`)."""
    settings = settings if settings is not None else EmulatorSettings()
    for model, spec in settings.faults.items():
        try:
            parse_spec(spec)
        except FaultSpecError as exc:
            raise ValueError(f"EmulatorSettings.faults[{model!r}]: {exc}") from None
    state = EmulatorState(settings)
    app = Starlette(
        routes=[Mount(module.PREFIX, routes=module.routes) for module in FAMILIES],
        middleware=[
            Middleware(AuthMiddleware, state=state),
            Middleware(RateLimitMiddleware, state=state),  # after auth: a 401 is not counted
            # after auth: a 401 must not wake a scaled-to-zero endpoint
            Middleware(endpoints_api.DataPlaneGate, state=state),
        ],
        exception_handlers={Reject: _on_reject, HTTPException: _on_http_exception},
    )
    app.state.emulator = state
    return app
