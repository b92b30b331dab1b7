"""The error tree and the mapping from HTTP answers to it (no I/O).

Every failure the library raises is an :class:`HfError`. Each error carries the
HTTP status, the server's request id, the provider, model and endpoint involved
and the server's own message, so a log line says what went wrong and where.

``error_from_response`` turns any (status, headers, body) into the right
subclass; ``error_from_event`` does the same for an error that arrives inside a
200 event stream.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ._record import Record, record, set_field
from ._redact import scrub, scrub_value

__all__ = [
    "AuthenticationError",
    "ColdStartTimeout",
    "ConfigurationError",
    "Conflict",
    "DeadlineExceeded",
    "EndpointFailed",
    "EndpointPaused",
    "EndpointUnhealthy",
    "ErrorContext",
    "GatewayTimeout",
    "HfError",
    "InvalidArgument",
    "ModelLoading",
    "ModelNotAvailableOnProvider",
    "NetworkError",
    "NotFound",
    "PaymentRequired",
    "PermissionDenied",
    "PoolExhausted",
    "RateLimited",
    "RequestRejected",
    "RequestTimeout",
    "ServerError",
    "ServerRequestTimeout",
    "ServiceUnavailable",
    "StreamInterrupted",
    "ValidationError",
    "error_from_event",
    "error_from_response",
    "extract_message",
    "request_id_from_headers",
]

_REQUEST_ID_HEADERS = ("x-request-id", "x-amzn-trace-id", "x-amz-cf-id")
_MAX_MESSAGE = 2000


@record
class ErrorContext(Record):
    """Where a request went: used to make error messages say so (a frozen dataclass)."""

    provider: str | None = None
    model: str | None = None
    endpoint: str | None = None
    endpoint_state: str | None = None
    #: The dedicated endpoint is scaled to zero or starting: a 503 means "waking up"
    #: (a cold start bounded by ``cold_start_timeout``), not "unavailable".
    endpoint_waking: bool = False
    #: False for a request that reaches no model (a file download): a 503 is then
    #: ``ServiceUnavailable`` (retried as usual) whatever its body says, never a cold
    #: start waited out for up to ``cold_start_timeout``.
    cold_starts: bool = True

    def __init__(
        self,
        provider: str | None = None,
        model: str | None = None,
        endpoint: str | None = None,
        endpoint_state: str | None = None,
        endpoint_waking: bool = False,
        cold_starts: bool = True,
    ) -> None:
        set_field(self, "provider", provider)
        set_field(self, "model", model)
        set_field(self, "endpoint", endpoint)
        set_field(self, "endpoint_state", endpoint_state)
        set_field(self, "endpoint_waking", endpoint_waking)
        set_field(self, "cold_starts", cold_starts)


class HfError(Exception):
    """Root of every error this library raises.

    Attributes:
        message: What went wrong, in words a user can act on.
        status_code: HTTP status, when the error came from a response.
        request_id: The server's request id (``x-request-id``), to quote to support.
        provider: The inference provider involved, when known.
        model: The model id involved, when known.
        endpoint: The dedicated endpoint involved, when known (a URL without its
            userinfo and query string).
        server_message: The server's own message, verbatim but for secrets.
        body: The parsed (or raw text) response body, when there was one.

    Secrets never get in: the client's token or a provider key anywhere in the message,
    the server's message or the body is replaced with ``***``, and URLs lose their
    userinfo and query string (``_redact.scrub``).

    Example:
        >>> try:
        ...     raise RateLimited("slow down", status_code=429, retry_after=2.0)
        ... except HfError as err:
        ...     (err.is_retryable, err.retry_after)
        (True, 2.0)
    """

    retryable_by_default = False

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        endpoint: str | None = None,
        server_message: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.message = message
        super().__init__(self.message)
        self.status_code = status_code
        self.request_id = request_id
        self.provider = provider
        self.model = model
        self.endpoint = endpoint
        self.server_message = None if server_message is None else scrub(server_message)
        self.body = scrub_value(body)
        self._retry_after = retry_after

    @property
    def message(self) -> str:
        """What went wrong (secrets masked, URLs without userinfo or query)."""
        return self._message

    @message.setter
    def message(self, value: str) -> None:  # messages are amended after the fact, too
        self._message = scrub(value)

    @property
    def endpoint(self) -> str | None:
        """The dedicated endpoint involved (a URL without userinfo or query), if known."""
        return self._endpoint

    @endpoint.setter
    def endpoint(self, value: str | None) -> None:
        self._endpoint = None if value is None else scrub(value)

    @property
    def is_retryable(self) -> bool:
        """Whether sending the same request again may succeed."""
        return self.retryable_by_default

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait before retrying, if it said."""
        return self._retry_after

    def __str__(self) -> str:
        parts = [self.message]
        where = []
        if self.status_code is not None:
            where.append(f"status {self.status_code}")
        if self.model:
            where.append(f"model {self.model}")
        if self.provider:
            where.append(f"provider {self.provider}")
        if self.endpoint:
            where.append(f"endpoint {self.endpoint}")
        if self.request_id:
            where.append(f"request id {self.request_id}")
        if where:
            parts.append(f"({', '.join(where)})")
        return scrub(" ".join(parts))  # a request id or model set later may echo a secret

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ValidationError(HfError, ValueError):
    """The request is invalid: catch this for both of its kinds.

    :class:`InvalidArgument` (refused by this client, nothing was sent) and
    :class:`RequestRejected` (refused by the server: 400/413/422, or a validation error
    event mid-stream) are its subclasses.
    """


