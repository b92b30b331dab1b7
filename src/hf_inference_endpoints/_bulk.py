"""The bulk runner's file work, shared by both twins (local files only, no network).

* Inputs stream from an iterable or a JSONL file (one JSON value per line: a string, or
  an object whose ``field`` holds the input and whose optional ``id`` is copied out), or
  from a Parquet/Arrow file (its ``field`` column; ``_bulk_arrow.py``, extra ``pyarrow``).
* The output JSONL file is also the checkpoint: one row per input, each carrying its
  input's index, each chunk's rows in one write followed by a flush; rows come in input
  order (``order="input"``) or as their chunks complete (``order="completed"``). A rerun
  with ``resume`` reads the indices already there (cutting a line torn by a kill) into a
  :class:`Finished` set -- a prefix plus the few indices above it, so its memory is
  bounded by the rows out of order, not by the size of the run -- and skips them, so the
  output ends up holding every input exactly once, in either order.
  A Parquet/Arrow output keeps such a JSONL file as its checkpoint and becomes the final
  file when the run ends (``_bulk_arrow.ArrowOutput``).
* A row is ``{"index": i, "id": ..., <result field>: ...}`` or, for an input that
  failed, ``{"index": i, "id": ..., "error": {"type": ..., "message": ...}}``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ._bulk_arrow import (
    ArrowOutput,
    check_arrow_source,
    count_arrow_rows,
    is_arrow_path,
    read_arrow,
)
from ._errors import InvalidArgument
from ._fastjson import dumps_line
from ._progress import ProgressCallback, ProgressEvent, report_progress

__all__ = [
    "ORDERS",
    "BulkItem",
    "BulkSummary",
    "Finished",
    "Output",
    "Progress",
    "check_order",
    "check_source",
    "chunked",
    "error_row",
    "finished_indices",
    "open_output",
    "read_inputs",
    "to_jsonable",
]


@dataclass(frozen=True)
class BulkItem:
    """One input: its position in the input, its ``id`` (if any) and its value."""

    index: int
    id: Any
    value: Any


@dataclass
class BulkSummary:
    """What a bulk run did.

    Attributes:
        written: Rows written by this run (results and errors).
        skipped: Inputs already in the output (``resume``).
        errors: Rows of this run that hold an error.
        elapsed: Seconds the run took.
        output: The output file.
    """

    written: int = 0
    skipped: int = 0
    errors: int = 0
    elapsed: float = 0.0
    output: str = ""
    error_types: dict[str, int] = field(default_factory=dict)


def _item(index: int, raw: Any, field_name: str) -> BulkItem:
    if isinstance(raw, dict):
        if field_name not in raw:
            raise InvalidArgument(f"input {index} has no {field_name!r} field: {sorted(raw)}")
        return BulkItem(index, raw.get("id"), raw[field_name])
    return BulkItem(index, None, raw)


def read_inputs(
    source: Iterable[Any] | str | os.PathLike[str], *, field_name: str = "text"
) -> Iterator[BulkItem]:
    """The inputs, streamed (a file is read line by line).

    Args:
        source: An iterable of inputs, or the path of a JSONL, Parquet or Arrow file.
        field_name: The key holding the input in object rows (the column of a Parquet file).

    Raises:
        InvalidArgument: A line is not JSON, or an object lacks ``field_name``.
        ConfigurationError: A Parquet/Arrow file without pyarrow installed.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise InvalidArgument(f"input file not found: {path}")
        if is_arrow_path(path):
            for index, row_id, value in read_arrow(path, field_name):
                yield BulkItem(index, row_id, value)
            return
        with path.open(encoding="utf-8") as handle:
            index = 0
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidArgument(f"{path}:{number}: not JSON ({exc.msg})") from None
                yield _item(index, raw, field_name)
                index += 1
        return
    for index, raw in enumerate(source):
        yield _item(index, raw, field_name)


#: The orders a bulk run writes its rows in.
ORDERS = ("input", "completed")


def check_order(order: Any) -> bool:
    """Whether rows are written in input order (``"input"``) or as completed.

    Raises:
        InvalidArgument: Not one of :data:`ORDERS`.
    """
    if order not in ORDERS:
        raise InvalidArgument(f"order must be 'input' or 'completed', got {order!r}")
    return bool(order == "input")


