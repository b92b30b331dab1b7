"""The rooms of the house stay apart (static checks over the source, no I/O).

* The transport only sends: neither twin's ``_transport`` imports routing, provider
  helpers, failover, the services or the client (directly or through what it imports).
* Provider policy lives in ``_routing/providers/``: no provider name appears as a string
  in code anywhere else in the library (whole, in any case or module spelling, as a piece
  of a URL or path, or as a ``startswith`` piece), and nothing else imports one provider's
  helper module (docstrings, examples and prose such as help texts may name providers).
"""

from __future__ import annotations

import ast
import itertools
import re
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


def _module_forms(names: set[str]) -> set[str]:
    """The provider names as their helper modules spell them (``fal-ai`` -> ``fal_ai``)."""
    return {name.replace("-", "_") for name in names}


def _token_pattern(names: set[str]) -> re.Pattern[str]:
    """A provider name as a whole token of a longer string (``/hf-inference/models``)."""
    spelled = sorted(names | _module_forms(names), key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(n) for n in spelled) + r")(?![\w-])", re.IGNORECASE
    )


def _string_cases(node: ast.Constant, names: set[str], tokens: re.Pattern[str]) -> str | None:
    """The provider name a string constant special-cases, if any.

    The whole string naming a provider in any case (``"fal-ai"``, ``"FAL_AI"``), or a
    string without spaces holding one as a token (a URL or path piece, an f-string
    part: ``"/hf-inference/models/"``). Prose (a help text, a message) may name them.
    """
    value = node.value
    assert isinstance(value, str)
    if value.lower() in names | _module_forms(names):
        return value
    if not any(c.isspace() for c in value):
        found = tokens.search(value)
        if found is not None:
            return found.group(1)
    return None


def _prefix_case(node: ast.Call, names: set[str]) -> str | None:
    """``x.startswith("fal")`` / ``x.endswith(...)`` with a piece of a provider name."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("startswith", "endswith")):
        return None
    args = node.args[0].elts if node.args and isinstance(node.args[0], ast.Tuple) else node.args
    for arg in args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and len(arg.value) >= 3:
            piece = arg.value.lower()
            spelled = names  # as the router spells them: token prefixes (hf_) are not names
            if any(
                n.startswith(piece) if func.attr == "startswith" else n.endswith(piece)
                for n in spelled
            ):
                return arg.value
    return None


def _import_case(node: ast.Import | ast.ImportFrom, names: set[str]) -> str | None:
    """An import of one provider's helper module (``providers.fal_ai``, ``from ..providers
    import hf_inference``): its tables are its own, reached through the registry."""
    modules = _module_forms(names)
    paths = (
        [alias.name for alias in node.names]
        if isinstance(node, ast.Import)
        else [node.module or ""] + [f"{node.module or ''}.{alias.name}" for alias in node.names]
    )
    for path in paths:
        parts = path.split(".")
        for before, part in itertools.pairwise(parts):
            if before == "providers" and part in modules:
                return part
    return None


def special_cases(root: Path, names: set[str]) -> list[str]:
    """``file:line: 'name'`` for each provider special case in code under ``root``: a
    provider name as a string (whole, a token of a path, a ``startswith`` piece) or an
    import of one provider's helper module."""
    tokens = _token_pattern(names)
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if SKIPPED_FOLDERS & set(rel.parts[:-1]) or rel.parts[0] == "_sync":
            continue  # _sync is generated from _async, checked there
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstring_nodes(tree)
        for node in ast.walk(tree):
            name: str | None = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docstrings:
                    name = _string_cases(node, names, tokens)
            elif isinstance(node, ast.Call):
                name = _prefix_case(node, names)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                name = _import_case(node, names)
            if name is not None and (rel.as_posix(), name) not in ALLOWED:
                found.append(f"{rel.as_posix()}:{node.lineno}: {name!r}")
    return found


def test_no_provider_is_special_cased_outside_the_provider_helpers() -> None:
    assert special_cases(PACKAGE, _provider_names()) == []


SPECIAL_CASES = {
    "equality": 'if provider == "together":\n    pass\n',
    "membership": 'if provider in ("openai", "groq"):\n    pass\n',
    "other case": 'if provider.lower() == "FAL-AI".lower():\n    pass\n',
    "module spelling": 'if module == "fal_ai":\n    pass\n',
    "url piece": 'url = router + "/hf-inference/models/" + model\n',
    "f-string piece": 'url = f"{router}/hf-inference/models/{model}"\n',
    "prefix": 'if provider.startswith("fal"):\n    pass\n',
    "prefix tuple": 'if provider.startswith(("x-", "together")):\n    pass\n',
    "helper import": "from .._routing.providers.fal_ai import QUEUE_URL\n",
    "helper module import": "from .._routing.providers import hf_inference\n",
    "plain import": "import hf_inference_endpoints._routing.providers.together\n",
}

NOT_SPECIAL_CASES = {
    "docstring": '"""Docstrings may say "together" and /hf-inference/models."""\n',
    "prose": 'HELP = "hf-inference (default) or a provider name."\n',
    "package name": 'LOGGER = "hf_inference_endpoints.progress"\n',
    "shared shapes": "from .._routing.providers._openai import parse_embeddings\n",
    "registry": "from .._routing.providers import registered, native_provider\n",
    "other prefix": 'if token.startswith("hf_"):\n    pass\n',
}

NAMES = {"together", "openai", "groq", "fal-ai", "hf-inference"}


@pytest.mark.parametrize("form", sorted(SPECIAL_CASES))
def test_the_special_case_check_finds_each_form(tmp_path: Path, form: str) -> None:
    (tmp_path / "_async").mkdir()
    (tmp_path / "_async" / "chat.py").write_text(
        '"""Docstrings may say "together"."""\n\n' + SPECIAL_CASES[form]
    )
    found = special_cases(tmp_path, NAMES)
    assert len(found) >= 1 and all(f.startswith("_async/chat.py:3: ") for f in found), found


@pytest.mark.parametrize("form", sorted(NOT_SPECIAL_CASES))
def test_the_special_case_check_leaves_prose_and_the_registry_alone(
    tmp_path: Path, form: str
) -> None:
    (tmp_path / "_async").mkdir()
    (tmp_path / "_async" / "chat.py").write_text(NOT_SPECIAL_CASES[form])
    assert special_cases(tmp_path, NAMES) == []


def test_the_special_case_check_skips_the_providers_and_the_generated_twin(
    tmp_path: Path,
) -> None:
    for folder in ("_routing/providers", "_sync", "emulator"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.py").write_text('if provider == "together":\n    pass\n')
    assert special_cases(tmp_path, NAMES) == []


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
