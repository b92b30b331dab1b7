"""``HfInferenceBatches``: one batch of a Ray dataset in, the same rows plus two columns out.

* One sync client per actor, created on the first call in the actor (the object Ray
  ships to the actor holds only settings; :meth:`HfInferenceBatches.close` or garbage
  collection closes the client).
* A batch in any of Ray's formats (``pyarrow``, ``pandas``, ``numpy`` dicts) comes back
  as an Arrow table: its columns, plus the result column (embeddings: list<float32>;
  any other task: its answer as JSON text) and the error column
  (struct<type, message>), one of the two null on each row: the same cells as a
  Parquet output of ``client.bulk``.
* ``in_flight`` > 1 sends that many calls at once from threads over the one client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ..._bulk import to_jsonable
from ..._bulk_arrow import error_type, pyarrow_module, result_cells, result_type
from ..._errors import HfError, InvalidArgument

if TYPE_CHECKING:
    from ..._config import HfInferenceConfig
    from ..._sync._client import HfInferenceClient

__all__ = ["HfInferenceBatches"]

#: The task name of the embeddings mode (``client.embeddings.create``).
EMBEDDINGS = "embeddings"
Cell = dict[str, str] | None


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"{name} must be an int >= 1, got {value!r}")
    return value


def _name(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidArgument(f"{name} must be a non-empty string, got {value!r}")
    return value


def _error(error: BaseException) -> dict[str, str]:
    return {"type": type(error).__name__, "message": str(error)}


class HfInferenceBatches:
    """A callable class for ``ray.data.Dataset.map_batches``: embeddings or any task.

    Args:
        model: The model (or URL), as in ``embeddings.create`` / ``client.infer``.
        task: ``"embeddings"`` (default), or a task name for ``client.infer``
            (e.g. ``"text-classification"``).
        column: The input column (default ``"text"``).
        output_column: The result column (default ``"embedding"``, or ``"output"``
            for a task: its answer as JSON text).
        error_column: The error column (default ``"error"``): ``{"type", "message"}``
            on a failed row, null otherwise.
        provider: Passed to each call.
        endpoint: Passed to each call.
        parameters: The task's parameters (task mode).
        normalize: Passed to ``embeddings.create``.
        dimensions: Passed to ``embeddings.create``.
        timeout: Seconds per call.
        batch_size: Texts per ``embeddings.create`` call (embeddings mode).
        in_flight: Calls each actor sends at once (threads over its one client).
        config: An ``HfInferenceConfig``, or a mapping of its fields applied over the
            actor's environment (``HfInferenceConfig.from_env``): e.g.
            ``{"rate_limit_url": "redis://...", "provider_rate_limits": {...}}`` to
            share limits between every actor.

    Raises:
        InvalidArgument: A bad argument (at construction), or a batch without ``column``.
        ConfigurationError: pyarrow is not installed (extra ``ray``).

    Example:
        >>> ds = ds.map_batches(  # doctest: +SKIP
        ...     HfInferenceBatches,
        ...     fn_constructor_kwargs={"model": "BAAI/bge-small-en-v1.5",
        ...                            "config": {"rate_limit_url": "redis://redis:6379/0",
        ...                                       "provider_rate_limits": {"hf-inference": 1200}}},
        ...     batch_size=256, batch_format="pyarrow", concurrency=8,
        ... )
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        task: str = EMBEDDINGS,
        column: str = "text",
        output_column: str | None = None,
        error_column: str = "error",
        provider: str | None = None,
        endpoint: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        normalize: bool | None = None,
        dimensions: int | None = None,
        timeout: float | None = None,
        batch_size: int = 64,
        in_flight: int = 1,
        config: HfInferenceConfig | Mapping[str, Any] | None = None,
    ) -> None:
        if model is not None:
            _name("model", model)
        self.task = _name("task", task)
        self.model = model
        self.column = _name("column", column)
        self.result = output_column or ("embedding" if task == EMBEDDINGS else "output")
        _name("output_column", self.result)
        self.error_column = _name("error_column", error_column)
        if self.result == self.error_column:
            raise InvalidArgument("output_column and error_column must differ")
        if parameters is not None and not isinstance(parameters, Mapping):
            raise InvalidArgument(f"parameters must be a mapping, got {parameters!r}")
        self.batch_size = _positive("batch_size", batch_size)
        self.in_flight = _positive("in_flight", in_flight)
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise InvalidArgument(f"timeout must be a number of seconds > 0, got {timeout!r}")
        if dimensions is not None:
            _positive("dimensions", dimensions)
        self.provider, self.endpoint, self.timeout = provider, endpoint, timeout
        self.normalize, self.dimensions = normalize, dimensions
        self._parameters = dict(parameters) if parameters is not None else None
        self._config = config
        self._client: HfInferenceClient | None = None
        self._threads: ThreadPoolExecutor | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Settings only: a client (sockets, threads) is never shipped to an actor."""
        state = dict(self.__dict__)
        state["_client"] = state["_threads"] = None
        return state

    @property
    def client(self) -> HfInferenceClient:
        """This actor's client (created on first use, with the config given)."""
        if self._client is None:
            from ..._config import HfInferenceConfig
            from ..._sync._client import HfInferenceClient

            config = self._config
            if isinstance(config, HfInferenceConfig):
                self._client = HfInferenceClient(config)
            else:
                self._client = HfInferenceClient(**dict(config or {}))
        return self._client

    def __call__(self, batch: Any) -> Any:
        """The batch (any of Ray's formats) as an Arrow table with the two columns added."""
        pa = pyarrow_module("ray")
        table = _as_table(pa, batch)
        if self.column not in table.column_names:
            raise InvalidArgument(
                f"the batch has no column {self.column!r} "
                f"(columns: {', '.join(table.column_names)}); pick one with column="
            )
        values = table.column(self.column).to_pylist()
        if self.task == EMBEDDINGS:
            results, errors = self._embeddings(values)
        else:
            results, errors = self._answers(values)
        kind = "embedding" if self.task == EMBEDDINGS else "output"
        added = {
            self.result: pa.array(result_cells(kind, results), result_type(kind)),
            self.error_column: pa.array(errors, error_type()),
        }
        for name, column in added.items():
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, column)
        return table

    def close(self) -> None:
        """Close this actor's client and threads (a later call opens new ones)."""
        if self._threads is not None:
            self._threads.shutdown()
            self._threads = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def _map(self, function: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        if self.in_flight == 1 or len(items) < 2:
            return [function(item) for item in items]
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.in_flight, thread_name_prefix="hfie-ray")
        return list(self._threads.map(function, items))

    def _embeddings(self, values: list[Any]) -> tuple[list[Any], list[Cell]]:
        results: list[Any] = [None] * len(values)
        errors: list[Cell] = [None] * len(values)
        valid = [i for i, value in enumerate(values) if isinstance(value, str) and value]
        for i in set(range(len(values))) - set(valid):
            errors[i] = _error(InvalidArgument("the input is not a non-empty string"))
        groups = [valid[i : i + self.batch_size] for i in range(0, len(valid), self.batch_size)]
        client = self.client

        def embed(positions: list[int]) -> None:
            try:
                answer = client.embeddings.create(
                    self.model,
                    [values[i] for i in positions],
                    provider=self.provider,
                    endpoint=self.endpoint,
                    normalize=self.normalize,
                    dimensions=self.dimensions,
                    timeout=self.timeout,
                    allow_partial=True,
                )
            except HfError as exc:
                for i in positions:
                    errors[i] = _error(exc)
                return
            for offset, i in enumerate(positions):
                vector = answer.embeddings[offset]
                failure = answer.errors.get(offset)
                if failure is not None or vector is None:
                    errors[i] = _error(failure or HfError("no embedding was returned"))
                else:
                    results[i] = list(vector)

        self._map(embed, groups)
        return results, errors

    def _answers(self, values: list[Any]) -> tuple[list[Any], list[Cell]]:
        client = self.client

        def answer(value: Any) -> tuple[Any, Cell]:
            try:
                output = client.infer(
                    self.task,
                    self.model,
                    value,
                    self._parameters,
                    provider=self.provider,
                    endpoint=self.endpoint,
                    timeout=self.timeout,
                )
                return to_jsonable(output), None
            except HfError as exc:
                return None, _error(exc)

        pairs = self._map(answer, values)
        return [p[0] for p in pairs], [p[1] for p in pairs]


def _as_table(pa: Any, batch: Any) -> Any:
    """A Ray batch (Arrow table or record batch, pandas frame, dict of columns) as a table."""
    if isinstance(batch, pa.Table):
        return batch
    if isinstance(batch, pa.RecordBatch):
        return pa.Table.from_batches([batch])
    if type(batch).__module__.startswith("pandas"):
        return pa.Table.from_pandas(batch, preserve_index=False)
    if isinstance(batch, Mapping):
        return pa.table({str(name): _column(pa, values) for name, values in batch.items()})
    raise InvalidArgument(f"a batch must be an Arrow table, a DataFrame or a dict, got {batch!r}")


def _column(pa: Any, values: Any) -> Any:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. a 2-D numpy tensor column
        return pa.array(list(values))
