"""The request description both twins send (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from ._errors import ErrorContext
from ._record import Record, record, set_field

if TYPE_CHECKING:
    from ._errors import HfError
    from ._retry import Deadline

__all__ = ["OnError", "PreparedRequest", "RawBody", "ResponseKind", "Routed"]

ResponseKind = Literal["json", "bytes", "sse"]

#: Called by the transport with each error answer before it decides to retry (awaited
#: in the async twin). Returning a request means "send this one instead, now" (e.g. the
#: endpoint's new URL), without using a retry; None lets the transport decide.
OnError = Callable[["HfError"], Any]

#: ``context`` not given: a new ``ErrorContext()`` (the field's default factory).
_NEW_CONTEXT: Any = object()


@record
class PreparedRequest(Record):
    """Everything needed to send one HTTP request, decided without I/O; never changed.

    A step that needs another request (an endpoint's new URL, the next provider)
    makes one with ``dataclasses.replace``. How a failed attempt is recovered from is
    not part of it: that belongs to the execution (:class:`Routed`).

    Attributes:
        method: HTTP method.
        url: Full URL (path segments already escaped).
        headers: Headers to send (token included; never logged).
        content: Body bytes, or None.
        expect: How to read the answer: JSON, raw bytes, or a server-sent event stream.
        context: Provider/model/endpoint, for error messages and metadata.
        task: The inference task (``conversational``, ``text-generation``...).
        fallbacks: The same call prepared for other providers, tried in order when this
            one fails with a rate limit, a server error or an unavailable model
            (provider failover, off unless the caller asked for it).
        provider_base: The provider base URL the request was built on (``{router}/{name}``
            or the provider's own API); async-job follow-ups are re-rooted on it.
        deadline: The call's one :class:`~hf_inference_endpoints._retry.Deadline`, made
            at the public method from ``timeout=`` (None: a request outside any call,
            e.g. a management call with its own ``timeout``). The transport never sends
            past it, so resolving the target, building the body and every attempt all
            come out of the call's time.
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
    fallbacks: tuple[PreparedRequest, ...] = field(default=(), repr=False)
    provider_base: str = ""
    deadline: Deadline | None = field(default=None, repr=False, compare=False)
    token_estimate: int = 0

    def __init__(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None = None,
        expect: ResponseKind = "json",
        context: ErrorContext = _NEW_CONTEXT,
        task: str = "",
        fallbacks: tuple[PreparedRequest, ...] = (),
        provider_base: str = "",
        deadline: Deadline | None = None,
        token_estimate: int = 0,
    ) -> None:
        set_field(self, "method", method)
        set_field(self, "url", url)
        set_field(self, "headers", headers)
        set_field(self, "content", content)
        set_field(self, "expect", expect)
        set_field(self, "context", ErrorContext() if context is _NEW_CONTEXT else context)
        set_field(self, "task", task)
        set_field(self, "fallbacks", fallbacks)
        set_field(self, "provider_base", provider_base)
        set_field(self, "deadline", deadline)
        set_field(self, "token_estimate", token_estimate)


@record
class RawBody(Record):
    """A non-JSON request body (an image, an audio file...) and its MIME type."""

    content: bytes
    content_type: str = "application/octet-stream"

    def __init__(self, content: bytes, content_type: str = "application/octet-stream") -> None:
        set_field(self, "content", content)
        set_field(self, "content_type", content_type)

    def __repr__(self) -> str:
        return f"RawBody({len(self.content)} bytes, {self.content_type!r})"


@record
class Routed(Record):
    """A call's request with its target resolved, and how its execution recovers.

    ``client._route(call)`` makes it; ``_execute`` hands ``on_error`` to the transport's
    send, next to the request (never inside it).

    Attributes:
        request: What is sent.
        on_error: The recovery for the execution of this request (:data:`OnError`), e.g.
            an endpoint's URL looked up again after a 404 (None: none).
    """

    request: PreparedRequest
    on_error: OnError | None = field(default=None, repr=False, compare=False)

    def __init__(self, request: PreparedRequest, on_error: OnError | None = None) -> None:
        set_field(self, "request", request)
        set_field(self, "on_error", on_error)
