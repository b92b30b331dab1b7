"""Third-party providers: mapping lookups and async-job polling.

Written in _async/; codegen/unasync.py generates the _sync twin. Every decision is
made without I/O in ``_routing`` (``mapping.py`` plans which providers a call tries,
``providers/*`` build each request and read each answer); this module only does
the I/O between those decisions:

* :meth:`AsyncProviders.prepare` -- what the client's ``_prepare`` calls: parse the
  target, fetch the model's provider mapping from the Hub when the target needs it
  (cached with a TTL, fetched once per model even when calls race), and build the
  request for the chosen provider, with the fallbacks attached when failover is on.
  hf-inference, URL and router targets need no lookup.
* :meth:`AsyncProviders.run` -- for task services: send a prepared request and return
  the task-level result, following async jobs (fal queue, Replicate predictions,
  Together videos, WaveSpeed, Z.ai) with a bounded, cancellable wait and downloading
  output files without credentials.
* failover of a job's submit goes through ``_failover.with_failover``, as every
  other call with fallbacks does.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .._errors import DeadlineExceeded, HfError, RequestTimeout, ServerError
from .._inputs import data_url_bytes
from .._io import AsyncLock, async_monotonic, async_sleep
from .._progress import ProgressEvent, report_progress
from .._request import PreparedRequest, RawBody, ResponseKind
from .._retry import Deadline
from .._routing.build import build_request
from .._routing.mapping import (
    MappingCache,
    MappingEntry,
    check_fallback_target,
    check_fallback_value,
    parse_mapping,
    plan_candidates,
)
from .._routing.providers import answer_helper, helper_for
from .._routing.providers._base import (
    Done,
    Fetch,
    JobContext,
    ProviderHelper,
    Step,
    follow_up_request,
)
from .._routing.targets import Target, parse_target
from .._storage.json_cache import shared_json_cache
from .._waits import plan_wait
from ._failover import with_failover

if TYPE_CHECKING:
    from .._meta import ResponseMeta
    from ._client import AsyncHfInferenceClient

__all__ = ["DEFAULT_JOB_TIMEOUT", "AsyncProviders"]

logger = logging.getLogger("hf_inference_endpoints")

T = TypeVar("T")
P = TypeVar("P")

#: Longest wait for an async job (polling included) when the call gives no timeout.
DEFAULT_JOB_TIMEOUT = 600.0

Fallback = bool | Sequence[str]


def _decoder(expect: ResponseKind) -> Callable[[bytes], Any]:
    if expect == "bytes":
        return bytes
    return json.loads


def _inline_file(submitted: PreparedRequest, step: Fetch) -> Any:
    """The file a ``data:`` URL step holds, decoded here (never sent over the network).

    Raises:
        ServerError: The provider answered a malformed ``data:`` URL.
    """
    try:
        data = data_url_bytes(step.url)
    except ValueError as exc:
        raise ServerError(
            f"The provider answered a {step.stage} data: URL that does not decode: {exc}",
            provider=submitted.context.provider,
            model=submitted.context.model,
        ) from None
    return data if step.expect == "bytes" else json.loads(data)


def helper_of(prepared: PreparedRequest) -> ProviderHelper:
    """The helper that reads the answers of ``prepared`` (by the provider it went to)."""
    return answer_helper(prepared.context.provider, prepared.task)


# -------------------------------------------------------------------------- providers


class AsyncProviders:
    """``client._providers``: provider resolution, mapping cache and async jobs.

    Args:
        client: The client whose config, Hub API and transport are used.
    """

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client
        self._cache: MappingCache = client._register_cache(
            MappingCache(client.config.provider_mapping_ttl, clock=lambda: async_monotonic())
        )
        self._locks: dict[str, AsyncLock] = {}
        # a second level shared with other processes (cache_url), asked on a local miss
        self._shared = shared_json_cache(
            client.config, "mapping", client.config.provider_mapping_ttl
        )
        if self._shared is not None:
            client._register_cache(self._shared)

    @property
    def cache(self) -> MappingCache:
        """The provider-mapping cache (TTL ``config.provider_mapping_ttl``)."""
        return self._cache

    # -- mapping ---------------------------------------------------------------------
    async def mapping(
        self, model: str, *, refresh: bool = False, deadline: Deadline | None = None
    ) -> tuple[MappingEntry, ...]:
        """The provider mapping of ``model`` (cached; fetched once even when calls race).

        Sent as ``GET {hub}/api/models/{id}?expand[]=inferenceProviderMapping``, with
        the token only when it is an HF token.

        Args:
            model: The Hub model id.
            refresh: Fetch it even when it is cached.
            deadline: The call's deadline: the lookup gets only the time left of it
                (None: the per-request limit).

        Raises:
            NotFound: The model does not exist on the Hub.
            RequestTimeout: The deadline ran out before (or during) the lookup.
        """
        if not refresh:
            cached = self._cache.get(model)
            if cached is not None:
                return cached
        lock = self._locks.setdefault(model, AsyncLock())
        async with lock:
            cached = None if refresh else self._cache.get(model)
            if cached is not None:
                return cached
            if self._shared is not None and not refresh:
                raw = (await self._shared.aget_many([model]))[0]
                if raw is not None:
                    entries = parse_mapping(model, raw)
                    self._cache.put(model, entries)
                    return entries
            timeout = None
            if deadline is not None and deadline.at is not None:
                timeout = deadline.left(
                    model=model,
                    doing="looking up the model's provider mapping (nothing was sent)",
                )
            info = await self._client.hub.model_info(
                model, expand=("inferenceProviderMapping",), timeout=timeout
            )
            raw = info.get("inferenceProviderMapping")
            entries = parse_mapping(model, raw)
            self._cache.put(model, entries)
            if self._shared is not None:
                await self._shared.aset_many({model: raw})
            return entries

    # -- prepare ---------------------------------------------------------------------
    async def prepare(
        self,
        model: str,
        provider: str | None,
        task: str,
        body: dict[str, Any] | RawBody,
        stream: bool,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
        *,
        accept: str | None = None,
        expect: ResponseKind | None = None,
        fallback: Fallback | None = None,
        bill_to: str | None = None,
        deadline: Deadline | None = None,
    ) -> PreparedRequest:
        """Resolve the target (with a mapping lookup when needed) and build the request.

        Args:
            model: ``org/name[:suffix]`` or a URL.
            provider: The caller's ``provider=`` (None: the config's default).
            task: The task.
            body: The caller's fields (see ``build_request``).
            stream: Ask for a server-sent event stream.
            extra_headers: Headers that win over ours.
            extra_body: Fields merged into the JSON body.
            accept: The ``Accept`` header, when the service needs one.
            expect: How to read the answer (default: what the provider answers).
            fallback: Failover for this call (None: ``config.fallback``).
            bill_to: Organisation billed for this call (None: ``config.bill_to``).
            deadline: The call's deadline (``timeout=``): the mapping lookup gets only
                the time left of it (None: the per-request limit).

        Returns:
            The request for the first provider; ``fallbacks`` holds the others.

        Raises:
            ModelNotAvailableOnProvider: The model is not mapped (live, for this task)
                on the provider; the error lists where it is available.
            ValidationError: The model id, suffix or provider name is malformed, or a
                per-call ``fallback`` was given for a URL (no provider to fail over to).
            RequestTimeout: The deadline ran out before (or during) the mapping lookup.
        """
        config = self._client.config
        check_fallback_value(fallback)
        target = parse_target(
            model, provider=provider, default_provider=config.default_provider, task=task
        )
        if target.kind == "url":
            check_fallback_target(fallback, url=model)
        fallback = config.fallback if fallback is None else fallback
        if isinstance(fallback, str):
            fallback = (fallback,)

        def build(chosen: Target) -> PreparedRequest:
            return build_request(
                config,
                chosen,
                task,
                body,
                stream=stream,
                extra_headers=extra_headers,
                extra_body=extra_body,
                accept=accept,
                expect=expect,
                bill_to=bill_to,
            )

        if not self._needs_lookup(target, task, fallback):
            return build(target)
        entries = await self.mapping(target.model, deadline=deadline)
        plan = plan_candidates(
            target.model,
            target.provider or "auto",
            task,
            entries,
            fallback=fallback,
            preference=config.provider_preference,
            serves=lambda name: helper_for(name, task) is not None,
        )
        for note in plan.skipped:
            logger.info("%s for %s: skipped %s", task, target.model, note)
        requests: list[PreparedRequest] = []
        for index, candidate in enumerate(plan.candidates):
            chosen = dataclasses.replace(
                target, provider=candidate.provider, mapping=candidate.entry
            )
            try:
                requests.append(build(chosen))
            except HfError as exc:
                if index == 0:
                    raise
                logger.info("fallback %s skipped: %s", candidate.provider, exc.message)
        primary = requests[0]
        primary.fallbacks = tuple(requests[1:])
        return primary

    @staticmethod
    def _needs_lookup(target: Target, task: str, fallback: Fallback) -> bool:
        if target.kind != "provider":
            return False  # URLs and the OpenAI-compatible router need no mapping
        name = target.provider or ""
        if name == "auto":
            return True
        helper = helper_for(name, task)
        if helper is None:
            return False  # build_request raises the clear "not supported" error
        if not helper.needs_mapping:
            return fallback is not False and helper.on_hub
        return True

    # -- run ---------------------------------------------------------------------------
    async def run(
        self,
        prepared: PreparedRequest,
        *,
        timeout: float | Deadline | None = None,
        as_sent: bool = False,
    ) -> tuple[Any, ResponseMeta]:
        """Send ``prepared`` and return the task-level result and the submit's metadata.

        The provider's answer is read by its helper (``parse_response``): a final
        value, or the first step of an async job, whose GETs are made here -- polls
        with the request's credentials and the helper's interval, output downloads
        without any credentials -- until the helper says it is done. Failover (when
        ``prepared.fallbacks`` is set) applies to the submit.

        Args:
            prepared: What ``client._prepare`` returned.
            timeout: Total seconds for the call, polling included, or the
                :class:`Deadline` of the call that prepared ``prepared`` (one deadline
                for the lookup, the submit, every poll and every output download); None:
                at most :data:`DEFAULT_JOB_TIMEOUT` once a job is polled.
            as_sent: Return the answer as the provider sent it (decoded JSON, or the
                bytes when the request expects bytes), not read by its helper: for
                ``client.infer`` of a task the client has no spec for, whose answers
                are never jobs (chat, completions, embeddings).

        Returns:
            ``(value, meta)``: JSON-decoded results, lists of embeddings, ``bytes`` for
            images/audio/video... (see each helper's docstring) and the metadata of the
            answer that accepted the call (``providers_tried`` with failover).

        Raises:
            RequestTimeout: The job was still running when the time ran out (or after
                the provider's maximum number of polls).
            HfError: The provider refused or failed the job.
        """
        started = async_monotonic()
        if isinstance(timeout, Deadline):  # the call's own deadline: the job polls within it
            call, context = timeout, prepared.context
            timeout = None
            if call.at is not None:  # the usual call has no limit: no clock read
                timeout = call.left(
                    model=context.model,
                    provider=context.provider,
                    endpoint=context.endpoint,
                    doing="preparing the request (nothing was sent)",
                )
            ends = started + (DEFAULT_JOB_TIMEOUT if timeout is None else timeout)
            budget = DEFAULT_JOB_TIMEOUT if call.timeout is None else call.timeout
        else:
            budget = timeout if timeout is not None else DEFAULT_JOB_TIMEOUT
            ends = started + budget
        transport = self._client._transport

        async def submit(
            candidate: PreparedRequest, retry: bool, remaining: float | None
        ) -> tuple[Step, ResponseMeta]:
            data, meta = await transport.request(
                candidate, _decoder(candidate.expect), timeout=remaining, retry=retry
            )
            if as_sent:
                return Done(data), meta
            step = helper_of(candidate).parse_response(
                candidate.task, data, JobContext.of(candidate)
            )
            return step, meta

        if prepared.fallbacks:
            (step, meta), served, tried = await with_failover(prepared, submit, timeout)
        else:
            step, meta = await submit(prepared, True, timeout)
            served, tried = prepared, ()
        value = await self._follow(served, step, ends, budget)
        meta = dataclasses.replace(meta, elapsed=async_monotonic() - started, providers_tried=tried)
        return value, meta

    async def _follow(
        self, submitted: PreparedRequest, step: Step, deadline: float, budget: float
    ) -> Any:
        """Perform the job's GETs until its helper returns ``Done``."""
        helper = helper_of(submitted)
        job = JobContext.of(submitted)
        transport = self._client._transport
        while isinstance(step, Fetch):
            if step.max_attempts is not None and step.attempt >= step.max_attempts:
                raise self._timeout(
                    submitted, f"still running after {step.attempt} polls (the provider's limit)"
                )
            if step.delay > 0:
                pause = plan_wait(step.delay, deadline - async_monotonic())
                if pause is None:  # no time left for the wait and one more poll
                    raise self._timeout(submitted, f"still running after {budget:g} s", out=True)
                report_progress(
                    self._client.config.on_progress,
                    ProgressEvent(
                        "job",
                        f"{submitted.context.provider} {submitted.context.model}",
                        step.stage,
                        async_monotonic() - (deadline - budget),
                        attempt=step.attempt,
                    ),
                )
                await async_sleep(pause.seconds)
            remaining = deadline - async_monotonic()
            if remaining <= 0:
                raise self._timeout(submitted, f"still running after {budget:g} s", out=True)
            if step.url.startswith("data:"):  # the answer holds the file itself
                data: Any = _inline_file(submitted, step)
            else:
                request = follow_up_request(submitted, step)
                data, _ = await transport.request(request, _decoder(step.expect), timeout=remaining)
            step = helper.advance(submitted.task, step, data, job)
        return step.value

    @staticmethod
    def _timeout(submitted: PreparedRequest, what: str, *, out: bool = False) -> RequestTimeout:
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