class InvalidArgument(ValidationError):
    """An argument is wrong; raised before anything is sent (``status_code`` is None)."""


class RequestRejected(ValidationError):
    """The server refused the request as invalid (400/413/422, or a validation event)."""


class AuthenticationError(HfError):
    """The token is missing, malformed or rejected (401)."""


class PermissionDenied(HfError):
    """The token is valid but may not do this (403)."""


class NotFound(HfError):
    """The model, route or endpoint does not exist (404)."""


class PaymentRequired(HfError):
    """The account billed for the call has no credits left, or no billing set up (402).

    Never retried: the same request cannot succeed until someone pays. With ``fallback``
    the call moves on to the next provider. Add credits in the HF billing settings, bill an
    organisation with ``bill_to`` (``X-HF-Bill-To``), or call the provider with its own key.
    """


class Conflict(HfError):
    """The request conflicts with the current state (409), e.g. an endpoint name in use."""


class RateLimited(HfError):
    """Too many requests (429); ``retry_after`` says how long the server asked us to wait."""

    retryable_by_default = True


class ModelLoading(HfError):
    """The model is loading (503 with ``estimated_time``); retry after ``estimated_time``."""

    retryable_by_default = True

    def __init__(self, message: str, *, estimated_time: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.estimated_time = estimated_time

    @property
    def retry_after(self) -> float | None:
        return self._retry_after if self._retry_after is not None else self.estimated_time


class RequestTimeout(HfError):
    """Something timed out: catch this for every kind.

    Raised as is when one attempt's connect/read/write limit runs out (``request_timeout``,
    ``stream_timeout``...); its subclasses say more: :class:`DeadlineExceeded` (the call's
    own ``timeout=`` ran out), :class:`ServerRequestTimeout` (the server answered HTTP 408)
    and :class:`ColdStartTimeout`.
    """

    retryable_by_default = True


class PoolExhausted(RequestTimeout):
    """Every connection (``max_connections``) stayed busy for as long as the call could wait.

    Raise ``max_connections``, lower the concurrency, or give calls a longer ``timeout=``.
    """


class DeadlineExceeded(RequestTimeout):
    """The call's ``timeout=`` ran out (across retries, waits, lookups and job polls).

    Not retryable (``is_retryable`` is False): the same call has no time left; neither
    the retries nor provider failover try again after it.
    """

    retryable_by_default = False


class ServerRequestTimeout(RequestTimeout):
    """The server answered 408: it timed out waiting for the request."""


class ColdStartTimeout(RequestTimeout):
    """A model or endpoint was still starting when ``cold_start_timeout`` ran out."""

    retryable_by_default = False

    def __init__(self, message: str, *, waited: float = 0.0, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.waited = waited


class EndpointPaused(HfError):
    """The dedicated endpoint is paused: resume it (or turn on ``auto_resume_paused``)."""


class EndpointFailed(HfError):
    """The dedicated endpoint is in a failed state; ``server_message`` holds why."""


class EndpointUnhealthy(HfError):
    """The endpoint answers but its health route says it is not ready."""

    retryable_by_default = True


class ServiceUnavailable(HfError):
    """The service is temporarily unavailable (503)."""

    retryable_by_default = True


class GatewayTimeout(HfError):
    """A proxy gave up waiting for the model (504)."""

    retryable_by_default = True


class ServerError(HfError):
    """The server failed (5xx other than 503/504, or 424 from TGI/TEI)."""

    @property
    def is_retryable(self) -> bool:
        return self.status_code is not None and self.status_code >= 500


class NetworkError(HfError):
    """The connection could not be made or broke before a response arrived."""

    retryable_by_default = True


class StreamInterrupted(HfError):
    """A stream broke off, ended early, or carried an error event."""


class ModelNotAvailableOnProvider(HfError):
    """The provider does not serve this model (or not for this task)."""

    def __init__(self, message: str, *, available_on: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.available_on = available_on


class ConfigurationError(HfError, ValueError):
    """A configuration value or environment variable is wrong."""


def request_id_from_headers(headers: Mapping[str, str]) -> str | None:
    """Return the request id a response carries, trying HF's and the CDN's headers."""
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def _decode_body(body: bytes | str | Any) -> Any:
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body).decode("utf-8", errors="replace")
    elif isinstance(body, str):
        text = body
    else:
        return body
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return text
    return text


def extract_message(body: Any, headers: Mapping[str, str] | None = None) -> str | None:
    """Find the human message in any error body shape HF services use.

    Handles ``{"error": str}``, ``{"error": [str, ...]}``, ``{"error": {"message": ...}}``,
    ``{"errors": [{"message": ...}]}``, ``{"message": ...}``, ``{"detail": ...}``,
    the ``X-Error-Message`` header and plain text.

    Args:
        body: A decoded JSON value or text.
        headers: Response headers, if any.

    Returns:
        The message, or None when nothing readable is there.
    """
    parts: list[str] = []
    if headers is not None:
        header_message = headers.get("x-error-message")
        if header_message:
            parts.append(header_message)
    found = _message_from_body(body)
    if found and found not in parts:
        parts.append(found)
    if not parts:
        return None
    message = " — ".join(parts)
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE] + "…"


def _message_from_body(body: Any) -> str | None:
    if isinstance(body, str):
        text = body.strip()
        if text.lower().startswith(("<!doctype", "<html")):
            return "the server answered with an HTML error page"
        return text or None
    if isinstance(body, list):
        texts = [m for m in (_message_from_body(item) for item in body) if m]
        return "; ".join(texts) or None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, str):
        description = body.get("error_description")
        return f"{error}: {description}" if isinstance(description, str) else error
    if isinstance(error, list):
        return "; ".join(str(item) for item in error) or None
    if isinstance(error, dict):
        inner = error.get("message")
        if isinstance(inner, str):
            return inner
    errors = body.get("errors")
    if isinstance(errors, list):
        texts = [str(e.get("message")) if isinstance(e, dict) else str(e) for e in errors]
        return "; ".join(texts) or None
    for key in ("message", "detail"):
        value = body.get(key)
        if isinstance(value, str):
            return value
        if value is not None:
            return json.dumps(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _looks_paused(message: str | None) -> bool:
    return bool(message) and "paused" in (message or "").lower()


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes | str | Any,
    *,
    context: ErrorContext | None = None,
    retry_after: float | None = None,
) -> HfError:
    """Map an HTTP error answer to the right :class:`HfError` subclass.

    Args:
        status: The HTTP status code (any value; non-errors map to ``ServerError``).
        headers: Response headers (case-insensitive mapping preferred).
        body: Raw body bytes/text, or an already decoded JSON value.
        context: Where the request went (provider, model, endpoint).
        retry_after: Seconds from ``Retry-After``/``retry-after-ms``, already parsed.

    Returns:
        The error to raise. Never raises itself.

    Example:
        >>> err = error_from_response(401, {}, b'{"error": "Invalid username or password."}')
        >>> type(err).__name__, err.server_message
        ('AuthenticationError', 'Invalid username or password.')
    """
    ctx = context or ErrorContext()
    decoded = _decode_body(body)
    server_message = extract_message(decoded, headers)
    request_id = request_id_from_headers(headers)
    common: dict[str, Any] = {
        "status_code": status,
        "request_id": request_id,
        "provider": ctx.provider,
        "model": ctx.model,
        "endpoint": ctx.endpoint,
        "server_message": server_message,
        "body": decoded,
        "retry_after": retry_after,
    }
    said = f": {server_message.rstrip('.')}" if server_message else ""
    where = f" (endpoint state: {ctx.endpoint_state})" if ctx.endpoint_state else ""
    estimated = _number(decoded.get("estimated_time")) if isinstance(decoded, dict) else None

    if status == 401:
        return AuthenticationError(
            f"Authentication failed{said}. Check HF_TOKEN or the token passed to the client",
            **common,
        )
    if status == 403:
        return PermissionDenied(f"Permission denied{said}", **common)
    if status == 404:
        return NotFound(f"Not found{said}{where}", **common)
    if status == 400 and ctx.endpoint and _looks_paused(server_message):
        return EndpointPaused(
            f"Endpoint {ctx.endpoint} is paused{said}. Resume it or set auto_resume_paused=True",
            **common,
        )
    if status == 402:
        return PaymentRequired(
            f"Payment required{said}. The billed account has no credits for this call: add "
            "credits in your Hugging Face billing settings, bill an organisation with "
            "bill_to= (X-HF-Bill-To), or use the provider's own key",
            **common,
        )
    if status == 409:
        return Conflict(f"Conflict{said}{where}", **common)
    if status in (400, 413, 422):
        return RequestRejected(f"The request was rejected as invalid{said}", **common)
    if status == 429:
        return RateLimited(f"Rate limited{said}", **common)
    if status == 503 and ctx.endpoint_waking:
        return ModelLoading(
            f"Endpoint {ctx.endpoint} is waking up{said}{where}", estimated_time=estimated, **common
        )
    if status == 503 and estimated is not None and ctx.cold_starts:
        return ModelLoading(f"Model is loading{said}", estimated_time=estimated, **common)
    if status == 503:
        return ServiceUnavailable(f"Service unavailable{said}{where}", **common)
    if status == 504:
        return GatewayTimeout(f"Gateway timeout{said}", **common)
    if status == 408:
        return ServerRequestTimeout(f"The server timed out waiting for the request{said}", **common)
    return ServerError(f"Server error {status}{said}{where}", **common)


