"""The doc generators share one generated-region helper (``codegen._regions``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import config_docs, providers_docs
from codegen._regions import Region

PAGE = "# Title\n\nintro\n\n<!-- table:start -->\nold table\n<!-- table:end -->\n\noutro\n"


def test_render_replaces_only_the_region() -> None:
    region = Region(Path("page.md"), "table")
    rendered = region.render(PAGE, "| new |")
    assert rendered == PAGE.replace("old table", "| new |")
    assert region.render(rendered, "| new |") == rendered


@pytest.mark.parametrize(
    "text",
    [
        "# no markers\n",
        "<!-- table:start -->\nno end\n",
        "<!-- table:end -->\n<!-- table:start -->\nend before start\n",
    ],
)
def test_a_page_without_both_markers_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"page\.md lacks the <!-- table:start --> / "):
        Region(Path("page.md"), "table").render(text, "x")


def test_main_rewrites_a_stale_page_and_check_fails_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    region = Region(page, "table")
    assert region.main(["--check"], lambda: "| new |", "test") == 1
    assert "page.md is stale: run `make generate`" in capsys.readouterr().err
    assert page.read_text(encoding="utf-8") == PAGE  # --check writes nothing
    assert region.main([], lambda: "| new |", "test") == 0
    assert page.read_text(encoding="utf-8") == PAGE.replace("old table", "| new |")
    assert region.main(["--check"], lambda: "| new |", "test") == 0


def test_both_generators_use_it_on_their_committed_pages() -> None:
    for module, name in ((config_docs, "config-reference"), (providers_docs, "providers-table")):
        assert Region(module.PAGE, name) == module.REGION
        assert module.main(["--check"]) == 0