class Finished:
    """The input indices already in an output: a prefix ``[0, low)`` and a set above it.

    Rows written in input order leave only the prefix; rows written as completed leave a
    few indices above it (the chunks in flight when a run stopped), which join the prefix
    as the gaps fill. Memory stays bounded by those, not by the rows in the file.

    Example:
        >>> done = Finished()
        >>> for index in (0, 1, 3, 5, 2):
        ...     done.add(index)
        >>> done.low, sorted(done.above), len(done), 4 in done, 5 in done
        (4, [5], 5, False, True)
    """

    __slots__ = ("above", "low")

    def __init__(self) -> None:
        self.low = 0
        self.above: set[int] = set()

    def add(self, index: int) -> None:
        if index < self.low:
            return
        if index != self.low:
            self.above.add(index)
            return
        self.low += 1
        while self.low in self.above:
            self.above.remove(self.low)
            self.low += 1

    def __contains__(self, index: object) -> bool:
        return isinstance(index, int) and (index < self.low or index in self.above)

    def __len__(self) -> int:
        return self.low + len(self.above)


def check_source(source: Any, field_name: str | None = None) -> None:
    """Refuse what cannot be a bulk input (before any output is touched).

    Raises:
        InvalidArgument: Not an iterable or a path, the file does not exist, or a
            Parquet/Arrow file has no ``field_name`` column.
        ConfigurationError: A Parquet/Arrow file without pyarrow installed.
    """
    if isinstance(source, (str, os.PathLike)):
        if not Path(source).is_file():
            raise InvalidArgument(f"input file not found: {os.fspath(source)}")
        if is_arrow_path(source) and field_name is not None:
            check_arrow_source(source, field_name)
        return
    if isinstance(source, (bytes, dict)) or not isinstance(source, Iterable):
        raise InvalidArgument("inputs must be an iterable of inputs or a JSONL file path")


def count_inputs(source: Any) -> int | None:
    """How many inputs there are, when cheap to know (a sized iterable, a file's lines)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            return None
        if is_arrow_path(path):
            return count_arrow_rows(path)
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    try:
        return len(source)
    except TypeError:
        return None


def chunked(
    items: Iterator[BulkItem], size: int, skip: Finished | set[int]
) -> Iterator[list[BulkItem]]:
    """Lists of up to ``size`` items, leaving out the indices in ``skip``."""
    chunk: list[BulkItem] = []
    for item in items:
        if item.index in skip:
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def finished_indices(path: str | os.PathLike[str], *, drop_errors: bool = False) -> Finished:
    """The indices already in an output file; a torn last line (a kill) is cut off.

    With ``drop_errors`` the error rows are taken out of the file (rewritten under a
    temporary name, then renamed: whole or unchanged) and their indices are not
    finished, so the run sends those inputs again.
    """
    target = Path(path)
    done = Finished()
    if not target.exists():
        return done
    good = 0
    errors: set[int] = set()  # line numbers of the error rows to drop
    with target.open("rb") as handle:
        for number, line in enumerate(handle):
            if not line.endswith(b"\n"):
                break  # torn by a kill mid-write: dropped below
            try:
                row = json.loads(line)
                index = int(row["index"])
            except (ValueError, KeyError, TypeError):
                break
            if drop_errors and "error" in row:
                errors.add(number)
            else:
                done.add(index)
            good += len(line)
    if errors:
        _drop_lines(target, errors, good)
    elif good != target.stat().st_size:
        with target.open("r+b") as handle:
            handle.truncate(good)
    return done


def _drop_lines(target: Path, numbers: set[int], good: int) -> None:
    """Rewrite ``target``'s first ``good`` bytes without the lines ``numbers`` (from 0)."""
    temporary = target.with_name(target.name + ".tmp")
    try:
        with target.open("rb") as source, temporary.open("wb") as kept:
            read = 0
            for number, line in enumerate(source):
                read += len(line)
                if read > good:
                    break
                if number not in numbers:
                    kept.write(line)
            kept.flush()
            os.fsync(kept.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, target)


def to_jsonable(value: Any) -> Any:
    """A result as JSON data (pydantic models dumped, bytes refused)."""
    if type(value) is list and all(type(v) is float for v in value):
        return value  # a vector: already JSON (walking each float cost more than the call)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        raise InvalidArgument("bulk rows hold JSON; this task answers with bytes")
    return value


def error_row(item: BulkItem, error: BaseException) -> dict[str, Any]:
    """The row of an input that failed: its error as data."""
    row = _row(item)
    row["error"] = {"type": type(error).__name__, "message": str(error)}
    return row


def result_row(item: BulkItem, name: str, value: Any) -> dict[str, Any]:
    """The row of an input that succeeded."""
    row = _row(item)
    row[name] = to_jsonable(value)
    return row


