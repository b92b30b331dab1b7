"""Provider failover: one call tried on each provider of its chain, above the transport.

Written in _async/; codegen/unasync.py generates the _sync twin. A request built with
``fallbacks`` (``client._prepare`` with failover on) is sent here, never by the transport
alone: a 429, a 5xx or an unavailable model on one provider moves the call to the next,
and ``ResponseMeta.providers_tried`` lists them. A request without fallbacks is sent as
the transport sends it. A service whose providers answer in different formats
(text-generation: TGI on hf-inference, OpenAI completions elsewhere) passes
``parse_for``, which picks the parser for each provider of the chain.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import HfError
from .._io import async_monotonic
from .._request import PreparedRequest
from .._retry import deadline_error
from .._routing.mapping import is_failover_error

if TYPE_CHECKING:
    from .._meta import ResponseMeta
    from ._streaming import AsyncStream
    from ._transport import AsyncTransport

__all__ = ["request_with_failover", "stream_with_failover", "with_failover"]

logger = logging.getLogger("hf_inference_endpoints")

T = TypeVar("T")
P = TypeVar("P")


async def with_failover(
    prepared: PreparedRequest,
    attempt: Callable[[PreparedRequest, bool, float | None], Any],
    timeout: float | None,
) -> tuple[Any, PreparedRequest, tuple[str, ...]]:
    """Run ``attempt(candidate, retry, remaining)`` on each provider until one succeeds.

    Providers before the last are tried without retries, so a 429 or a 5xx moves on
    at once; an error that is not provider-specific but transient (a network error)
    gets the normal retries on the same provider first. Returns the result, the
    candidate that produced it and the providers tried.
    """
    chain = (dataclasses.replace(prepared, fallbacks=()), *prepared.fallbacks)
    started = async_monotonic()
    tried: list[str] = []
    for index, candidate in enumerate(chain):
        last = index == len(chain) - 1
        retry = last
        name = candidate.context.provider or "?"
        tried.append(name)
        while True:
            remaining = None
            if timeout is not None:
                remaining = timeout - (async_monotonic() - started)
                if remaining <= 0:
                    raise deadline_error(timeout, model=candidate.context.model, provider=name)
            try:
                result = await attempt(candidate, retry, remaining)
            except HfError as exc:
                if not last and is_failover_error(exc):
                    logger.warning(
                        "provider %s failed (%s: %s); failing over to %s",
                        name,
                        type(exc).__name__,
                        exc.message,
                        chain[index + 1].context.provider,
                    )
                    break
                if not retry and exc.is_retryable:
                    retry = True  # transient and not the provider's answer: retry it here
                    continue
                raise
            return result, candidate, tuple(tried)
    raise AssertionError("unreachable: the last candidate returns or raises")


def _one_parser(
    parse: P | None, parse_for: Callable[[PreparedRequest], P] | None
) -> Callable[[PreparedRequest], P]:
    """``parse_for``, or a picker that always gives ``parse``; exactly one must be given."""
    if parse_for is not None:
        if parse is not None:
            raise TypeError("give either parse or parse_for, not both")
        return parse_for
    if parse is None:
        raise TypeError("give parse or parse_for")
    fixed = parse
    return lambda _candidate: fixed


async def request_with_failover(
    transport: AsyncTransport,
    prepared: PreparedRequest,
    parse: Callable[[bytes], T] | None = None,
    *,
    timeout: float | None = None,
    parse_for: Callable[[PreparedRequest], Callable[[bytes], T]] | None = None,
) -> tuple[T, ResponseMeta]:
    """``transport.request`` across ``prepared`` and its fallbacks (see :func:`with_failover`).

    Args:
        transport: Sends each candidate.
        prepared: The request for the first provider; ``fallbacks`` holds the others.
        parse: Reads every provider's 2xx body.
        timeout: Total seconds for the call, every provider included (None: no limit).
        parse_for: Instead of ``parse``: gives the reader of one candidate's body (the
            provider is ``candidate.context.provider``), called once per provider tried.

    Returns:
        The parsed result and the metadata of the answer that succeeded, with
        ``providers_tried`` when ``prepared`` has fallbacks (without, the request is
        sent as ``transport.request`` sends it, and nothing is tried in turn).

    Raises:
        HfError: The error of the last provider tried (or a provider's error that is
            no reason to fail over).
        TypeError: Both or neither of ``parse`` and ``parse_for`` were given.
    """
    pick = _one_parser(parse, parse_for)
    if not prepared.fallbacks:
        return await transport.request(prepared, pick(prepared), timeout=timeout)

    async def attempt(
        candidate: PreparedRequest, retry: bool, remaining: float | None
    ) -> tuple[T, ResponseMeta]:
        return await transport.request(candidate, pick(candidate), timeout=remaining, retry=retry)

    (result, meta), _, tried = await with_failover(prepared, attempt, timeout)
    return result, dataclasses.replace(meta, providers_tried=tried)


async def stream_with_failover(
    transport: AsyncTransport,
    prepared: PreparedRequest,
    parse: Callable[[str], T] | None = None,
    *,
    is_final: Callable[[T], bool],
    needs_done: bool = False,
    timeout: float | None = None,
    parse_for: Callable[[PreparedRequest], tuple[Callable[[str], T], bool]] | None = None,
) -> AsyncStream[T]:
    """``transport.stream`` across ``prepared`` and its fallbacks (before the first byte).

    Args:
        transport: Opens each candidate's stream.
        prepared: The request for the first provider; ``fallbacks`` holds the others.
        parse: Reads every provider's events (with ``needs_done``).
        is_final: Tells whether an item is the last one the server meant to send.
        needs_done: With ``parse``: the protocol ends with ``data: [DONE]``.
        timeout: Total seconds to get a stream started, every provider included.
        parse_for: Instead of ``parse``/``needs_done``: gives one candidate's event
            parser and whether its stream ends with ``[DONE]`` (a stateful parser is
            made fresh for each stream), called once per provider tried.

    Returns:
        The open stream of the provider that answered, ``providers_tried`` in its
        metadata when ``prepared`` has fallbacks (without, the stream is opened as
        ``transport.stream`` opens it).

    Raises:
        HfError: The error of the last provider tried (or a provider's error that is
            no reason to fail over).
        TypeError: Both or neither of ``parse`` and ``parse_for`` were given.
    """
    pick = _one_parser(None if parse is None else (parse, needs_done), parse_for)
    if not prepared.fallbacks:
        first, first_needs_done = pick(prepared)
        return await transport.stream(
            prepared, first, is_final=is_final, needs_done=first_needs_done, timeout=timeout
        )

    async def attempt(
        candidate: PreparedRequest, retry: bool, remaining: float | None
    ) -> AsyncStream[T]:
        events, ends_with_done = pick(candidate)
        return await transport.stream(
            candidate,
            events,
            is_final=is_final,
            needs_done=ends_with_done,
            timeout=remaining,
            retry=retry,
        )

    stream: AsyncStream[T]
    stream, _, tried = await with_failover(prepared, attempt, timeout)
    stream._meta = dataclasses.replace(stream._meta, providers_tried=tried)
    return stream
