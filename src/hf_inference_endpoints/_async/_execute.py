"""The one execution path of an inference call (written in _async/; the _sync twin is generated).

Every service method describes its call as a :class:`~hf_inference_endpoints._call.Call`
and hands it here::

    resolve the target    client._route(call)  (endpoint lookup / wake-up, Hub mapping)
    the helper builds     _routing.build + providers/<name>.py  (no I/O)
    send with retries     _transport  (backoff, cold starts, rate limits, redirects)
    failover              _failover.with_failover  (when the request has fallbacks)
    follow an async job   :func:`follow_job`  (polls and downloads the helper asks for)
    the helper parses     _answers.answer_reader / event_reader  (+ the service's Answer)

:func:`execute` returns the value and its ``ResponseMeta``; :func:`open_stream` returns the
open event stream. All of it within the call's one deadline (``call.deadline``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import TYPE_CHECKING, Any

from .._answers import answer_reader, event_reader, helper_of
from .._errors import DeadlineExceeded, RequestTimeout, ServerError
from .._io import async_monotonic, async_sleep
from .._progress import ProgressEvent, report_progress
from .._retry import Deadline
from .._routing.providers._base import Fetch, JobContext, Step, follow_up_request
from .._waits import plan_wait
from ._failover import with_failover

if TYPE_CHECKING:
    from .._call import Call
    from .._meta import ResponseMeta
    from .._request import OnError, PreparedRequest
    from ._client import AsyncHfInferenceClient
    from ._streaming import AsyncStream

__all__ = ["DEFAULT_JOB_TIMEOUT", "execute", "follow_job", "open_stream"]

logger = logging.getLogger("hf_inference_endpoints")

#: Longest wait for an async job (polling included) when the call gives no timeout.
DEFAULT_JOB_TIMEOUT = 600.0


async def execute(
    client: AsyncHfInferenceClient,
    call: Call,
    prepared: PreparedRequest | None = None,
    *,
    on_error: OnError | None = None,
    as_sent: bool = False,
) -> tuple[Any, ResponseMeta]:
    """Run ``call`` and return its value and the metadata of the answer that served it.

    Args:
        client: The client (its transport, config and lookups).
        call: The call, as its public method described it.
        prepared: Its request, when the caller already resolved it (``client._route``).
        on_error: The recovery of that resolved request (``Routed.on_error``), handed
            to the transport's send with it.
        as_sent: Return the answer as the provider sent it (decoded JSON, or the bytes
            of a file), not read by its helper (``client.infer`` of an unknown task).

    Returns:
        ``(value, meta)``: what ``call.answer`` reads (the helper's value without one),
        and the metadata (``providers_tried`` with failover).

    Raises:
        HfError: As the transport, the helper or the job raises it.
    """
    started = async_monotonic()
    if prepared is None:
        routed = await client._route(call)
        prepared, on_error = routed.request, routed.on_error
    transport = client._transport
    answer = call.answer
    if not prepared.fallbacks:  # the usual call: straight to the transport
        value, meta = await transport.request(
            prepared, answer_reader(prepared, answer, as_sent=as_sent), on_error=on_error
        )
        served = prepared
    else:  # provider failover, above the transport

        async def attempt(candidate: PreparedRequest, retry: bool) -> tuple[Any, ResponseMeta]:
            reader = answer_reader(candidate, answer, as_sent=as_sent)
            return await transport.request(candidate, reader, retry=retry)

        (value, meta), served, tried = await with_failover(prepared, attempt)
        meta = dataclasses.replace(meta, providers_tried=tried)
    if not isinstance(value, Fetch):
        return value, meta
    value = await follow_job(client, call, served, value)
    if answer is not None and answer.from_value is not None and not as_sent:
        value = answer.from_value(value)
    return value, dataclasses.replace(meta, elapsed=async_monotonic() - started)


async def open_stream(
    client: AsyncHfInferenceClient,
    call: Call,
    prepared: PreparedRequest | None = None,
    *,
    on_error: OnError | None = None,
) -> AsyncStream[Any]:
    """Open the event stream of ``call`` (retries and failover before the first byte only).

    Each provider's events are read by the parser its helper's ``stream_format`` picks
    (``call.answer.events``), a fresh one for each stream opened.

    Returns:
        The open stream, ``providers_tried`` in its metadata with failover.

    Raises:
        HfError: The stream could not be opened.
        TypeError: ``call.answer`` reads no stream.
    """
    if prepared is None:
        routed = await client._route(call)
        prepared, on_error = routed.request, routed.on_error
    answer = call.answer
    if answer is None or answer.is_final is None:
        raise TypeError("a streamed call needs an Answer with events and is_final")
    is_final = answer.is_final
    transport = client._transport

    async def attempt(candidate: PreparedRequest, retry: bool) -> AsyncStream[Any]:
        assert answer is not None
        events, ends_with_done = event_reader(candidate, answer)
        return await transport.stream(
            candidate,
            events,
            is_final=is_final,
            needs_done=ends_with_done,
            retry=retry,
            on_error=on_error if candidate is prepared else None,
        )

    if not prepared.fallbacks:
        return await attempt(prepared, True)
    stream: AsyncStream[Any]
    stream, _, tried = await with_failover(prepared, attempt)
    stream._meta = dataclasses.replace(stream._meta, providers_tried=tried)
    return stream


async def follow_job(
    client: AsyncHfInferenceClient, call: Call, submitted: PreparedRequest, step: Step
) -> Any:
    """Perform an async job's GETs until its helper says it is done; its value.

    Polls carry the request's credentials and wait the helper's interval; output
    downloads carry none. Every wait asks the wait engine (``_waits.plan_wait``) against
    the call's deadline (without a timeout: :data:`DEFAULT_JOB_TIMEOUT` from now).

    Raises:
        DeadlineExceeded: The job was still running when the time ran out.
        RequestTimeout: The provider's maximum number of polls was reached.
        HfError: The provider failed the job.
    """
    helper = helper_of(submitted)
    job = JobContext.of(submitted)
    transport = client._transport
    deadline = call.deadline
    left = deadline.remaining()  # None: no timeout, and the job still ends some day
    budget = DEFAULT_JOB_TIMEOUT if deadline.timeout is None else deadline.timeout
    ends = async_monotonic() + (DEFAULT_JOB_TIMEOUT if left is None else left)
    job_deadline = Deadline(budget, ends, async_monotonic)
    while isinstance(step, Fetch):
        if step.max_attempts is not None and step.attempt >= step.max_attempts:
            raise _job_timeout(
                submitted, f"still running after {step.attempt} polls (the provider's limit)"
            )
        if step.delay > 0:
            pause = plan_wait(step.delay, job_deadline.remaining())
            if pause is None:  # no time left for the wait and one more poll
                raise _job_timeout(submitted, f"still running after {budget:g} s", out=True)
            report_progress(
                client.config.on_progress,
                ProgressEvent(
                    "job",
                    f"{submitted.context.provider} {submitted.context.model}",
                    step.stage,
                    async_monotonic() - (ends - budget),
                    attempt=step.attempt,
                ),
            )
            await async_sleep(pause.seconds)
        if job_deadline.expired():
            raise _job_timeout(submitted, f"still running after {budget:g} s", out=True)
        if step.url.startswith("data:"):  # the answer holds the file itself
            data: Any = _inline_file(submitted, step)
        else:
            request = dataclasses.replace(follow_up_request(submitted, step), deadline=job_deadline)
            data, _ = await transport.request(request, _decoder(step))
        step = helper.advance(submitted.task, step, data, job)
    return step.value


def _decoder(step: Fetch) -> Any:
    return bytes if step.expect == "bytes" else json.loads


def _inline_file(submitted: PreparedRequest, step: Fetch) -> Any:
    """The file a ``data:`` URL step holds, decoded here (never sent over the network).

    Raises:
        ServerError: The provider answered a malformed ``data:`` URL.
    """
    from .._inputs import data_url_bytes

    try:
        data = data_url_bytes(step.url)
    except ValueError as exc:
        raise ServerError(
            f"The provider answered a {step.stage} data: URL that does not decode: {exc}",
            provider=submitted.context.provider,
            model=submitted.context.model,
        ) from None
    return data if step.expect == "bytes" else json.loads(data)


def _job_timeout(submitted: PreparedRequest, what: str, *, out: bool = False) -> RequestTimeout:
    """A job still running: ``out`` when the call's time (or the default job wait) ran out
    (:class:`DeadlineExceeded`), else when the provider's poll limit was reached."""
    provider = submitted.context.provider
    kind = DeadlineExceeded if out else RequestTimeout
    return kind(
        f"The {submitted.task} job on {provider} was {what}; pass a larger timeout= "
        "or try again later",
        provider=provider,
        model=submitted.context.model,
    )
