"""The Markdown block finder: languages, markers, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.markdown_blocks import python_blocks


def _page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_finds_python_blocks_with_their_first_line(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "# Title\n\n```python\nx = 1\ny = 2\n```\n\n```bash\nls\n```\n\n```py\nprint(x)\n```\n",
    )
    blocks = python_blocks(page)
    assert [(b.line, b.code, b.skip_reason) for b in blocks] == [
        (4, "x = 1\ny = 2", None),
        (13, "print(x)", None),
    ]


def test_skip_marker_carries_its_reason(tmp_path: Path) -> None:
    page = _page(tmp_path, "<!-- doc-test: skip: needs a GPU -->\n```python\nboom()\n```\n")
    (block,) = python_blocks(page)
    assert block.skip_reason == "needs a GPU"


def test_unknown_marker_is_an_error(tmp_path: Path) -> None:
    page = _page(tmp_path, "<!-- doc-test: maybe -->\n```python\nx = 1\n```\n")
    with pytest.raises(ValueError, match="unknown doc-test marker"):
        python_blocks(page)


def test_longer_fences_and_indented_blocks(tmp_path: Path) -> None:
    page = _page(tmp_path, "* item\n\n   ````python\n   a = '```'\n   ````\n")
    (block,) = python_blocks(page)
    assert block.code == "a = '```'"
