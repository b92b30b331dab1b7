"""The one place that does HTTP: a pooled httpx2 client, retries, cold starts, deadlines.

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

import copy
import json
import logging
import time
import weakref
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import httpx2

from .._adaptive import AdaptiveConcurrency, Outcome, outcome_of
from .._config import HfInferenceConfig
from .._errors import (
    DeadlineExceeded,
    HfError,
    InvalidArgument,
    ModelLoading,
    NetworkError,
    PoolExhausted,
    RateLimited,
    RequestTimeout,
    ServerError,
    error_from_event,
    error_from_response,
)
from .._io import AsyncEvent, async_monotonic, async_running_loop, async_sleep
from .._io_deadline import IO_DEADLINE, time_left
from .._meta import ResponseMeta
from .._observability import CallObservation, install_log_redaction, make_observer
from .._progress import ProgressEvent, report_progress
from .._ratelimit import TokenReservation, rate_limit_key
from .._redact import safe_url as _safe_url
from .._redirects import MAX_REDIRECTS, headers_to_drop
from .._request import OnError, PreparedRequest
from .._retry import Deadline, RetryPolicy, RetryState, deadline_error, parse_retry_after
from .._shared_limits import make_limiter
from .._tokens import usage_tokens
from .._waits import plan_wait
from ._streaming import AsyncStream

if TYPE_CHECKING:
    from ._pool import AsyncPoolTransport

__all__ = ["AsyncTransport"]

logger = logging.getLogger("hf_inference_endpoints")
_HTTP_LOG = logging.getLogger("httpx2")  # the line httpx2's send writes, written by _send
install_log_redaction(logger)  # token-shaped text in any of our log lines is masked

T = TypeVar("T")

#: Distinct URLs whose parsed form a transport keeps (cleared when full).
_MAX_CACHED_URLS = 512
#: Distinct header sets (token, billing, extra headers...) kept encoded (cleared when full).
_MAX_CACHED_HEADER_SETS = 64
#: Methods httpx2 gives ``Content-Length: 0`` when they have no body.
_SENDS_A_LENGTH = frozenset(("POST", "PUT", "PATCH", "QUERY"))

#: Encoded header lines, and whether they set ``Host`` / the body's length themselves.
_EncodedHeaders = tuple[list[tuple[bytes, bytes]], bool, bool]


class AsyncTransport:
    """Sends :class:`PreparedRequest` objects with retries; owns the connection pool.

    On the pool it builds, redirects are followed (at most 5 per attempt) and a hop to
    another origin carries only the headers of ``_redirects.CROSS_ORIGIN_HEADERS``: no
    ``Authorization``, ``X-HF-Bill-To``, cookie, provider key or extra header.

    Args:
        config: The client configuration.
        http_client: An httpx2 client to use instead of building one (tests, proxies).
            It keeps its own redirect settings: with ``follow_redirects=True`` httpx2
            follows them, dropping only ``Authorization`` on another origin; with the
            default ``False`` a 3xx answer is an error (``ServerError``).
    """

    def __init__(
        self, config: HfInferenceConfig, *, http_client: httpx2.AsyncClient | None = None
    ) -> None:
        self.config = config
        self._owns_client = http_client is None
        # Redirects on our own pool are followed by _send_once, not by httpx2: httpx2 drops
        # only Authorization when a redirect changes origin, and X-HF-Bill-To, provider
        # keys and extra headers would follow. With follow_redirects=False httpx2 still
        # builds each hop for us (Response.next_request, public API: method, URL, body,
        # Host and cookies as its own redirect loop would), so the one thing done here is
        # dropping headers (_redirects.headers_to_drop). Overriding httpx2's private
        # _redirect_headers would break silently on an httpx2 upgrade. A caller's own
        # http_client keeps its own redirect settings.
        # On a pool we built, requests go straight to its transport (_send: httpx2's
        # send loop does auth, hooks and redirects, none of which our pool uses).
        self._pool: AsyncPoolTransport | None = None
        if http_client is None:
            self._client, self._pool = _new_pool(config)
        else:
            self._client = http_client
        self.policy = RetryPolicy.from_config(config)
        self._no_retry = RetryPolicy(max_retries=0, wait_for_model=False)
        self._closed = False
        self._loop: Any = None  # the asyncio loop the pool's connections belong to
        self._fixed_timeouts: dict[tuple[float | None, float | None], dict[str, Any]] = {}
        # Requests on a pool we built are made directly (see _build_request): its default
        # headers are read once here; URLs are parsed once and reused.
        self._default_headers = dict(self._client.headers) if self._owns_client else None
        self._urls: dict[str, tuple[httpx2.URL, bytes]] = {}  # URL -> (parsed, Host)
        self._encoded_headers: dict[tuple[tuple[str, str], ...], _EncodedHeaders] = {}
        self._observer = make_observer(config)  # NULL_OBSERVER unless OpenTelemetry is on
        # client-side requests-per-minute per provider (None: no limit configured);
        # shared through Redis (and Retry-After pauses with it) when rate_limit_url says so
        self._limiter = make_limiter(config)
        self._owns_limiter = True
        # AIMD in-flight limits per provider (None: off, the default)
        self._adaptive = (
            AdaptiveConcurrency(
                config.adaptive_concurrency, latency_tolerance=config.adaptive_latency_tolerance
            )
            if config.adaptive_concurrency
            else None
        )

    def with_config(self, config: HfInferenceConfig) -> AsyncTransport:
        """A transport sharing this one's pool, URL cache, limiter and observer, that
        retries and waits as ``config`` says (``client.with_options`` retry settings)."""
        view = copy.copy(self)
        view.__dict__.pop("_views", None)
        view.__dict__["_view_of"] = self  # closing the view closes this transport (aclose)
        view._owns_limiter = False
        views: weakref.WeakSet[AsyncTransport] = self.__dict__.setdefault(
            "_views", weakref.WeakSet()
        )
        views.add(view)  # closed with this transport (see aclose)
        view.config = config
        view.policy = RetryPolicy.from_config(config)
        return view

    @property
    def http_client(self) -> httpx2.AsyncClient:
        """The underlying httpx2 client (its pool is shared by every call)."""
        return self._client

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`aclose` ran."""
        return self._closed

    async def aclose(self) -> None:
        """Close the connection pool (only when this transport created it)."""
        root = self.__dict__.get("_view_of")
        if root is not None:  # a with_config view: the pool is its root's to close
            await root.aclose()
            return
        if self._closed:
            return
        self._closed = True
        for view in self.__dict__.get("_views", ()):  # with_config views share the pool
            view._closed = True
        if self._owns_client:
            try:
                await self._client.aclose()
            except RuntimeError as exc:  # connections of an event loop that has ended
                if "Event loop is closed" not in str(exc):
                    raise
        if self._owns_limiter and self._limiter is not None and not self._limiter.local:
            await self._limiter.aclose()

    def _timeout(self, state: RetryState, now: float, *, stream: bool) -> dict[str, Any]:
        """The request's ``timeout`` extension: per-attempt limits, capped by the deadline."""
        read = self.config.stream_timeout if stream else self.config.request_timeout
        remaining = state.remaining()
        connect = self.config.connection_timeout
        if remaining is not None:
            read = remaining if read is None else min(read, remaining)
            return {"connect": min(connect, remaining), "read": read, "write": read, "pool": read}
        # No deadline: the same two values on every attempt, so build each one once.
        timeout = self._fixed_timeouts.get((read, connect))
        if timeout is None:
            timeout = {"connect": connect, "read": read, "write": read, "pool": read}
            self._fixed_timeouts[(read, connect)] = timeout
        return timeout

    def _build_request(self, prepared: PreparedRequest, timeout: dict[str, Any]) -> httpx2.Request:
        """The httpx2 request for one attempt.

        On a pool we built, the request is made from parts kept between calls: the URL
        parsed once per distinct URL, the client's default headers and the request's own
        encoded once per distinct set, the body handed over as a stream that is already
        whole. The header lines are those httpx2's ``build_request`` would send, in its
        order (tests/unit/test_request_parity.py), at a seventh of the cost. A caller's own
        ``http_client`` goes through ``build_request`` so that everything configured on
        it applies.
        """
        extensions = {"timeout": timeout}
        if self._default_headers is None:
            return self._client.build_request(
                prepared.method,
                prepared.url,
                headers=prepared.headers,
                content=prepared.content,
                extensions=extensions,
            )
        parts = self._urls.get(prepared.url)
        if parts is None:
            if len(self._urls) >= _MAX_CACHED_URLS:
                self._urls.clear()
            url = httpx2.URL(prepared.url)
            parts = self._urls[prepared.url] = (url, _host_header(url))
        url, host = parts
        key = tuple(prepared.headers.items())
        encoded = self._encoded_headers.get(key)
        if encoded is None:
            if len(self._encoded_headers) >= _MAX_CACHED_HEADER_SETS:
                self._encoded_headers.clear()
            encoded = self._encoded_headers[key] = _encode_headers(
                {**self._default_headers, **prepared.headers}
            )
        lines, sets_host, sets_length = encoded
        content = prepared.content or b""
        first = [] if sets_host else [(b"Host", host)]
        if sets_length:  # a caller's own Content-Length or Transfer-Encoding wins
            headers = [*first, *lines]
        elif content:
            headers = [*first, *lines, (b"Content-Length", b"%d" % len(content))]
        elif prepared.method in _SENDS_A_LENGTH:  # httpx2 puts this one up front
            headers = [*first, (b"Content-Length", b"0"), *lines]
        else:
            headers = [*first, *lines]
        request = httpx2.Request(
            prepared.method,
            url,
            headers=headers,
            stream=httpx2.ByteStream(content),
            extensions=extensions,
        )
        request.read()  # the body is whole: ``request.content`` works, as with content=
        cookies = self._client.cookies
        if cookies.jar:  # cookies a server set earlier go back, as build_request does
            cookies.set_cookie_header(request)
        return request

    def _new_state(
        self, timeout: float | None, deadline: Deadline | None, *, retry: bool = True
    ) -> RetryState:
        """Retry state of a request, against the call's one ``deadline`` itself (or, with
        a ``timeout`` of the request's own, ``deadline.within(timeout)``: the sooner)."""
        started = async_monotonic()
        policy = self.policy if retry else self._no_retry
        if timeout is not None:
            if deadline is None:
                deadline = Deadline.start(max(0.0, timeout), async_monotonic)
            else:
                deadline = deadline.within(timeout)
        elif deadline is not None and deadline.at is None:
            deadline = None  # no limit: no clock reads for it
        return RetryState(policy, started=started, deadline=deadline)

    async def _throttle(
        self, prepared: PreparedRequest, remaining: float | None, now: float
    ) -> tuple[float, TokenReservation | None]:
        """Wait for the provider's rate limits (``provider_rate_limits``): requests and the
        request's estimated tokens. Returns the new now, and the token reservation to
        correct from the answer's ``usage`` (None when no tokens are counted)."""
        assert self._limiter is not None
        limiter = self._limiter
        key = rate_limit_key(prepared.context.provider, prepared.task)
        tokens = prepared.token_estimate if key in limiter.token_limits else 0
        if tokens > limiter.token_limits.get(key or "", tokens):
            raise InvalidArgument(
                f"This request is estimated at {tokens} tokens, more than the "
                f"{limiter.token_limits[key or '']} tokens per minute allowed for {key} "
                "(provider_rate_limits): it could never be sent. Send less (fewer or "
                "shorter texts, a lower max_tokens) or raise the limit.",
                provider=prepared.context.provider,
                model=prepared.context.model,
            )
        ticket = limiter.new_ticket()  # names this slot: a cancelled wait frees exactly it
        if limiter.local:
            wait = limiter.reserve(key, now, tokens, ticket)
        else:  # shared through Redis: one round trip
            wait = await limiter.areserve(key, now, tokens, ticket)
        reservation = TokenReservation(key, ticket, tokens) if tokens else None
        if wait <= 0:
            return now, reservation
        if plan_wait(wait, remaining) is None:  # the call would run out while queued
            limiter.refund(key, now, tokens, ticket)
            raise DeadlineExceeded(
                f"The client-side rate limit for {key} ({limiter.describe(key)}) "
                f"needs a {wait:.1f} s wait, longer than the {remaining:.1f} s left",
                provider=prepared.context.provider,
                model=prepared.context.model,
            )
        logger.debug("rate limit for %s: waiting %.2f s", key, wait)
        try:
            await async_sleep(wait)
        except BaseException:  # cancelled while queued: its own reserved slot is freed
            limiter.refund(key, async_monotonic(), tokens, ticket)
            raise
        return async_monotonic(), reservation

    async def _settle(self, reservation: TokenReservation, content: bytes) -> None:
        """Correct a token reservation from the answer's ``usage`` (when it has one)."""
        actual = usage_tokens(content)
        if actual is not None:
            await self._settle_tokens(reservation, actual)

    async def _settle_tokens(self, reservation: TokenReservation, actual: int) -> None:
        """Correct a token reservation to the ``actual`` tokens used."""
        assert self._limiter is not None
        if actual == reservation.tokens:
            return
        if self._limiter.local:
            self._limiter.settle(reservation.key, reservation.ticket, reservation.tokens, actual)
        else:
            await self._limiter.asettle(
                reservation.key, reservation.ticket, reservation.tokens, actual
            )

    async def request(
        self,
        prepared: PreparedRequest,
        parse: Callable[[bytes], T],
        *,
        timeout: float | None = None,
        retry: bool = True,
        on_error: OnError | None = None,
    ) -> tuple[T, ResponseMeta]:
        """Send ``prepared`` until it succeeds or fails for good, and parse the body.

        Args:
            prepared: The request.
            parse: Turns the 2xx body bytes into the result.
            timeout: Seconds for this request across retries and waits (None: no limit
                beyond ``prepared.deadline``, the call's, which is never passed).
            retry: False sends exactly once (no retries, no cold-start wait).
            on_error: The execution's recovery (``Routed.on_error``): called with each
                error answer before the retry decision; a request it returns is sent
                instead, at once.

        Returns:
            The parsed result and the response metadata.

        Raises:
            HfError: The mapped error of the last attempt.
        """
        if prepared.fallbacks:
            raise _failover_is_above(prepared)
        state = self._new_state(timeout, prepared.deadline, retry=retry)
        call = self._observer.start(prepared)
        try:
            while True:
                response = await self._send_once(
                    prepared, state, call, stream=False, on_error=on_error
                )
                if isinstance(response, PreparedRequest):  # on_error: send this one instead
                    prepared = response
                elif response is not None:
                    try:
                        result = parse(response.content)
                    except HfError as err:
                        raise _with_context(err, prepared, response) from None
                    except ValueError as exc:
                        raise _bad_body(prepared, response, exc) from None
                    meta = self._meta(prepared, response, state)
                    call.end(meta, result=result)
                    return result, meta
        except BaseException as exc:
            call.end(error=exc)
            raise

    async def stream(
        self,
        prepared: PreparedRequest,
        parse: Callable[[str], T],
        *,
        is_final: Callable[[T], bool],
        needs_done: bool,
        timeout: float | None = None,
        retry: bool = True,
        on_error: OnError | None = None,
    ) -> AsyncStream[T]:
        """Open a server-sent event stream; retries happen only before the first byte.

        Args:
            prepared: The request (``expect="sse"``).
            parse: Turns one event's data into an item (raising ``HfError`` for error events).
            is_final: Tells whether an item is the last one the server meant to send.
            needs_done: The protocol ends with ``data: [DONE]``.
            timeout: Seconds to get the stream started, across retries (and never past
                ``prepared.deadline``).
            retry: False sends exactly once (no retries, no cold-start wait).
            on_error: The execution's recovery, as for :meth:`request`.

        Returns:
            The open stream; iterate it, and close it (or use ``with``) when done.
        """
        if prepared.fallbacks:
            raise _failover_is_above(prepared)
        state = self._new_state(timeout, prepared.deadline, retry=retry)
        call = self._observer.start(prepared)  # ended by the stream when it closes
        try:
            while True:
                response = await self._send_once(
                    prepared, state, call, stream=True, on_error=on_error
                )
                if isinstance(response, PreparedRequest):  # on_error: send this one instead
                    prepared = response
                elif response is not None:
                    reservation = state.reservation
                    return AsyncStream(
                        response,
                        parse,
                        is_final=is_final,
                        needs_done=needs_done,
                        context=prepared.context,
                        meta=self._meta(prepared, response, state),
                        observation=call,
                        max_buffered=self.config.stream_event_limit,
                        deadline=_instant(state),
                        idle_timeout=self.config.stream_timeout,
                        settle=(
                            None
                            if reservation is None
                            else partial(self._settle_tokens, reservation)
                        ),
                    )
        except BaseException as exc:
            call.end(error=exc)
            raise

    async def _send_once(
        self,
        prepared: PreparedRequest,
        state: RetryState,
        call: CallObservation,
        *,
        stream: bool,
        on_error: OnError | None = None,
    ) -> httpx2.Response | PreparedRequest | None:
        """One attempt, its socket I/O bound by a deadline (``_io_deadline``).

        The bound is what is left of the call's ``timeout=`` and ``request_timeout`` from
        the attempt's start (to the whole answer of a plain request, to the headers of a
        stream): a server that trickles its headers or body a byte at a time cannot
        stretch a per-read timeout past either. A stream's body is bound by the stream.
        """
        remaining = state.call_left = state.remaining()
        limit = self.config.request_timeout
        if limit is not None and (remaining is None or limit < remaining):
            remaining = limit
        if remaining is None:
            return await self._attempt(prepared, state, call, stream=stream, on_error=on_error)
        token = IO_DEADLINE.set(time.monotonic() + max(remaining, 0.0))
        try:
            return await self._attempt(prepared, state, call, stream=stream, on_error=on_error)
        finally:
            IO_DEADLINE.reset(token)

    async def _attempt(
        self,
        prepared: PreparedRequest,
        state: RetryState,
        call: CallObservation,
        *,
        stream: bool,
        on_error: OnError | None = None,
    ) -> httpx2.Response | PreparedRequest | None:
        """One attempt. Returns the 2xx response, the request ``on_error`` asks to send
        instead, or None after sleeping before a retry."""
        if self._closed:
            raise HfError("The client is closed; create a new one or use it inside `with`")
        if async_running_loop() is not self._loop:  # a new asyncio.run(): see _on_new_loop
            self._on_new_loop(prepared)
        now, remaining = _time_left(state, prepared)
        reservation: TokenReservation | None = None
        if self._limiter is not None:
            now, reservation = await self._throttle(prepared, remaining, now)
            state.reservation = reservation
            remaining = state.remaining()
        request = self._build_request(prepared, self._timeout(state, now, stream=stream))
        error: HfError
        hops = 0
        while True:  # once, unless a redirect on our own pool sends the next hop
            try:
                if self._adaptive is None:
                    response = await self._send(request)
                else:
                    response = await self._send_adaptive(request, prepared)
            except RuntimeError as exc:  # "Event loop is closed": a pool from an ended loop
                raise _ended_loop(exc, prepared) from exc
            except httpx2.TimeoutException as exc:
                error = self._timeout_error(prepared, exc, state, stream=stream)
            except httpx2.TransportError as exc:
                error = _network_error(prepared, exc)
            except httpx2.TooManyRedirects as exc:  # a caller's http_client that follows
                error = _redirect_loop(prepared, self._client.max_redirects, exc.request.url, None)
            else:
                if response.status_code >= 300:
                    if response.next_request is None or not self._owns_client:
                        error = await self._error_from(response, prepared)
                    elif hops < MAX_REDIRECTS:
                        request = await self._next_hop(
                            response, request, prepared, state, stream=stream
                        )
                        hops += 1
                        continue
                    else:
                        await self._discard(response)
                        last = response.next_request.url
                        error = _redirect_loop(prepared, MAX_REDIRECTS, last, response)
                elif stream and _not_an_event_stream(response):
                    error = await self._not_a_stream(response, prepared)
                elif stream:
                    self._log(prepared, response)
                    return response
                else:
                    try:
                        body = await _read_body(response, self.config.max_response_bytes)
                    except httpx2.TimeoutException as exc:
                        error = self._timeout_error(prepared, exc, state, stream=stream)
                    except httpx2.TransportError as exc:
                        error = _network_error(prepared, exc)
                    else:
                        if body is not None:
                            if reservation is not None:
                                await self._settle(reservation, body)
                            self._log(prepared, response)
                            return response
                        error = _too_large(prepared, response, self.config.max_response_bytes)
                    finally:
                        await response.aclose()
            break
        if self._limiter is not None and not self._limiter.local:
            await self._share_pause(prepared, error)
        if on_error is not None:
            fixed: PreparedRequest | None = await on_error(error)
            if fixed is not None:  # e.g. a moved endpoint: send the fixed request now
                return fixed
        await self._retry_or_raise(error, state, prepared, call)
        return None

    async def _send(self, request: httpx2.Request) -> httpx2.Response:
        """Send one request and return its response with the body unread.

        On the pool we built, the request goes straight to its transport: what httpx2's
        ``send`` adds on top (auth flows, event hooks, its redirect loop, a timing
        wrapper around the body) is either unused here or done by us, and costs about
        a tenth of a request's client CPU. What it does that matters is kept: the
        request is attached to the response and to transport errors, cookies a server
        sets go into the client's jar, a redirect gets ``next_request`` (followed by
        :meth:`_next_hop`), and httpx2's ``HTTP Request:`` log line is written. A
        caller's own ``http_client``, or ours once someone gives it auth or event
        hooks or another transport, goes through ``send``.
        """
        pool = self._pool
        client = self._client
        if pool is None or _not_plain(client, pool):
            return await client.send(request, stream=True)
        try:
            response = await pool.handle_async_request(request)
        except httpx2.RequestError as exc:
            exc.request = request
            raise
        response.request = request
        headers = response.headers
        if "set-cookie" in headers:
            client.cookies.extract_cookies(response)
        if 300 <= response.status_code < 400 and response.has_redirect_location:
            try:
                response.next_request = client._build_redirect_request(request, response)
            except httpx2.RemoteProtocolError:  # a Location that is not a URL: no next hop
                pass
        if _HTTP_LOG.isEnabledFor(logging.INFO):
            _HTTP_LOG.info(
                'HTTP Request: %s %s "%s %d %s"',
                request.method,
                request.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )
        return response

    async def _send_adaptive(
        self, request: httpx2.Request, prepared: PreparedRequest
    ) -> httpx2.Response:
        """Send within the provider's adaptive in-flight limit (``adaptive_concurrency``).

        The slot is held until the answer's headers arrive; their status moves the limit.
        """
        assert self._adaptive is not None
        key = rate_limit_key(prepared.context.provider, prepared.task)
        if key is None:
            return await self._send(request)
        gate = self._adaptive.limit_for(key)
        while True:
            waiter = AsyncEvent()
            if gate.acquire(waiter):
                break
            if not await waiter.wait(time_left(None)):
                raise httpx2.ConnectTimeout(
                    f"no adaptive-concurrency slot for {key} came free in the time left"
                )
        started = async_monotonic()
        outcome: Outcome = "neutral"
        try:
            response = await self._send(request)
            outcome = outcome_of(response.status_code)
            return response
        finally:
            for woken in gate.release(outcome, started=started, now=async_monotonic()):
                woken.set()
            self._observer.concurrency(
                key, gate.limit, gate.in_flight, baseline=gate.baseline, recent=gate.recent
            )

    async def _share_pause(self, prepared: PreparedRequest, error: HfError) -> None:
        """A 429's ``Retry-After`` pauses every worker sharing the rate-limit state."""
        assert self._limiter is not None
        if isinstance(error, RateLimited) and error.retry_after:
            key = rate_limit_key(prepared.context.provider, prepared.task)
            await self._limiter.apenalize(key, error.retry_after)

    def _on_new_loop(self, prepared: PreparedRequest) -> None:
        """Start a fresh pool when the event loop of the pooled connections has ended.

        An async client used in one ``asyncio.run()`` and then in another finds its pooled
        connections bound to the first, closed, loop; sending on them fails after the
        request went out. Those connections are abandoned (they cannot be closed without
        their loop) and a fresh pool takes over, before anything is sent.

        A ``with_config`` view asks its root, so that views and root share the new pool
        and the root's ``aclose`` closes it.

        Raises:
            HfError: The pool is the caller's own ``http_client``: not ours to replace.
        """
        root: AsyncTransport | None = self.__dict__.get("_view_of")
        if root is not None:
            if async_running_loop() is not root._loop:
                root._on_new_loop(prepared)
            self._client, self._pool, self._loop = root._client, root._pool, root._loop
            return
        ended, self._loop = self._loop, async_running_loop()
        if ended is None or not ended.is_closed():
            return  # the first loop, or two live loops sharing the client
        if not self._owns_client:
            self._loop = ended  # fails the same way until the caller gives a new pool
            raise _ended_loop(None, prepared)
        logger.debug("the event loop of the connection pool has ended: starting a new pool")
        self._client, self._pool = _new_pool(self.config)
        self._urls.clear()

    async def _next_hop(
        self,
        response: httpx2.Response,
        request: httpx2.Request,
        prepared: PreparedRequest,
        state: RetryState,
        *,
        stream: bool,
    ) -> httpx2.Request:
        """The request that follows ``response``, a redirect on the pool we own.

        httpx2 built it (``response.next_request``: the method and body a 301/302/303
        changes, the new Host, the cookie jar's cookies); here the credentials are
        dropped when the hop leaves the origin, and the timeout is taken again from what
        is left of the call's deadline. The redirect's own body is read and dropped, so
        that its connection goes back to the pool.

        Raises:
            RequestTimeout: The call's deadline passed while following redirects.
        """
        hop = response.next_request
        assert hop is not None
        await self._discard(response)
        source, target = request.url.origin, hop.url.origin
        drop = headers_to_drop(
            hop.headers.keys(),
            (source.scheme, source.host, source.port),
            (target.scheme, target.host, target.port),
        )
        for name in drop:
            del hop.headers[name]
        now, _ = _time_left(state, prepared)
        hop.extensions = {**hop.extensions, "timeout": self._timeout(state, now, stream=stream)}
        logger.debug(
            "%s %s -> %s, following to %s (%d headers dropped)",
            request.method,
            _safe_url(str(request.url)),
            response.status_code,
            _safe_url(str(hop.url)),
            len(drop),
        )
        return hop

    async def _discard(self, response: httpx2.Response) -> None:
        """Read (up to max_response_bytes) and close a body nobody needs."""
        try:
            await _read_body(response, self.config.max_response_bytes)
        except httpx2.HTTPError:
            pass  # the connection is closed instead of reused
        finally:
            await response.aclose()

    def _log(self, prepared: PreparedRequest, response: httpx2.Response) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s (request id %s)",
                prepared.method,
                _safe_url(prepared.url),
                response.status_code,
                response.headers.get("x-request-id"),
            )

    async def _retry_or_raise(
        self, error: HfError, state: RetryState, prepared: PreparedRequest, call: CallObservation
    ) -> None:
        now = async_monotonic()
        delay = state.next_delay(error, now)  # raises when final
        call.retry(error, delay)
        if isinstance(error, ModelLoading):
            subject = prepared.context.model or prepared.context.endpoint or _safe_url(prepared.url)
            logger.info(
                "%s is loading (cold start); waiting %.1f s before trying again", subject, delay
            )
            report_progress(
                self.config.on_progress,
                ProgressEvent(
                    "cold_start",
                    subject,
                    "loading",
                    now - state.started,
                    estimate=error.estimated_time,
                    attempt=state.attempts,
                ),
            )
        else:
            logger.info(
                "retrying %s %s in %.2f s after %s (attempt %d)",
                prepared.method,
                _safe_url(prepared.url),
                delay,
                type(error).__name__,
                state.attempts,
            )
        await async_sleep(delay)

    async def _error_from(self, response: httpx2.Response, prepared: PreparedRequest) -> HfError:
        try:
            body = await _read_body(response, self.config.max_response_bytes) or b""
        except httpx2.HTTPError:
            body = b""
        finally:
            await response.aclose()
        error = error_from_response(
            response.status_code,
            response.headers,
            body,
            context=prepared.context,
            retry_after=parse_retry_after(response.headers),
        )
        logger.debug(
            "%s %s -> %s %s",
            prepared.method,
            _safe_url(prepared.url),
            response.status_code,
            type(error).__name__,
        )
        return error

    def _timeout_error(
        self, prepared: PreparedRequest, exc: Exception, state: RetryState, *, stream: bool
    ) -> HfError:
        """The error of an attempt whose connect, read or write timed out.

        ``DeadlineExceeded`` (a ``RequestTimeout`` subclass) when the call's own deadline
        was the limit that cut it: what was left of the call when the attempt began was no
        more than the operation's own limit (``connection_timeout`` for a connect; for a
        read or write, ``request_timeout``, or ``stream_timeout`` for a stream's, and
        ``request_timeout`` over the whole attempt). Else the attempt's ``RequestTimeout``,
        or ``PoolExhausted`` when no connection came free.
        """
        if isinstance(exc, httpx2.PoolTimeout):
            return PoolExhausted(
                f"{prepared.method} {_safe_url(prepared.url)}: no connection came free in "
                "time (all max_connections are in use; raise it, or send fewer calls at once)",
                provider=prepared.context.provider,
                model=prepared.context.model,
                endpoint=prepared.context.endpoint,
            )
        config = self.config
        call_left = state.call_left
        own: float | None
        if isinstance(exc, httpx2.ConnectTimeout):
            own = config.connection_timeout
        else:
            own = config.stream_timeout if stream else config.request_timeout
        attempt = config.request_timeout
        if own is None or (attempt is not None and attempt < own):
            own = attempt
        deadline = state.deadline
        if (
            call_left is not None
            and deadline is not None
            and deadline.timeout is not None
            and (own is None or call_left <= own)
        ):
            cut = deadline_error(
                deadline.timeout,
                model=prepared.context.model,
                provider=prepared.context.provider,
                endpoint=prepared.context.endpoint,
                doing=f"waiting for the answer to {prepared.method} {_safe_url(prepared.url)}",
            )
            cut.__cause__ = exc
            return cut
        return RequestTimeout(
            f"{prepared.method} {_safe_url(prepared.url)} timed out ({type(exc).__name__})",
            provider=prepared.context.provider,
            model=prepared.context.model,
            endpoint=prepared.context.endpoint,
        )

    async def _not_a_stream(self, response: httpx2.Response, prepared: PreparedRequest) -> HfError:
        """A stream call answered 2xx with JSON or HTML: the error it carries, or a ServerError."""
        try:
            body = await _read_body(response, self.config.max_response_bytes) or b""
        except httpx2.HTTPError:
            body = b""
        finally:
            await response.aclose()
        request_id = response.headers.get("x-request-id")
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        error = error_from_event(payload, context=prepared.context, request_id=request_id)
        return error or ServerError(
            f"Expected an event stream but the server answered {response.status_code} "
            f"with {response.headers.get('content-type')}",
            status_code=response.status_code,
            request_id=request_id,
            provider=prepared.context.provider,
            model=prepared.context.model,
            endpoint=prepared.context.endpoint,
        )

    def _meta(
        self, prepared: PreparedRequest, response: httpx2.Response, state: RetryState
    ) -> ResponseMeta:
        headers = response.headers
        return ResponseMeta(
            status_code=response.status_code,
            headers=headers,
            request_id=headers.get("x-request-id"),
            url=str(response.url),
            provider=headers.get("x-inference-provider") or prepared.context.provider,
            model=prepared.context.model or prepared.context.endpoint,
            elapsed=async_monotonic() - state.started,
            attempts=state.attempts,
            cold_start_wait=state.cold_waited,
        )


