"""Parquet and Arrow files for the bulk runner (extra ``pyarrow``; local files only).

* Input: a ``.parquet``/``.pq`` file, or an Arrow IPC file or stream (``.arrow``,
  ``.feather``, ``.ipc``), read record batch by record batch (:data:`READ_BATCH` rows at
  a time: memory stays bounded); the input is the column named by ``field``, and an
  ``id`` column, when there is one, is copied to the output.
* Output: a Parquet or Arrow file cannot be appended to, and a writer killed mid-file
  leaves no footer (an unreadable file). So the rows go first to a JSONL checkpoint
  beside it (``<output>.partial.jsonl``, the same file and rules as a JSONL output),
  and when the run ends the checkpoint is turned into the final file (written under a
  temporary name, then renamed: it is whole or absent) and removed. ``resume`` skips the
  indices in both the final file and the checkpoint; a rerun after a kill finishes the
  checkpoint, a rerun over a longer input extends the final file.
* Columns: ``index`` (int64), ``id`` (when the input has ids), the result
  (``embedding``: list<float32>; ``output``: the task's answer as JSON text) and
  ``error`` (struct<type, message>, null on success).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ._errors import ConfigurationError, InvalidArgument

__all__ = [
    "ARROW_SUFFIXES",
    "PARQUET_SUFFIXES",
    "ArrowOutput",
    "arrow_rows",
    "check_arrow_source",
    "count_arrow_rows",
    "error_type",
    "is_arrow_path",
    "pyarrow_module",
    "read_arrow",
    "result_type",
]

PARQUET_SUFFIXES = (".parquet", ".pq")
ARROW_SUFFIXES = (".arrow", ".feather", ".ipc")
#: Rows read from an input file at a time, and rows per batch written to an output file.
READ_BATCH = 1024
WRITE_BATCH = 1024


def is_arrow_path(path: str | os.PathLike[str]) -> bool:
    """Whether a path names a Parquet or Arrow file (by its suffix)."""
    return Path(path).suffix.lower() in PARQUET_SUFFIXES + ARROW_SUFFIXES


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


def pyarrow_module(extra: str = "pyarrow") -> Any:
    """``pyarrow``, imported on first use.

    Raises:
        ConfigurationError: pyarrow is not installed (names the extra to install).
    """
    try:
        import pyarrow
        import pyarrow.compute
        import pyarrow.ipc
        import pyarrow.parquet  # the submodules used below
    except ImportError:
        raise ConfigurationError(
            f"Parquet/Arrow files need pyarrow: pip install 'hf-inference-endpoints[{extra}]'"
        ) from None
    return pyarrow


def _batches(path: Path, columns: list[str] | None) -> Iterator[Any]:
    """The record batches of an input file (only ``columns``), one at a time."""
    pa = pyarrow_module()
    try:
        if _is_parquet(path):
            parquet = pa.parquet.ParquetFile(path)
            yield from parquet.iter_batches(batch_size=READ_BATCH, columns=columns)
            return
        yield from _ipc_batches(pa, path, columns)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidArgument(f"{path}: not a readable Parquet/Arrow file ({exc})") from None


def _ipc_batches(pa: Any, path: Path, columns: list[str] | None) -> Iterator[Any]:
    with pa.memory_map(str(path)) as source:
        try:
            reader = pa.ipc.open_file(source)
        except pa.ArrowInvalid:
            source.seek(0)
            stream = pa.ipc.open_stream(source)
            for batch in stream:
                yield batch.select(columns) if columns else batch
            return
        for number in range(reader.num_record_batches):
            batch = reader.get_batch(number)
            yield batch.select(columns) if columns else batch


def _schema(path: Path) -> Any:
    pa = pyarrow_module()
    try:
        if _is_parquet(path):
            return pa.parquet.read_schema(path)
        with pa.memory_map(str(path)) as source:
            try:
                return pa.ipc.open_file(source).schema
            except pa.ArrowInvalid:
                source.seek(0)
                return pa.ipc.open_stream(source).schema
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidArgument(f"{path}: not a readable Parquet/Arrow file ({exc})") from None


def check_arrow_source(path: str | os.PathLike[str], field_name: str) -> None:
    """Refuse an input file without the column ``field_name`` (before anything is sent).

    Raises:
        ConfigurationError: pyarrow is not installed.
        InvalidArgument: Not a Parquet/Arrow file, or no such column (the columns are named).
    """
    names = list(_schema(Path(path)).names)
    if field_name not in names:
        raise InvalidArgument(
            f"{os.fspath(path)} has no column {field_name!r} (columns: {', '.join(names)}); "
            "pick one with field= (--column)"
        )


def count_arrow_rows(path: str | os.PathLike[str]) -> int:
    """How many rows an input file holds (Parquet: from its footer)."""
    target = Path(path)
    if _is_parquet(target):
        return int(pyarrow_module().parquet.ParquetFile(target).metadata.num_rows)
    return sum(batch.num_rows for batch in _batches(target, None))


def read_arrow(path: str | os.PathLike[str], field_name: str) -> Iterator[tuple[int, Any, Any]]:
    """``(index, id, value)`` of every row, streamed record batch by record batch."""
    target = Path(path)
    check_arrow_source(target, field_name)
    has_id = field_name != "id" and "id" in _schema(target).names
    columns = [field_name, "id"] if has_id else [field_name]
    index = 0
    for batch in _batches(target, columns):
        values = batch.column(0).to_pylist()
        ids = batch.column(1).to_pylist() if has_id else [None] * len(values)
        for value, row_id in zip(values, ids, strict=True):
            yield index, row_id, value
            index += 1


def error_type() -> Any:
    """The Arrow type of an error cell: ``struct<type: string, message: string>``."""
    pa = pyarrow_module()
    return pa.struct([("type", pa.string()), ("message", pa.string())])


def result_type(result: str) -> Any:
    """The Arrow type of a result cell: embeddings as list<float32>, other answers as JSON."""
    pa = pyarrow_module()
    return pa.list_(pa.float32()) if result == "embedding" else pa.string()


def result_cells(result: str, values: list[Any]) -> list[Any]:
    """Results as Arrow cells (answers other than embeddings become JSON text)."""
    if result == "embedding":
        return values
    return [None if value is None else json.dumps(value) for value in values]


def arrow_rows(rows: list[dict[str, Any]], result: str, id_type: Any) -> Any:
    """Output rows (``index``, ``id``?, result or ``error``) as one Arrow table."""
    pa = pyarrow_module()
    columns: dict[str, Any] = {"index": pa.array([row["index"] for row in rows], pa.int64())}
    if id_type is not None:
        try:
            columns["id"] = pa.array([row.get("id") for row in rows], id_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise InvalidArgument(f"the ids are not all of one type ({exc})") from None
    cells = result_cells(result, [row.get(result) for row in rows])
    columns[result] = pa.array(cells, result_type(result))
    columns["error"] = pa.array([row.get("error") for row in rows], error_type())
    return pa.table(columns)


def _indices_in(path: Path) -> tuple[list[int], set[int]]:
    """The indices of a final file's rows that succeeded, and of its error rows."""
    if not path.exists():
        return [], set()
    compute = pyarrow_module().compute
    succeeded: list[int] = []
    failed: set[int] = set()
    for batch in _batches(path, ["index", "error"]):
        errors = compute.is_null(batch.column(1))
        succeeded += batch.filter(errors).column(0).to_pylist()
        failed.update(batch.filter(compute.invert(errors)).column(0).to_pylist())
    return succeeded, failed


