"""Code cites the wire notes as ``docs/wire.md §N.M``: every such section exists."""

from __future__ import annotations

import re

from tests.conftest import ROOT

WIRE = ROOT / "docs" / "wire.md"
_HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", re.MULTILINE)
_CITATION = re.compile(r"docs/wire\.md §(\d+(?:\.\d+)?)((?:(?:, ?|/)§\d+(?:\.\d+)?)*)")
_SEARCHED = ("src", "tests", "codegen", "cassettes", "docs", "examples")


def _sections() -> set[str]:
    return set(_HEADING.findall(WIRE.read_text(encoding="utf-8")))


def _citations() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    paths = [ROOT / "README.md"]
    for folder in _SEARCHED:
        paths += [p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".md", ".yaml"}]
    for path in paths:
        for match in _CITATION.finditer(path.read_text(encoding="utf-8")):
            numbers = [match[1], *re.findall(r"§(\d+(?:\.\d+)?)", match[2])]
            found += [(str(path.relative_to(ROOT)), n) for n in numbers]
    return found


def test_the_notes_have_numbered_sections() -> None:
    assert {"1.1", "2.1", "3", "4.1", "5.2", "6.6"} <= _sections()


def test_every_citation_names_an_existing_section() -> None:
    citations = _citations()
    assert len(citations) > 30
    missing = [(where, n) for where, n in citations if n not in _sections()]
    assert missing == []


def test_no_citation_of_the_old_outside_file_remains() -> None:
    stale = [
        str(p.relative_to(ROOT))
        for folder in ("src", "codegen")
        for p in (ROOT / folder).rglob("*.py")
        if re.search(r"WIRE(\.md)? ?§", p.read_text(encoding="utf-8"))
    ]
    assert stale == []