def _ended_loop(exc: BaseException | None, prepared: PreparedRequest) -> HfError:
    """The error for a connection pool used after its event loop ended."""
    if exc is not None and "Event loop is closed" not in str(exc):
        raise exc  # another RuntimeError: a bug, shown as is
    return HfError(
        "The HTTP connection pool belongs to an event loop that has ended: create the "
        "async client (or its http_client) inside the event loop that uses it",
        provider=prepared.context.provider,
        model=prepared.context.model,
        endpoint=prepared.context.endpoint,
    )


def _new_pool(config: HfInferenceConfig) -> tuple[httpx2.AsyncClient, AsyncPoolTransport]:
    """The connection pool a transport builds for itself: the httpx2 client and its
    transport (which :meth:`AsyncTransport._send` calls directly).

    The pool is ours (_pool.AsyncPoolTransport): it closes every body iterator it opens,
    which httpx2's default transport does not (docs/upstream-bugs.md). It reads proxies
    from the environment itself, so the client must not mount its own. Imported here, not
    at module level: httpcore2 (and the trio/anyio it loads) is needed once a client
    exists, not to import the package (~half of its import time otherwise).
    """
    from ._pool import AsyncPoolTransport

    pool = AsyncPoolTransport(
        limits=httpx2.Limits(
            max_connections=config.max_connections,
            max_keepalive_connections=_keepalive(config),
            keepalive_expiry=config.pool_idle_timeout,
        )
    )
    client = httpx2.AsyncClient(
        timeout=httpx2.Timeout(config.request_timeout, connect=config.connection_timeout),
        transport=pool,
        trust_env=False,
        follow_redirects=False,
    )
    return client, pool