def _json_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row: dict[str, Any] = json.loads(line)
            yield row


class ArrowOutput:
    """A Parquet/Arrow output: a JSONL checkpoint while running, the final file at the end.

    Args:
        path: The final file (``.parquet``/``.pq``, or ``.arrow``/``.feather``/``.ipc``).
        resume: Continue an earlier run (its final file and/or its checkpoint).
        result: The result column: ``"embedding"`` or ``"output"``.
        retry_errors: Run the inputs of the error rows again (with ``resume``): they are
            left out of the checkpoint now and out of the final file when it is rewritten.

    Raises:
        ConfigurationError: pyarrow is not installed.
        InvalidArgument: The output (or its checkpoint) exists and ``resume`` is False.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        resume: bool,
        result: str,
        retry_errors: bool = False,
    ) -> None:
        from ._bulk import Output, finished_indices

        pyarrow_module()
        self.path = Path(path)
        self.checkpoint = self.path.with_name(self.path.name + ".partial.jsonl")
        self.result = result
        if not resume:
            for existing in (self.path, self.checkpoint):
                if existing.exists():
                    raise InvalidArgument(
                        f"{existing} exists: pass resume=True (--resume) to continue it, "
                        "or remove it"
                    )
        self.finished = finished_indices(self.checkpoint, drop_errors=retry_errors)
        succeeded, failed = _indices_in(self.path)
        # final-file rows the checkpoint has a newer row for (a retry run killed before
        # its end), and error rows this run sends again: left out when it is rewritten
        self._replaced = {i for i in chain(succeeded, failed) if i in self.finished}
        self._retried = failed if retry_errors else set()
        for index in chain(succeeded, () if retry_errors else failed):
            self.finished.add(index)
        self._rows = Output(self.checkpoint, resume=True)
        self._written = False

    def write(self, rows: list[dict[str, Any]]) -> None:
        self._rows.write(rows)
        self._written = True
        if self._retried:
            self._replaced.update(row["index"] for row in rows if row["index"] in self._retried)

    def close(self) -> None:
        self._rows.close()

    def finish(self) -> None:
        """Turn the checkpoint into the final file (whole or not at all), then remove it."""
        self.close()
        if self.path.exists() and self.checkpoint.stat().st_size == 0:
            self.checkpoint.unlink()
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        pa = pyarrow_module()
        schema = self._schema()
        try:
            writer = (
                pa.parquet.ParquetWriter(temporary, schema)
                if _is_parquet(self.path)
                else pa.ipc.new_file(str(temporary), schema)
            )
            with writer:
                if self.path.exists():
                    newer = pa.array(sorted(self._replaced), pa.int64())  # in the checkpoint
                    for batch in _batches(self.path, None):
                        table = pa.Table.from_batches([batch]).cast(schema)
                        if len(newer):
                            keep = pa.compute.invert(
                                pa.compute.is_in(table.column("index"), value_set=newer)
                            )
                            table = table.filter(keep)
                        writer.write_table(table)
                rows = _json_rows(self.checkpoint)
                while chunk := list(islice(rows, WRITE_BATCH)):
                    writer.write_table(
                        arrow_rows(chunk, self.result, _id_type(schema)).select(schema.names)
                    )
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, self.path)
        self.checkpoint.unlink()

    def _schema(self) -> Any:
        """The final file's columns: an existing file's, else from the checkpoint's ids."""
        pa = pyarrow_module()
        if self.path.exists():
            return _schema(self.path)
        id_type = None
        for row in _json_rows(self.checkpoint):
            if row.get("id") is not None:
                id_type = pa.array([row["id"]]).type
                break
        fields = [pa.field("index", pa.int64())]
        if id_type is not None:
            fields.append(pa.field("id", id_type))
        fields += [
            pa.field(self.result, result_type(self.result)),
            pa.field("error", error_type()),
        ]
        return pa.schema(fields)


def _id_type(schema: Any) -> Any:
    return schema.field("id").type if "id" in schema.names else None
