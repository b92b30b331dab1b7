"""Generate the sync twin from the hand-written async code.

Pairs (relative to the project root)::

    src/hf_inference_endpoints/_async/  ->  src/hf_inference_endpoints/_sync/
    tests/_async/                       ->  tests/_sync/
    tests/hostile/_async/               ->  tests/hostile/_sync/

Usage, from the project root::

    python -m codegen.unasync              # (re)write the _sync trees       (`make generate`)
    python -m codegen.unasync --check      # exit 1 if anything is stale     (`make check-generated`)
    python -m codegen.unasync --root DIR   # work on another tree (the tests use a copy)

Only ``*.py`` files count; everything else in the four folders is ignored. A missing ``_async``
folder means "nothing to generate".

Pipeline, per ``_async`` file (identical in both modes, so ``--check`` cannot disagree with
``make generate``): the PyPI ``unasync`` package drops ``async``/``await`` and renames NAME
tokens -> our pass over strings and comments -> line markers -> banner on line 1 ->
``python -m ruff format`` with the project's ruff config. Everything is built in a temporary
folder first; ``--check`` diffs it against the committed ``_sync`` trees, generate mode copies
only files whose text changed and deletes orphans (``_sync`` files whose ``_async`` source is
gone) that carry our banner.

Name mapping, highest precedence first:

1. ``REPLACEMENTS`` below: the explicit table (docs/ARCHITECTURE.md, "unasync rule table").
2. The generic rule: every identifier matching ``Async[A-Z]\\w*`` that is *defined* (class,
   def, or module-level assignment) anywhere under an ``_async`` folder maps to the name without
   ``Async``: ``class AsyncEmbeddings`` -> ``class Embeddings``. New services need no table edit.
3. ``_io`` pairs: a name ``async_<x>`` (or ``Async<X>``) defined in
   ``src/hf_inference_endpoints/_io.py`` maps to ``sync_<x>`` (``Sync<X>``) when that twin is
   defined there too, so a new ``_io`` primitive needs no table edit either.
4. unasync's built-in defaults: ``__aenter__``/``__aexit__``/``__aiter__``/``__anext__`` ->
   ``__enter__``/..., ``asynccontextmanager``, ``AsyncIterable``/``AsyncIterator``/
   ``AsyncGenerator``, ``StopAsyncIteration``; and, for any *other* ``Async[A-Z]...`` name
   (e.g. a third-party class we do not define), ``AsyncX`` -> ``SyncX``. If that fallback is wrong
   for a name, add it to ``REPLACEMENTS``.

Where names are renamed:

* Code: every NAME token, so dotted names are renamed segment by segment
  (``httpx2.AsyncClient`` -> ``httpx2.Client``, ``hf_inference_endpoints._async.chat`` ->
  ``hf_inference_endpoints._sync.chat``). ``async`` and ``await`` keywords are removed
  (``async with`` -> ``with``, ``async for`` -> ``for``, ``await x`` -> ``x``).
* Strings, docstrings, comments: unasync itself only renames a string whose *whole* content is
  one mapped name (``"aclose"``). We additionally rename whole words of names from 1.-4. inside
  every string literal and comment, so ``"hf_inference_endpoints._async._client.X"`` (e.g. a
  ``monkeypatch.setattr`` target), ``match="AsyncStream is closed"`` and docstrings such as
  "Use :class:`AsyncChat`" follow the rename. The folder ``_async`` is renamed in text only
  inside a dotted module path (``hf_inference_endpoints._async.chat``) or a file path
  (``tests/_async/test_x.py``); prose such as "written in _async/" is about where the
  source lives and stays true in the twin. The ``AsyncX -> SyncX`` fallback is *not* applied
  to prose. In doctest lines (``>>> ``/``... ``) and in ``inline literals`` the keywords go
  too: ``>>> async with await client.chat.stream(...) as s:`` becomes
  ``>>> with client.chat.stream(...) as s:`` and an inline ``async for`` literal becomes
  ``for``. Other prose ("call it from async code") is left alone: phrase docstrings so they
  read right in both twins.

Line markers (a real ``#`` comment at the end of a line in an ``_async`` file):

* ``# unasync: remove``        the line is dropped from the sync output.
* ``# unasync: remove-begin`` ... ``# unasync: remove-end``
                               both marker lines and everything between are dropped.
* ``# unasync: keep``          the line is copied verbatim (no keyword removal, no renames).

Async-only prose: a line of a string literal (a docstring) that contains
``(async client only)`` is dropped from the sync output, together with the lines after it that
are indented deeper (an ``Args:`` entry's continuation) and, when it stood alone as a paragraph,
the blank line before it. So an option that exists only in the async twin (its parameter line
marked ``# unasync: remove``) is documented there and nowhere in the sync twin::

    max_concurrency: (async client only) Most chunks sent at once
        (an int >= 1, default 4).

Test-side conventions (applied automatically, no marker needed):

* ``@pytest.mark.anyio`` / ``@pytest.mark.anyio(...)`` decorators are dropped.
* ``pytestmark = pytest.mark.anyio`` (or a list/tuple holding only anyio marks) is dropped.
  In a mixed list the mark is left in place; it is harmless on sync tests (anyio's plugin only
  acts on coroutine functions), or mark the line ``# unasync: remove``.
* A function named ``anyio_backend`` (the fixture, with its decorators) is dropped; anyio's
  plugin provides a default ``anyio_backend`` fixture should a sync test still request one.

Rules of thumb for ``_async`` authors: sleep/clock/lock only through ``_io``'s ``async_sleep``/
``async_monotonic``/``AsyncLock``; never put ``await`` as the last token of a line (write
``await (...)`` on one line, the formatter may split the inside); anything that has no sync
spelling goes on a ``# unasync: remove`` line or in a remove block.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import re
import subprocess
import sys
import tempfile
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import unasync

# ---------------------------------------------------------------------------------------------
# The rule table: the one place to edit. Keys are exact identifiers in _async code.
# ---------------------------------------------------------------------------------------------
REPLACEMENTS: dict[str, str] = {
    # our own types (the generic Async[A-Z] rule covers these too; listed for the record)
    "AsyncHfInferenceClient": "HfInferenceClient",
    "AsyncTransport": "Transport",
    "AsyncStream": "Stream",
    "AsyncChat": "Chat",
    "AsyncTextGeneration": "TextGeneration",
    # httpx2
    "AsyncClient": "Client",
    "AsyncHTTPTransport": "HTTPTransport",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncByteStream": "SyncByteStream",
    "handle_async_request": "handle_request",
    # httpcore2
    "AsyncConnectionPool": "ConnectionPool",
    "AsyncHTTPProxy": "HTTPProxy",
    "AsyncNetworkBackend": "NetworkBackend",
    "AsyncNetworkStream": "NetworkStream",
    "aclose": "close",
    "aread": "read",
    "aiter_bytes": "iter_bytes",
    "aiter_lines": "iter_lines",
    "aiter_raw": "iter_raw",
    # hf_inference_endpoints._io primitives
    "async_sleep": "sync_sleep",
    "AsyncLock": "SyncLock",
    "async_monotonic": "sync_monotonic",
    # shared-state storage and limiters (_storage/, _limits/): a-prefixed coroutines
    "aget_many": "get_many",
    "aset_many": "set_many",
    "arun_script": "run_script",
    "areserve": "reserve",
    "apenalize": "penalize",
    "asettle": "settle",
    # package path
    "_async": "_sync",
    # stdlib: typing / collections.abc / contextlib / builtins
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "AsyncContextManager": "ContextManager",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "asynccontextmanager": "contextmanager",
    "AsyncExitStack": "ExitStack",
    "aclosing": "closing",
    "anext": "next",
    "aiter": "iter",
    "StopAsyncIteration": "StopIteration",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
}

PAIRS: tuple[tuple[str, str], ...] = (
    ("src/hf_inference_endpoints/_async", "src/hf_inference_endpoints/_sync"),
    ("tests/_async", "tests/_sync"),
    ("tests/hostile/_async", "tests/hostile/_sync"),
)

BANNER_PREFIX = "# GENERATED by codegen/unasync.py from "
BANNER = BANNER_PREFIX + "{source} — do not edit; run `make generate`."
FOREIGN_HINT = (
    "(no _async source and no GENERATED banner: hand-written code does not belong in _sync; "
    "move it to the matching _async folder or delete it)"
)
FIX_HINT = "run `make generate` (python -m codegen.unasync) and commit the result"
GENERIC_NAME = re.compile(r"Async[A-Z]\w*")
MARKER = re.compile(r"#\s*unasync:\s*(?P<what>remove-begin|remove-end|remove|keep)\s*")
ASYNC_ONLY = "(async client only)"
#: ``_async`` inside a dotted module path or a file path (``tests/_async/x.py``): the only
#: places prose renames the folder ("written in _async/" stays).
_DOTTED_ASYNC = re.compile(r"(?<=[./])_async\b")
_PACKAGE_WORDS = frozenset({"_async"})
MAX_DIFF_LINES = 40
IO_MODULE = "src/hf_inference_endpoints/_io.py"
_KEYWORDS = re.compile(r"\basync\s+(?=(?:with|for|def)\b)|\bawait\s+")
_EXAMPLE_LINE = re.compile(r"^(?P<prompt>[ \t]*(?:>>>|\.\.\.)[ \t])(?P<code>.*)$", re.MULTILINE)
_RST_LITERAL = re.compile(r"``(?P<code>[^`\n]+)``")

_FSTRING_MIDDLE: int | None = getattr(tokenize, "FSTRING_MIDDLE", None)  # Python >= 3.12
_TEXT_TOKENS = {tokenize.STRING, tokenize.COMMENT} | (
    {_FSTRING_MIDDLE} if _FSTRING_MIDDLE is not None else set()
)


class UnasyncError(Exception):
    """A source file cannot be turned into its sync twin."""


# ---------------------------------------------------------------------------------------------
# Name mapping
# ---------------------------------------------------------------------------------------------
def _py_files(folder: Path) -> list[Path]:
    """``*.py`` under ``folder``, sorted, skipping caches and hidden folders."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*.py")
        if p.is_file()
        and not any(
            part == "__pycache__" or part.startswith(".") for part in p.relative_to(folder).parts
        )
    )


