"""Third-party providers: the Hub provider mapping and the request of a provider call.

Written in _async/; codegen/unasync.py generates the _sync twin. Every decision is
made without I/O in ``_routing`` (``mapping.py`` plans which providers a call tries,
``providers/*`` build each request and read each answer); this module only does
the I/O before those decisions: :meth:`AsyncProviders.prepare`, what the client's
``_prepare`` calls, parses the target, fetches the model's provider mapping from the Hub
when the target needs it (cached with a TTL, fetched once per model even when calls
race), and builds the request for the chosen provider, with the fallbacks attached when
failover is on. hf-inference, URL and router targets need no lookup. Sending, failover,
async jobs and answers are ``_execute``'s.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._errors import HfError
from .._io import AsyncLock, async_monotonic
from .._request import PreparedRequest
from .._retry import Deadline
from .._routing.build import build_request
from .._routing.keys import is_provider_key
from .._routing.mapping import (
    MappingCache,
    MappingEntry,
    check_fallback_target,
    check_fallback_value,
    parse_mapping,
    plan_candidates,
)
from .._routing.providers import helper_for
from .._routing.targets import Target, parse_target
from .._storage.json_cache import shared_json_cache

if TYPE_CHECKING:
    from .._call import Call
    from .._routing.providers._base import ProviderHelper
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncProviders"]

logger = logging.getLogger("hf_inference_endpoints")

Fallback = bool | Sequence[str]


# -------------------------------------------------------------------------- providers


class AsyncProviders:
    """``client._providers``: provider resolution and the mapping cache.

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
    async def prepare(self, call: Call) -> PreparedRequest:
        """Resolve the target of ``call`` (with a mapping lookup when needed) and build
        its request.

        The mapping lookup gets only the time left of ``call.deadline``; the request and
        its fallbacks carry that deadline.

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
        options = call.options
        model, task = call.model or "", call.task
        check_fallback_value(options.fallback)
        target = parse_target(
            model, provider=options.provider, default_provider=config.default_provider, task=task
        )
        fallback = options.fallback
        if target.kind == "url":
            check_fallback_target(fallback, url=model)
        if fallback is None:  # a provider's own key opens its provider only: no failover
            fallback = False if is_provider_key(self._client._token_at_hand()) else config.fallback
        if isinstance(fallback, str):
            fallback = (fallback,)

        def build(chosen: Target) -> PreparedRequest:
            return build_request(
                config,
                chosen,
                task,
                call.body,
                stream=call.stream,
                extra_headers=options.extra_headers,
                extra_body=options.extra_body,
                accept=call.accept,
                expect=call.expect,
                bill_to=options.bill_to,
                deadline=call.deadline,
            )

        if not self._needs_lookup(target, task, fallback):
            return build(target)
        entries = await self.mapping(target.model, deadline=call.deadline)
        own_key = is_provider_key(self._client._token_at_hand())

        def usable(helper: ProviderHelper | None) -> bool:
            # an HF token reaches routed providers only; an own key is for its provider
            return helper is not None and (helper.routed or own_key)

        plan = plan_candidates(
            target.model,
            target.provider or "auto",
            task,
            entries,
            fallback=fallback,
            preference=config.provider_preference,
            serves=lambda name: usable(helper_for(name, task)),
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
        if len(requests) == 1:
            return requests[0]
        return dataclasses.replace(requests[0], fallbacks=tuple(requests[1:]))

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