def _encode_headers(headers: dict[str, str]) -> _EncodedHeaders:
    """Header lines as httpx2 encodes them (names as given; ASCII, else UnicodeEncodeError)."""
    lines = [(name.encode("ascii"), value.encode("ascii")) for name, value in headers.items()]
    names = {name.lower() for name in headers}
    return lines, "host" in names, bool(names & {"content-length", "transfer-encoding"})


def _host_header(url: httpx2.URL) -> bytes:
    """The ``Host`` header of ``url``, as httpx2 writes it (an IPv6 zone is not sent)."""
    netloc = url.netloc
    if netloc.startswith(b"["):
        host, bracket, port = netloc.partition(b"]")
        netloc = host.partition(b"%")[0] + bracket + port
    return netloc


def _not_plain(client: httpx2.AsyncClient, pool: AsyncPoolTransport) -> bool:
    """Whether the httpx2 client we built was changed since: given auth or event hooks
    (only its ``send`` runs them), another transport (tests swap in a mock), or closed
    by its caller (``send`` raises httpx2's own error then)."""
    if getattr(client, "_transport", None) is not pool or client.auth is not None:
        return True
    if client.is_closed:
        return True
    hooks = client.event_hooks
    return bool(hooks["request"] or hooks["response"])


def _keepalive(config: HfInferenceConfig) -> int:
    """Idle connections to keep: ``pool_size_per_host``, never more than the cap."""
    cap = config.max_connections
    return config.pool_size_per_host if cap is None else min(cap, config.pool_size_per_host)