def _defined_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
    for stmt in tree.body:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = list(stmt.targets)
        elif isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def generic_names(root: Path) -> dict[str, str]:
    """The generic rule: ``Async[A-Z]\\w*`` names defined under an ``_async`` folder -> unprefixed."""
    found: dict[str, str] = {}
    for async_dir, _ in PAIRS:
        for path in _py_files(root / async_dir):
            tree = _parse(path.read_text(encoding="utf-8"), path)
            for name in _defined_names(tree):
                if GENERIC_NAME.fullmatch(name):
                    found[name] = name[len("Async") :]
    return found


def io_twins(root: Path) -> dict[str, str]:
    """``_io.py`` pairs: ``async_<x>`` -> ``sync_<x>`` and ``Async<X>`` -> ``Sync<X>``, when both exist."""
    path = root / IO_MODULE
    if not path.is_file():
        return {}
    names = _defined_names(_parse(path.read_text(encoding="utf-8"), path))
    found: dict[str, str] = {}
    for name in names:
        if name.startswith("async_"):
            twin = "sync_" + name[len("async_") :]
        elif GENERIC_NAME.fullmatch(name):
            twin = "Sync" + name[len("Async") :]
        else:
            continue
        if twin in names:
            found[name] = twin
    return found


def build_replacements(root: Path) -> dict[str, str]:
    """The complete NAME mapping for ``root``: unasync defaults < ``_io`` pairs < generic < table."""
    defaults: dict[str, str] = dict(unasync.Rule("/_async/", "/_sync/").token_replacements)
    return {**defaults, **io_twins(root), **generic_names(root), **REPLACEMENTS}


