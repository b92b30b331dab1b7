"""The bookkeeping of one ``embeddings.create`` call, shared by both twins (no I/O).

:class:`EmbeddingJob` plans the batches (after the cache answered what it could), takes
each batch's outcome as the service reports it, and builds the final
:class:`EmbeddingResult`, or raises, per the failure policy:

* a batch that fails marks its distinct texts failed (and every input holding one);
* after an error that would fail every batch the same way (bad token, no access, unknown
  model, model not on the provider, paused or failed endpoint) no further batch is sent;
  the texts never sent are failed with that error; :meth:`EmbeddingJob.stop` does the
  same for a reason of the service's (the call's ``timeout`` ran out);
* :meth:`EmbeddingJob.finish`: nothing failed -> the result; some inputs embedded and some
  not -> :class:`EmbeddingBatchError` carrying the partial result; nothing embedded -> the
  first failure itself (a plain ``AuthenticationError``, ``RateLimited``...). With
  ``allow_partial=True`` the result (with ``failed``/``errors``) is returned instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._errors import (
    AuthenticationError,
    EndpointFailed,
    EndpointPaused,
    HfError,
    ModelNotAvailableOnProvider,
    NotFound,
    PermissionDenied,
)
from .batching import plan_batches
from .cache import Embedding, EmbeddingCache
from .results import EmbeddingBatchError, EmbeddingResult

if TYPE_CHECKING:
    from .._meta import ResponseMeta

__all__ = ["CALL_WIDE_ERRORS", "EmbeddingJob"]

#: Errors that say every other batch of the call would fail the same way.
CALL_WIDE_ERRORS: tuple[type[HfError], ...] = (
    AuthenticationError,
    PermissionDenied,
    NotFound,
    ModelNotAvailableOnProvider,
    EndpointPaused,
    EndpointFailed,
)


class EmbeddingJob:
    """One call's texts, cache hits, batches and outcomes.

    Args:
        texts: The inputs, in order (repeats allowed).
        batch_size: The most texts per request.
        cache: The cache to read and fill, or None.
        scope: The cache scope of the call (``EmbeddingCache.scope``); required with ``cache``.

    Attributes:
        batches: Per request, the indices into ``plan.unique`` it carries.
        cached: Distinct texts the cache answered.
        stopped: A call-wide error happened (or the service aborted): send nothing more.

    Example:
        >>> job = EmbeddingJob(["a", "b", "a"], 1)
        >>> job.batches, job.start(0), job.start(1)
        ([(0,), (1,)], ['a'], ['b'])
        >>> job.succeed(0, [[1.0]], None); job.succeed(1, [[2.0]], None)
        >>> job.finish().embeddings
        [[1.0], [2.0], [1.0]]
    """

    def __init__(
        self,
        texts: Sequence[str],
        batch_size: int,
        *,
        cache: EmbeddingCache | None = None,
        scope: str | None = None,
    ) -> None:
        self.plan = plan_batches(texts, batch_size)
        self._cache = cache
        self._keys: list[str] = []
        self._vectors: list[Embedding | None] = [None] * len(self.plan.unique)
        #: Keys a remote cache must be asked for (:meth:`found`) before batches exist.
        self.lookups: list[str] | None = None
        #: Entries for a remote cache, written by the service after the batches.
        self.writes: dict[str, Embedding] = {}
        self.cached = 0
        self.batches: list[tuple[int, ...]] = []
        if cache is not None:
            if scope is None:
                raise ValueError("a cache needs a scope")
            self._keys = cache.keys(scope, self.plan.unique)
            if cache.local:
                self.found(cache.get_local(self._keys))
            else:
                self.lookups = self._keys
        else:
            self.found([])
        self._errors: dict[int, HfError] = {}
        #: Batch index -> its answer when it was read into one numpy array.
        self._arrays: dict[int, Any] = {}
        self._metas: dict[int, ResponseMeta] = {}
        self._started: set[int] = set()
        self._stop_error: HfError | None = None
        self._fatal: HfError | None = None
        self.sent = 0
        self.requests = 0

    def found(self, values: Sequence[Embedding | None]) -> None:
        """Take the cache's answers (one per distinct text, None = miss) and plan the batches."""
        hits: set[int] = set()
        for u, value in enumerate(values):
            if value is not None:
                self._vectors[u] = value
                hits.add(u)
        self.cached = len(hits)
        self.batches = self.plan.batches(skip=hits)
        self.lookups = None

    @property
    def stopped(self) -> bool:
        """Whether no further batch should be sent."""
        return self._stop_error is not None or self._fatal is not None

    def start(self, index: int) -> list[str]:
        """Mark batch ``index`` as sent and return its texts."""
        self._started.add(index)
        texts = self.plan.texts(self.batches[index])
        self.sent += len(texts)
        self.requests += 1
        return texts

    def succeed(
        self, index: int, embeddings: Sequence[Embedding], meta: ResponseMeta | None
    ) -> None:
        """Record batch ``index``'s embeddings (in its text order) and cache them."""
        batch = self.batches[index]
        if len(embeddings) != len(batch):
            raise ValueError(f"batch {index}: {len(batch)} texts, {len(embeddings)} embeddings")
        cache = self._cache
        array = getattr(embeddings, "ndim", 0) == 2  # one numpy array (parsers.parse_embeddings)
        if array:
            self._arrays[index] = embeddings
            if cache is not None and self.lookups is None and cache.local:
                cache.set_rows([self._keys[u] for u in batch], embeddings)  # encoded together
                cache = None
        for u, value in zip(batch, embeddings, strict=True):
            self._vectors[u] = value
            if cache is not None:
                if self.lookups is None and cache.local:
                    cache.set(self._keys[u], value)
                else:
                    self.writes[self._keys[u]] = value
        if meta is not None:
            self._metas[index] = meta

    def fail(self, index: int, error: HfError) -> None:
        """Record that batch ``index``'s request failed with ``error``."""
        for u in self.batches[index]:
            self._errors[u] = error
        if isinstance(error, CALL_WIDE_ERRORS) and self._stop_error is None:
            self._stop_error = error

    def stop(self, error: HfError) -> None:
        """Send no further batch: the batches not started fail with ``error``.

        For a reason that is not a batch's own answer (e.g. the call's ``timeout`` ran
        out); a batch already in flight still records its own outcome.
        """
        if self._stop_error is None:
            self._stop_error = error

    def unsent(self) -> int:
        """How many inputs (repeats included) wait in batches not started yet."""
        waiting = {
            u
            for index, batch in enumerate(self.batches)
            if index not in self._started
            for u in batch
        }
        return sum(1 for u in self.plan.slots if u in waiting)

    def abort(self, error: HfError) -> None:
        """The call cannot go on (e.g. its request could not be built): raise ``error``."""
        if self._fatal is None:
            self._fatal = error

    def result(self) -> EmbeddingResult:
        """The result so far: embeddings in input order, ``failed`` for the rest."""
        stop = self._stop_error
        unique_errors = dict(self._errors)
        if stop is not None:
            for index, batch in enumerate(self.batches):
                if index not in self._started:
                    for u in batch:
                        unique_errors[u] = stop
        slots = self.plan.slots
        errors = {i: unique_errors[u] for i, u in enumerate(slots) if u in unique_errors}
        result = EmbeddingResult(
            self.plan.scatter(self._vectors),
            errors=errors,
            response_metas=[self._metas[i] for i in sorted(self._metas)],
            cached=self.cached,
            sent=self.sent,
            requests=self.requests,
        )
        if not errors and len(self._arrays) == 1 and len(self.batches) == 1:
            (array,) = self._arrays.values()
            if len(array) == len(slots):  # one answer holds every input, in input order
                result._matrix = array  # to_numpy("float64") without a copy
        return result

    def finish(self, *, allow_partial: bool = False) -> EmbeddingResult:
        """The final result, or the error the failure policy calls for (module docstring).

        Raises:
            HfError: The call was aborted (that error), or nothing was embedded (the
                first failure).
            EmbeddingBatchError: Some inputs were embedded and some were not.
        """
        if self._fatal is not None:
            raise self._fatal
        result = self.result()
        if result.ok or allow_partial:
            return result
        first = result.errors[result.failed[0]]
        if all(value is None for value in result.embeddings):
            raise first
        raise EmbeddingBatchError(result, first) from first
