"""Compare our ``schemas/<task>/`` with a folder of upstream HF task specs.

Usage, from the project root::

    python -m codegen.schema_drift UPSTREAM_DIR            # readable report
    python -m codegen.schema_drift UPSTREAM_DIR --json     # machine-readable report
    python -m codegen.schema_drift UPSTREAM_DIR --root DIR # compare another tree's schemas/

Exit status: 0 when nothing drifted, 1 when something did, 2 on a usage or read error.

``UPSTREAM_DIR`` is laid out like huggingface.js ``packages/tasks/src/tasks``:
``<task>/spec/{input,output,stream_output}.json`` plus ``common-definitions.json``. Upstream
references such as ``/inference/schemas/common-definitions.json#/definitions/X`` are resolved
through the ``$id`` of the files in that folder (falling back to the file of the same name).

Each document is flattened into property paths with a set of JSON types, following ``$ref``,
``allOf``/``anyOf``/``oneOf`` and array ``items``::

    messages                  {array}
    messages[].content        {array, string}
    messages[].content[].text {string}

Then, per task and document, the report lists:

* ``+`` added upstream: a path upstream has and we don't;
* ``-`` removed upstream: a path we have and upstream doesn't;
* ``~`` retyped: both have the path but the type sets differ.

Conventions: ``null`` (and OpenAPI's ``nullable``) is ignored, since nullability is a
leniency choice here, not a shape difference; a schema without any type information counts as
``any`` and matches every type; ``additionalProperties`` maps are not descended into. Tasks
upstream has and we don't are listed as "not modelled" (``placeholder``, the upstream template,
is skipped); our folders that upstream lacks (``errors``, ``endpoints``...) are ignored.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DocumentDrift", "DriftReport", "compare", "flatten", "main", "required_paths"]

DOCUMENTS = ("input", "output", "stream_output")
IGNORED_UPSTREAM_TASKS = frozenset({"placeholder"})
ANY = "any"
_COMBINATORS = ("allOf", "anyOf", "oneOf")
_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


class DriftError(Exception):
    """A schema cannot be read or a reference cannot be resolved."""


# --------------------------------------------------------------------------------------------
# Loading and $ref resolution
# --------------------------------------------------------------------------------------------


class _Loader:
    """Reads JSON documents and resolves ``$ref``s relative to files or to known ``$id``s."""

    def __init__(self, search_root: Path | None = None) -> None:
        self._docs: dict[Path, dict[str, Any]] = {}
        self._by_id: dict[str, Path] = {}
        if search_root is not None:
            candidates = [*search_root.glob("*.json"), *search_root.glob("*/spec/*.json")]
            for path in sorted(candidates):
                try:
                    doc = self.load(path)
                except DriftError:
                    continue
                doc_id = doc.get("$id")
                if isinstance(doc_id, str):
                    self._by_id[doc_id] = path.resolve()

    def load(self, path: Path) -> dict[str, Any]:
        path = path.resolve()
        if path not in self._docs:
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise DriftError(f"{path}: cannot read JSON: {exc}") from None
            if not isinstance(doc, dict):
                raise DriftError(f"{path}: not a JSON object")
            self._docs[path] = doc
        return self._docs[path]

    def resolve(self, ref: str, path: Path) -> tuple[Path, Any]:
        """Return (file, schema) that ``ref`` (found in ``path``) points at."""
        file_part, _, pointer = ref.partition("#")
        target = path.resolve() if not file_part else self._file_for(file_part, path)
        node: Any = self.load(target)
        for raw in pointer.split("/")[1:] if pointer else []:
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise DriftError(f"{path}: $ref {ref!r} does not resolve")
        return target, node

    def _file_for(self, file_part: str, path: Path) -> Path:
        if file_part in self._by_id:
            return self._by_id[file_part]
        if not file_part.startswith("/") and "://" not in file_part:
            local = path.parent / file_part
            if local.is_file():
                return local.resolve()
            own_id = self.load(path).get("$id")
            if isinstance(own_id, str):  # relative to the document's $id
                joined = own_id.rsplit("/", 1)[0] + "/" + file_part
                if joined in self._by_id:
                    return self._by_id[joined]
        name = file_part.rstrip("/").rsplit("/", 1)[-1]
        for known, known_path in sorted(self._by_id.items()):
            if known.rsplit("/", 1)[-1] == name and known_path.name == name:
                return known_path
        raise DriftError(f"{path}: cannot find the file of $ref {file_part!r}")


# --------------------------------------------------------------------------------------------
# Flattening
# --------------------------------------------------------------------------------------------


def _own_types(schema: dict[str, Any]) -> set[str]:
    types: set[str] = set()
    declared = schema.get("type")
    if isinstance(declared, str):
        types.add(declared)
    elif isinstance(declared, list):
        types.update(t for t in declared if isinstance(t, str))
    values = list(schema.get("enum", []) or [])
    if "const" in schema:
        values.append(schema["const"])
    if not declared:
        for value in values:
            if value is None:
                types.add("null")
            else:
                types.add(_JSON_TYPES.get(type(value), ANY))
    if not types:
        if "properties" in schema:
            types.add("object")
        elif "items" in schema:
            types.add("array")
    return types


def flatten(path: Path, loader: _Loader | None = None) -> dict[str, set[str]]:
    """Map every property path of the document at ``path`` to its set of JSON types.

    ``null`` is dropped; ``{"any"}`` means "no type information".
    """
    loader = loader or _Loader()
    out: dict[str, set[str]] = {}

    def types_of(schema: Any, file: Path, seen: frozenset[tuple[Path, str]]) -> set[str]:
        if not isinstance(schema, dict):
            return {ANY}
        found = _own_types(schema)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            key = (file, ref)
            if key not in seen:
                target_file, target = loader.resolve(ref, file)
                found |= types_of(target, target_file, seen | {key}) - {ANY}
        for combinator in _COMBINATORS:
            for branch in schema.get(combinator, []) or []:
                found |= types_of(branch, file, seen) - {ANY}
        found.discard("null")
        return found or {ANY}

    def visit(schema: Any, file: Path, prefix: str, seen: frozenset[tuple[Path, str]]) -> None:
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str):
            key = (file, ref)
            if key not in seen:  # recursive schemas stop at the second visit
                target_file, target = loader.resolve(ref, file)
                visit(target, target_file, prefix, seen | {key})
        for combinator in _COMBINATORS:
            for branch in schema.get(combinator, []) or []:
                visit(branch, file, prefix, seen)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                child = f"{prefix}.{name}" if prefix else name
                types = types_of(sub, file, seen)
                previous = out.get(child)
                if previous is None or previous == {ANY}:
                    out[child] = set(types)
                elif types != {ANY}:
                    previous |= types
                visit(sub, file, child, seen)
        items = schema.get("items")
        if isinstance(items, dict):
            visit(items, file, f"{prefix}[]", seen)

    visit(loader.load(path), path.resolve(), "", frozenset())
    return out


def required_paths(path: Path, loader: _Loader | None = None) -> set[str]:
    """The property paths of the document at ``path`` that some schema lists as ``required``.

    Paths are spelled as in :func:`flatten`; a property required in one branch of a union
    counts as required.
    """
    loader = loader or _Loader()
    out: set[str] = set()

    def visit(schema: Any, file: Path, prefix: str, seen: frozenset[tuple[Path, str]]) -> None:
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and (file, ref) not in seen:
            target_file, target = loader.resolve(ref, file)
            visit(target, target_file, prefix, seen | {(file, ref)})
        for combinator in _COMBINATORS:
            for branch in schema.get(combinator, []) or []:
                visit(branch, file, prefix, seen)
        for name in schema.get("required", []) or []:
            if isinstance(name, str):
                out.add(f"{prefix}.{name}" if prefix else name)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                visit(sub, file, f"{prefix}.{name}" if prefix else name, seen)
        items = schema.get("items")
        if isinstance(items, dict):
            visit(items, file, f"{prefix}[]", seen)

    visit(loader.load(path), path.resolve(), "", frozenset())
    return out


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------


@dataclass
class DocumentDrift:
    """Differences for one document of one task (e.g. ``chat-completion/input``)."""

    task: str
    document: str
    added: dict[str, set[str]] = field(default_factory=dict)  # upstream only
    removed: dict[str, set[str]] = field(default_factory=dict)  # ours only
    retyped: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)  # (ours, up)
    only_upstream: bool = False  # the whole document is missing on our side
    only_ours: bool = False  # upstream has no such document
    # filled only by compare(..., required=True), for paths both sides have:
    required_upstream: set[str] = field(default_factory=set)  # required upstream only
    required_ours: set[str] = field(default_factory=set)  # required here only

    @property
    def drifted(self) -> bool:
        return bool(
            self.added or self.removed or self.retyped or self.only_upstream or self.only_ours
        )

    def required_lines(self) -> Iterator[str]:
        """``!`` lines: a path both sides have that only one side requires."""
        name = f"{self.task}/{self.document}"
        for path in sorted(self.required_upstream):
            yield f"{name}: ! {path} (required upstream only)"
        for path in sorted(self.required_ours):
            yield f"{name}: ! {path} (required here only)"

    def lines(self) -> Iterator[str]:
        name = f"{self.task}/{self.document}"
        if self.only_upstream:
            yield f"{name}: only upstream has this document ({len(self.added)} fields)"
        if self.only_ours:
            yield f"{name}: upstream has no such document"
        for path, types in sorted(self.added.items()):
            yield f"{name}: + {path} ({_fmt(types)})"
        for path, types in sorted(self.removed.items()):
            yield f"{name}: - {path} ({_fmt(types)})"
        for path, (ours, upstream) in sorted(self.retyped.items()):
            yield f"{name}: ~ {path} (ours {_fmt(ours)}, upstream {_fmt(upstream)})"


@dataclass
class DriftReport:
    documents: list[DocumentDrift] = field(default_factory=list)
    missing_tasks: list[str] = field(default_factory=list)  # upstream tasks we don't model
    compared_tasks: list[str] = field(default_factory=list)

    @property
    def drifted(self) -> bool:
        return bool(self.missing_tasks) or any(d.drifted for d in self.documents)

    def lines(self) -> Iterator[str]:
        for doc in self.documents:
            yield from doc.lines()
        for task in self.missing_tasks:
            yield f"{task}: not modelled (upstream task with no schemas/{task}/)"

    def to_json(self) -> dict[str, Any]:
        tasks: dict[str, dict[str, Any]] = {}
        for d in self.documents:
            if not d.drifted:
                continue
            tasks.setdefault(d.task, {})[d.document] = {
                "only_upstream": d.only_upstream,
                "only_ours": d.only_ours,
                "added": {p: sorted(t) for p, t in sorted(d.added.items())},
                "removed": {p: sorted(t) for p, t in sorted(d.removed.items())},
                "retyped": {
                    p: {"ours": sorted(o), "upstream": sorted(u)}
                    for p, (o, u) in sorted(d.retyped.items())
                },
            }
        return {
            "drift": self.drifted,
            "compared_tasks": self.compared_tasks,
            "missing_tasks": self.missing_tasks,
            "tasks": tasks,
        }


def _fmt(types: set[str]) -> str:
    return "|".join(sorted(types))


def _compatible(ours: set[str], upstream: set[str]) -> bool:
    return ours == upstream or ANY in ours or ANY in upstream


def _compare_document(
    task: str,
    document: str,
    ours: Path | None,
    upstream: Path | None,
    loader: _Loader,
    required: bool = False,
) -> DocumentDrift:
    drift = DocumentDrift(task, document)
    our_paths = flatten(ours, loader) if ours else {}
    up_paths = flatten(upstream, loader) if upstream else {}
    drift.only_upstream = ours is None
    drift.only_ours = upstream is None
    for path, types in up_paths.items():
        if path not in our_paths:
            drift.added[path] = types
        elif not _compatible(our_paths[path], types):
            drift.retyped[path] = (our_paths[path], types)
    for path, types in our_paths.items():
        if path not in up_paths:
            drift.removed[path] = types
    if required and ours and upstream:
        both = our_paths.keys() & up_paths.keys()
        our_required = required_paths(ours, loader) & both
        up_required = required_paths(upstream, loader) & both
        drift.required_upstream = up_required - our_required
        drift.required_ours = our_required - up_required
    return drift


def _tasks(folder: Path, upstream: bool) -> dict[str, Path]:
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        docs = sub / "spec" if upstream else sub
        if any((docs / f"{d}.json").is_file() for d in DOCUMENTS):
            out[sub.name] = docs
    return out


def compare(ours_dir: Path, upstream_dir: Path, *, required: bool = False) -> DriftReport:
    """Compare ``ours_dir`` (a ``schemas/`` folder) with an upstream task-spec folder.

    ``required=True`` also records, per document, the paths only one side requires
    (:meth:`DocumentDrift.required_lines`); they do not count as drift.
    """
    if not upstream_dir.is_dir():
        raise DriftError(f"no upstream folder at {upstream_dir}")
    loader = _Loader(upstream_dir)
    ours = _tasks(ours_dir, upstream=False)
    upstream = {
        name: path
        for name, path in _tasks(upstream_dir, upstream=True).items()
        if name not in IGNORED_UPSTREAM_TASKS
    }
    report = DriftReport()
    for task, up_docs in upstream.items():
        if task not in ours:
            report.missing_tasks.append(task)
            continue
        report.compared_tasks.append(task)
        for document in DOCUMENTS:
            ours_file = ours[task] / f"{document}.json"
            up_file = up_docs / f"{document}.json"
            if not ours_file.is_file() and not up_file.is_file():
                continue
            report.documents.append(
                _compare_document(
                    task,
                    document,
                    ours_file if ours_file.is_file() else None,
                    up_file if up_file.is_file() else None,
                    loader,
                    required,
                )
            )
    return report


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m codegen.schema_drift",
        description="Compare schemas/ with a folder of upstream HF task specs.",
    )
    parser.add_argument("upstream", type=Path, help="folder laid out like <task>/spec/*.json")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="project root holding schemas/ (default: this checkout)",
    )
    args = parser.parse_args(argv)
    try:
        report = compare(args.root / "schemas", args.upstream)
    except DriftError as exc:
        print(f"codegen.schema_drift: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        lines = list(report.lines())
        for line in lines:
            print(line)
        compared = ", ".join(report.compared_tasks) or "none"
        summary = (
            f"{len(lines)} difference(s); compared: {compared}; "
            f"{len(report.missing_tasks)} upstream task(s) not modelled"
        )
        print(summary if report.drifted else f"no drift (compared: {compared})")
    return 1 if report.drifted else 0


if __name__ == "__main__":
    sys.exit(main())