def rename_words(text: str, mapping: Mapping[str, str]) -> str:
    """Rename whole-word occurrences of ``mapping`` keys in free text (strings, comments)."""
    if not mapping:
        return text
    pattern = re.compile(
        r"\b(?:" + "|".join(map(re.escape, sorted(mapping, key=len, reverse=True))) + r")\b"
    )
    return pattern.sub(lambda m: mapping[m.group(0)], text)


# ---------------------------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------------------------
def _parse(text: str, path: Path | str) -> ast.Module:
    try:
        return ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise UnasyncError(f"{path}: cannot parse: {exc}") from exc


def _lines(text: str) -> list[str]:
    """Split like ``tokenize`` does (on ``\\n`` only), keeping line ends."""
    return io.StringIO(text, newline="").readlines() if text else []


def _tokens(text: str, path: Path | str) -> list[tokenize.TokenInfo]:
    try:
        return list(tokenize.generate_tokens(io.StringIO(text, newline="").readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise UnasyncError(f"{path}: cannot tokenize: {exc}") from exc


def unasync_examples(text: str) -> str:
    """Drop ``async``/``await`` from doctest lines and ``inline literals`` in free text."""
    text = _EXAMPLE_LINE.sub(lambda m: m["prompt"] + _KEYWORDS.sub("", m["code"]), text)
    return _RST_LITERAL.sub(lambda m: "``" + _KEYWORDS.sub("", m["code"]) + "``", text)


def rewrite_text(text: str, mapping: Mapping[str, str]) -> str:
    """What happens to the inside of a string literal or comment.

    ``_async`` is renamed only in a dotted module path (see the module docstring).
    """
    words = {k: v for k, v in mapping.items() if k not in _PACKAGE_WORDS}
    text = rename_words(text, words)
    if "_async" in mapping:
        text = _DOTTED_ASYNC.sub(mapping["_async"], text)
    return unasync_examples(text)


def rename_in_strings_and_comments(text: str, mapping: Mapping[str, str], path: Path | str) -> str:
    """Apply :func:`rewrite_text` to every string literal and comment of ``text``."""
    starts = [0]
    for line in _lines(text):
        starts.append(starts[-1] + len(line))
    spans = [
        (starts[t.start[0] - 1] + t.start[1], starts[t.end[0] - 1] + t.end[1])
        for t in _tokens(text, path)
        if t.type in _TEXT_TOKENS
    ]
    out: list[str] = []
    pos = 0
    for begin, end in spans:
        out.append(text[pos:begin])
        out.append(rewrite_text(text[begin:end], mapping))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _is_anyio_mark(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    return ast.unparse(node) == "pytest.mark.anyio"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def async_only_lines(source: str, path: Path | str) -> set[int]:
    """1-based lines of string literals that document something only the async twin has."""
    lines = _lines(source)
    drop: set[int] = set()
    for tok in _tokens(source, path):
        if tok.type != tokenize.STRING or ASYNC_ONLY not in tok.string:
            continue
        first, last = tok.start[0], tok.end[0]
        row = first
        while row <= last:
            line = lines[row - 1]
            if ASYNC_ONLY not in line or row == first:
                row += 1
                continue
            depth = _indent(line)
            end = row + 1
            while end < last and lines[end - 1].strip() and _indent(lines[end - 1]) > depth:
                end += 1
            drop.update(range(row, end))
            before, after = lines[row - 2], lines[end - 1] if end <= len(lines) else ""
            if not before.strip() and (not after.strip() or after.strip().startswith('"""')):
                drop.add(row - 1)  # a paragraph of its own: its blank line goes too
            row = end
    return drop


def line_actions(source: str, path: Path | str) -> tuple[set[int], set[int]]:
    """1-based line numbers of ``source`` to drop and to keep verbatim."""
    drop: set[int] = set()
    keep: set[int] = set()
    block_start: int | None = None
    for tok in _tokens(source, path):
        if tok.type != tokenize.COMMENT or not (m := MARKER.fullmatch(tok.string)):
            continue
        row, what = tok.start[0], m.group("what")
        if what == "remove":
            drop.add(row)
        elif what == "keep":
            keep.add(row)
        elif what == "remove-begin":
            if block_start is not None:
                raise UnasyncError(f"{path}:{row}: nested `# unasync: remove-begin`")
            block_start = row
        else:
            if block_start is None:
                raise UnasyncError(f"{path}:{row}: `# unasync: remove-end` without remove-begin")
            drop.update(range(block_start, row + 1))
            block_start = None
    if block_start is not None:
        raise UnasyncError(f"{path}:{block_start}: `# unasync: remove-begin` is never closed")
    drop.update(async_only_lines(source, path))

    tree = _parse(source, path)

    def span(node: ast.expr | ast.stmt) -> range:
        return range(node.lineno, (node.end_lineno or node.lineno) + 1)

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name == "anyio_backend"
            ):
                first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                drop.update(range(first, span(node).stop))
                continue
            for dec in node.decorator_list:
                if _is_anyio_mark(dec):
                    drop.update(span(dec))
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and [ast.unparse(t) for t in stmt.targets] == ["pytestmark"]
            and (
                _is_anyio_mark(stmt.value)
                or (
                    isinstance(stmt.value, (ast.List, ast.Tuple))
                    and stmt.value.elts
                    and all(_is_anyio_mark(e) for e in stmt.value.elts)
                )
            )
        ):
            drop.update(span(stmt))
    return drop, keep


def finish(source: str, unasynced: str, rel_source: str, mapping: Mapping[str, str]) -> str:
    """Everything after unasync's token pass, before formatting."""
    text = rename_in_strings_and_comments(unasynced, mapping, rel_source)
    src_lines, out_lines = _lines(source), _lines(text)
    if len(src_lines) != len(out_lines):
        raise UnasyncError(
            f"{rel_source}: unasync changed the number of lines ({len(src_lines)} -> "
            f"{len(out_lines)}); is there an `await`/`async` at the end of a line?"
        )
    drop, keep = line_actions(source, rel_source)
    kept = [
        src_lines[i] if i + 1 in keep else line
        for i, line in enumerate(out_lines)
        if i + 1 not in drop
    ]
    return BANNER.format(source=rel_source) + "\n" + "".join(kept)


# ---------------------------------------------------------------------------------------------
# The whole tree
# ---------------------------------------------------------------------------------------------
def _ruff_config(root: Path) -> list[str]:
    for name in ("ruff.toml", ".ruff.toml"):
        if (root / name).is_file():
            return ["--config", str(root / name)]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and "[tool.ruff" in pyproject.read_text(encoding="utf-8"):
        return ["--config", str(pyproject)]
    return ["--isolated"]


def ruff_format(files: Sequence[Path], root: Path) -> None:
    """Format ``files`` in place with the project's ruff settings (explicit files are never excluded)."""
    if not files:
        return
    cmd = [sys.executable, "-m", "ruff", "format", "--quiet", *_ruff_config(root), *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise UnasyncError(f"ruff format failed on the generated code:\n{proc.stdout}{proc.stderr}")


def render(root: Path, stage: Path) -> dict[str, str]:
    """Generate every sync file for ``root`` under ``stage``; return {sync path rel. to root: text}."""
    mapping = build_replacements(root)
    written: list[Path] = []
    for async_dir, sync_dir in PAIRS:
        sources = _py_files(root / async_dir)
        if not sources:
            continue
        from_dir, to_dir = root / async_dir, stage / sync_dir
        rule = unasync.Rule(
            fromdir=str(from_dir) + "/", todir=str(to_dir) + "/", additional_replacements=mapping
        )
        unasync.unasync_files([str(p) for p in sources], rules=[rule])
        for src in sources:
            rel = src.relative_to(from_dir)
            out = to_dir / rel
            if not out.is_file():
                raise UnasyncError(f"unasync did not produce {out} from {src}")
            source_text = src.read_text(encoding="utf-8")
            result = finish(
                source_text,
                out.read_text(encoding="utf-8"),
                src.relative_to(root).as_posix(),
                mapping,
            )
            out.write_text(result, encoding="utf-8", newline="")
            written.append(out)
    ruff_format(written, root)
    return {p.relative_to(stage).as_posix(): p.read_text(encoding="utf-8") for p in written}


def committed(root: Path) -> dict[str, str]:
    """The ``*.py`` files currently in the ``_sync`` trees: {path rel. to root: text}."""
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for _, sync_dir in PAIRS
        for p in _py_files(root / sync_dir)
    }


@dataclass
class Report:
    stale: dict[str, list[str]] = field(default_factory=dict)  # path -> unified diff lines
    missing: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # generated, but the _async source is gone
    foreign: list[str] = field(default_factory=list)  # no _async source and no banner

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.orphans or self.foreign)


