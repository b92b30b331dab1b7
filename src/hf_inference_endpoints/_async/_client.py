"""The inference client (written in _async/; codegen/unasync.py generates the _sync twin)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from .._config import (
    HfInferenceConfig,
    RotatingSecret,
)
from .._io import async_monotonic
from .._lazy_module import LazyModule
from .._options import NO_OPTIONS, CallOptions, filling_class, split_overrides
from .._request import PreparedRequest, Routed
from .._retry import Deadline

# Imported where used, not here: httpx2 and the transport (~85% of the import otherwise)
# come with the first client; health checks, openai-style arguments and the call-argument
# checks with the first call that needs them. ``from hf_inference_endpoints import
# HfInferenceClient`` then costs a fraction of ``import httpx2`` (tests/unit/test_import_cost.py).
if TYPE_CHECKING:
    import httpx2

    from .._call import Call
    from .._health import HealthStatus
    from ._endpoint_routing import AsyncEndpointRouting
    from ._providers import AsyncProviders
    from ._task_runner import AsyncTaskRunner
    from .audio import AsyncAudio
    from .bulk import AsyncBulk
    from .chat import AsyncChat
    from .documents import AsyncDocuments
    from .embeddings import AsyncEmbeddings
    from .endpoints import AsyncEndpoints
    from .hub import AsyncHub
    from .images import AsyncImages
    from .text import AsyncText
    from .text_generation import AsyncTextGeneration
    from .video import AsyncVideo
else:  # the constructor's annotations resolve at run time (typing.get_type_hints)
    httpx2 = LazyModule("httpx2")

__all__ = ["AsyncHfInferenceClient"]

S = TypeVar("S")

#: The deadline of a call without ``timeout=`` (never runs out, so never reads the clock).
_NO_DEADLINE = Deadline(None, None, async_monotonic)


class AsyncHfInferenceClient:
    """The Hugging Face inference client (the async twin runs on asyncio or trio).

    One client holds one connection pool: create it once, share it, and close it
    (``async with`` or :meth:`aclose`).

    Args:
        config: A full configuration; when omitted, it is read from the environment
            (``HfInferenceConfig.from_env``).
        http_client: An ``httpx2.AsyncClient`` to send requests with (proxies, tests).
            It keeps its own redirect settings; the client's own pool follows redirects
            and sends no credential, billing or extra header to another origin.
        **overrides: Config fields that win over ``config``/the environment, e.g.
            ``token="hf_..."``, ``router_url="http://127.0.0.1:8080"``, ``max_retries=5``.
            The openai SDK's ``api_key`` (the token) and ``base_url`` (the HF router's
            ``/v1``, or an OpenAI-compatible server for ``chat.completions.create``) are
            accepted too (docs/openai-compat.md).

    Raises:
        ConfigurationError: A config value or environment variable is invalid.

    Example:
        >>> async with AsyncHfInferenceClient() as client:  # doctest: +SKIP
        ...     reply = await client.chat.complete(
        ...         model="meta-llama/Llama-3.1-8B-Instruct",
        ...         messages=[{"role": "user", "content": "Hi"}],
        ...     )
    """

    def __init__(
        self,
        config: HfInferenceConfig | None = None,
        *,
        http_client: httpx2.AsyncClient | None = None,
        **overrides: Any,
    ) -> None:
        from ._transport import AsyncTransport

        base_url = None
        if "base_url" in overrides or "api_key" in overrides:  # the openai SDK's words
            from .._openai_compat import pop_openai_overrides

            base_url = pop_openai_overrides(overrides)
        if config is None:
            config = HfInferenceConfig.from_env(**overrides)
        elif overrides:
            config = config.replace(**overrides)
        if base_url is not None:
            from .._openai_compat import apply_base_url

            given = "default_provider" in overrides
            config, self._base_url = apply_base_url(config, base_url, provider_given=given)
        self.config = config
        self._transport = AsyncTransport(config, http_client=http_client)
        self._caches: list[Any] = []  # objects with .clear(), registered by services

    #: The call options of a view (``with_options``); a client that is no view has none.
    _options: CallOptions = NO_OPTIONS
    #: The client a view was made from (None: this client is no view).
    _root: AsyncHfInferenceClient | None = None
    #: An OpenAI-compatible server given as ``base_url`` (not the router): where
    #: ``chat.completions.create`` sends calls whose model is a name.
    _base_url: str | None = None

    def with_options(self, **options: Any) -> AsyncHfInferenceClient:
        """A view of this client with call options or retry settings set for many calls.

        The view shares this client's connection pool and caches (provider mappings,
        endpoint URLs, embeddings, default models) and costs a few small objects to
        make: make one per block of calls that share options. In every call made
        through it, a keyword the call leaves out (None) takes the view's value; a
        keyword the call gives wins; ``extra_headers``/``extra_body`` are merged, the
        call's entries winning. A view of a view adds to its options. Closing a view
        closes the shared pool (as closing the client does).

        Args:
            **options: Call options: ``provider``, ``endpoint``, ``fallback``,
                ``bill_to``, ``timeout``, ``extra_headers``, ``extra_body``; and retry
                settings: ``max_retries``, ``retry_base_delay``, ``retry_max_delay``,
                ``auto_wait_for_model``, ``cold_start_timeout``.

        Returns:
            The view, a client of the same class.

        Raises:
            ValidationError: A keyword that is neither (``InvalidArgument``).
            ConfigurationError: A retry setting has a wrong value.

        Example:
            >>> billed = client.with_options(bill_to="my-org", timeout=30)  # doctest: +SKIP
            >>> await billed.chat.complete(model=m, messages=msgs)  # doctest: +SKIP
        """
        merged, settings = split_overrides(self._options, options)
        root = self._root or self
        view: AsyncHfInferenceClient = object.__new__(filling_class(type(root), client=True))
        view.config = self.config.replace(**settings) if settings else self.config
        view._transport = self._transport.with_config(view.config) if settings else self._transport
        view._caches = root._caches
        view._options = merged
        view._root = root
        view._base_url = root._base_url
        return view

    def _bind(self, cls: type[S], name: str) -> S:
        """The service ``cls`` of this client (``name``: its attribute).

        A view gets a copy of its root's service -- the same caches, locks and settings --
        bound to the view, whose public methods fill in the view's call options.
        """
        root = self._root
        if root is None:
            return cls(self)  # type: ignore[call-arg]
        import copy

        service: S = copy.copy(getattr(root, name))
        if not name.startswith("_"):
            service.__class__ = filling_class(cls)
        service._client = self  # type: ignore[attr-defined]
        return service

    @cached_property
    def audio(self) -> AsyncAudio:
        """Audio tasks: ``transcribe``, ``synthesize``, ``classify``, ``transform``."""
        from .audio import AsyncAudio

        return self._bind(AsyncAudio, "audio")

    @cached_property
    def documents(self) -> AsyncDocuments:
        """Document question answering: ``answer``."""
        from .documents import AsyncDocuments

        return self._bind(AsyncDocuments, "documents")

    @cached_property
    def images(self) -> AsyncImages:
        """Image tasks: ``generate``, ``transform``, ``edit``, ``classify``, ``segment``,
        ``detect``, ``zero_shot_classify``, ``zero_shot_detect``, ``caption``,
        ``estimate_depth``, ``answer``."""
        from .images import AsyncImages

        return self._bind(AsyncImages, "images")

    @cached_property
    def text(self) -> AsyncText:
        """Text tasks: ``classify``, ``classify_tokens``, ``zero_shot_classify``,
        ``fill_mask``, ``answer``, ``answer_table``, ``summarize``, ``translate``."""
        from .text import AsyncText

        return self._bind(AsyncText, "text")

    @cached_property
    def video(self) -> AsyncVideo:
        """Video tasks: ``generate``, ``from_image``, ``classify``."""
        from .video import AsyncVideo

        return self._bind(AsyncVideo, "video")

    @cached_property
    def _task_runner(self) -> AsyncTaskRunner:
        """Inputs, default models and calls shared by the task services and :meth:`infer`."""
        from ._task_runner import AsyncTaskRunner

        return self._bind(AsyncTaskRunner, "_task_runner")

    @cached_property
    def chat(self) -> AsyncChat:
        """Chat completions: ``complete`` and ``stream``."""
        from .chat import AsyncChat

        return self._bind(AsyncChat, "chat")

    @cached_property
    def embeddings(self) -> AsyncEmbeddings:
        """Embeddings: ``create`` (batched, deduplicated, cached) and ``similarity``."""
        from .embeddings import AsyncEmbeddings

        return self._bind(AsyncEmbeddings, "embeddings")

    @cached_property
    def bulk(self) -> AsyncBulk:
        """Bulk runs: ``embed`` and ``run`` over an iterable or a JSONL file, resumable."""
        from .bulk import AsyncBulk

        return AsyncBulk(self)

    @cached_property
    def endpoints(self) -> AsyncEndpoints:
        """Dedicated Inference Endpoints: ``list``, ``get``, ``create``, ``update``,
        ``delete``, ``pause``, ``resume``, ``scale_to_zero`` and ``wait``."""
        from .endpoints import AsyncEndpoints

        return self._bind(AsyncEndpoints, "endpoints")

    @cached_property
    def _endpoint_routing(self) -> AsyncEndpointRouting:
        """Inference calls on ``endpoint=``: URL lookup, wake-up and resume."""
        from ._endpoint_routing import AsyncEndpointRouting

        return self._bind(AsyncEndpointRouting, "_endpoint_routing")

    @cached_property
    def hub(self) -> AsyncHub:
        """Hub API calls: ``whoami``, ``model_info``, ``tasks``."""
        from .hub import AsyncHub

        return self._bind(AsyncHub, "hub")

    @cached_property
    def _providers(self) -> AsyncProviders:
        """Provider-mapping lookups (TTL cache), failover and async-job polling."""
        from ._providers import AsyncProviders

        return self._bind(AsyncProviders, "_providers")

    @cached_property
    def text_generation(self) -> AsyncTextGeneration:
        """TGI native text generation: ``generate`` and ``stream``."""
        from .text_generation import AsyncTextGeneration

        return self._bind(AsyncTextGeneration, "text_generation")

    def _deadline(self, timeout: float | None) -> Deadline:
        """The :class:`Deadline` of a call starting now with ``timeout=`` (None: no limit).

        For a service that calls :meth:`_prepare` more than once in one call.

        Raises:
            ValidationError: ``timeout`` is not a number of seconds >= 0.
        """
        if timeout is None:  # the usual call: one shared deadline that never runs out
            return _NO_DEADLINE
        return Deadline.start(timeout, async_monotonic)

    async def _refresh_token(self) -> None:
        """Await an async ``token=`` callable, so the requests built next use its value."""
        token = self.config.token  # unasync: remove
        if type(token) is RotatingSecret and token.is_async:  # unasync: remove
            await token.refresh()  # unasync: remove

    def _token_at_hand(self) -> str | None:
        """The token the next request would carry, without asking a rotating source."""
        token = self.config.token
        if type(token) is RotatingSecret:
            return token.peek()
        return self.config.token_value

    def _check_key(
        self,
        model: str | None,
        provider: str | None,
        task: str,
        *,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
    ) -> None:
        """Refuse a provider's own key where HF would pick the provider (no I/O).

        Called before a call's first lookup, download or request (``_routing/keys.py``).

        Raises:
            ValidationError: A provider's own key with provider ``auto``, a ``:policy``
                suffix, or a per-call ``fallback`` to other providers.
        """
        from .._routing.keys import check_provider_key
        from .._routing.mapping import check_fallback_value

        check_fallback_value(fallback)  # before anything reads it as provider names
        check_provider_key(
            self._token_at_hand(),
            model=model,
            provider=provider,
            default_provider=self.config.default_provider,
            task=task,
            endpoint=endpoint,
            fallback=fallback,
        )

    async def _prepare(self, call: Call) -> PreparedRequest:
        """The request of ``call``, its target resolved (``_route(call).request``)."""
        return (await self._route(call)).request

    async def _route(self, call: Call) -> Routed:
        """The request of ``call``, its target resolved (the one seam with I/O before
        routing), and how its execution recovers (``Routed.on_error``: an endpoint's
        URL looked up again; None for provider targets).

        ``call.options.endpoint`` (``"name"`` or ``"namespace/name"``) sends the call to a
        dedicated Inference Endpoint, resolved by ``client._endpoint_routing``;
        ``call.model`` is then optional. Provider targets get their Hub mapping looked
        up (``client._providers``); ``fallback`` (None: ``config.fallback``) turns
        provider failover on and ``bill_to`` (None: ``config.bill_to``) bills an
        organisation (``X-HF-Bill-To``, HF tokens only), on every target. Routing
        itself does no I/O.

        What resolving the target takes (endpoint lookups, wake-up and resume waits, the
        provider-mapping lookup) comes out of ``call.deadline``; the request (and each of
        its fallbacks) carries that same deadline to the transport.

        Raises:
            ValidationError: No ``model`` and no ``endpoint``; a header in
                ``extra_headers`` or ``bill_to`` that cannot be sent; a per-call
                ``fallback`` with ``endpoint`` (a dedicated endpoint has no provider to
                fail over to).
            RequestTimeout: The call's deadline ran out before the request could be sent.
        """
        options = call.options
        if (
            options.extra_headers is not None
            or options.extra_body is not None
            or options.bill_to is not None
        ):  # before any lookup is sent
            from .._validation import check_call_args

            check_call_args(options.extra_headers, options.extra_body, options.bill_to)
        await self._refresh_token()
        self._check_key(
            call.model,
            options.provider,
            call.task,
            endpoint=options.endpoint,
            fallback=options.fallback,
        )
        if options.endpoint is not None:
            from .._routing.mapping import check_fallback_target

            check_fallback_target(options.fallback, endpoint=options.endpoint)
            routed = await self._endpoint_routing.prepare(call)
            doing = "resolving the endpoint (nothing was sent to it)"
        else:
            if not call.model:
                from .._errors import InvalidArgument

                raise InvalidArgument("model is required (or pass endpoint='name' for an endpoint)")
            routed = Routed(await self._providers.prepare(call))
            doing = "preparing the request (nothing was sent)"
        deadline = call.deadline
        if deadline.at is not None:  # the usual call has no limit: no clock read
            context = routed.request.context
            deadline.left(
                model=context.model,
                provider=context.provider,
                endpoint=context.endpoint,
                doing=doing,
            )
        return routed

    async def infer(
        self,
        task: str,
        model: str | None = None,
        inputs: Any = None,
        parameters: Mapping[str, Any] | None = None,
        *,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Any:
        """Run any inference task and get the raw answer: decoded JSON, or the file.

        The body is built as the typed method for ``task`` would build it (files as raw
        bytes or base64, docs/wire.md §4.1), but ``parameters`` are sent as given (``None``
        dropped) and the answer is not parsed into models. A task the client has no
        method for gets ``{"inputs": inputs, "parameters": parameters}``.

        Args:
            task: The task (pipeline tag), e.g. ``"image-classification"``.
            model: ``org/name``, ``org/name:<provider>`` or an endpoint URL; omitted,
                the Hub's recommended model for the task (unless ``endpoint`` is given).
            inputs: The task input: text, a file (bytes, path, URL, file object, PIL
                image), or the task's object (``{"question", "context"}``,
                ``{"image", "question"}``, ``{"query", "table"}``).
            parameters: The task's options, sent as given.
            provider: ``hf-inference`` (default) or another provider name.
            endpoint: A dedicated Inference Endpoint (``"name"`` or ``"namespace/name"``).
            fallback: Provider failover for this call: ``True`` (any other live mapped
                provider) or providers to try next, in order, after a 429, a 5xx or an
                unavailable model (default: ``config.fallback``, off); for Hub model ids
                routed to a provider (a provider job fails over at its submit), not for a
                URL or ``endpoint`` (``ValidationError``).
            bill_to: Organisation billed for this call (``X-HF-Bill-To``, wins over
                ``config.bill_to``; sent with HF tokens only, never a provider's own key).
            timeout: Total seconds for the call, across retries and cold-start waits.
            extra_headers: Headers added to the request (they win over ours).
            extra_body: Fields merged into the JSON body verbatim.

        Returns:
            The decoded JSON answer, or a :class:`~hf_inference_endpoints.BinaryResult`
            for images, audio and video. For a task without a typed method on a
            provider, the provider's JSON as sent: text-generation on a completions
            provider (Together, Nebius...) answers ``{"choices": [{"text": ...}]}``,
            not TGI's ``generated_text`` (``client.text_generation`` reads it as TGI).

        Raises:
            ValidationError: Unreadable input, or the server refused the request.
            HfError: Any other failure, as a subclass.

        Example:
            >>> await client.infer(  # doctest: +SKIP
            ...     "text-classification", "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            ...     "I like you",
            ... )
            [[{'label': 'POSITIVE', 'score': 0.9998...}, {'label': 'NEGATIVE', ...}]]
        """
        return await self._task_runner.infer(
            task,
            model,
            inputs,
            parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )

    def _register_cache(self, cache: Any) -> Any:
        """Let :meth:`clear_caches` reach a service's cache (anything with ``clear()``)."""
        self._caches.append(cache)
        return cache

    def clear_caches(self) -> None:
        """Forget every cached lookup: endpoint URLs, provider mappings, embeddings.

        Example:
            >>> client.clear_caches()  # doctest: +SKIP
        """
        for cache in self._caches:
            cache.clear()

    async def health_check(
        self, target: str | None = None, *, timeout: float = 10.0
    ) -> HealthStatus:
        """Check that the API is reachable, the token valid and the target serving.

        Sends at most two light GETs, without retries: ``whoami`` on the Hub, and the
        target's health route (``{url}/health`` for an endpoint URL, else the router's
        model list). Never raises for a failed check: it reports it.

        Args:
            target: An endpoint/server URL or a model id; None checks the router.
            timeout: Seconds allowed for each of the two requests.

        Returns:
            A :class:`HealthStatus`.

        Example:
            >>> status = await client.health_check()  # doctest: +SKIP
            >>> status.healthy, status.problems  # doctest: +SKIP
        """
        import time

        from .._errors import AuthenticationError, HfError
        from .._health import HealthStatus, target_health_request

        started = async_monotonic()
        problems: list[str] = []
        api_reachable = token_valid = target_healthy = False
        user: str | None = None
        if self.config.token is None:
            problems.append("no token: set HF_TOKEN or pass token=")
        try:
            info = await self.hub.whoami(timeout=timeout, retry=False)
            api_reachable = True
            token_valid = self.config.token is not None
            user = info.get("name") if isinstance(info.get("name"), str) else None
        except AuthenticationError as err:
            api_reachable = True
            problems.append(f"token rejected: {err.server_message or err.message}")
        except HfError as err:
            api_reachable = err.status_code is not None
            problems.append(f"hub: {type(err).__name__}: {err.message}")
        try:
            await self._transport.request(
                target_health_request(self.config, target),
                lambda body: body,
                timeout=timeout,
                retry=False,
            )
            target_healthy = True
        except HfError as err:
            problems.append(f"target: {type(err).__name__}: {err.message}")
        return HealthStatus(
            healthy=api_reachable and token_valid and target_healthy,
            api_reachable=api_reachable,
            token_valid=token_valid,
            target_healthy=target_healthy,
            user=user,
            checked_at=time.time(),
            elapsed=async_monotonic() - started,
            problems=tuple(problems),
        )

    @property
    def is_closed(self) -> bool:
        """Whether the connection pool has been closed."""
        return (self._root or self)._transport.is_closed

    async def aclose(self) -> None:
        """Close the connection pool (shared with the views of this client). Safe to call twice.

        Shared-state storages the config opened (``cache_url``, ``rate_limit_url``) close too.
        """
        root = self._root or self
        await root._transport.aclose()
        for cache in root._caches:
            if hasattr(cache, "aclose"):
                await cache.aclose()

    async def __aenter__(self) -> AsyncHfInferenceClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        from .._redact import safe_url

        token = "set" if self.config.token else "none"
        return (
            f"<{type(self).__name__} router={safe_url(self.config.router_url)} "
            f"provider={self.config.default_provider} token={token}>"
        )
