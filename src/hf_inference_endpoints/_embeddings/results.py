"""What ``client.embeddings`` returns and raises (no I/O).

* :class:`EmbeddingResult`: one embedding per input, in input order, plus which inputs
  failed, the metadata of every request sent and how many texts the cache answered.
* :class:`EmbeddingBatchError`: raised when some inputs were embedded and others were not;
  it carries the partial :class:`EmbeddingResult` (``err.result``).
* :class:`SimilarityScores`: the sentence-similarity answer, a ``list[float]`` with
  ``response_meta``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from .._errors import HfError
from .cache import Embedding

if TYPE_CHECKING:
    from .._meta import ResponseMeta

__all__ = ["EmbeddingBatchError", "EmbeddingResult", "SimilarityScores"]


class EmbeddingResult(Sequence["Embedding | None"]):
    """Embeddings in input order (a sequence: ``result[i]`` is input ``i``'s embedding).

    Each embedding is a list of floats (``[dim]``) for sentence-embedding models, or
    nested lists for models that answer one vector per token (``[tokens][dim]``, as the
    server sent it). Repeated inputs share one embedding (same values).

    Attributes:
        embeddings: One entry per input; ``None`` for an input listed in :attr:`failed`.
        failed: Input positions that have no embedding because their request failed.
        errors: Input position -> the error of the request that carried it.
        response_metas: The metadata of each successful request, in the order the
            batches were planned (empty when the cache answered everything).
        cached: How many distinct texts the cache answered (no request needed).
        sent: How many distinct texts were put in requests (failed ones included).
        requests: How many requests were made (failed ones included).

    Example:
        >>> r = EmbeddingResult([[0.6, 0.8], [1.0, 0.0]])
        >>> len(r), r[1], r.dimensions, r.ok
        (2, [1.0, 0.0], 2, True)
    """

    def __init__(
        self,
        embeddings: Sequence[Embedding | None],
        *,
        errors: Mapping[int, HfError] | None = None,
        response_metas: Sequence[ResponseMeta] = (),
        cached: int = 0,
        sent: int = 0,
        requests: int = 0,
    ) -> None:
        # One entry per input: a list, None, or a row (a numpy array) of the parsed answer;
        # the lists of the array rows are made the first time someone reads them.
        self._rows: list[Any] = list(embeddings)
        self._lists: list[Embedding | None] | None = None
        #: The ``(inputs, dim)`` float64 array the rows are, in order, when known.
        self._matrix: Any = None
        self.errors: dict[int, HfError] = dict(sorted((errors or {}).items()))
        self.failed: tuple[int, ...] = tuple(self.errors)
        self.response_metas: tuple[ResponseMeta, ...] = tuple(response_metas)
        self.cached = cached
        self.sent = sent
        self.requests = requests

    @property
    def embeddings(self) -> list[Embedding | None]:
        """One entry per input: its embedding as (nested) lists of floats, or None if it failed.

        An answer read into a numpy array (numpy and pysimdjson installed) gets its lists
        here, on first use: reading only :meth:`to_numpy`, ``len`` or :attr:`dimensions`
        never makes a Python float.
        """
        lists = self._lists
        if lists is None:
            lists = self._lists = _as_lists(self._rows)
        return lists

    @embeddings.setter
    def embeddings(self, value: Sequence[Embedding | None]) -> None:
        self._rows = list(value)
        self._lists = self._matrix = None

    @overload
    def __getitem__(self, index: int) -> Embedding | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[Embedding | None]: ...

    def __getitem__(self, index: int | slice) -> Embedding | list[Embedding | None] | None:
        return self.embeddings[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Embedding | None]:
        return iter(self.embeddings)

    @property
    def ok(self) -> bool:
        """Every input has its embedding."""
        return not self.failed

    @property
    def embedding(self) -> Embedding:
        """The first input's embedding (the only one when a single text was embedded).

        Raises:
            ValueError: There is no input, or the first one failed.
        """
        if not self.embeddings or self.embeddings[0] is None:
            raise ValueError("the result has no first embedding")
        return self.embeddings[0]

    @property
    def dimensions(self) -> int | None:
        """Length of the innermost vectors (the embedding size), when any input has one."""
        for value in self._rows:
            shape = getattr(value, "shape", None)  # a row of a parsed array
            if shape is not None:
                return int(shape[-1])
            node: Any = value
            while isinstance(node, list) and node and isinstance(node[0], list):
                node = node[0]
            if isinstance(node, list):
                return len(node)
        return None

    @property
    def response_meta(self) -> ResponseMeta | None:
        """The first request's metadata (None when the cache answered everything)."""
        return self.response_metas[0] if self.response_metas else None

    def to_list(self) -> list[Embedding | None]:
        """The embeddings as a plain list (a copy)."""
        return list(self.embeddings)

    def to_numpy(self, dtype: Any = "float32") -> Any:
        """The embeddings as one numpy array, inputs along the first axis.

        When the answers were read into arrays (numpy and pysimdjson installed: the
        ``numpy`` extra), no Python float is made: ``"float64"`` gives the parsed array
        itself (read-only and shared by every call: ``.copy()`` it to modify) when one
        answer holds every input in order, else one array gathered once from the
        answers' rows (also read-only, kept for the next call); another dtype is one
        conversion pass into a new array. Answers parsed as lists are converted here.

        Args:
            dtype: The array's dtype (``"float64"`` keeps the server's floats exactly).

        Returns:
            A ``numpy.ndarray`` of shape ``(len(inputs), dim)`` (more axes for per-token
            embeddings); read-only when it is the parsed float64 array.

        Raises:
            ImportError: numpy is not installed (``pip install 'hf-inference-endpoints[numpy]'``).
            ValueError: Some inputs failed, or the embeddings do not share one shape.

        Example:
            >>> EmbeddingResult([[1.0, 2.0], [3.0, 4.0]]).to_numpy().shape  # doctest: +SKIP
            (2, 2)
        """
        try:
            import numpy as np
        except ImportError:
            raise ImportError(
                "EmbeddingResult.to_numpy() needs numpy: "
                "pip install 'hf-inference-endpoints[numpy]'"
            ) from None
        if self.failed:
            raise ValueError(
                f"{len(self.failed)} input(s) have no embedding (positions "
                f"{list(self.failed[:10])}{'...' if len(self.failed) > 10 else ''}); "
                "see .errors, or convert the others yourself"
            )
        matrix = self._matrix
        rows = self._rows
        try:
            if matrix is None and any(type(row) is np.ndarray for row in rows):
                # the rows of several answers (cache hits are lists): one gather
                matrix = np.stack(
                    [
                        row if type(row) is np.ndarray else np.asarray(row, np.float64)
                        for row in rows
                    ]
                )
                matrix.flags.writeable = False
                self._matrix = matrix
            if matrix is None:  # lists (the answer was parsed without numpy)
                return np.asarray(self.embeddings, dtype=dtype)
        except ValueError as exc:
            raise ValueError(
                f"the embeddings do not share one shape (per-token outputs of different "
                f"lengths?); convert them one by one: {exc}"
            ) from None
        if np.dtype(dtype) == matrix.dtype:
            return matrix
        return matrix.astype(dtype)

    def __repr__(self) -> str:
        failed = f", failed={len(self.failed)}" if self.failed else ""
        return (
            f"<EmbeddingResult {len(self)} inputs, dim={self.dimensions}, "
            f"cached={self.cached}, requests={self.requests}{failed}>"
        )

    def _repr_html_(self) -> str:
        """A compact table in a notebook: one row per input, its first values."""
        from .._display import embeddings_html

        failed = f", {len(self.failed)} failed" if self.failed else ""
        plural = "" if self.requests == 1 else "s"
        summary = (
            f"{len(self)} embeddings of {self.dimensions} dimensions "
            f"({self.requests} request{plural}, {self.cached} from the cache{failed})"
        )
        return embeddings_html(self.embeddings, self.failed, self.dimensions, summary)


def _as_lists(rows: Sequence[Any]) -> list[Embedding | None]:
    """``rows`` with every array row made a list (a row shared by repeats: one list)."""
    made: dict[int, Embedding] = {}
    lists: list[Embedding | None] = []
    for row in rows:
        tolist = getattr(row, "tolist", None)
        if tolist is None:
            lists.append(row)
            continue
        value = made.get(id(row))
        if value is None:
            value = made[id(row)] = tolist()
        lists.append(value)
    return lists


class EmbeddingBatchError(HfError):
    """Some inputs were embedded and the request(s) carrying the others failed.

    Raised by ``client.embeddings.create`` (unless ``allow_partial=True``) when at least
    one input has an embedding and at least one does not. When *no* input got an
    embedding, the first request's own error (``AuthenticationError``, ``RateLimited``...)
    is raised instead, just like any other call.

    Status, request id, provider and model are those of the first failed request.

    Attributes:
        result: The partial :class:`EmbeddingResult` (``None`` for the failed inputs).
        cause: The first failed request's error (also ``__cause__``).

    Example:
        >>> try:  # doctest: +SKIP
        ...     result = client.embeddings.create(model=m, inputs=texts)
        ... except EmbeddingBatchError as err:
        ...     result = err.result  # the embeddings that did arrive
        ...     retry = [texts[i] for i in err.failed]
    """

    def __init__(self, result: EmbeddingResult, cause: HfError) -> None:
        n_failed = len(result.failed)
        super().__init__(
            f"{n_failed} of {len(result)} input(s) could not be embedded; the rest are in "
            f".result (first failure: {type(cause).__name__}: {cause.message})",
            status_code=cause.status_code,
            request_id=cause.request_id,
            provider=cause.provider,
            model=cause.model,
            endpoint=cause.endpoint,
            server_message=cause.server_message,
            body=cause.body,
            retry_after=cause.retry_after,
        )
        self.result = result
        self.cause = cause

    @property
    def failed(self) -> tuple[int, ...]:
        """Input positions that have no embedding."""
        return self.result.failed

    @property
    def errors(self) -> dict[int, HfError]:
        """Input position -> the error of its request."""
        return self.result.errors

    @property
    def is_retryable(self) -> bool:
        """Whether sending the failed inputs again may succeed (as the first failure says)."""
        return self.cause.is_retryable


class SimilarityScores(list[float]):
    """Sentence-similarity scores, one per sentence, in order; a ``list[float]``.

    Attributes:
        response_meta: Status, request id and provider of the answer.

    Example:
        >>> scores = SimilarityScores([0.9, 0.1])
        >>> scores == [0.9, 0.1], scores.response_meta is None
        (True, True)
    """

    response_meta: ResponseMeta | None = None

    def __init__(self, scores: Sequence[float] = (), meta: ResponseMeta | None = None) -> None:
        super().__init__(scores)
        self.response_meta = meta

    def _repr_html_(self) -> str:
        from .._display import html_table

        return html_table(["sentence", "score"], [[i, s] for i, s in enumerate(self)])
