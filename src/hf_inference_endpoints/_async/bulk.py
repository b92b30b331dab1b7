"""``client.bulk``: run embeddings or any task over a large input, resumably.

The file work (inputs, output rows, checkpoint, progress bar) is shared in
``_bulk.py``; here are the calls. Results are written in input order (``order="input"``)
or as they complete (``order="completed"``: a slow chunk holds nothing back), every
input gets exactly one row (an error is a row too), and memory stays bounded: at most
``concurrency`` chunks are in flight or (in input order) waiting for their turn to be
written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

from .._adaptive import describe
from .._bulk import (
    BulkItem,
    BulkSummary,
    Output,
    Progress,
    check_order,
    check_source,
    chunked,
    count_inputs,
    error_row,
    open_output,
    read_inputs,
    result_row,
)
from .._bulk_arrow import ArrowOutput
from .._errors import HfError, InvalidArgument
from .._io import async_monotonic

if TYPE_CHECKING:
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncBulk"]

Rows = list[dict[str, Any]]
Source = Iterable[Any] | str | os.PathLike[str]
Order = Literal["input", "completed"]
#: A chunk's work: its rows (awaited in this twin); typed loosely to serve both twins.
Work = Callable[[list[BulkItem]], Any]


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"{name} must be an int >= 1, got {value!r}")
    return value


class AsyncBulk:
    """``client.bulk``: :meth:`embed` and :meth:`run` over an iterable or a JSONL file."""

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client

    async def embed(
        self,
        inputs: Source,
        output: str | os.PathLike[str],
        *,
        model: str | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        resume: bool = False,
        retry_errors: bool = False,
        order: Order = "input",
        batch_size: int = 64,
        concurrency: int = 4,
        field: str = "text",
        progress: bool | None = None,
        normalize: bool | None = None,
        dimensions: int | None = None,
        timeout: float | None = None,
    ) -> BulkSummary:
        """Embed every text of ``inputs`` into ``output`` (JSONL), resumably.

        Args:
            inputs: Texts (an iterable), a JSONL file of strings or of objects whose
                ``field`` holds the text (an ``id`` key is copied to the row), or a
                Parquet/Arrow file whose ``field`` column holds it (extra ``pyarrow``;
                read in record batches; an ``id`` column is copied).
            output: The JSONL file written: ``{"index", "id"?, "embedding"}`` per text,
                or ``{"index", "id"?, "error": {"type", "message"}}``;
                ``.parquet``/``.arrow``: the same columns in a Parquet/Arrow file,
                checkpointed in ``<output>.partial.jsonl`` until the run ends.
            model: The embedding model (or URL); ``provider``/``endpoint`` as in
                ``embeddings.create``.
            resume: Continue an output file from an earlier (interrupted) run: the
                inputs already there are skipped. Without it an existing file is refused.
            retry_errors: With ``resume``, send the inputs of the error rows again: those
                rows leave the output and the new rows are written (after the others in
                a Parquet/Arrow file). Without it an error row counts as done.
            order: ``"input"``: rows in input order; ``"completed"``: rows as their
                calls complete (a slow call holds no finished rows back). Either way
                each row has its ``index`` and ``resume`` skips exactly those done.
            batch_size: Texts per ``embeddings.create`` call.
            concurrency: Calls in flight at once (the sync client sends one at a time).
            field: The key of the text in object rows (the column of a Parquet/Arrow file).
            progress: A ``tqdm`` bar (throughput, ETA, errors); None: when tqdm is installed.
            normalize: Passed to ``embeddings.create``.
            dimensions: Passed to ``embeddings.create``.
            timeout: Seconds per ``embeddings.create`` call.

        Returns:
            :class:`BulkSummary`: rows written, inputs skipped, errors, seconds.

        Raises:
            InvalidArgument: Bad arguments, an unreadable input line, an output file
                that exists without ``resume``, or ``retry_errors`` without ``resume``;
                nothing is sent.
            ConfigurationError: A Parquet/Arrow file without pyarrow installed.

        Example:
            >>> summary = await client.bulk.embed(  # doctest: +SKIP
            ...     "docs.jsonl", "vectors.jsonl", model="BAAI/bge-small-en-v1.5", resume=True
            ... )
        """
        _positive("batch_size", batch_size)
        embeddings = self._client.embeddings

        async def work(chunk: list[BulkItem]) -> Rows:
            texts = [item for item in chunk if isinstance(item.value, str) and item.value]
            rows: dict[int, dict[str, Any]] = {
                item.index: error_row(item, InvalidArgument("the input is not a non-empty string"))
                for item in chunk
                if not (isinstance(item.value, str) and item.value)
            }
            if texts:
                try:
                    result = await embeddings.create(
                        model,
                        [item.value for item in texts],
                        provider=provider,
                        endpoint=endpoint,
                        normalize=normalize,
                        dimensions=dimensions,
                        timeout=timeout,
                        allow_partial=True,
                    )
                except HfError as exc:
                    rows.update({item.index: error_row(item, exc) for item in texts})
                else:
                    for position, item in enumerate(texts):
                        error = result.errors.get(position)
                        rows[item.index] = (
                            error_row(item, error)
                            if error is not None
                            else result_row(item, "embedding", result.embeddings[position])
                        )
            return [rows[item.index] for item in chunk]

        return await self._run(
            work,
            inputs,
            output,
            batch_size,
            concurrency,
            field,
            progress,
            resume,
            "embedding",
            order,
            retry_errors,
        )

    async def run(
        self,
        task: str,
        inputs: Source,
        output: str | os.PathLike[str],
        *,
        model: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        resume: bool = False,
        retry_errors: bool = False,
        order: Order = "input",
        concurrency: int = 4,
        field: str = "inputs",
        progress: bool | None = None,
        timeout: float | None = None,
    ) -> BulkSummary:
        """Run ``task`` (``client.infer``) on every input into ``output`` (JSONL), resumably.

        Args:
            task: The task, e.g. ``"text-classification"``.
            inputs: Task inputs (an iterable), a JSONL file of them (objects: the
                ``field`` key, default ``"inputs"``; an ``id`` key is copied), or a
                Parquet/Arrow file (its ``field`` column; extra ``pyarrow``).
            output: The JSONL file: ``{"index", "id"?, "output"}`` or ``{..., "error"}``;
                ``.parquet``/``.arrow``: the same columns, ``output`` as JSON text.
            model: The model (or URL); ``provider``/``endpoint``/``parameters`` as in
                ``client.infer``.
            resume: Continue an earlier output file, skipping the inputs already there.
            retry_errors: With ``resume``, run the inputs of the error rows again.
            order: ``"input"`` (rows in input order) or ``"completed"`` (as completed).
            concurrency: Calls in flight at once (the sync client sends one at a time).
            field: The key of the input in object rows (a Parquet/Arrow column).
            progress: A ``tqdm`` bar; None: when tqdm is installed.
            timeout: Seconds per call.

        Returns:
            :class:`BulkSummary`.

        Raises:
            InvalidArgument: Bad arguments or input, or an existing output without ``resume``.
            ConfigurationError: A Parquet/Arrow file without pyarrow installed.

        Example:
            >>> await client.bulk.run(  # doctest: +SKIP
            ...     "text-classification", ["I love it", "meh"], "labels.jsonl",
            ...     model="distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            ... )
        """
        if not isinstance(task, str) or not task:
            raise InvalidArgument(f"task must be a task name, got {task!r}")
        client = self._client

        async def work(chunk: list[BulkItem]) -> Rows:
            rows: Rows = []
            for item in chunk:
                try:
                    answer = await client.infer(
                        task,
                        model,
                        item.value,
                        parameters,
                        provider=provider,
                        endpoint=endpoint,
                        timeout=timeout,
                    )
                    rows.append(result_row(item, "output", answer))
                except HfError as exc:
                    rows.append(error_row(item, exc))
            return rows

        return await self._run(
            work,
            inputs,
            output,
            1,
            concurrency,
            field,
            progress,
            resume,
            "output",
            order,
            retry_errors,
        )

    async def _run(
        self,
        work: Work,
        inputs: Source,
        output: str | os.PathLike[str],
        chunk_size: int,
        concurrency: int,
        field: str,
        progress: bool | None,
        resume: bool,
        result: str,
        order: Order,
        retry_errors: bool,
    ) -> BulkSummary:
        _positive("concurrency", concurrency)
        if type(retry_errors) is not bool:
            raise InvalidArgument(f"retry_errors must be True or False, got {retry_errors!r}")
        in_order = check_order(order)
        if not isinstance(field, str) or not field:
            raise InvalidArgument(f"field must be a non-empty string, got {field!r}")
        check_source(inputs, field)
        started = async_monotonic()
        sink = open_output(output, resume=resume, result=result, retry_errors=retry_errors)
        skip = sink.finished
        summary = BulkSummary(skipped=len(skip), output=str(sink.path))
        bar = Progress(
            count_inputs(inputs),
            len(skip),
            progress,
            callback=self._client.config.on_progress,
            subject=str(sink.path),
            status=self._concurrency_status,
        )
        chunks = chunked(read_inputs(inputs, field_name=field), chunk_size, skip)
        try:
            await _drive(work, chunks, sink, bar, summary, concurrency, in_order)
            sink.finish()  # a Parquet/Arrow output is written from its checkpoint here
        finally:
            sink.close()
            bar.close()
            summary.elapsed = async_monotonic() - started
        return summary

    def _concurrency_status(self) -> str | None:
        """The adaptive-concurrency limits and round trips now (None when it is off)."""
        adaptive = self._client._transport._adaptive
        return describe(adaptive.snapshot()) if adaptive is not None else None


def _record(rows: Rows, sink: Output | ArrowOutput, bar: Progress, summary: BulkSummary) -> None:
    sink.write(rows)
    bar.advance(rows)
    summary.written += len(rows)
    for row in rows:
        if "error" in row:
            summary.errors += 1
            kind = row["error"]["type"]
            summary.error_types[kind] = summary.error_types.get(kind, 0) + 1


async def _drive(
    work: Work,
    chunks: Iterator[list[BulkItem]],
    sink: Output | ArrowOutput,
    bar: Progress,
    summary: BulkSummary,
    concurrency: int,
    in_order: bool,
) -> None:
    # unasync: remove-begin
    if concurrency > 1:
        await _drive_concurrently(work, chunks, sink, bar, summary, concurrency, in_order)
        return
    # unasync: remove-end
    for chunk in chunks:
        _record(await work(chunk), sink, bar, summary)


# unasync: remove-begin
async def _drive_concurrently(
    work: Work,
    chunks: Iterator[list[BulkItem]],
    sink: Output | ArrowOutput,
    bar: Progress,
    summary: BulkSummary,
    concurrency: int,
    in_order: bool,
) -> None:
    """Up to ``concurrency`` chunks at once, written in input order or as completed.

    A slot is given back only when its chunk is written, so (in input order) chunks done
    early wait in memory for the ones before them: never more than ``concurrency``
    chunks held. As completed, a chunk is written the moment it is done.
    """
    import anyio

    slots = anyio.Semaphore(concurrency)
    finished: dict[int, Rows] = {}
    next_to_write = [0]

    async def one(sequence: int, chunk: list[BulkItem]) -> None:
        rows = await work(chunk)
        if not in_order:
            _record(rows, sink, bar, summary)
            slots.release()
            return
        finished[sequence] = rows
        while next_to_write[0] in finished:
            _record(finished.pop(next_to_write[0]), sink, bar, summary)
            next_to_write[0] += 1
            slots.release()

    bad_input: HfError | None = None
    async with anyio.create_task_group() as group:
        sequence = 0
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                break
            except HfError as exc:  # an unreadable input line: finish what is in flight
                bad_input = exc
                break
            await slots.acquire()
            group.start_soon(one, sequence, chunk)
            sequence += 1
    if bad_input is not None:
        raise bad_input


# unasync: remove-end
