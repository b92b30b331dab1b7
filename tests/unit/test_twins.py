"""The sync twin has the same public surface as the async original.

For every public class defined in a ``hf_inference_endpoints._async`` module, the matching
``hf_inference_endpoints._sync`` module must define the twin class (name mapped the way
``codegen/unasync.py`` maps it: ``AsyncChat`` -> ``Chat``), and both must expose the same members:

* members compared: public names plus ``__init__``/``__call__`` and the context-manager /
  iterator dunders (``__aenter__`` <-> ``__enter__`` ...), collected over the MRO classes that
  live in the respective package (inherited shared bases are identical by construction);
  member names go through the same mapping (``aclose`` -> ``close``); extra sync members are
  reported too;
* kind must match: method / classmethod / staticmethod / property / plain attribute;
* signatures (``inspect.signature``): parameter names, kinds and defaults must be equal,
  except that a parameter the async docstring documents as ``name: (async client only) ...``
  must be *absent* from the sync twin (async-only options do not leak into sync signatures);
  annotations, including the return annotation, are compared *as strings* after the async side
  went through the unasync name mapping (with ``from __future__ import annotations`` these are
  the source spellings, otherwise ``inspect.formatannotation``). Set ``COMPARE_ANNOTATIONS`` to
  False if that ever proves too brittle; names/kinds/defaults stay checked regardless;
* a sync member must not be a coroutine or async-generator function (leftover ``async``).

The comparison is exercised on a generated fixture tree as well (positive and negative cases),
so it stays meaningful while ``_async`` is still empty or not importable.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ASYNC_PKG = "hf_inference_endpoints._async"
SYNC_PKG = "hf_inference_endpoints._sync"
COMPARE_ANNOTATIONS = True
DUNDERS = {
    "__init__",
    "__call__",
    "__aenter__",
    "__aexit__",
    "__aiter__",
    "__anext__",
    "__enter__",
    "__exit__",
    "__iter__",
    "__next__",
}
_GENERIC = re.compile(r"Async[A-Z]\w*")
_WORD = re.compile(r"\b\w+\b")


# ---------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------
def load_codegen() -> ModuleType:
    """codegen/unasync.py, loaded by path (``codegen`` need not be on sys.path)."""
    name = "_codegen_unasync_for_twins"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "codegen" / "unasync.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses need it registered while executing
        spec.loader.exec_module(module)
    return sys.modules[name]


def unasync_name(name: str, mapping: Mapping[str, str]) -> str:
    """What codegen does to one NAME token (table/generic/defaults, then AsyncX -> SyncX)."""
    if name in mapping:
        return mapping[name]
    if _GENERIC.fullmatch(name):
        return "Sync" + name[len("Async") :]
    return name


def unasync_text(text: str, mapping: Mapping[str, str]) -> str:
    return _WORD.sub(lambda m: unasync_name(m.group(0), mapping), text)


def _owned(cls: type, prefix: str) -> bool:
    return cls.__module__ == prefix or cls.__module__.startswith(prefix + ".")


def _members(cls: type, prefix: str) -> dict[str, Any]:
    """Raw class-dict members of ``cls`` and its bases living under ``prefix`` (MRO order wins)."""
    found: dict[str, Any] = {}
    for klass in cls.__mro__:
        if not _owned(klass, prefix):
            continue
        for name, value in vars(klass).items():
            if (not name.startswith("_") or name in DUNDERS) and name not in found:
                found[name] = value
    return found


def _kind(value: Any) -> str:
    if isinstance(value, property):
        return "property"
    if isinstance(value, classmethod):
        return "classmethod"
    if isinstance(value, staticmethod):
        return "staticmethod"
    if inspect.isfunction(value):
        return "method"
    return "attribute"


def _function(value: Any) -> Callable[..., Any] | None:
    if isinstance(value, property):
        return value.fget
    if isinstance(value, (classmethod, staticmethod)):
        return value.__func__
    return value if inspect.isfunction(value) else None


def _annotation(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return "<none>"
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _default(default: Any) -> str:
    return "<required>" if default is inspect.Parameter.empty else repr(default)


_ASYNC_ONLY_ARG = re.compile(r"^\s+(\w+): \(async client only\)", re.MULTILINE)


def async_only_parameters(function: Callable[..., Any]) -> set[str]:
    """Parameters whose docstring entry starts with ``(async client only)`` (see codegen/unasync.py)."""
    return set(_ASYNC_ONLY_ARG.findall(function.__doc__ or ""))


def compare_signatures(
    where: str,
    async_fn: Callable[..., Any],
    sync_fn: Callable[..., Any],
    mapping: Mapping[str, str],
) -> list[str]:
    problems: list[str] = []
    a_sig, s_sig = inspect.signature(async_fn), inspect.signature(sync_fn)
    async_only = async_only_parameters(async_fn)
    leaked = sorted(async_only & set(s_sig.parameters))
    if leaked:
        problems.append(f"{where}: async-only parameters leak into the sync twin: {leaked}")
    a_params = [p for p in a_sig.parameters.values() if p.name not in async_only]
    s_params = list(s_sig.parameters.values())
    a_names, s_names = [p.name for p in a_params], [p.name for p in s_params]
    if a_names != s_names:
        missing = [n for n in a_names if n not in s_names]
        extra = [n for n in s_names if n not in a_names]
        return [
            f"{where}: parameters differ: async {a_names} vs sync {s_names}"
            + (f"; sync lacks {missing}" if missing else "")
            + (f"; sync adds {extra}" if extra else "")
        ]
    for a, s in zip(a_params, s_params, strict=True):
        if a.kind != s.kind:
            problems.append(f"{where}({a.name}): kind {a.kind.description} vs {s.kind.description}")
        if a.default is not s.default and unasync_text(_default(a.default), mapping) != _default(
            s.default
        ):
            problems.append(
                f"{where}({a.name}): default {_default(a.default)} vs {_default(s.default)}"
            )
        if COMPARE_ANNOTATIONS:
            want, got = unasync_text(_annotation(a.annotation), mapping), _annotation(s.annotation)
            if want != got:
                problems.append(
                    f"{where}({a.name}): annotation {want!r} expected, sync has {got!r}"
                )
    if COMPARE_ANNOTATIONS:
        want = unasync_text(_annotation(a_sig.return_annotation), mapping)
        got = _annotation(s_sig.return_annotation)
        if want != got:
            problems.append(f"{where}: return annotation {want!r} expected, sync has {got!r}")
    return problems


def compare_classes(
    async_cls: type,
    sync_cls: type,
    mapping: Mapping[str, str],
    async_prefix: str,
    sync_prefix: str,
) -> list[str]:
    problems: list[str] = []
    a_members = _members(async_cls, async_prefix)
    s_members = _members(sync_cls, sync_prefix)
    expected_sync_names = {unasync_name(n, mapping) for n in a_members}
    for name, a_value in sorted(a_members.items()):
        s_name = unasync_name(name, mapping)
        where = f"{sync_cls.__qualname__}.{s_name}"
        if s_name not in s_members:
            problems.append(f"{where}: missing (twin of {async_cls.__qualname__}.{name})")
            continue
        s_value = s_members[s_name]
        if _kind(a_value) != _kind(s_value):
            problems.append(f"{where}: is a {_kind(s_value)}, async twin is a {_kind(a_value)}")
            continue
        a_fn, s_fn = _function(a_value), _function(s_value)
        if a_fn is None or s_fn is None:
            continue
        if inspect.iscoroutinefunction(s_fn) or inspect.isasyncgenfunction(s_fn):
            problems.append(f"{where}: is still async in the sync twin")
        problems.extend(compare_signatures(where, a_fn, s_fn, mapping))
    problems.extend(
        f"{sync_cls.__qualname__}.{name}: extra member with no async twin"
        for name in sorted(set(s_members) - expected_sync_names)
    )
    return problems


def compare_modules(
    async_mod: ModuleType,
    sync_mod: ModuleType,
    mapping: Mapping[str, str],
    async_prefix: str,
    sync_prefix: str,
) -> list[str]:
    problems: list[str] = []
    for name, async_cls in sorted(vars(async_mod).items()):
        if name.startswith("_") or not inspect.isclass(async_cls):
            continue
        if async_cls.__module__ != async_mod.__name__:
            continue  # imported, compared where it is defined
        sync_name = unasync_name(name, mapping)
        sync_cls = getattr(sync_mod, sync_name, None)
        if not inspect.isclass(sync_cls):
            problems.append(f"{sync_mod.__name__}.{sync_name}: missing (twin of {name})")
            continue
        problems.extend(compare_classes(async_cls, sync_cls, mapping, async_prefix, sync_prefix))
    return problems


# ---------------------------------------------------------------------------------------------
# The real package
# ---------------------------------------------------------------------------------------------
def _async_modules() -> list[str]:
    try:
        spec = importlib.util.find_spec(ASYNC_PKG)
    except ModuleNotFoundError:
        spec = None
    if spec is None or spec.submodule_search_locations is None:
        return []
    package = importlib.import_module(ASYNC_PKG)
    found = pkgutil.walk_packages(package.__path__, ASYNC_PKG + ".")
    return [ASYNC_PKG, *sorted(info.name for info in found)]


def test_every_async_class_has_a_sync_twin_with_the_same_surface() -> None:
    modules = _async_modules()
    if not modules:
        pytest.skip(f"{ASYNC_PKG} is not importable (yet); the fixture tests below still run")
    mapping = load_codegen().build_replacements(REPO)
    problems: list[str] = []
    compared = 0
    for async_name in modules:
        sync_name = SYNC_PKG + async_name[len(ASYNC_PKG) :]
        try:
            sync_mod = importlib.import_module(sync_name)
        except ModuleNotFoundError:
            problems.append(f"{sync_name}: missing twin module of {async_name} (make generate)")
            continue
        async_mod = importlib.import_module(async_name)
        compared += sum(
            1
            for name, value in vars(async_mod).items()
            if not name.startswith("_")
            and inspect.isclass(value)
            and value.__module__ == async_name
        )
        problems.extend(compare_modules(async_mod, sync_mod, mapping, ASYNC_PKG, SYNC_PKG))
    if not compared and not problems:
        pytest.skip(f"{ASYNC_PKG} defines no public classes yet")
    assert not problems, "sync twin drifted (run `make generate`?):\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# The comparison itself, on a generated fixture
# ---------------------------------------------------------------------------------------------
FIXTURE = '''\
from __future__ import annotations

from collections.abc import AsyncIterator


async def async_sleep(seconds: float) -> None:
    """Stands in for hf_inference_endpoints._io.async_sleep."""


class AsyncWidget:
    kind = "widget"

    def __init__(self, name: str, *, retries: int = 3) -> None:
        self.name = name
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @classmethod
    def create(cls, name: str = "w") -> AsyncWidget:
        return cls(name)

    @staticmethod
    def version() -> str:
        return "1"

    async def __aenter__(self) -> AsyncWidget:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await async_sleep(0)
        self._closed = True

    async def fetch(self, url: str, /, *, timeout: float = 5.0, **extra: str) -> bytes:
        await async_sleep(0)
        return url.encode()

    async def lines(self, n: int = 2) -> AsyncIterator[str]:
        for i in range(n):
            await async_sleep(0)
            yield str(i)

    def __aiter__(self) -> AsyncIterator[str]:
        return self.lines()

    def _private(self, anything: int) -> None:
        pass


class AsyncGadget(AsyncWidget):
    async def spin(self, widget: AsyncWidget | None = None) -> AsyncGadget:
        return self


class _AsyncHidden:
    pass
'''


@pytest.fixture(scope="module")
def fixture_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """Generate the sync twin of FIXTURE with the real generator; return (async, sync, mapping)."""
    root = tmp_path_factory.mktemp("twins")
    shutil.copytree(
        REPO / "codegen", root / "codegen", ignore=shutil.ignore_patterns("__pycache__")
    )
    async_file = root / "src/hf_inference_endpoints/_async/widgets.py"
    async_file.parent.mkdir(parents=True)
    async_file.write_text(FIXTURE, encoding="utf-8")
    codegen = load_codegen()
    assert codegen.main(["--root", str(root)]) == 0
    sync_file = root / "src/hf_inference_endpoints/_sync/widgets.py"
    return async_file, sync_file, codegen.build_replacements(root)


_counter = iter(range(10**6))


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    """Import source text as a fresh, uniquely named module (removed from sys.modules after)."""

    def _load(text: str) -> ModuleType:
        name = f"_twins_fixture_{next(_counter)}"
        spec = importlib.util.spec_from_loader(name, loader=None)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, name, module)
        exec(compile(text, name, "exec"), module.__dict__)
        return module

    return _load


def _compare(
    load: Callable[[str], ModuleType], async_text: str, sync_text: str, mapping: dict[str, str]
) -> list[str]:
    a, s = load(async_text), load(sync_text)
    return compare_modules(a, s, mapping, a.__name__, s.__name__)


def test_generated_fixture_twin_matches(
    fixture_tree: tuple[Path, Path, dict[str, str]], load: Callable[[str], ModuleType]
) -> None:
    async_file, sync_file, mapping = fixture_tree
    sync_text = sync_file.read_text(encoding="utf-8")
    assert "class Widget:" in sync_text
    assert "class Gadget(Widget):" in sync_text
    assert _compare(load, async_file.read_text(), sync_text, mapping) == []

    # and the generated twin actually works synchronously
    sync_mod = load(sync_text)
    with sync_mod.Widget.create() as widget:
        assert list(widget) == ["0", "1"]
        assert widget.fetch("u", timeout=1.0) == b"u"
    assert widget.closed


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "def fetch(self, url: str, /, *, timeout: float = 5.0, **extra: str)",
            "def fetch(self, url: str, /, **extra: str)",
            "Widget.fetch: parameters differ: async ['self', 'url', 'timeout', 'extra'] vs sync "
            "['self', 'url', 'extra']; sync lacks ['timeout']",
            id="missing-parameter",
        ),
        pytest.param(
            "timeout: float = 5.0",
            "timeout: float = 6.0",
            "Widget.fetch(timeout): default 5.0 vs 6.0",
            id="changed-default",
        ),
        pytest.param(
            "def fetch(self, url: str, /, *,",
            "def fetch(self, url: str, *,",
            "Widget.fetch(url): kind positional-only vs positional or keyword",
            id="changed-kind",
        ),
        pytest.param(
            "def lines(self, n: int = 2) -> Iterator[str]:",
            "def lines(self, n: int = 2) -> Iterator[bytes]:",
            "Widget.lines: return annotation 'Iterator[str]' expected, sync has 'Iterator[bytes]'",
            id="changed-return-annotation",
        ),
        pytest.param(
            "def spin(self, widget: Widget | None = None)",
            "def spin(self, widget: AsyncWidget | None = None)",
            "Gadget.spin(widget): annotation 'Widget | None' expected, sync has "
            "'AsyncWidget | None'",
            id="unmapped-annotation",
        ),
        pytest.param(
            "    def close(self) -> None:",
            "    def shut(self) -> None:",
            "Widget.close: missing (twin of AsyncWidget.aclose)",
            id="missing-method",
        ),
        pytest.param(
            "    def close(self) -> None:",
            "    def shut(self) -> None:",
            "Widget.shut: extra member with no async twin",
            id="extra-method",
        ),
        pytest.param(
            "    def fetch(",
            "    async def fetch(",
            "Widget.fetch: is still async in the sync twin",
            id="left-async",
        ),
        pytest.param(
            "    @property\n    def closed",
            "    def closed",
            "Widget.closed: is a method, async twin is a property",
            id="property-became-method",
        ),
        pytest.param(
            "class Gadget(Widget):",
            "class Gizmo(Widget):",
            "Gadget: missing (twin of AsyncGadget)",
            id="missing-class",
        ),
    ],
)
def test_checker_reports_drift(
    fixture_tree: tuple[Path, Path, dict[str, str]],
    load: Callable[[str], ModuleType],
    old: str,
    new: str,
    expected: str,
) -> None:
    async_file, sync_file, mapping = fixture_tree
    sync_text = sync_file.read_text(encoding="utf-8")
    assert old in sync_text, f"fixture drifted: {old!r} not in generated text:\n{sync_text}"
    problems = _compare(load, async_file.read_text(), sync_text.replace(old, new, 1), mapping)
    assert any(p.endswith(expected) for p in problems), "\n".join(problems)


def test_private_classes_and_members_are_not_compared(
    load: Callable[[str], ModuleType],
) -> None:
    async_text = textwrap.dedent(
        """\
        class _AsyncHidden:
            def x(self, a): ...
        class AsyncShown:
            def _helper(self, a): ...
        """
    )
    sync_text = "class Shown:\n    def _helper(self): ...\n"
    assert _compare(load, async_text, sync_text, {"AsyncShown": "Shown"}) == []


def test_async_only_options_are_absent_from_the_sync_twin() -> None:
    from hf_inference_endpoints._async.audio import AsyncAudio
    from hf_inference_endpoints._async.embeddings import AsyncEmbeddings
    from hf_inference_endpoints._sync.audio import Audio
    from hf_inference_endpoints._sync.embeddings import Embeddings

    for async_fn, sync_fn in [
        (AsyncAudio.transcribe, Audio.transcribe),
        (AsyncEmbeddings.create, Embeddings.create),
    ]:
        assert async_only_parameters(async_fn) == {"max_concurrency"}
        assert "max_concurrency" in inspect.signature(async_fn).parameters
        assert "max_concurrency" not in inspect.signature(sync_fn).parameters
        assert "max_concurrency" not in (sync_fn.__doc__ or "")
        assert "async client only" not in (sync_fn.__doc__ or "")