def _instant(state: RetryState) -> float | None:
    """The call's deadline as a ``time.monotonic()`` instant (None: no deadline)."""
    remaining = state.remaining()
    return None if remaining is None else time.monotonic() + max(remaining, 0.0)


def _time_left(state: RetryState, prepared: PreparedRequest) -> tuple[float, float | None]:
    """The clock now and the seconds left of the call (None: no limit).

    Raises:
        RequestTimeout: The call's deadline has passed (nothing more is sent).
    """
    now = async_monotonic()
    deadline = state.deadline
    if deadline is None:
        return now, None
    remaining = deadline.left(model=prepared.context.model, provider=prepared.context.provider)
    return now, remaining


def _failover_is_above(prepared: PreparedRequest) -> TypeError:
    """A request with fallbacks sent to the transport alone: its failover would be lost."""
    return TypeError(
        f"{prepared.method} {_safe_url(prepared.url)} has fallbacks: send it through "
        "_failover (_execute does: with_failover), which tries each provider"
    )


async def _read_body(response: httpx2.Response, limit: int | None) -> bytes | None:
    """Read the whole body as ``aread()`` does, or return None once it passes ``limit`` bytes."""
    if limit is None:
        return await response.aread()
    headers = response.headers
    declared = headers.get("content-length", "")
    if declared.isdigit():
        if int(declared) > limit:
            return None
        if "content-encoding" not in headers:  # exactly that many bytes, none decompressed
            return await response.aread()
    parts = []
    size = 0
    chunks = response.aiter_bytes()
    try:
        async for part in chunks:
            size += len(part)
            if size > limit:
                return None
            parts.append(part)
    finally:
        # closed now, not whenever the garbage collector gets to it: a body cut off at
        # the limit leaves the iterator suspended (trio warns about such generators)
        await chunks.aclose()  # type: ignore[attr-defined]
    body = response._content = b"".join(parts)  # what aread() leaves for response.content
    return body


