"""Embeddings: feature extraction at scale, and sentence similarity.

Hand-written as the async service; codegen/unasync.py generates the sync twin. The async
client runs the batches of a call concurrently (at most ``max_concurrency`` requests in
flight); the sync client sends them one after the other. Everything that is not I/O
(batch planning, the cache, bodies, parsing, the failure policy) lives in
``hf_inference_endpoints._embeddings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from .._call import Answer, Call
from .._embeddings.bodies import (
    embedding_body,
    embedding_params,
    similarity_body,
    validate_texts,
)
from .._embeddings.cache import EmbeddingCache
from .._embeddings.job import EmbeddingJob
from .._embeddings.parsers import parse_embeddings, parse_similarity, parse_tei_info
from .._embeddings.results import EmbeddingResult, SimilarityScores
from .._errors import (
    ColdStartTimeout,
    DeadlineExceeded,
    ErrorContext,
    HfError,
    InvalidArgument,
    RequestTimeout,
)
from .._io import AsyncLock, async_monotonic
from .._options import CallOptions
from .._request import PreparedRequest
from .._retry import Deadline
from .._routing import base_headers, parse_target
from .._routing.mapping import check_fallback_target
from ._execute import execute

if TYPE_CHECKING:
    from ..models import TeiInfo
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncEmbeddings"]

FEATURE_EXTRACTION = "feature-extraction"
SENTENCE_SIMILARITY = "sentence-similarity"
DEFAULT_MAX_CONCURRENCY = 4
#: Statuses of ``GET {url}/info`` that mean "this server is not TEI".
_NOT_TEI = frozenset({400, 404, 405, 422})


@dataclass(frozen=True, slots=True)
class _Route:
    """Where the batches of one call go."""

    model: str | None  # what ``_route`` gets (a Hub id, a URL, or None with an endpoint)
    endpoint: str | None
    batch_size: int
    scope: str  # names the target in cache keys
    tei: TeiInfo | None = None


@dataclass(frozen=True, slots=True)
class _Call:
    """One ``create`` call: where it goes and what every batch request carries."""

    job: EmbeddingJob
    route: _Route
    params: dict[str, Any]
    single: bool
    provider: str | None
    deadline: Deadline
    extra_headers: Mapping[str, str] | None
    extra_body: Mapping[str, Any] | None
    fallback: bool | Sequence[str] | None
    bill_to: str | None

    def expired(self) -> DeadlineExceeded:
        """The error of the batches not sent because the call's ``timeout`` ran out."""
        unsent, total = self.job.unsent(), len(self.job.plan)
        return DeadlineExceeded(
            f"embeddings.create did not finish within its timeout of {self.deadline.timeout:g} s: "
            f"{unsent} of {total} texts were not embedded (their batches were never sent)",
            model=self.route.model,
            provider=self.provider,
            endpoint=self.route.endpoint,
        )


class _Lookups:
    """What ``client.clear_caches()`` clears for this service (registered once)."""

    def __init__(self, service: AsyncEmbeddings) -> None:
        self._service = service

    def clear(self) -> None:
        self._service._tei_info_by_url.clear()
        self._service._default_models.clear()
        if self._service.cache is not None:
            self._service.cache.clear()

    async def aclose(self) -> None:
        """Close the cache's storage connections when the config opened it (``cache_url``)."""
        cache = self._service.cache
        if cache is not None and cache.owns_storage:
            await cache.storage.aclose()  # type: ignore[attr-defined]


