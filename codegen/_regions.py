"""A generated region of a hand-written page: the text between two HTML comment markers.

The doc generators (``codegen.config_docs``, ``codegen.providers_docs``) each own one
region of one page; this module replaces that region and nothing else, and runs the
generator's command line (rewrite, or ``--check``: exit 1 when the page is stale).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Region"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Region:
    """The region named ``name`` of ``page``: between ``<!-- name:start -->`` and
    ``<!-- name:end -->``.

    Example:
        >>> region = Region(Path("page.md"), "table")
        >>> region.render("intro\\n<!-- table:start -->\\nold\\n<!-- table:end -->\\n", "new")
        'intro\\n<!-- table:start -->\\nnew\\n<!-- table:end -->\\n'
    """

    page: Path
    name: str

    @property
    def start(self) -> str:
        """The marker line that opens the region."""
        return f"<!-- {self.name}:start -->"

    @property
    def end(self) -> str:
        """The marker that closes the region."""
        return f"<!-- {self.name}:end -->"

    def render(self, text: str, content: str) -> str:
        """``text`` with the region's content replaced by ``content``.

        Raises:
            ValueError: ``text`` lacks one of the markers.
        """
        head, start, rest = text.partition(self.start)
        _, end, tail = rest.partition(self.end)
        if not start or not end:
            raise ValueError(f"{self.page.name} lacks the {self.start} / {self.end} markers")
        return f"{head}{self.start}\n{content}\n{self.end}{tail}"

    def main(self, argv: list[str] | None, content: Callable[[], str], description: str) -> int:
        """The generator's command line: rewrite the region with ``content()``, or with
        ``--check`` exit 1 (naming the page) when it is stale."""
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--check", action="store_true", help="exit 1 when the page is stale")
        args = parser.parse_args(argv)
        current = self.page.read_text(encoding="utf-8")
        wanted = self.render(current, content())
        if args.check:
            if wanted != current:
                shown = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
                print(f"{shown} is stale: run `make generate`", file=sys.stderr)
                return 1
            return 0
        if wanted != current:
            self.page.write_text(wanted, encoding="utf-8")
        return 0