def _is_generated(text: str) -> bool:
    return text.startswith(BANNER_PREFIX)


def compare(expected: Mapping[str, str], actual: Mapping[str, str]) -> Report:
    report = Report()
    for path in sorted(expected):
        if path not in actual:
            report.missing.append(path)
        elif actual[path] != expected[path]:
            diff = difflib.unified_diff(
                actual[path].splitlines(),
                expected[path].splitlines(),
                f"{path} (committed)",
                f"{path} (generated)",
                n=1,
                lineterm="",
            )
            report.stale[path] = list(diff)
    for path in sorted(set(actual) - set(expected)):
        (report.orphans if _is_generated(actual[path]) else report.foreign).append(path)
    return report


def _print_report(report: Report) -> None:
    lines: list[str] = []
    budget = MAX_DIFF_LINES
    for path, diff in report.stale.items():
        lines.append(f"stale:   {path}")
        shown = diff[: max(budget, 0)]
        budget -= len(shown)
        lines.extend("    " + d for d in shown)
        if len(shown) < len(diff):
            lines.append(f"    ... ({len(diff) - len(shown)} more diff lines)")
    lines.extend(f"missing: {p}" for p in report.missing)
    lines.extend(
        f"orphan:  {p}  (no _async source; `make generate` deletes it)" for p in report.orphans
    )
    lines.extend(f"orphan:  {p}  {FOREIGN_HINT}" for p in report.foreign)
    lines.append(f"unasync: the sync twin is out of date: {FIX_HINT}.")
    print("\n".join(lines), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m codegen.unasync",
        description="Generate _sync/ from _async/ (src/hf_inference_endpoints and tests).",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the _sync trees are stale")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="project root (default: the folder holding codegen/)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()

    try:
        with tempfile.TemporaryDirectory(prefix="unasync-") as tmp:
            expected = render(root, Path(tmp))
    except UnasyncError as exc:
        print(f"unasync: error: {exc}", file=sys.stderr)
        return 2
    actual = committed(root)
    report = compare(expected, actual)

    if args.check:
        if report.clean:
            return 0
        _print_report(report)
        return 1

    for path in [*report.missing, *report.stale]:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(expected[path], encoding="utf-8", newline="")
        print(f"unasync: wrote {path}")
    for path in report.orphans:
        (root / path).unlink()
        print(f"unasync: removed orphan {path}")
    for path in report.foreign:
        print(f"unasync: error: {path} {FOREIGN_HINT}", file=sys.stderr)
    return 1 if report.foreign else 0


if __name__ == "__main__":
    sys.exit(main())