def error_from_event(
    payload: Any,
    *,
    context: ErrorContext | None = None,
    request_id: str | None = None,
) -> HfError | None:
    """Return the error an in-stream event carries, or None for a normal event.

    Streams answer 200 before they start, so a failure mid-stream arrives as an
    event with an ``error`` key (TGI native, TGI chat, OpenAI style or a string).

    Args:
        payload: The event's decoded JSON.
        context: Where the request went.
        request_id: The stream response's request id.

    Returns:
        A :class:`StreamInterrupted` (or :class:`RequestRejected` for a
        validation failure) when the event is an error, else None.
    """
    if not isinstance(payload, dict) or "error" not in payload:
        return None
    error = payload["error"]
    if error is None:
        return None
    ctx = context or ErrorContext()
    message = _message_from_body(payload) or "unknown error"
    error_type = payload.get("error_type")
    status: int | None = None
    if isinstance(error, dict):
        error_type = error_type or error.get("type")
        code = error.get("http_status_code", error.get("code"))
        status = code if isinstance(code, int) else None
    common: dict[str, Any] = {
        "status_code": status,
        "request_id": request_id,
        "provider": ctx.provider,
        "model": ctx.model,
        "endpoint": ctx.endpoint,
        "server_message": message,
        "body": payload,
    }
    kind = f" ({error_type})" if isinstance(error_type, str) else ""
    if error_type == "validation" or status == 422:
        return RequestRejected(
            f"The server rejected the request mid-stream{kind}: {message}", **common
        )
    return StreamInterrupted(f"The stream carried an error{kind}: {message}", **common)
