"""Dedicated Inference Endpoints: the ``/v2/endpoint`` management API and waiting.

Written in _async/; codegen/unasync.py generates the _sync twin. The decisions (names,
bodies, states, cache) live in ``hf_inference_endpoints._endpoints`` and do no I/O;
sending an inference call to an endpoint (``endpoint=``) is ``_endpoint_routing.py``.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._endpoints import (
    EndpointCache,
    EndpointRef,
    PollSchedule,
    WaitAction,
    WaitProgress,
    create_body,
    failure_message,
    health_request,
    health_route,
    image_spec,
    image_with_parallelism,
    management_request,
    parse_endpoint_ref,
    route_decision,
    state_of,
    update_body,
    url_of,
    validate_namespace,
    validate_until,
    wait_decision,
)
from .._endpoints.hardware import (
    HardwareFilter,
    flatten_catalog,
    hardware_request,
    parse_hardware,
)
from .._endpoints.requests import Action
from .._errors import (
    AuthenticationError,
    ColdStartTimeout,
    EndpointFailed,
    EndpointPaused,
    HfError,
    InvalidArgument,
    PermissionDenied,
    RequestTimeout,
    ServerError,
    ValidationError,
)
from .._io import async_monotonic, async_sleep
from .._progress import ProgressEvent, report_progress
from .._retry import Deadline
from .._waits import plan_wait

if TYPE_CHECKING:
    from ..models import EndpointInfo, HardwareInstance
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncEndpoints"]

#: Pages followed at most by ``list`` (a guard against a server that never ends).
MAX_PAGES = 1000
#: ``list(namespace="*")``: the token's user and every organisation it belongs to.
ALL_NAMESPACES = "*"


def _parse_info(content: bytes) -> EndpointInfo:
    from ..models import EndpointInfo

    return EndpointInfo.model_validate_json(content)


def _parse_page(content: bytes) -> Any:
    from ..models import EndpointList

    data = json.loads(content) if content.strip() else {}
    if isinstance(data, builtins.list):  # a bare list of endpoints
        data = {"items": data}
    return EndpointList.model_validate(data)


def _ignore(content: bytes) -> None:
    return None


ProgressCallback = Callable[[WaitProgress], Any]


class AsyncEndpoints:
    """``client.endpoints``: create, inspect, change, pause, resume and wait for endpoints.

    ``name`` arguments take ``"name"`` or ``"namespace/name"``; without a namespace the
    client uses ``namespace=``, else ``config.default_namespace``, else the token's user
    (one ``whoami`` call, remembered).

    Attributes:
        poll_interval: Default first delay between two polls of :meth:`wait` (seconds),
            also used when an inference call waits for a starting endpoint.
        max_poll_interval: Default longest delay between two polls.
    """

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client
        self.poll_interval = 1.0
        self.max_poll_interval = 15.0
        self._user: str | None = None
        self._cache = EndpointCache(
            client.config.endpoint_cache_ttl, clock=lambda: async_monotonic()
        )
        client._register_cache(self._cache)

    @property
    def cache(self) -> EndpointCache:
        """The endpoint lookup cache used by inference with ``endpoint=`` (``clear()`` it)."""
        return self._cache

    @staticmethod
    def image(
        variant: str,
        url: str | None = None,
        *,
        port: int | None = None,
        health_route: str | None = None,
        env: Mapping[str, str] | None = None,
        username: str | None = None,
        password: str | None = None,
        tensor_parallel_size: int | None = None,
        data_parallel_size: int | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """Build an ``image=`` value for :meth:`create` / :meth:`update`.

        Args:
            variant: ``tgi``, ``tgiNeuron``, ``tei``, ``vLLM``, ``vLLMNeuron``, ``sGLang``,
                ``llamacpp``, ``hfServe``, ``custom`` or ``huggingface`` (case-insensitive).
            url: The container image (needed for every variant but ``huggingface``).
            port: The port the container listens on.
            health_route: The container's readiness route (sent as ``healthRoute``).
            env: Container environment variables.
            username: Registry user of a private image.
            password: Registry password of a private image.
            tensor_parallel_size: GPUs per model copy (vLLM, SGLang).
            data_parallel_size: Model copies per replica (vLLM).
            **options: Other engine options, in the API's camelCase spelling.

        Returns:
            ``{"<variant>": {...}}``.

        Raises:
            ValidationError: A setting is missing or has the wrong type.

        Example:
            >>> client.endpoints.image("vllm", "vllm/vllm-openai:v0.23.0", port=8000,  # doctest: +SKIP
            ...                        health_route="/health", tensor_parallel_size=1)
            {'vLLM': {'url': 'vllm/vllm-openai:v0.23.0', 'port': 8000, 'healthRoute': '/health', 'tensorParallelSize': 1}}
        """
        return image_spec(
            variant,
            url,
            port=port,
            health_route=health_route,
            env=env,
            username=username,
            password=password,
            tensor_parallel_size=tensor_parallel_size,
            data_parallel_size=data_parallel_size,
            **options,
        )

    # -- namespace ---------------------------------------------------------------------------

    async def _namespace(self, namespace: str | None, *, timeout: float | None = None) -> str:
        if namespace is not None:
            return validate_namespace(namespace)
        if self._client.config.default_namespace:
            return validate_namespace(self._client.config.default_namespace)
        if self._user is None:
            info = await self._client.hub.whoami(timeout=timeout)
            name = info.get("name")
            if info.get("type", "user") != "user" or not isinstance(name, str) or not name:
                raise InvalidArgument(
                    "cannot tell which namespace to use: the token does not belong to a user; "
                    "pass namespace= or set default_namespace (HF_DEFAULT_NAMESPACE)"
                )
            self._user = validate_namespace(name)
        return self._user

    async def _ref(
        self,
        name: str | EndpointRef,
        namespace: str | None,
        *,
        for_create: bool = False,
        timeout: float | None = None,
    ) -> EndpointRef:
        ref = (
            name
            if isinstance(name, EndpointRef)
            else parse_endpoint_ref(name, namespace, for_create=for_create)
        )
        if ref.namespace is None:
            ref = ref.with_namespace(await self._namespace(None, timeout=timeout))
        return ref

    async def _call(
        self,
        method: str,
        ref: EndpointRef,
        *,
        action: Action | None = None,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> EndpointInfo:
        await self._client._refresh_token()
        prepared = management_request(self._client.config, method, ref, action=action, body=body)
        info, meta = await self._client._transport.request(prepared, _parse_info, timeout=timeout)
        info._response_meta = meta
        if info.namespace is None:
            info.namespace = ref.namespace
        self._remember(ref, info)
        return info

    def _remember(self, ref: EndpointRef, info: EndpointInfo) -> None:
        """Keep a serving endpoint in the lookup cache; forget any other state."""
        if route_decision(info).cacheable:
            self._cache.put(str(ref), info)
        else:
            self._cache.invalidate(str(ref))

    # -- management --------------------------------------------------------------------------

    def iter(
        self, namespace: str | None = None, *, timeout: float | None = None
    ) -> AsyncGenerator[EndpointInfo, None]:
        """The endpoints of a namespace, or of every namespace (``"*"``), page by page.

        Lazy: nothing is sent until the iteration starts, and each page
        (``GET /v2/endpoint/{namespace}``, following ``nextCursor``) is fetched when the
        iteration reaches it. With ``namespace="*"`` the token's user and each of its
        organisations (one ``whoami`` call) are listed in turn; an organisation whose
        endpoints the token may not see (401/403 on its first page) is skipped, as
        huggingface_hub does. Each endpoint's ``namespace`` says where it lives.

        Args:
            namespace: User or organisation, ``"*"`` for all of them; default
                ``default_namespace``, else the token's user.
            timeout: Seconds allowed for each page, across retries.

        Returns:
            An iterator of ``EndpointInfo``, in the API's order, namespace by namespace
            (``aclose()`` it when stopping early to end it at once).

        Raises:
            ValidationError: ``namespace`` is not a valid name or ``"*"`` (raised here,
                nothing is sent).
            AuthenticationError: The token is missing or rejected (while iterating).
            PermissionDenied: The token may not act for that namespace (while iterating;
                never for an organisation of ``"*"``).
            ServerError: The API kept sending the same page cursor.

        Example:
            >>> async for ep in client.endpoints.iter("*"):  # doctest: +SKIP
            ...     print(ep.namespace, ep.name, ep.status.state)
        """
        if namespace is not None and namespace != ALL_NAMESPACES:
            validate_namespace(namespace)
        return self._iterate(namespace, timeout)

    async def list(
        self, namespace: str | None = None, *, timeout: float | None = None
    ) -> builtins.list[EndpointInfo]:
        """All endpoints of a namespace (``GET /v2/endpoint/{namespace}``), every page.

        Follows ``nextCursor`` until the API stops sending one. ``namespace="*"`` lists
        the token's user and every organisation it belongs to (see :meth:`iter`, the
        lazy form).

        Args:
            namespace: User or organisation, or ``"*"`` for all of them; default
                ``default_namespace``, else the token's user.
            timeout: Seconds allowed for each page, across retries.

        Returns:
            The endpoints, in the API's order (namespace by namespace for ``"*"``).

        Raises:
            ValidationError: ``namespace`` is not a valid name (nothing is sent).
            AuthenticationError: The token is missing or rejected.
            PermissionDenied: The token may not act for that namespace.
            ServerError: The API kept sending the same page cursor.

        Example:
            >>> for ep in await client.endpoints.list("*"):  # doctest: +SKIP
            ...     print(ep.namespace, ep.name, ep.status.state)
        """
        return [info async for info in self.iter(namespace, timeout=timeout)]

    async def _iterate(
        self, namespace: str | None, timeout: float | None
    ) -> AsyncGenerator[EndpointInfo, None]:
        if namespace != ALL_NAMESPACES:
            ns = await self._namespace(namespace, timeout=timeout)
            async for info in self._pages(ns, timeout):
                yield info
            return
        user, orgs = await self._visible_namespaces(timeout)
        for ns in [user, *orgs]:
            pages = self._pages(ns, timeout)
            try:
                try:
                    first = await pages.__anext__()
                except StopAsyncIteration:
                    continue
                except (AuthenticationError, PermissionDenied):
                    if ns == user:
                        raise
                    continue  # an organisation whose endpoints this token may not see
                yield first
                async for info in pages:
                    yield info
            finally:
                await pages.aclose()

    async def _visible_namespaces(self, timeout: float | None) -> tuple[str, builtins.list[str]]:
        """The token's own namespace and its organisations' (``whoami``), in that order."""
        info = await self._client.hub.whoami(timeout=timeout)
        name = info.get("name")
        if not isinstance(name, str) or not name:
            raise InvalidArgument(
                "cannot list every namespace: the token's whoami answer has no name"
            )
        user = validate_namespace(name)
        if info.get("type", "user") == "user":
            self._user = user
        orgs: builtins.list[str] = []
        for org in info.get("orgs") or ():
            org_name = org.get("name") if isinstance(org, dict) else None
            if isinstance(org_name, str) and org_name not in orgs and org_name != user:
                try:
                    orgs.append(validate_namespace(org_name))
                except ValidationError:
                    continue  # a name no URL can carry: nothing to list there
        return user, orgs

    async def _pages(self, ns: str, timeout: float | None) -> AsyncGenerator[EndpointInfo, None]:
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            await self._client._refresh_token()
            prepared = management_request(self._client.config, "GET", ns, cursor=cursor)
            page, meta = await self._client._transport.request(
                prepared, _parse_page, timeout=timeout
            )
            for info in page.items:
                info._response_meta = meta
                if info.namespace is None:
                    info.namespace = ns
                yield info
            cursor = page.nextCursor or None
            if cursor is None:
                return
            if cursor in seen:
                raise ServerError(
                    f"the endpoints listing of {ns!r} sent the page cursor {cursor!r} twice; "
                    "stopping instead of looping"
                )
            seen.add(cursor)
        raise ServerError(f"the endpoints listing of {ns!r} has more than {MAX_PAGES} pages")

    async def list_hardware(
        self,
        *,
        vendor: str | None = None,
        region: str | None = None,
        accelerator: str | None = None,
        instance_type: str | None = None,
        available_only: bool = False,
        namespace: str | None = None,
        timeout: float | None = None,
    ) -> builtins.list[HardwareInstance]:
        """The hardware endpoints can run on (``GET /v2/provider/{namespace}``).

        The catalogue (vendors, their regions, each region's instances with the hourly
        price and the namespace's quota where the API gives them) comes flattened: one
        ``HardwareInstance`` per vendor x region x instance, in the API's order, whose
        ``vendor``, ``region``, ``accelerator``, ``instanceType`` and ``instanceSize``
        are what :meth:`create` takes. Filters match exactly, ignoring case.

        Args:
            vendor: Only this cloud vendor (``aws``, ``azure``, ``gcp``...).
            region: Only this region (``us-east-1``...).
            accelerator: Only this accelerator (``cpu``, ``gpu``, ``neuron``).
            instance_type: Only this instance type (``nvidia-l4``...).
            available_only: Drop what the vendor, region or instance marks ``notAvailable``.
            namespace: Whose quota to show; default ``default_namespace``, else the
                token's user.
            timeout: Seconds allowed, across retries.

        Returns:
            The matching instances (``pricePerHour`` in USD per replica-hour, ``quota``
            with ``maxAccelerators`` / ``usedAccelerators`` when given).

        Raises:
            ValidationError: A filter is not a non-empty string, or a bad namespace
                (nothing is sent).
            AuthenticationError: The token is missing or rejected.
            PermissionDenied: The token may not act for that namespace.

        Example:
            >>> gpus = await client.endpoints.list_hardware(vendor="aws", accelerator="gpu")  # doctest: +SKIP
            >>> [(g.instanceType, g.instanceSize, g.pricePerHour) for g in gpus][:2]  # doctest: +SKIP
        """
        keep = HardwareFilter.checked(
            vendor=vendor,
            region=region,
            accelerator=accelerator,
            instance_type=instance_type,
            available_only=available_only,
        )
        ns = await self._namespace(namespace, timeout=timeout)
        await self._client._refresh_token()
        prepared = hardware_request(self._client.config, ns)
        catalog, meta = await self._client._transport.request(
            prepared, parse_hardware, timeout=timeout
        )
        items = flatten_catalog(catalog, keep)
        for item in items:
            item._response_meta = meta
        return items

    async def get(
        self, name: str, *, namespace: str | None = None, timeout: float | None = None
    ) -> EndpointInfo:
        """One endpoint (``GET /v2/endpoint/{namespace}/{name}``).

        Args:
            name: ``"name"`` or ``"namespace/name"``.
            namespace: The namespace, if not in ``name``.
            timeout: Seconds allowed, across retries.

        Returns:
            The endpoint; ``.status.state``, ``.status.url``, ``.status.message``...

        Raises:
            ValidationError: Bad name or namespace (nothing is sent).
            NotFound: No such endpoint.

        Example:
            >>> info = await client.endpoints.get("my-endpoint")  # doctest: +SKIP
            >>> info.status.state, info.status.url  # doctest: +SKIP
        """
        ref = await self._ref(name, namespace)
        return await self._call("GET", ref, timeout=timeout)

    async def create(
        self,
        name: str,
        repository: str,
        *,
        vendor: str,
        region: str,
        accelerator: str,
        instance_type: str,
        instance_size: str,
        framework: str = "pytorch",
        task: str | None = None,
        revision: str | None = None,
        type: str = "authenticated",
        account_id: str | None = None,
        min_replica: int = 1,
        max_replica: int = 1,
        scale_to_zero_timeout: int | None = None,
        scaling_metric: str | None = None,
        scaling_threshold: float | None = None,
        image: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        command: Sequence[str] | None = None,
        args: Sequence[str] | None = None,
        domain: str | None = None,
        path: str | None = None,
        cache_http_responses: bool | None = None,
        tags: Sequence[str] | None = None,
        custom_router: Mapping[str, Any] | None = None,
        namespace: str | None = None,
        timeout: float | None = None,
    ) -> EndpointInfo:
        """Create an endpoint (``POST /v2/endpoint/{namespace}``); it starts ``pending``.

        Call :meth:`wait` to block until it serves.

        Args:
            name: New name: lowercase letters, digits and ``-``, at most 32 characters
                (``"namespace/name"`` also works).
            repository: Hub repository to serve, e.g. ``"Qwen/Qwen2.5-7B-Instruct"``.
            vendor: Cloud vendor: ``"aws"``, ``"azure"``, ``"gcp"``...
            region: Region, e.g. ``"us-east-1"``.
            accelerator: ``"cpu"``, ``"gpu"`` or ``"neuron"``.
            instance_type: e.g. ``"nvidia-l4"``, ``"intel-spr"``.
            instance_size: ``"x1"`` .. ``"x8"``.
            framework: ``"pytorch"`` (default), ``"custom"``, ``"llamacpp"``...
            task: The task served, e.g. ``"text-generation"``; left to the API when None.
            revision: Commit sha to deploy; None deploys the latest.
            type: ``"authenticated"`` (default: any HF token with access), ``"public"``
                or ``"private"`` (PrivateLink, with ``account_id``).
            account_id: Cloud account id of a private endpoint.
            min_replica: Fewest replicas; 0 allows scale-to-zero.
            max_replica: Most replicas.
            scale_to_zero_timeout: Idle minutes before scaling to zero (with
                ``min_replica=0``; the API accepts 15 to 2880).
            scaling_metric: Autoscaling metric: ``"pendingRequests"`` or ``"hardwareUsage"``.
            scaling_threshold: Its threshold (e.g. 1.5 pending requests, 80 % usage).
            image: The container: ``client.endpoints.image("tgi", url=...)`` or a
                ``{"<variant>": {...}}`` mapping; default ``{"huggingface": {}}``.
            env: Environment variables of the container.
            secrets: Secret environment variables.
            command: Container command override.
            args: Container arguments.
            domain: Custom domain.
            path: Custom path prefix.
            cache_http_responses: Let the proxy cache identical requests.
            tags: Labels.
            custom_router: A custom router: ``{"tag": ..., "env": {...}, "port": 3000}``.
            namespace: The namespace, if not in ``name``.
            timeout: Seconds allowed, across retries.

        Returns:
            The new endpoint as the API describes it.

        Raises:
            ValidationError: A bad name or value (nothing is sent), or the API refused it.
            HfError: Any other failure (e.g. ``PermissionDenied`` without billing).

        Example:
            >>> ep = await client.endpoints.create(  # doctest: +SKIP
            ...     "qwen-chat", "Qwen/Qwen2.5-7B-Instruct", vendor="aws", region="us-east-1",
            ...     accelerator="gpu", instance_type="nvidia-l4", instance_size="x1",
            ...     task="text-generation", min_replica=0, scale_to_zero_timeout=30,
            ...     image=client.endpoints.image("tgi", "ghcr.io/huggingface/text-generation-inference:3.3"),
            ... )
            >>> await client.endpoints.wait(ep.name, on_progress=print)  # doctest: +SKIP
        """
        ref = await self._ref(name, namespace, for_create=True)
        body = create_body(
            ref.name,
            repository,
            vendor=vendor,
            region=region,
            accelerator=accelerator,
            instance_type=instance_type,
            instance_size=instance_size,
            framework=framework,
            task=task,
            revision=revision,
            type=type,
            account_id=account_id,
            min_replica=min_replica,
            max_replica=max_replica,
            scale_to_zero_timeout=scale_to_zero_timeout,
            scaling_metric=scaling_metric,
            scaling_threshold=scaling_threshold,
            image=image,
            env=env,
            secrets=secrets,
            command=command,
            args=args,
            domain=domain,
            path=path,
            cache_http_responses=cache_http_responses,
            tags=tags,
            custom_router=custom_router,
        )
        await self._client._refresh_token()
        prepared = management_request(self._client.config, "POST", ref.namespace or "", body=body)
        prepared = dataclasses.replace(
            prepared, context=dataclasses.replace(prepared.context, endpoint=str(ref))
        )
        info, meta = await self._client._transport.request(prepared, _parse_info, timeout=timeout)
        info._response_meta = meta
        if info.namespace is None:
            info.namespace = ref.namespace
        self._cache.invalidate(str(ref))
        return info

    async def update(
        self,
        name: str,
        *,
        repository: str | None = None,
        framework: str | None = None,
        task: str | None = None,
        revision: str | None = None,
        type: str | None = None,
        account_id: str | None = None,
        accelerator: str | None = None,
        instance_type: str | None = None,
        instance_size: str | None = None,
        min_replica: int | None = None,
        max_replica: int | None = None,
        scale_to_zero_timeout: int | None = None,
        scaling_metric: str | None = None,
        scaling_threshold: float | None = None,
        image: Mapping[str, Any] | None = None,
        tensor_parallel_size: int | None = None,
        data_parallel_size: int | None = None,
        env: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        command: Sequence[str] | None = None,
        args: Sequence[str] | None = None,
        domain: str | None = None,
        path: str | None = None,
        cache_http_responses: bool | None = None,
        tags: Sequence[str] | None = None,
        custom_router: Mapping[str, Any] | None = None,
        namespace: str | None = None,
        timeout: float | None = None,
    ) -> EndpointInfo:
        """Change an endpoint (``PUT /v2/endpoint/{namespace}/{name}``), sending only what changes.

        Every argument left at None is left out of the request. The endpoint goes
        ``updating`` and then back to ``running`` (or ``updateFailed``).

        Args:
            name: ``"name"`` or ``"namespace/name"``.
            repository: New repository.
            framework: New framework.
            task: New task.
            revision: New commit sha.
            type: New security type.
            account_id: New cloud account id.
            accelerator: New accelerator.
            instance_type: New instance type.
            instance_size: New instance size.
            min_replica: New minimum replicas (0 allows scale-to-zero).
            max_replica: New maximum replicas.
            scale_to_zero_timeout: New idle minutes before scaling to zero.
            scaling_metric: New autoscaling metric (with ``scaling_threshold``).
            scaling_threshold: New autoscaling threshold.
            image: New image, sent whole.
            tensor_parallel_size: New tensor parallel size: the current image is fetched
                and sent whole with it (the API needs the whole variant), without its
                redacted registry credentials.
            data_parallel_size: New data parallel size (same as above).
            env: New environment (replaces the old one).
            secrets: New secrets.
            command: New command.
            args: New arguments.
            domain: New custom domain.
            path: New custom path.
            cache_http_responses: New caching choice.
            tags: New labels.
            custom_router: New custom router.
            namespace: The namespace, if not in ``name``.
            timeout: Seconds allowed per request, across retries.

        Returns:
            The endpoint as the API describes it after the change.

        Raises:
            ValidationError: Nothing to change or a bad value (nothing is sent).
            NotFound: No such endpoint.

        Example:
            >>> await client.endpoints.update("qwen-chat", max_replica=4,  # doctest: +SKIP
            ...                               env={"MAX_MODEL_LEN": "32768"})
        """
        ref = await self._ref(name, namespace)
        if (tensor_parallel_size is not None or data_parallel_size is not None) and image is None:
            current = await self._call("GET", ref, timeout=timeout)
            current_image = current.model.image if current.model is not None else None
            image = image_with_parallelism(
                {
                    variant: settings.model_dump(exclude_none=True)
                    for variant, settings in (current_image or {}).items()
                },
                tensor_parallel_size=tensor_parallel_size,
                data_parallel_size=data_parallel_size,
            )
        elif tensor_parallel_size is not None or data_parallel_size is not None:
            assert image is not None
            image = image_with_parallelism(
                image,
                tensor_parallel_size=tensor_parallel_size,
                data_parallel_size=data_parallel_size,
            )
        body = update_body(
            repository=repository,
            framework=framework,
            task=task,
            revision=revision,
            type=type,
            account_id=account_id,
            accelerator=accelerator,
            instance_type=instance_type,
            instance_size=instance_size,
            min_replica=min_replica,
            max_replica=max_replica,
            scale_to_zero_timeout=scale_to_zero_timeout,
            scaling_metric=scaling_metric,
            scaling_threshold=scaling_threshold,
            image=image,
            env=env,
            secrets=secrets,
            command=command,
            args=args,
            domain=domain,
            path=path,
            cache_http_responses=cache_http_responses,
            tags=tags,
            custom_router=custom_router,
        )
        self._cache.invalidate(str(ref))
        return await self._call("PUT", ref, body=body, timeout=timeout)

    async def delete(
        self, name: str, *, namespace: str | None = None, timeout: float | None = None
    ) -> None:
        """Delete an endpoint for good (``DELETE /v2/endpoint/{namespace}/{name}``).

        Args:
            name: ``"name"`` or ``"namespace/name"``.
            namespace: The namespace, if not in ``name``.
            timeout: Seconds allowed, across retries.

        Raises:
            NotFound: No such endpoint.

        Example:
            >>> await client.endpoints.delete("qwen-chat")  # doctest: +SKIP
        """
        ref = await self._ref(name, namespace)
        self._cache.invalidate(str(ref))
        await self._client._refresh_token()
        prepared = management_request(self._client.config, "DELETE", ref)
        await self._client._transport.request(prepared, _ignore, timeout=timeout)

    async def pause(
        self, name: str, *, namespace: str | None = None, timeout: float | None = None
    ) -> EndpointInfo:
        """Pause an endpoint (``POST .../pause``): no replicas, no bill, not woken by traffic.

        Args:
            name: ``"name"`` or ``"namespace/name"``.
            namespace: The namespace, if not in ``name``.
            timeout: Seconds allowed, across retries.

        Returns:
            The endpoint (state ``paused``).

        Raises:
            NotFound: No such endpoint.

        Example:
            >>> (await client.endpoints.pause("qwen-chat")).status.state  # doctest: +SKIP
            'paused'
        """
        ref = await self._ref(name, namespace)
        self._cache.invalidate(str(ref))
        return await self._call("POST", ref, action="pause", timeout=timeout)

    async def resume(
        self,
        name: str,
        *,
        running_ok: bool = True,
        namespace: str | None = None,
        timeout: float | None = None,
    ) -> EndpointInfo:
        """Resume a paused (or failed) endpoint (``POST .../resume``); it starts again.

        Call :meth:`wait` to block until it serves.

        Args:
            name: ``"name"`` or ``"namespace/name"``.
            running_ok: When the API answers 400 "already running", return the endpoint
                instead of raising.
            namespace: The namespace, if not in ``name``.
            timeout: Seconds allowed, across retries.

        Returns:
            The endpoint (usually ``pending`` or ``initializing``).

        Raises:
            ValidationError: The endpoint is already running and ``running_ok`` is False.
            NotFound: No such endpoint.

        Example:
            >>> await client.endpoints.resume("qwen-chat")  # doctest: +SKIP
        """
        ref = await self._ref(name, namespace)
        self._cache.invalidate(str(ref))
        try:
            return await self._call("POST", ref, action="resume", timeout=timeout)
        except ValidationError as err:
            said = f"{err.server_message or ''} {err.body if isinstance(err.body, str) else ''}"
            if running_ok and err.status_code == 400 and "already running" in said.lower():
                return await self._call("GET", ref, timeout=timeout)
            raise

    async def scale_to_zero(
        self, name: str, *, namespace: str | None = None, timeout: float | None = None
    ) -> EndpointInfo:
        """Scale an endpoint to zero replicas now (``POST .../scale-to-zero``).

        Unlike a paused endpoint, it wakes on the next request.

        Args:
            name: ``"name"`` or ``"namespace/name"``.
            namespace: The namespace, if not in ``name``.
            timeout: Seconds allowed, across retries.

        Returns:
            The endpoint (state ``scaledToZero``).

        Raises:
            NotFound: No such endpoint.

        Example:
            >>> await client.endpoints.scale_to_zero("qwen-chat")  # doctest: +SKIP
        """
        ref = await self._ref(name, namespace)
        self._cache.invalidate(str(ref))
        return await self._call("POST", ref, action="scale-to-zero", timeout=timeout)

    # -- waiting -----------------------------------------------------------------------------

    async def _healthy(self, ref: EndpointRef, info: EndpointInfo, remaining: float) -> bool:
        """Whether ``GET {url}{healthRoute}`` answers 2xx (one try, no retries)."""
        url = url_of(info)
        if url is None:
            return False
        prepared = health_request(
            self._client.config,
            url,
            health_route(info),
            endpoint=str(ref),
            state=state_of(info),
        )
        try:
            await self._client._transport.request(
                prepared, _ignore, timeout=max(0.001, min(10.0, remaining)), retry=False
            )
        except HfError:
            return False
        return True

    async def wait(
        self,
        name: str,
        *,
        until: str = "running",
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        namespace: str | None = None,
    ) -> EndpointInfo:
        """Wait until an endpoint reaches a state (by default: running and healthy).

        Polls ``GET`` with a growing interval (``poll_interval`` x 1.5 per poll, up to
        ``max_poll_interval``, +-10 % jitter; back to ``poll_interval`` after each state
        change). For ``until="running"`` it returns only once the endpoint's health route
        answers 200, and it wakes a scaled-to-zero endpoint with one authenticated request
        to that route.

        Args:
            name: ``"name"`` or ``"namespace/name"``.
            until: The state to reach: ``running`` (default), ``paused``,
                ``scaledToZero``, ``pending``, ``initializing`` or ``updating``.
            timeout: Longest wait in seconds; default ``config.cold_start_timeout``.
                Each status poll gets at most what is left of it (``min(request_timeout,
                time left)``), and no poll is sent once it has run out.
            on_progress: Called with a :class:`WaitProgress` on the first poll and on
                every state change.
            poll_interval: First delay between polls (default :attr:`poll_interval`, 1 s).
            max_poll_interval: Longest delay between polls (default
                :attr:`max_poll_interval`, 15 s).
            namespace: The namespace, if not in ``name``.

        Returns:
            The endpoint as last fetched.

        Raises:
            EndpointFailed: The endpoint is ``failed`` or ``updateFailed`` (at once, with
                the server's message).
            EndpointPaused: Waiting for ``running`` on a paused endpoint (it would never
                start by itself).
            ColdStartTimeout: ``timeout`` ran out (a ``RequestTimeout``).
            NotFound: No such endpoint.

        Example:
            >>> await client.endpoints.wait("qwen-chat", timeout=900, on_progress=print)  # doctest: +SKIP
        """
        validate_until(until)
        ref = await self._ref(name, namespace)
        limit = self._client.config.cold_start_timeout if timeout is None else timeout
        return await self._wait(
            ref,
            until,
            limit,
            on_progress=on_progress,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
        )

    async def _wait(
        self,
        ref: EndpointRef,
        until: str,
        limit: float,
        *,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        deadline: Deadline | None = None,
        known: EndpointInfo | None = None,
    ) -> EndpointInfo:
        """The polling loop of :meth:`wait`, for at most ``limit`` seconds.

        Each poll gets at most what is left of ``limit`` (its read timeout is
        ``min(request_timeout, time left)``), and once the wait has slept to ``limit``
        it ends without one more poll. With the ``deadline`` of an inference call
        (``limit`` is then at most its time left), a poll gets no more than the time
        left of that deadline either, and when the deadline is what ``limit`` stands
        for, the error says the call's timeout ran out.
        ``known`` is the endpoint as last fetched before the wait (for error messages).

        Raises:
            ColdStartTimeout: ``limit`` ran out (or the deadline, during a poll).
        """
        first_delay = self.poll_interval if poll_interval is None else poll_interval
        longest = self.max_poll_interval if max_poll_interval is None else max_poll_interval
        schedule = PollSchedule(first_delay, max(longest, first_delay))
        # one deadline for the whole wait: its limit, or the call's deadline if sooner
        call = deadline if deadline is not None else Deadline(None, None, async_monotonic)
        ends = call.within(limit)
        by_call = ends is call  # the call's timeout binds
        started = async_monotonic()
        previous: str | None = None
        info = known
        first = True
        while True:
            # a poll gets at most what is left of the wait (and of the call's deadline)
            try:
                polled = await self._call("GET", ref, timeout=ends.remaining())
            except RequestTimeout as err:
                if isinstance(err, ColdStartTimeout):
                    raise
                waited = async_monotonic() - started
                by_deadline = deadline is not None and deadline.expired()
                if not by_deadline and not ends.expired():
                    raise
                why = deadline if by_deadline else None
                raise _still_starting(ref, info, until, waited, why, limit) from err
            info = polled
            now = async_monotonic()
            state = state_of(info)
            if first or state != previous:
                if not first:
                    schedule.reset()
                status = info.status
                message = status.message if status is not None else None
                report_progress(
                    self._client.config.on_progress,
                    ProgressEvent("endpoint", str(ref), state, now - started, message=message),
                )
                if on_progress is not None:
                    on_progress(
                        WaitProgress(
                            endpoint=str(ref),
                            state=state,
                            previous=previous,
                            message=message,
                            elapsed=now - started,
                            ready_replica=status.readyReplica if status is not None else None,
                            target_replica=status.targetReplica if status is not None else None,
                            info=info,
                        )
                    )
            first = False
            previous = state
            action = wait_decision(info, until)
            if action is WaitAction.DONE:
                return info
            if action is WaitAction.FAIL:
                raise _failed(ref, info)
            if action is WaitAction.PAUSED:
                raise EndpointPaused(
                    f"Endpoint {ref} is paused, so it will not start by itself; resume it "
                    "(client.endpoints.resume) before waiting for it to run",
                    endpoint=str(ref),
                    server_message=info.status.message if info.status is not None else None,
                )
            if action in (WaitAction.CHECK_HEALTH, WaitAction.WAKE):
                healthy = await self._healthy(ref, info, ends.remaining() or 0.0)
                if healthy and action is WaitAction.CHECK_HEALTH:
                    return info
                now = async_monotonic()
            pause = plan_wait(schedule.next_delay(), ends.remaining(), to_the_end=True)
            if pause is None:
                raise _still_starting(
                    ref, info, until, now - started, deadline if by_call else None, limit
                )
            await async_sleep(pause.seconds)
            if pause.last:  # slept to the end of the wait: no time left to poll
                waited = async_monotonic() - started
                raise _still_starting(
                    ref, info, until, waited, deadline if by_call else None, limit
                )


def _still_starting(
    ref: EndpointRef,
    info: EndpointInfo | None,
    until: str,
    waited: float,
    deadline: Deadline | None,
    limit: float,
) -> ColdStartTimeout:
    """The endpoint was not ``until`` when the wait's limit (or the call's deadline) ran out.

    ``deadline`` is given when the call's own ``timeout`` is the limit that ran out.
    """
    state = (state_of(info) if info is not None else None) or "not ready"
    if deadline is not None and deadline.timeout is not None:
        why = (
            f", when the call's timeout of {deadline.timeout:g} s ran out; pass a larger "
            "timeout= or check its logs"
        )
    else:
        why = f" (timeout {limit:g} s); wait longer or check its logs"
    status = info.status if info is not None else None
    return ColdStartTimeout(
        f"Endpoint {ref} was still {state} after waiting {waited:.1f} s for {until!r}{why}",
        waited=waited,
        endpoint=str(ref),
        server_message=status.message if status is not None else None,
    )


def _failed(ref: EndpointRef, info: EndpointInfo) -> EndpointFailed:
    message = failure_message(info)
    return EndpointFailed(
        f"Endpoint {ref} is {state_of(info)}: {message}",
        endpoint=str(ref),
        server_message=message,
    )
