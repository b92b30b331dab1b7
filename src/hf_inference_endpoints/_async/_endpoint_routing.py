"""Inference calls on a dedicated endpoint (``endpoint="name"``): URL, state, wake-up, resume.

Written in _async/; codegen/unasync.py generates the _sync twin. The client's
``_prepare`` hands an ``endpoint=`` call here: its URL comes from the management API
(``client.endpoints``, whose cache and waits this module uses), a paused endpoint is
resumed or refused, a starting one waited for, a scaled-to-zero one woken, all within
the call's deadline. The decisions live in ``hf_inference_endpoints._endpoints``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from .._endpoints import EndpointRef, RouteAction, route_decision, state_of
from .._errors import (
    ColdStartTimeout,
    EndpointFailed,
    EndpointPaused,
    HfError,
    InvalidArgument,
    NotFound,
    RequestTimeout,
)
from .._progress import ProgressEvent, report_progress
from .._request import PreparedRequest, Routed
from .._retry import Deadline, deadline_error
from .._routing import prepare
from .._routing.providers import hf_or_auto
from .._storage.json_cache import shared_json_cache
from .endpoints import _failed

if TYPE_CHECKING:
    from .._call import Call
    from ..models import EndpointInfo
    from ._client import AsyncHfInferenceClient
    from .endpoints import AsyncEndpoints

__all__ = ["AsyncEndpointRouting"]

#: Share of the read timeout a scaled-to-zero endpoint may hold a request for.
SCALE_UP_SHARE = 0.9


class AsyncEndpointRouting:
    """``client._endpoint_routing``: builds the request of an ``endpoint=`` inference call.

    Args:
        client: The client whose config and ``endpoints`` service are used.
    """

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client
        # endpoint lookups shared with other processes (cache_url), asked on a local miss
        self._shared = shared_json_cache(
            client.config, "endpoint", client.config.endpoint_cache_ttl
        )
        if self._shared is not None:
            client._register_cache(self._shared)

    @property
    def _endpoints(self) -> AsyncEndpoints:
        """The management service: its cache, lookups, resume and waits are used here."""
        return self._client.endpoints

    async def prepare(self, call: Call) -> Routed:
        """The request of ``call`` on its ``endpoint=``, and its recovery (``on_error``;
        called by the client's ``_route``).

        Resolves the endpoint's URL through the cache; a paused endpoint raises
        ``EndpointPaused`` (or is resumed and waited for with ``auto_resume_paused``), a
        failed one ``EndpointFailed``, a starting one is waited for, and a scaled-to-zero
        one is sent the request with ``X-Scale-Up-Timeout`` and its 503s count as a cold
        start. A 404 or a state error drops the cached URL; a 404 on a cached URL looks
        the endpoint up again and retries once when its URL changed.

        Everything here, the ``on_error`` re-resolution included, stays within
        ``call.deadline``: lookups get the time left, waits stop at it
        (``ColdStartTimeout``), and ``X-Scale-Up-Timeout`` asks the proxy to hold the
        request for less than what is left.

        Raises:
            RequestTimeout: The deadline ran out during a lookup or a resume.
            ColdStartTimeout: The endpoint was still starting when the deadline (or
                ``cold_start_timeout``) ran out.
        """
        config = self._client.config
        options, deadline = call.options, call.deadline
        endpoint, model, provider = options.endpoint or "", call.model, options.provider
        task, body, stream = call.task, call.body, call.stream
        if not hf_or_auto(provider):
            raise InvalidArgument(
                f"endpoint={endpoint!r} and provider={provider!r} both say where to send the "
                "call; pass one of them"
            )
        left = deadline.remaining()  # for a whoami call, when the namespace is not known
        ref = await self._endpoints._ref(
            endpoint, None, timeout=None if left is None else max(0.0, left)
        )
        key = str(ref)
        info = self._endpoints._cache.get(key)
        if info is None and self._shared is not None:
            info = await self._shared_lookup(ref)
        from_cache = info is not None
        if info is None:
            info = await self._lookup(ref, deadline)
        info = await self._usable(ref, info, deadline)
        route = route_decision(info)
        url = route.url
        assert url is not None
        if model is not None and task == "conversational" and isinstance(body, dict):
            body = {"model": model, **body}

        def build(target_url: str) -> PreparedRequest:
            return prepare(
                config,
                target_url,
                None,
                task,
                body,
                stream,
                options.extra_headers,
                options.extra_body,
                accept=call.accept,
                expect=call.expect,
                bill_to=options.bill_to,
            )

        built = build(url)
        state = state_of(info)
        waking = route.action is RouteAction.SEND_WAKING or _can_scale_to_zero(info)
        context = dataclasses.replace(
            built.context,
            endpoint=key,
            endpoint_state=state,
            endpoint_waking=waking,
        )
        headers = built.headers
        if route.action is RouteAction.SEND_WAKING and "x-scale-up-timeout" not in headers:
            read = config.stream_timeout if stream else config.request_timeout
            hold = config.cold_start_timeout
            if read is not None:
                hold = min(hold, read * SCALE_UP_SHARE)
            left = deadline.remaining()
            if left is not None:  # the proxy answers 503 before the call's time is up
                hold = min(hold, left * SCALE_UP_SHARE)
            headers = {**headers, "x-scale-up-timeout": str(max(1, int(hold)))}
            report_progress(
                config.on_progress,
                ProgressEvent(
                    "endpoint",
                    key,
                    "waking",
                    0.0,
                    message=f"scaled to zero: the request waits up to {int(hold)} s while it wakes",
                ),
            )
        retried = False

        async def on_error(error: HfError) -> PreparedRequest | None:
            """Drop a stale lookup; once, the request on a moved URL or an auto-resumed pause."""
            nonlocal retried
            if not isinstance(error, (NotFound, EndpointPaused, EndpointFailed)):
                return None
            self._endpoints._cache.invalidate(key)
            if self._shared is not None:  # other processes must not reuse it either
                await self._shared.aset_many({key: None})
            if retried:
                return None
            if isinstance(error, NotFound) and from_cache:
                fresh = await self._usable(ref, await self._lookup(ref, deadline), deadline)
                fresh_url = route_decision(fresh).url
                if fresh_url is None or fresh_url == url:
                    return None
            elif isinstance(error, EndpointPaused) and config.auto_resume_paused:
                fresh = await self._usable(ref, await self._lookup(ref, deadline), deadline)
                fresh_url = route_decision(fresh).url
            else:
                return None
            retried = True
            assert fresh_url is not None
            return dataclasses.replace(
                prepared,
                url=build(fresh_url).url,
                context=dataclasses.replace(prepared.context, endpoint_state=state_of(fresh)),
            )

        prepared = dataclasses.replace(built, headers=headers, context=context, deadline=deadline)
        return Routed(prepared, on_error)

    async def _lookup(self, ref: EndpointRef, deadline: Deadline) -> EndpointInfo:
        """``GET`` the endpoint within what is left of the call's ``deadline``.

        Raises:
            RequestTimeout: The deadline ran out before or during the lookup.
        """
        doing = "looking up the endpoint"
        left = deadline.left(provider="endpoint", endpoint=str(ref), doing=doing)
        try:
            info = await self._endpoints._call("GET", ref, timeout=left)
        except RequestTimeout as err:
            if isinstance(err, ColdStartTimeout) or not deadline.expired():
                raise
            raise _out_of_time(ref, deadline, doing) from err
        if self._shared is not None:  # a state that does not serve replaces the entry by null
            cacheable = route_decision(info).cacheable
            value = info.model_dump(mode="json", by_alias=True) if cacheable else None
            await self._shared.aset_many({str(ref): value})
        return info

    async def _shared_lookup(self, ref: EndpointRef) -> EndpointInfo | None:
        """The endpoint as another process last saw it serving (``cache_url``), or None."""
        assert self._shared is not None
        raw = (await self._shared.aget_many([str(ref)]))[0]
        if raw is None:
            return None
        from ..models import EndpointInfo

        try:
            info = EndpointInfo.model_validate(raw)
        except ValueError:
            return None
        if route_decision(info).cacheable:
            self._endpoints._cache.put(str(ref), info)
            return info
        return None

    async def _usable(
        self, ref: EndpointRef, info: EndpointInfo, deadline: Deadline
    ) -> EndpointInfo:
        """The endpoint in a state that takes requests: resumes/waits as configured, or raises.

        Resuming and waiting stay within the call's ``deadline``.
        """
        config = self._client.config
        route = route_decision(info)
        if route.action is RouteAction.PAUSED:
            self._endpoints._cache.invalidate(str(ref))
            if not config.auto_resume_paused:
                raise EndpointPaused(
                    f"Endpoint {ref} is paused; resume it (client.endpoints.resume) or set "
                    "auto_resume_paused=True",
                    endpoint=str(ref),
                    server_message=info.status.message if info.status is not None else None,
                )
            doing = "resuming the paused endpoint"
            left = deadline.left(provider="endpoint", endpoint=str(ref), doing=doing)
            try:
                resumed = await self._endpoints.resume(
                    ref.name, namespace=ref.namespace, timeout=left
                )
            except RequestTimeout as err:
                if isinstance(err, ColdStartTimeout) or not deadline.expired():
                    raise
                raise _out_of_time(ref, deadline, doing) from err
            return await self._wait_serving(ref, deadline, resumed)
        if route.action is RouteAction.FAIL:
            self._endpoints._cache.invalidate(str(ref))
            raise _failed(ref, info)
        if route.action is RouteAction.WAIT:
            return await self._wait_serving(ref, deadline, info)
        return info

    async def _wait_serving(
        self, ref: EndpointRef, deadline: Deadline, known: EndpointInfo
    ) -> EndpointInfo:
        """Wait for ``running`` for ``cold_start_timeout``, or until the call's deadline."""
        limit = deadline.cap(self._client.config.cold_start_timeout)
        return await self._endpoints._wait(ref, "running", limit, deadline=deadline, known=known)


def _out_of_time(ref: EndpointRef, deadline: Deadline, doing: str) -> RequestTimeout:
    """The call's ``timeout`` ran out during ``doing`` (a lookup, a resume)."""
    assert deadline.timeout is not None
    return deadline_error(
        deadline.timeout, model=None, provider="endpoint", endpoint=str(ref), doing=doing
    )


def _can_scale_to_zero(info: EndpointInfo) -> bool:
    compute = info.compute
    scaling = compute.scaling if compute is not None else None
    return scaling is not None and scaling.minReplica == 0