def _row(item: BulkItem) -> dict[str, Any]:
    row: dict[str, Any] = {"index": item.index}
    if item.id is not None:
        row["id"] = item.id
    return row


class Output:
    """The output JSONL file: rows appended chunk by chunk, flushed after each.

    ``finished`` holds the indices already there (``resume``; a torn line is cut).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, resume: bool, retry_errors: bool = False
    ) -> None:
        self.path = Path(path)
        if self.path.exists() and not resume:
            raise InvalidArgument(
                f"{self.path} exists: pass resume=True (--resume) to continue it, or remove it"
            )
        self.finished = (
            finished_indices(self.path, drop_errors=retry_errors) if resume else Finished()
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[str] = self.path.open("a", encoding="utf-8")

    def write(self, rows: list[dict[str, Any]]) -> None:
        text = "".join(dumps_line(row) for row in rows)
        self._handle.write(text)
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def finish(self) -> None:
        """The run is over: nothing more to do for a JSONL file than closing it."""
        self.close()


def open_output(
    path: str | os.PathLike[str], *, resume: bool, result: str, retry_errors: bool = False
) -> Output | ArrowOutput:
    """The output of a run, by its suffix: JSONL, or Parquet/Arrow (``.parquet``, ``.arrow``...).

    Args:
        path: The output file.
        resume: Continue it (its ``finished`` indices are skipped).
        result: The name of the result field (``embedding`` or ``output``).
        retry_errors: With ``resume``, take the error rows out: those inputs run again.

    Raises:
        InvalidArgument: The output exists and ``resume`` is False, or ``retry_errors``
            without ``resume``.
        ConfigurationError: A Parquet/Arrow output without pyarrow installed.
    """
    if retry_errors and not resume:
        raise InvalidArgument("retry_errors=True (--retry-errors) needs resume=True (--resume)")
    if is_arrow_path(path):
        return ArrowOutput(path, resume=resume, result=result, retry_errors=retry_errors)
    return Output(path, resume=resume, retry_errors=retry_errors)


#: Seconds between two bulk progress events (the tqdm bar updates on every chunk).
REPORT_EVERY = 1.0


class Progress:
    """A ``tqdm.auto`` bar (notebooks too) with the error count; silent without tqdm.

    The run is also reported as :class:`ProgressEvent` (kind ``bulk``) to ``on_progress``
    and the ``hf_inference_endpoints.progress`` logger, as every long wait is: at most one
    event a second (:data:`REPORT_EVERY`), and one when the last item is written. Its
    ``message`` has the error count and ``status()`` (the adaptive-concurrency limits and
    round trips, when on).
    """

    def __init__(
        self,
        total: int | None,
        initial: int,
        enabled: bool | None,
        *,
        callback: ProgressCallback | None = None,
        subject: str = "bulk run",
        status: Callable[[], str | None] | None = None,
    ) -> None:
        self.bar: Any = None
        self._status = status
        self.errors = 0
        self.started = time.monotonic()
        self.total = total
        self.done = initial
        self._initial = initial
        self._callback = callback
        self._subject = subject
        self._reported = self.started
        if enabled is False:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            if enabled:
                raise InvalidArgument(
                    "progress=True needs tqdm: pip install 'hf-inference-endpoints[bulk]'"
                ) from None
            return
        self.bar = tqdm(total=total, initial=initial, unit="item", dynamic_ncols=True)
        self.bar.set_postfix(errors=0)

    def advance(self, rows: list[dict[str, Any]]) -> None:
        failed = sum(1 for row in rows if "error" in row)
        self.errors += failed
        self.done += len(rows)
        if self.bar is not None:
            self.bar.update(len(rows))
            if failed:
                self.bar.set_postfix(errors=self.errors)
        now = time.monotonic()
        if now - self._reported >= REPORT_EVERY or self.done == self.total:
            self._reported = now
            report_progress(self._callback, self.event(now))

    def event(self, now: float) -> ProgressEvent:
        """Where the run stands: items written, elapsed time, the time it still needs."""
        elapsed = now - self.started
        made = self.done - self._initial
        estimate = None
        if self.total is not None and made > 0 and elapsed > 0:
            estimate = (self.total - self.done) * elapsed / made
        of = f"/{self.total}" if self.total is not None else ""
        notes = [f"{self.errors} failed"] if self.errors else []
        status = self._status() if self._status is not None else None
        if status:  # adaptive concurrency: the limits and round trips right now
            notes.append(status)
        return ProgressEvent(
            "bulk",
            self._subject,
            f"{self.done}{of} items",
            elapsed,
            estimate=estimate,
            message="; ".join(notes) or None,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
