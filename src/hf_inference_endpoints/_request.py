"""The request description both twins send (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ._errors import ErrorContext

__all__ = ["PreparedRequest", "RawBody", "ResponseKind"]

ResponseKind = Literal["json", "bytes", "sse"]


@dataclass(slots=True)
class PreparedRequest:
    """Everything needed to send one HTTP request, decided without I/O.

    Attributes:
        method: HTTP method.
        url: Full URL (path segments already escaped).
        headers: Headers to send (token included; never logged).
        content: Body bytes, or None.
        expect: How to read the answer: JSON, raw bytes, or a server-sent event stream.
        context: Provider/model/endpoint, for error messages and metadata.
        task: The inference task (``conversational``, ``text-generation``...).
        on_error: Called by the transport with each error answer before it decides to
            retry (awaited in the async twin). Returning True means "I fixed the request
            (e.g. a moved endpoint URL): send it again now", without using a retry.
        fallbacks: The same call prepared for other providers, tried in order when this
            one fails with a rate limit, a server error or an unavailable model
            (provider failover, off unless the caller asked for it).
        provider_base: The provider base URL the request was built on (``{router}/{name}``
            or the provider's own API); async-job follow-ups are re-rooted on it.
        time_left: Seconds left of the call's ``timeout`` when ``client._prepare`` returned
            this request (None: the call has no timeout). Resolving the target (an
            endpoint lookup, a wake-up or resume wait, a mapping lookup) used the rest, so
            the transport never gives the call more than this, whatever ``timeout=`` it
            is passed.
        deadline_at: The instant (the client's monotonic clock) the call must end by, as
            ``timeout=`` set it at the public method (None: no timeout). The transport
            counts from it, so time spent between ``_prepare`` and the send (building the
            body, first-call imports) comes out of the call's time too.
        token_estimate: The tokens the request will likely count for at its provider
            (``_tokens.estimate_tokens``), set only when the config limits tokens per
            minute; the transport reserves them and corrects the count from ``usage``.
    """

    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None = None
    expect: ResponseKind = "json"
    context: ErrorContext = field(default_factory=ErrorContext)
    task: str = ""
    on_error: Callable[[Any], Any] | None = field(default=None, repr=False, compare=False)
    fallbacks: tuple[PreparedRequest, ...] = field(default=(), repr=False)
    provider_base: str = ""
    time_left: float | None = None
    deadline_at: float | None = None
    token_estimate: int = 0


@dataclass(frozen=True, slots=True)
class RawBody:
    """A non-JSON request body (an image, an audio file...) and its MIME type."""

    content: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:
        return f"RawBody({len(self.content)} bytes, {self.content_type!r})"
