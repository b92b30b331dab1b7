"""A server-sent event stream of typed items that always gives its connection back.

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

import httpx2

from .._errors import (
    DeadlineExceeded,
    ErrorContext,
    HfError,
    RequestTimeout,
    StreamInterrupted,
)
from .._io import async_close_on_gc
from .._io_deadline import IO_DEADLINE
from .._meta import ResponseMeta
from .._observability import NULL_CALL, CallObservation
from .._sse import ServerSentEvent, SkipEvent, SSEDecoder
from .._tokens import tokens_used

if TYPE_CHECKING:
    from .._structured import ParsedChatCompletion
    from ..models import (
        ChatCompletion,
        ChatCompletionChunk,
        TextGenerationOutput,
        TextGenerationStreamOutput,
    )

__all__ = ["AsyncParsedChatStream", "AsyncStream", "Fold"]


class Fold(Protocol):
    """What :meth:`AsyncStream.final` folds the items into (``_assemble``)."""

    def add(self, item: Any) -> None: ...
    def result(self, meta: ResponseMeta) -> Any: ...


T = TypeVar("T")
P = TypeVar("P")

_DRAIN_LIMIT = 64 * 1024  # read at most this much after [DONE] to keep the connection
_DRAIN_TIME = 1.0  # seconds; a server that trickles after [DONE] loses its connection


class AsyncStream(Generic[T]):
    """Items parsed from a server-sent event stream.

    Iterate it (``async for``), and close it when you stop early: use it as a
    context manager, or call :meth:`aclose`. Reaching the end closes it too.
    The connection goes back to the pool when the stream ends cleanly, and is
    dropped when the stream is closed early.

    A parser with an ``at_done()`` method (``_payloads.CompletionStreamParser``) is
    asked for one last item when ``[DONE]`` arrives before any final item (one with
    the result, per ``is_final``), so the stream still ends with the result.

    Example:
        >>> async with await client.chat.stream(model=m, messages=msgs) as stream:  # doctest: +SKIP
        ...     async for chunk in stream:
        ...         print(chunk.choices[0].delta.content or "", end="")
    """

    def __init__(
        self,
        response: httpx2.Response,
        parse: Callable[[str], T],
        *,
        is_final: Callable[[T], bool],
        needs_done: bool,
        context: ErrorContext,
        meta: ResponseMeta,
        observation: CallObservation = NULL_CALL,
        max_buffered: int | None = None,
        deadline: float | None = None,
        idle_timeout: float | None = None,
        settle: Callable[[int], Any] | None = None,  # awaited in the async twin
    ) -> None:
        self._response = response
        self._parse = parse
        # looked up once per stream: nothing is asked of the parser per event
        self._at_done: Callable[[], T | None] | None = getattr(parse, "at_done", None)
        self._is_final = is_final
        self._needs_done = needs_done
        self._context = context
        self._meta = meta
        self._observation = observation  # told about final items, ended by aclose()
        self._decoder = SSEDecoder()
        self._pending: deque[T] = deque()
        self._chunks: AsyncIterator[bytes] | None = None
        self._finished = False  # the server signalled the end ([DONE] or a final item)
        self._closed = False
        self._failure: HfError | None = None  # raised after the items that preceded it
        self._max_buffered = max_buffered  # max_event_bytes: bound on an unfinished event
        self._unfinished = 0  # bytes received since an event last completed (upper bound)
        self._deadline = deadline  # time.monotonic() instant the whole stream ends by
        self._idle_timeout = idle_timeout  # stream_timeout: longest gap between two events
        self._last_event = time.monotonic() if idle_timeout is not None else 0.0
        # set by the service that knows how to fold the items (see _keep_for, final())
        self._fold: Fold | None = None
        self._kept: list[str] | None = None  # text of each item parsed, until final()
        self._folding: Fold | None = None  # folds each item handed out, when set
        # corrects the tokens reserved for the stream (tpm limits) from the usage its
        # final item reports; _used holds that count until _fill hands it over
        self._settle = settle
        self._used: int | None = None

    @property
    def response_meta(self) -> ResponseMeta:
        """Status, headers, request id and provider of the stream's response."""
        return self._meta

    @property
    def is_closed(self) -> bool:
        """Whether the stream's connection has been released."""
        return self._closed

    def __aiter__(self) -> AsyncStream[T]:
        return self

    async def __anext__(self) -> T:
        while not self._pending:
            if self._failure is not None:
                failure, self._failure = self._failure, None
                raise failure
            if self._closed:
                raise StopAsyncIteration
            await self._fill()
        item = self._pending.popleft()
        if self._folding is not None:
            self._folding.add(item)
        return item

    def _keep_for(self, fold: Fold) -> None:
        """Let :meth:`final` return ``fold.result(meta)``, every item folded in
        (``_assemble.ChatFold``, ``_assemble.GenerationFold``).

        With a parser that keeps no state (chat chunks, TGI events), iterating keeps only
        the text of each event, one list append: the items are folded when ``final()``
        is called, those already handed out parsed again from their text, so a caller
        who never asks for ``final()`` pays nothing per item. A parser with state (one
        with ``at_done``) cannot parse twice: each item is folded as it is handed out.
        """
        self._fold = fold
        if self._at_done is None:
            self._kept = []
        else:
            self._folding = fold

    @overload
    async def final(self: AsyncStream[ChatCompletionChunk]) -> ChatCompletion: ...
    @overload
    async def final(self: AsyncStream[TextGenerationStreamOutput]) -> TextGenerationOutput: ...
    @overload
    async def final(self) -> Any: ...
    async def final(self) -> Any:
        """Read the rest of the stream and return the whole answer.

        Works after a partial iteration: the items already read count too. A chat
        stream gives a ``ChatCompletion`` (content, ``reasoning_content``, tool calls
        merged by index, finish reason, usage; with a ``response_format`` class, a
        ``ParsedChatCompletion``), a TGI text-generation stream a
        ``TextGenerationOutput``.

        Returns:
            The assembled answer, with this stream's ``response_meta``.

        Raises:
            StreamInterrupted: The stream broke off, or was closed before its end.
            HfError: An error event, as for iteration.
            TypeError: This stream has no whole answer to assemble.

        Example:
            >>> stream = await client.chat.stream(model=m, messages=msgs)  # doctest: +SKIP
            >>> reply = await stream.final()  # doctest: +SKIP
        """
        fold = self._fold
        if fold is None:
            raise TypeError("This stream has no whole answer to assemble")
        if self._closed and not self._finished and not self._pending and self._failure is None:
            raise self._error(StreamInterrupted, "The stream was closed before it ended")
        kept, self._kept = self._kept, None
        if kept is not None:  # fold what was handed out already (the rest is pending)
            parse = self._parse
            for text in kept[: len(kept) - len(self._pending)]:
                fold.add(parse(text))
            self._folding = fold  # and each item from here on
        async for _ in self:
            pass
        return fold.result(self._meta)

    async def _next_chunk_by_deadline(self, chunks: AsyncIterator[bytes]) -> bytes:
        """The next body chunk, its reads ended by the stream's deadline."""
        assert self._deadline is not None
        token = IO_DEADLINE.set(self._deadline)
        try:
            return await chunks.__anext__()
        finally:
            IO_DEADLINE.reset(token)

    def _timed_out(self, now: float) -> HfError:
        if self._deadline is not None and now >= self._deadline:
            return self._error(
                DeadlineExceeded, "The stream did not end within the call's timeout="
            )
        return self._error(
            RequestTimeout, "The stream sent no event for longer than stream_timeout"
        )

    async def _fill(self) -> None:
        chunks = self._chunks
        if chunks is None:
            chunks = self._chunks = _body_chunks(self._response)
        try:
            if self._deadline is None:
                chunk = await chunks.__anext__()
            else:
                chunk = await self._next_chunk_by_deadline(chunks)
        except StopAsyncIteration:
            self._on_events(self._decoder.flush())
            await self._finish_at_eof()
            return
        except Exception as exc:  # httpx2's errors, or httpcore2's (see _body_chunks)
            error = _transport_error(exc)
            if error is None:
                raise
            # Set before closing, so the close sees (and reports) the failure; raised next.
            if isinstance(error, httpx2.TimeoutException):
                self._failure = self._timed_out(time.monotonic())
            else:
                self._failure = self._error(
                    StreamInterrupted, f"The stream broke off: {type(error).__name__}: {error}"
                )
            await self.aclose()
            return
        events = self._decoder.feed(chunk)
        done = self._on_events(events)
        if self._used is not None:
            await self._settle_used()
        if self._idle_timeout is not None:
            # Keep-alive comments are chunks without events: they do not reset the clock.
            now = time.monotonic()
            if events:
                self._last_event = now
            elif now - self._last_event > self._idle_timeout and self._failure is None:
                self._failure = self._timed_out(now)
        if self._max_buffered is not None:
            self._unfinished = len(chunk) if events else self._unfinished + len(chunk)
            if self._unfinished > self._max_buffered and not done and self._failure is None:
                self._failure = self._error(
                    StreamInterrupted,
                    f"An event grew past {self._max_buffered} bytes without ending; raise "
                    "max_event_bytes (and max_response_bytes) to accept it",
                )
        if self._failure is not None:
            await self.aclose()
        elif done:
            await self._drain()

    def _on_events(self, events: list[ServerSentEvent]) -> bool:
        """Parse events into items; returns True once ``[DONE]`` is seen.

        An error event (or a malformed one) stops parsing and is kept in ``_failure``,
        to be raised after the items that came before it; an event the parser skips
        (:class:`SkipEvent`) gives no item. At ``[DONE]`` with no final item yet, the
        parser's ``at_done()`` (if it has one) may give the last item.
        """
        for event in events:
            data = event.data
            if data == "[DONE]":
                if not self._finished and self._at_done is not None:
                    last = self._at_done()  # the result, when no item carried it
                    if last is not None:
                        self._observation.item(last)
                        self._pending.append(last)
                self._finished = True
                return True
            try:
                item = self._parse(data)
            except SkipEvent:
                continue
            except HfError as exc:
                if exc.request_id is None:  # error events carry none: the stream's own
                    exc.request_id = self._meta.request_id
                self._failure = exc
                return False
            except ValueError as exc:
                self._failure = self._error(
                    StreamInterrupted, f"The stream sent a malformed event: {exc}"
                )
                return False
            if self._is_final(item):
                self._finished = True
                self._observation.item(item)  # usage / finish reason, final items only
                if self._settle is not None:
                    self._used = _used_tokens(item)
            self._pending.append(item)
            if self._kept is not None:
                self._kept.append(data)
        return False

    async def _settle_used(self) -> None:
        """Hand the usage the final item reported to the rate limiter, once."""
        settle, used = self._settle, self._used
        self._settle = self._used = None
        if settle is not None and used is not None:
            await settle(used)

    async def _finish_at_eof(self) -> None:
        if not self._finished and self._failure is None:
            if self._needs_done:
                message = "The stream ended before the server said [DONE]"
            else:
                message = "The stream ended before the final event with the result"
            self._failure = self._error(StreamInterrupted, message)
        await self.aclose()

    async def _drain(self) -> None:
        """Read what follows ``[DONE]`` so the connection can be reused, then release it."""
        assert self._chunks is not None
        drained = 0
        until = time.monotonic() + _DRAIN_TIME
        if self._deadline is not None and self._deadline < until:
            until = self._deadline
        token = IO_DEADLINE.set(until)
        try:
            async for rest in self._chunks:
                drained += len(rest)
                if drained > _DRAIN_LIMIT:
                    break
        except Exception as exc:  # the connection is dropped instead of kept
            if _transport_error(exc) is None:
                raise
        finally:
            IO_DEADLINE.reset(token)
        await self.aclose()

    def _error(self, kind: type[HfError], message: str) -> HfError:
        return kind(
            message,
            request_id=self._meta.request_id,
            provider=self._context.provider,
            model=self._context.model,
            endpoint=self._context.endpoint,
        )

    async def aclose(self) -> None:
        """Release the connection (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._observation.end(self._meta, error=self._failure)
        if self._chunks is not None:
            # Close the body iterator first: an unfinished async generator left to the
            # garbage collector warns (trio) and may run its cleanup on another task.
            close_chunks = getattr(self._chunks, "aclose", None)
            if close_chunks is not None:
                await close_chunks()
        await self._response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __del__(self) -> None:
        # A sync stream dropped without close() still gives its connection back.
        if not getattr(self, "_closed", True):
            async_close_on_gc(self._response)
            try:
                self._observation.end(self._meta)
            except Exception:  # best effort during garbage collection
                pass

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} {state} request_id={self._meta.request_id!r}>"


class AsyncParsedChatStream(AsyncStream["ChatCompletionChunk"], Generic[P]):
    """A chat stream opened with a ``response_format`` class ``P``.

    The same chunks as any chat stream; :meth:`final` gives a ``ParsedChatCompletion[P]``
    whose ``choices[i].message.parsed`` is the reply validated as ``P``.

    Example:
        >>> stream = await client.chat.stream(  # doctest: +SKIP
        ...     model=m, messages=msgs, response_format=City
        ... )
        >>> city = (await stream.final()).choices[0].message.parsed  # doctest: +SKIP
    """

    async def final(self) -> ParsedChatCompletion[P]:  # type: ignore[override]
        """Read the rest of the stream and return the whole answer, ``parsed`` set.

        Returns:
            The assembled ``ParsedChatCompletion``, with this stream's ``response_meta``.

        Raises:
            StreamInterrupted: The stream broke off, or was closed before its end.
            StructuredOutputError: The reply does not match the ``response_format`` class.
            HfError: An error event, as for iteration.
        """
        result: ParsedChatCompletion[P] = await AsyncStream.final(self)  # type: ignore[assignment]
        return result


def _used_tokens(item: object) -> int | None:
    """The tokens a final item says the call used (a chat chunk's ``usage``), or None."""
    usage = getattr(item, "usage", None)
    return None if usage is None else tokens_used(usage)


def _body_chunks(response: httpx2.Response) -> AsyncIterator[bytes]:
    """The body's chunks: raw when the server did not compress it (SSE never is, in
    practice), which skips httpx2's identity decoder and re-chunker, two generator
    layers per event; decoded (``aiter_bytes``) otherwise, and for a body already read
    (a test double's ``content=``), which only ``aiter_bytes`` replays.

    On our own pool (``_pool.AsyncClosingBody``) the raw chunks come straight from
    httpcore2's iterator, one frame per chunk instead of three; its errors are then
    httpcore2's, which :func:`_transport_error` maps. The body still closes with the
    response (``AsyncClosingBody.aclose``).
    """
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding != "identity" or response.is_stream_consumed:
        return response.aiter_bytes()
    core_chunks = getattr(response.stream, "core_chunks", None)
    if core_chunks is None or response.is_closed:
        return response.aiter_raw()
    response.is_stream_consumed = True  # read here: a later aread() must not start again
    chunks: AsyncIterator[bytes] = core_chunks()
    return chunks


def _transport_error(exc: Exception) -> httpx2.HTTPError | None:
    """``exc`` as an httpx2 transport error (httpcore2's mapped), or None for anything else."""
    if isinstance(exc, httpx2.HTTPError):
        return exc
    from ._pool import as_httpx_error  # only once a read failed: _pool imports httpcore2

    return as_httpx_error(exc)
