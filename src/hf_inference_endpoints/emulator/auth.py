"""Bearer-token check and ``x-request-id`` stamping (pure ASGI middleware).

Every HTTP request gets a unique, counter-based ``x-request-id`` response header.
Every path except ``/_emulator/*``, the data plane of a ``public`` emulated
endpoint (``endpoints_api.public_data_plane``) and the Hub's public reads asked
anonymously (:func:`anonymous_hub_read`: model info, model listing, ``/api/tasks``)
needs ``Authorization: Bearer <token>``; the token must be non-empty and, when ``EmulatorSettings.valid_tokens`` is
set, one of them.  Otherwise the answer is the router's 401
``{"error": "Invalid username or password."}`` with
``WWW-Authenticate: Bearer realm="Authentication required"``, except on the ``/tgi``
and ``/tei`` data planes (dedicated endpoints' URLs), which answer a dedicated
endpoint's 401 ``{"error": "401 Unauthorized", "code": "UNAUTHORIZED"}`` (WIRE §e.2).

Written as plain ASGI (not ``BaseHTTPMiddleware``) so streamed bodies and
mid-stream aborts pass through untouched.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .endpoints_api import is_data_plane, public_data_plane
from .errors import endpoint_unauthorized_response, unauthorized_response
from .state import EmulatorState

__all__ = [
    "CONTROL_PREFIX",
    "AuthMiddleware",
    "anonymous_hub_read",
    "bearer_token",
    "token_allowed",
]

CONTROL_PREFIX = "/_emulator"
#: Hub routes that answer without a token (public models; the catalog has no private ones).
_PUBLIC_HUB_READS = ("/hub/api/models", "/hub/api/tasks")


def anonymous_hub_read(method: str, path: str, authorization: str | None) -> bool:
    """Whether this is a public Hub read sent without credentials, which the Hub serves.

    A request that carries a token is checked as usual: the Hub refuses a bad token even
    on a public route.
    """
    if authorization is not None or method not in ("GET", "HEAD"):
        return False
    return any(path == p or path.startswith(p + "/") for p in _PUBLIC_HUB_READS)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, else ``None``."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def token_allowed(state: EmulatorState, authorization: str | None) -> bool:
    token = bearer_token(authorization)
    if token is None:
        return False
    valid = state.settings.valid_tokens
    return valid is None or token in valid


class AuthMiddleware:
    """Stamp ``x-request-id`` on every response and enforce bearer auth."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self.state.next_request_id()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        path: str = scope["path"]
        is_control = path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")
        authorization = Headers(scope=scope).get("authorization")
        if (
            not is_control
            and not token_allowed(self.state, authorization)
            and not public_data_plane(self.state, path)
            and not anonymous_hub_read(scope["method"], path, authorization)
        ):
            refusal = (
                endpoint_unauthorized_response() if is_data_plane(path) else unauthorized_response()
            )
            await refusal(scope, receive, send_with_id)
            return
        await self.app(scope, receive, send_with_id)