def _not_an_event_stream(response: httpx2.Response) -> bool:
    media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    return media in ("application/json", "text/html")


def _too_large(prepared: PreparedRequest, response: httpx2.Response, limit: int | None) -> HfError:
    return ServerError(
        f"The response body is larger than max_response_bytes={limit}; "
        "raise max_response_bytes (or set it to None) to accept it",
        status_code=response.status_code,
        request_id=response.headers.get("x-request-id"),
        provider=prepared.context.provider,
        model=prepared.context.model,
        endpoint=prepared.context.endpoint,
    )


def _network_error(prepared: PreparedRequest, exc: Exception) -> HfError:
    return NetworkError(
        f"Could not reach {_safe_url(prepared.url)}: {type(exc).__name__}: {exc}",
        provider=prepared.context.provider,
        model=prepared.context.model,
        endpoint=prepared.context.endpoint,
    )


def _redirect_loop(
    prepared: PreparedRequest, limit: int, last: httpx2.URL, response: httpx2.Response | None
) -> HfError:
    """More than ``limit`` redirects for one request: a ServerError, never retried."""
    return ServerError(
        f"{prepared.method} {_safe_url(prepared.url)} was redirected more than {limit} "
        f"times (the last redirect was to {_safe_url(str(last))})",
        status_code=None if response is None else response.status_code,
        request_id=None if response is None else response.headers.get("x-request-id"),
        provider=prepared.context.provider,
        model=prepared.context.model,
        endpoint=prepared.context.endpoint,
    )


def _with_context(err: HfError, prepared: PreparedRequest, response: httpx2.Response) -> HfError:
    """Fill in where an error raised while parsing a 2xx body came from."""
    err.provider = err.provider or prepared.context.provider
    err.model = err.model or prepared.context.model
    err.endpoint = err.endpoint or prepared.context.endpoint
    err.request_id = err.request_id or response.headers.get("x-request-id")
    return err


def _bad_body(prepared: PreparedRequest, response: httpx2.Response, exc: Exception) -> HfError:
    from .._errors import ServerError

    content_type = response.headers.get("content-type", "?")
    return ServerError(
        f"The server answered {response.status_code} with a body that does not parse "
        f"as the expected result (content-type {content_type}): {exc}",
        status_code=response.status_code,
        request_id=response.headers.get("x-request-id"),
        provider=prepared.context.provider,
        model=prepared.context.model,
        endpoint=prepared.context.endpoint,
    )
