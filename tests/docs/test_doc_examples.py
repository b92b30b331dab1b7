"""Every Python block of README.md and docs/*.md runs here, against the emulator.

How a block runs (the same for every page):

* The blocks of one page run in order, in one namespace, as a reader following the
  page would: a later block may use ``client`` or ``texts`` from an earlier one. Running
  a single block (``-k 'README.md:121'``) first runs the blocks before it.
* The environment is the one the README's emulator section gives: ``HF_TOKEN`` (a token
  the emulator accepts), ``HF_ENDPOINT``, ``HF_ROUTER_URL`` and ``HF_ENDPOINTS_API_URL``
  point at the pytest plugin's session emulator (``hf_emulator_server``), on a real
  loopback socket. No network, no real token.
* A ``test_*`` function a block defines (docs/testing.md) is called right away with a
  fresh ``hf_emulator``, as pytest would call it in the reader's project.
* Explicit rewrites of the code, before it runs: the emulator's default address
  ``http://127.0.0.1:8787`` (what ``hfie emulator`` listens on) becomes the test
  emulator's address, so a page can show ``model="http://127.0.0.1:8787/tgi/my-llm"``;
  and the real services' addresses (``https://router.huggingface.co``,
  ``https://huggingface.co``, ``https://api.endpoints.huggingface.cloud``, see
  ``REAL_HOSTS``) become the emulator's, so a migration page can show
  ``OpenAI(base_url="https://router.huggingface.co/v1")``.
* huggingface_hub, which has no setting for those addresses, runs inside
  ``HfEmulator.route_huggingface_hub()`` (its HTTP client rewrites them).
* The working directory holds small real files the examples name: ``cat.jpg`` (a PNG),
  ``meeting.wav``, ``clip.mp4``.
* A block with top-level ``await`` (a notebook cell) runs on one event loop per page.
* ``<!-- doc-test: skip: REASON -->`` on the line before a fence skips that block; the
  reason shows in the test report. Keep those rare.

Why our own collector and not a plugin: pytest-markdown-docs 0.9.2 (tried on this README)
runs each fence alone unless the fence says ``python continuation`` and skips with
``notest`` — both in the fence's info string, which its own docs call incompatible with
Material for MkDocs — gives no reason for a skip, and has no top-level ``await`` (our
notebook cells). phmdoctest generates test files from Markdown, one more generated tree.
This file is ~200 lines with the behaviour above, and the pages stay plain Markdown.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints.emulator.testing import REAL_HOSTS, HfEmulator
from hf_inference_endpoints.pytest_plugin import TOKEN
from tests import media
from tests.conftest import ROOT
from tests.docs.markdown_blocks import CodeBlock, python_blocks

EMULATOR_DEFAULT_ADDRESS = "http://127.0.0.1:8787"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
BLOCKS: list[CodeBlock] = [block for page in PAGES for block in python_blocks(page)]


def _id(block: CodeBlock) -> str:
    return f"{block.path.relative_to(ROOT)}:{block.line}"


class PageRun:
    """The namespace and event loop the blocks of one page share."""

    def __init__(self, blocks: list[CodeBlock], server: Any) -> None:
        self.blocks = blocks
        self.server = server
        self.base_url: str = server.base_url
        self.emulator = HfEmulator(server, token=TOKEN)
        self.namespace: dict[str, Any] = {"__name__": "__main__"}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ran = 0
        self.failed_at: str | None = None

    def run_until(self, block: CodeBlock) -> None:
        """Run every block before ``block`` that has not run yet, then ``block``."""
        index = self.blocks.index(block)
        while self.ran <= index:
            current = self.blocks[self.ran]
            self.ran += 1
            if current.skip_reason is not None:
                continue
            if self.failed_at is not None:
                pytest.skip(f"an earlier block of the page failed ({self.failed_at})")
            try:
                self._execute(current)
            except BaseException:
                self.failed_at = _id(current)
                raise

    def _execute(self, block: CodeBlock) -> None:
        code = block.code.replace(EMULATOR_DEFAULT_ADDRESS, self.base_url)
        for real, attribute in REAL_HOSTS.items():
            code = code.replace(real, getattr(self.emulator, attribute))
        compiled = compile(
            code, str(block.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
        )
        # keep the page's line numbers in tracebacks
        compiled = compiled.replace(co_firstlineno=block.line)
        before = set(self.namespace)
        with self._huggingface_hub_routed():
            result = eval(compiled, self.namespace)
            if inspect.iscoroutine(result):
                if self.loop is None:
                    self.loop = asyncio.new_event_loop()
                self.loop.run_until_complete(result)
        for name in sorted(set(self.namespace) - before):
            if name.startswith("test_") and callable(self.namespace[name]):
                self._call_test(self.namespace[name])

    def _huggingface_hub_routed(self) -> AbstractContextManager[None]:
        try:
            import huggingface_hub  # noqa: F401
        except ImportError:
            return nullcontext()
        return self.emulator.route_huggingface_hub()

    def _call_test(self, function: Any) -> None:
        """Call a test the page defines, with a clean ``hf_emulator`` (its only fixture)."""
        wanted = list(inspect.signature(function).parameters)
        assert wanted in ([], ["hf_emulator"]), f"{function.__name__} asks for {wanted}"
        emulator = HfEmulator(self.server, token=TOKEN)
        emulator.reset()
        emulator.time_scale = 0.01
        try:
            function(*([emulator] if wanted else []))
        finally:
            emulator.reset()

    def close(self) -> None:
        """Close the clients the page left open (a notebook would at kernel shutdown)."""
        from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceClient

        for value in self.namespace.values():
            if isinstance(value, HfInferenceClient):
                value.close()
            elif isinstance(value, AsyncHfInferenceClient):
                if self.loop is None:
                    self.loop = asyncio.new_event_loop()
                self.loop.run_until_complete(value.aclose())
        if self.loop is not None:
            self.loop.close()


@pytest.fixture(scope="session")
def doc_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "cat.jpg").write_bytes(media.png(8, 8, (200, 120, 40)))
    (folder / "meeting.wav").write_bytes(media.wav(0.5))
    (folder / "clip.mp4").write_bytes(media.mp4(b"frames"))
    return folder


@pytest.fixture(scope="session")
def page_runs(hf_emulator_server: Any) -> Iterator[dict[Path, PageRun]]:
    runs = {
        page: PageRun([b for b in BLOCKS if b.path == page], hf_emulator_server) for page in PAGES
    }
    yield runs
    for run in runs.values():
        run.close()


@pytest.fixture
def doc_env(
    monkeypatch: pytest.MonkeyPatch, hf_emulator_server: Any, doc_workdir: Path, tmp_path: Path
) -> None:
    emulator = hf_emulator_server
    for name in list(os.environ):
        if name.startswith(("HF_", "HUGGING_FACE", "HFIE_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setenv("HF_ENDPOINT", emulator.hub_url)
    monkeypatch.setenv("HF_ROUTER_URL", emulator.router_url)
    monkeypatch.setenv("HF_ENDPOINTS_API_URL", emulator.endpoints_api_url)
    monkeypatch.chdir(doc_workdir)


@pytest.mark.parametrize("block", BLOCKS, ids=_id)
@pytest.mark.usefixtures("doc_env")
def test_doc_block_runs(block: CodeBlock, page_runs: dict[Path, PageRun]) -> None:
    if block.skip_reason is not None:
        pytest.skip(f"marked in the page: {block.skip_reason}")
    page_runs[block.path].run_until(block)


def test_every_page_with_python_is_collected() -> None:
    """README.md has runnable blocks, and a block the parser missed would not be tested."""
    readme = [b for b in BLOCKS if b.path.name == "README.md"]
    assert len(readme) >= 5
    fences = sum(
        1
        for page in PAGES
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.strip() in ("```python", "```py")
    )
    assert fences == len(BLOCKS)