class AsyncEmbeddings:
    """``client.embeddings``: ``create`` (feature extraction) and ``similarity``.

    ``create`` takes one text or any number: it sends each distinct text once, in
    batches (``embedding_batch_size``, or on a TEI endpoint the server's
    ``max_client_batch_size``), answers repeats from a content-hash cache, keeps the
    input order and reports which inputs failed.

    Attributes:
        cache: The embedding cache (None when ``enable_embedding_cache`` is off). Assign
            another :class:`EmbeddingCache` (e.g. over Redis) or None to change it.
    """

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client
        self.cache: EmbeddingCache | None = EmbeddingCache.from_config(client.config)
        self._tei_info_by_url: dict[str, TeiInfo | None] = {}
        self._default_models: dict[str, str] = {}
        self._lookup_lock = AsyncLock()
        client._register_cache(_Lookups(self))

    async def create(
        self,
        model: str | None = None,
        inputs: str | Sequence[str] | None = None,
        *,
        normalize: bool | None = None,
        prompt_name: str | None = None,
        truncate: bool | None = None,
        truncation_direction: str | None = None,
        dimensions: int | None = None,
        batch_size: int | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,  # unasync: remove
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        cache: bool = True,
        allow_partial: bool = False,
    ) -> EmbeddingResult:
        """Embed one text or many (feature extraction).

        Each distinct text is sent once; texts already in the cache (same model, same
        parameters) need no request. The rest go in batches of ``batch_size`` (default
        ``embedding_batch_size``; on a TEI endpoint URL the server's
        ``max_client_batch_size`` from ``GET {url}/info``, fetched once per URL).

        (async client only) Up to ``max_concurrency`` batches are sent at once.

        Args:
            model: A Hub id (hf-inference ``/pipeline/feature-extraction`` by default),
                ``org/name:provider``, or the URL of a TEI / dedicated endpoint (a TEI
                server gets ``POST {url}/embed``; another server ``POST {url}``). When
                omitted (and no ``endpoint``), the Hub's recommended model is used.
            inputs: One string, or a list of strings (repeats allowed).
            normalize: Scale each embedding to unit length (server default: true).
            prompt_name: A sentence-transformers prompt (e.g. ``"query"``) to prepend.
            truncate: Cut inputs longer than the model's limit instead of failing.
            truncation_direction: ``"Left"`` or ``"Right"`` (sent as given).
            dimensions: Cut embeddings to this many dimensions (Matryoshka models).
            batch_size: Texts per request (capped by a TEI server's limit).
            max_concurrency: (async client only) Requests in flight at once.
            provider: ``hf-inference`` (default), ``auto``, or another provider name.
            endpoint: A dedicated Inference Endpoint by name (``"name"`` or
                ``"namespace/name"``) instead of ``model``; batches use ``batch_size``
                or ``embedding_batch_size``.
            fallback: Provider failover for each batch: ``True`` (any other live mapped
                provider) or providers to try next, in order, after a 429, a 5xx or an
                unavailable model (default: ``config.fallback``, off). For Hub model ids;
                a URL or ``endpoint`` raises ``ValidationError``. The cache keys a
                vector by the provider asked for, whichever one answered.
            bill_to: Organisation billed for this call's requests (``X-HF-Bill-To``,
                wins over ``config.bill_to``; HF tokens only, never a provider's own
                key). Not part of the cache key: a cached text costs nobody.
            timeout: Total seconds for the whole call: the lookups it makes (default
                model, a TEI server's ``/info``; time spent resolving ``endpoint``
                counts too), every batch and its retries and cold-start waits. Each
                batch request gets the time left; a batch not started when it runs out
                is not sent and fails with ``RequestTimeout`` (see Raises, and
                ``allow_partial``).
            extra_headers: Headers added to every request.
            extra_body: Fields merged into every request body (part of the cache key).
            cache: False skips the cache for this call (neither read nor written).
            allow_partial: Return a result with ``failed``/``errors`` instead of raising
                when some batches fail.

        Returns:
            An :class:`EmbeddingResult`: one embedding per input, in input order
            (``result[i]``, ``result.to_numpy()``; ``result.embedding`` for a single
            text), with ``cached``, ``requests`` and the ``response_metas`` of the
            requests made.

        Raises:
            ValidationError: ``inputs`` or an option has the wrong type (nothing is sent),
                or the server rejected every input.
            EmbeddingBatchError: Some inputs were embedded and others were not; the
                partial result is ``err.result`` and ``err.failed`` lists the positions.
            HfError: No input could be embedded: the first request's own error
                (``AuthenticationError``, ``RateLimited``, ``ColdStartTimeout``...), or
                ``RequestTimeout`` when ``timeout`` ran out before any batch was sent.

        Example:
            >>> result = await client.embeddings.create(  # doctest: +SKIP
            ...     "BAAI/bge-small-en-v1.5", ["first text", "second text", "first text"]
            ... )
            >>> len(result), result.requests, result.dimensions  # doctest: +SKIP
            (3, 1, 384)
        """
        deadline = Deadline.start(timeout, async_monotonic)
        texts, single = validate_texts(inputs)
        params = embedding_params(
            normalize=normalize,
            prompt_name=prompt_name,
            truncate=truncate,
            truncation_direction=truncation_direction,
            dimensions=dimensions,
        )
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
        ):
            raise InvalidArgument(f"batch_size must be an int >= 1, got {batch_size!r}")
        concurrency = 1  # the sync client: one batch after the other
        # unasync: remove-begin
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise InvalidArgument(f"max_concurrency must be an int >= 1, got {max_concurrency!r}")
        if max_concurrency < 1:
            raise InvalidArgument(f"max_concurrency must be an int >= 1, got {max_concurrency!r}")
        concurrency = max_concurrency
        # unasync: remove-end
        if not texts:
            return EmbeddingResult([])
        route = await self._route(model, provider, endpoint, batch_size, deadline, fallback)
        store = self.cache if cache else None
        scope = None
        if store is not None:
            scope = EmbeddingCache.scope(
                route.scope,
                {**params, "extra_body": dict(extra_body) if extra_body else None},
            )
        job = EmbeddingJob(texts, route.batch_size, cache=store, scope=scope)
        if store is not None and job.lookups is not None:  # a shared cache: one round trip
            job.found(await store.aget_many(job.lookups))

        call = _Call(
            job,
            route,
            params,
            single,
            provider if route.tei is None else None,
            deadline,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        try:
            await self._run_batches(call, concurrency)
        finally:
            if store is not None and job.writes:  # a shared cache: one round trip
                await store.aset_many(job.writes)
        return job.finish(allow_partial=allow_partial)

    async def similarity(
        self,
        model: str | None = None,
        source_sentence: str | None = None,
        sentences: Sequence[str] | None = None,
        *,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> SimilarityScores:
        """Score how close each of ``sentences`` is to ``source_sentence``.

        Sent to hf-inference's ``/pipeline/sentence-similarity`` (or the URL/endpoint
        given) as ``{"inputs": {"source_sentence", "sentences"}}``.

        Args:
            model: A Hub id (e.g. ``sentence-transformers/all-MiniLM-L6-v2``) or a URL;
                when omitted (and no ``endpoint``), the Hub's recommended model.
            source_sentence: The reference text.
            sentences: The texts to compare with it (non-empty).
            provider: ``hf-inference`` (default) or another provider name.
            endpoint: A dedicated Inference Endpoint by name instead of ``model``.
            fallback: Provider failover for this call (see :meth:`create`).
            bill_to: Organisation billed for this call (``X-HF-Bill-To``, wins over
                ``config.bill_to``; HF tokens only, never a provider's own key).
            timeout: Total seconds for the call (the default-model lookup included),
                across retries.
            extra_headers: Headers added to the request.
            extra_body: Fields merged into the JSON body (e.g. ``{"parameters": {...}}``).

        Returns:
            :class:`SimilarityScores`: a ``list[float]``, one score per sentence, in order,
            with ``response_meta``.

        Raises:
            ValidationError: A sentence is not a string or ``sentences`` is empty (nothing
                is sent), or the server rejected the request.
            HfError: Any other failure, as a subclass.

        Example:
            >>> scores = await client.embeddings.similarity(  # doctest: +SKIP
            ...     "sentence-transformers/all-MiniLM-L6-v2",
            ...     "A cat sits on the mat",
            ...     ["A cat is sitting on a rug", "Stock prices fell"],
            ... )
            >>> scores[0] > scores[1]  # doctest: +SKIP
            True
        """
        return await self._similarity(
            model,
            source_sentence,
            sentences,
            provider=provider,
            endpoint=endpoint,
            fallback=fallback,
            bill_to=bill_to,
            deadline=self._client._deadline(timeout),
            extra_headers=extra_headers,
            extra_body=extra_body,
        )

    async def _similarity(
        self,
        model: str | None,
        source_sentence: str | None,
        sentences: Sequence[str] | None,
        *,
        provider: str | None,
        endpoint: str | None,
        fallback: bool | Sequence[str] | None,
        bill_to: str | None,
        deadline: Deadline,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> SimilarityScores:
        """:meth:`similarity` within a ``deadline`` it is given: one call's deadline
        shared by several similarity requests (``text.rank`` by sentence-similarity)."""
        body = similarity_body(source_sentence, sentences)
        count = len(body["inputs"]["sentences"])
        self._client._check_key(
            model, provider, SENTENCE_SIMILARITY, endpoint=endpoint, fallback=fallback
        )
        if model is None and endpoint is None:
            model = await self._default_model(SENTENCE_SIMILARITY, deadline, provider)
        call = Call(
            SENTENCE_SIMILARITY,
            body,
            deadline,
            model,
            CallOptions.for_call(
                provider=provider,
                endpoint=endpoint,
                fallback=fallback,
                bill_to=bill_to,
                extra_headers=extra_headers,
                extra_body=extra_body,
            ),
            answer=Answer(from_bytes=partial(parse_similarity, count=count)),
        )
        scores, meta = await execute(self._client, call)
        return SimilarityScores(scores, meta)

    async def _run_batches(self, call: _Call, max_concurrency: int) -> None:
        """Send every batch of the call: up to ``max_concurrency`` at once in the async client."""
        count = len(call.job.batches)
        # unasync: remove-begin
        if max_concurrency > 1 and count > 1:
            import anyio

            pending = iter(range(count))

            async def worker() -> None:
                for index in pending:  # shared: each batch is taken by one worker
                    if call.job.stopped:
                        return
                    await self._send_batch(call, index)

            async with anyio.create_task_group() as group:
                for _ in range(min(max_concurrency, count)):
                    group.start_soon(worker)
            return
        # unasync: remove-end
        for index in range(count):
            if call.job.stopped:
                break
            await self._send_batch(call, index)

    async def _send_batch(self, call: _Call, index: int) -> None:
        """Send batch ``index``; its outcome goes to the job (errors are not raised here).

        A batch is sent with the time left of the call's deadline; once none is left it
        is not sent, and the job stops (every batch not started fails with the timeout).
        """
        job = call.job
        remaining = call.deadline.remaining()
        if remaining is not None and remaining <= 0:
            job.stop(call.expired())
            return
        batch = job.plan.texts(job.batches[index])
        body = embedding_body(batch, call.params, single=call.single)
        # every provider's answer (TEI's arrays, OpenAI's {"data": [...]}) is read by the
        # embeddings parser itself: the helper contract's fast path (no Answer.from_value)
        answer = Answer(from_bytes=partial(parse_embeddings, count=len(batch), single=call.single))
        batch_call = Call(
            FEATURE_EXTRACTION,
            body,
            call.deadline,  # resolving an endpoint takes time too
            call.route.model,
            CallOptions.for_call(
                provider=call.provider,
                endpoint=call.route.endpoint,
                fallback=call.fallback,
                bill_to=call.bill_to,
                extra_headers=call.extra_headers,
                extra_body=call.extra_body,
            ),
            answer=answer,
        )
        try:
            routed = await self._client._route(batch_call)
        except RequestTimeout as exc:
            if isinstance(exc, ColdStartTimeout) or not call.deadline.expired():
                job.abort(exc)
            else:  # the call's time ran out before this batch could be sent
                job.stop(call.expired())
            return
        except HfError as exc:
            job.abort(exc)
            return
        job.start(index)
        try:
            embeddings, meta = await execute(
                self._client, batch_call, routed.request, on_error=routed.on_error
            )
        except HfError as exc:
            job.fail(index, exc)
            return
        job.succeed(index, embeddings, meta)

    async def _route(
        self,
        model: str | None,
        provider: str | None,
        endpoint: str | None,
        batch_size: int | None,
        deadline: Deadline,
        fallback: bool | Sequence[str] | None,
    ) -> _Route:
        """Work out the target, the URL to post to and the batch size of a call.

        Its lookups (default model, TEI ``/info``) get the time left of ``deadline``.

        Raises:
            ValidationError: A per-call ``fallback`` with a URL or ``endpoint`` (before
                any request, TEI's ``/info`` included).
        """
        config = self._client.config
        size = batch_size or config.embedding_batch_size
        check_fallback_target(fallback, endpoint=endpoint)
        self._client._check_key(
            model, provider, FEATURE_EXTRACTION, endpoint=endpoint, fallback=fallback
        )
        if endpoint is not None:
            return _Route(model, endpoint, size, scope=f"endpoint:{endpoint}:{model or ''}")
        if model is None:
            model = await self._default_model(FEATURE_EXTRACTION, deadline, provider)
        target = parse_target(
            model,
            provider=provider,
            default_provider=config.default_provider,
            task=FEATURE_EXTRACTION,
        )
        if target.kind != "url":
            name = f"{target.provider}:{target.model}"
            return _Route(model, None, size, scope=name)
        check_fallback_target(fallback, url=model)
        base = target.model
        forced = base.endswith("/embed")
        if forced:
            base = base.removesuffix("/embed")
        info = await self._tei_info(base, deadline)
        if info is None and not forced:
            return _Route(target.model, None, size, scope=target.model)
        limit = info.max_client_batch_size if info is not None else None
        if limit:
            size = min(batch_size or limit, limit)
        url = f"{base}/embed"
        return _Route(url, None, size, scope=url, tei=info)

    async def _tei_info(self, base: str, deadline: Deadline) -> TeiInfo | None:
        """TEI's ``/info`` for the server at ``base`` (None if it is not TEI); cached per URL."""
        if base in self._tei_info_by_url:
            return self._tei_info_by_url[base]
        async with self._lookup_lock:
            if base in self._tei_info_by_url:
                return self._tei_info_by_url[base]
            config = self._client.config
            prepared = PreparedRequest(
                "GET",
                f"{base}/info",
                base_headers(
                    config.token_value, bill_to=config.bill_to, user_agent_extra=config.user_agent
                ),
                context=ErrorContext(provider="endpoint", endpoint=base),
                task="tei-info",
            )
            remaining = deadline.left(model=base, provider="endpoint")  # after the lock wait
            try:
                info, _ = await self._client._transport.request(
                    prepared, parse_tei_info, timeout=remaining
                )
            except HfError as exc:
                if exc.status_code not in _NOT_TEI:
                    raise
                info = None
            self._tei_info_by_url[base] = info
            return info

    async def _default_model(self, task: str, deadline: Deadline, provider: str | None) -> str:
        """The Hub's recommended model for ``task`` (``/api/tasks`` widget models); cached."""
        known = self._default_models.get(task)
        if known is not None:
            return known
        catalogue = await self._client.hub.tasks(
            timeout=deadline.left(model=None, provider=provider)
        )
        entry = catalogue.get(task)
        widgets = entry.get("widgetModels") if isinstance(entry, Mapping) else None
        if not widgets or not isinstance(widgets[0], str):
            raise InvalidArgument(
                f"model is required: the Hub recommends no default model for {task}"
            )
        self._default_models[task] = widgets[0]
        return widgets[0]
