"""The rooms of the house stay apart (static checks over the source, no I/O).

* The transport only sends: neither twin's ``_transport`` imports routing, provider
  helpers, failover, the services or the client (directly or through what it imports).
* Provider policy lives in ``_routing/providers/``: no provider name appears as a string
  in code anywhere else in the library (docstrings and examples may name providers).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "hf_inference_endpoints"

#: Modules the transport must never load: the layers above it.
ABOVE_TRANSPORT = (
    "hf_inference_endpoints._routing",
    "hf_inference_endpoints._tasks",
    "hf_inference_endpoints._embeddings",
    "hf_inference_endpoints._endpoints",
    "hf_inference_endpoints._generation",
)
ABOVE_TRANSPORT_IN_TWIN = (
    "_providers",
    "_failover",
    "_execute",
    "_task_runner",
    "_client",
    "endpoints",
)

#: Outside ``_routing/providers/``, the only places a provider name may be code: the
#: config's documented default value.
ALLOWED = {("_config.py", "hf-inference")}

#: Not library code: the emulator plays the providers, models are generated.
SKIPPED_FOLDERS = {"emulator", "models", "providers"}


@pytest.mark.parametrize("twin", ["_async", "_sync"])
def test_the_transport_imports_nothing_above_it(twin: str) -> None:
    code = (
        "import sys\n"
        f"import hf_inference_endpoints.{twin}._transport\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = [m for m in out.stdout.split() if m.startswith("hf_inference_endpoints")]
    above = [
        m
        for m in loaded
        if m.startswith(ABOVE_TRANSPORT)
        or (
            m.rsplit(".", 1)[-1] in ABOVE_TRANSPORT_IN_TWIN
            and m.startswith(("hf_inference_endpoints._async", "hf_inference_endpoints._sync"))
        )
    ]
    assert above == [], f"the transport loads layers above it: {above}"
    assert f"hf_inference_endpoints.{twin}._transport" in loaded  # the check saw it


def _provider_names() -> set[str]:
    from hf_inference_endpoints._routing.providers import known_providers

    return set(known_providers())


def _docstring_nodes(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def special_cases(root: Path, names: set[str]) -> list[str]:
    """``file:line: 'name'`` for each provider name written as a string in code under ``root``."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if SKIPPED_FOLDERS & set(rel.parts[:-1]) or rel.parts[0] == "_sync":
            continue  # _sync is generated from _async, checked there
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstring_nodes(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in names
                and id(node) not in docstrings
                and (rel.as_posix(), node.value) not in ALLOWED
            ):
                found.append(f"{rel.as_posix()}:{node.lineno}: {node.value!r}")
    return found


def test_no_provider_is_special_cased_outside_the_provider_helpers() -> None:
    assert special_cases(PACKAGE, _provider_names()) == []


def test_the_special_case_check_finds_one(tmp_path: Path) -> None:
    (tmp_path / "_async").mkdir()
    (tmp_path / "_async" / "chat.py").write_text(
        '"""Docstrings may say "together"."""\n\nif provider == "together":\n    pass\n'
    )
    assert special_cases(tmp_path, {"together"}) == ["_async/chat.py:3: 'together'"]


@pytest.mark.parametrize("name", ["sniff_mime", "ResponseKind"])
def test_one_definition_of_each_shared_notion(name: str) -> None:
    where = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("_sync", "emulator", "models"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            defined = (
                isinstance(node, ast.FunctionDef)
                and node.name == name
                and not any(ast.unparse(d) == "overload" for d in node.decorator_list)
            ) or (
                isinstance(node, (ast.Assign, ast.AnnAssign))
                and name
                in [
                    t.id
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(t, ast.Name)
                ]
            )
            if defined:
                where.append(rel.as_posix())
    assert len(where) == 1, f"{name} is defined in {where}"


#: Inference services: every call they make goes through ``_execute`` (one path).
INFERENCE_SERVICES = ("chat.py", "text_generation.py", "embeddings.py", "_task_runner.py")


def _attribute_calls(path: Path) -> set[str]:
    """``x.y(...)`` calls of a module, as ``"<source of x>.y"``."""
    calls = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            calls.add(f"{ast.unparse(node.func.value)}.{node.func.attr}")
    return calls


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.name for alias in node.names)
    return names


def test_one_execution_path_sends_every_inference_call() -> None:
    twin = PACKAGE / "_async"
    for name in INFERENCE_SERVICES:
        path = twin / name
        assert "execute" in _imports(path), f"{name} does not run its calls through _execute"
        # no answer path of its own: no stream opened and no failover run by the service
        calls = _attribute_calls(path)
        assert not any(c.endswith("_transport.stream") for c in calls), name
        assert "with_failover" not in _imports(path), name
    # failover is run by _execute alone; the transport never fails over
    users = sorted(p.name for p in twin.glob("*.py") if "with_failover" in _imports(p))
    assert users == ["_execute.py"]
    # chat and text generation send nothing through the transport themselves
    for name in ("chat.py", "text_generation.py"):
        assert not any("_transport" in c for c in _attribute_calls(twin / name)), name
