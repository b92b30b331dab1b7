"""Sections of ``bench/RESULTS.md`` written by other benchmarks than ``bench.run``.

``bench.bulk_embed`` writes its table between two markers; ``bench.run`` rewrites the
rest of the file and keeps what is between them.
"""

from __future__ import annotations

from pathlib import Path

BEGIN = "<!-- bench.bulk_embed: begin -->"
END = "<!-- bench.bulk_embed: end -->"

__all__ = ["BEGIN", "END", "keep_section", "replace_section"]


def _section(text: str) -> str | None:
    start, stop = text.find(BEGIN), text.find(END)
    if start < 0 or stop < start:
        return None
    return text[start : stop + len(END)]


def replace_section(path: Path, body: str) -> None:
    """Put ``body`` between the markers of ``path`` (appended when they are not there)."""
    section = f"{BEGIN}\n{body.rstrip()}\n{END}"
    text = path.read_text() if path.exists() else ""
    old = _section(text)
    text = text.replace(old, section) if old else text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


def keep_section(path: Path, report: str) -> str:
    """``report`` with the section ``path`` has now appended (so a rerun does not lose it)."""
    old = _section(path.read_text()) if path.exists() else None
    return report if old is None else report.rstrip() + "\n\n" + old + "\n"
