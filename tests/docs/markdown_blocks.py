"""Find the runnable Python blocks of a Markdown file (no I/O beyond reading it).

A block is a fenced code block whose info string starts with ``python`` (or ``py``).
An HTML comment on the line right before the fence changes how it is tested::

    <!-- doc-test: skip: needs a real provider key -->

skips the block with that reason (the test output shows it).  Every other Python
block of the file runs, in order, in one namespace per file, so a later block may use
what an earlier one defined (as a reader following the page would).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CodeBlock", "python_blocks"]

#: A fence, at any indentation (blocks inside list items and content tabs count too).
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*doc-test:\s*(?P<what>\w+)(?::\s*(?P<reason>.*?))?\s*-->\s*$")
_PYTHON = frozenset({"python", "py", "python3", "pycon"})


@dataclass(frozen=True)
class CodeBlock:
    """One fenced Python block: where it starts (1-based line of its first code line)."""

    path: Path
    line: int
    code: str
    skip_reason: str | None = None

    @property
    def location(self) -> str:
        return f"{self.path.name}:{self.line}"


def python_blocks(path: Path) -> list[CodeBlock]:
    """The Python blocks of ``path`` in document order, with their markers applied."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[CodeBlock] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        language = info.split()[0].lower() if info else ""
        start = i + 1
        end = start
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        if language in _PYTHON:
            marker = _MARKER.match(lines[i - 1]) if i > 0 else None
            reason: str | None = None
            if marker is not None:
                if marker["what"] != "skip" or not marker["reason"]:
                    raise ValueError(
                        f"{path}:{i}: unknown doc-test marker (use '<!-- doc-test: skip: why -->')"
                    )
                reason = marker["reason"]
            indent = len(match["indent"])
            code = "\n".join(line[indent:] for line in lines[start:end])
            blocks.append(CodeBlock(path, start + 1, code, reason))
        i = end + 1
    return blocks
