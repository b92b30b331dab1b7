"""Provider failover: one call tried on each provider of its chain, above the transport.

Written in _async/; codegen/unasync.py generates the _sync twin. A request built with
``fallbacks`` (``client._prepare`` with failover on) is sent here, never by the transport
alone: a 429, a 5xx or an unavailable model on one provider moves the call to the next,
and ``ResponseMeta.providers_tried`` lists them (``_execute`` sends every call, and
reads each provider's answer with that provider's helper).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from .._errors import DeadlineExceeded, HfError
from .._request import PreparedRequest
from .._routing.mapping import is_failover_error

__all__ = ["with_failover"]

logger = logging.getLogger("hf_inference_endpoints")


async def with_failover(
    prepared: PreparedRequest,
    attempt: Callable[[PreparedRequest, bool], Any],
) -> tuple[Any, PreparedRequest, tuple[str, ...]]:
    """Run ``attempt(candidate, retry)`` on each provider until one succeeds.

    Providers before the last are tried without retries, so a 429 or a 5xx moves on
    at once; an error that is not provider-specific but transient (a network error)
    gets the normal retries on the same provider first. Every candidate carries the
    call's one deadline (``prepared.deadline``), which the transport never passes; no
    candidate is tried once it has run out.

    Returns:
        The result, the candidate that produced it and the providers tried.

    Raises:
        HfError: The error of the last provider tried (or a provider's error that is
            no reason to fail over); ``DeadlineExceeded`` when the call's time ran out
            (during a try, which ends the failover, or between two tries).
    """
    chain = (dataclasses.replace(prepared, fallbacks=()), *prepared.fallbacks)
    deadline = prepared.deadline
    tried: list[str] = []
    for index, candidate in enumerate(chain):
        last = index == len(chain) - 1
        retry = last
        name = candidate.context.provider or "?"
        tried.append(name)
        while True:
            if deadline is not None and deadline.at is not None:
                deadline.left(model=candidate.context.model, provider=name)
            try:
                result = await attempt(candidate, retry)
            except DeadlineExceeded:
                raise  # the call's time is up: no other try here, no other provider
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
