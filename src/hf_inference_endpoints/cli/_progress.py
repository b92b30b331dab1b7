"""How ``hfie`` shows long waits on standard error.

On a terminal, one live status line (with the ``rich`` package: a spinner, and the
elapsed time ticking between events; without it, the line is rewritten in place); it
disappears when the command ends. Anywhere else (a pipe, a log file, CI), one plain line
per event. ``hfie -q`` shows nothing.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

import click

from .._progress import ProgressEvent

__all__ = ["ProgressDisplay"]

_KIND = {"endpoint": "endpoint", "cold_start": "cold start", "job": "job"}


def _line(event: ProgressEvent, elapsed: float | None = None) -> str:
    shown = event if elapsed is None else _with_elapsed(event, elapsed)
    return f"[{_KIND.get(event.kind, event.kind)}] {shown}"


def _with_elapsed(event: ProgressEvent, elapsed: float) -> ProgressEvent:
    return ProgressEvent(
        event.kind,
        event.subject,
        event.state,
        elapsed,
        estimate=event.estimate,
        attempt=event.attempt,
        message=event.message,
    )


class _Ticking:
    """A rich renderable: the last event, its elapsed time counted on between events."""

    def __init__(self, event: ProgressEvent) -> None:
        self.event = event
        self.received = time.monotonic()

    def __rich__(self) -> Any:
        from rich.text import Text  # not markup: "[endpoint]" is shown as is

        return Text(_line(self.event, self.event.elapsed + time.monotonic() - self.received))


class ProgressDisplay:
    """The ``on_progress`` callback ``hfie`` gives the client.

    Args:
        stream: Where to write (standard error by default).
        live: One status line rewritten in place (default: when ``stream`` is a terminal).
    """

    def __init__(self, stream: IO[str] | None = None, *, live: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.live = bool(isatty and isatty()) if live is None else live
        self._status: Any = None
        self._drawn = False

    def __call__(self, event: ProgressEvent) -> None:
        if not self.live:
            click.echo(f"  {_line(event)}", file=self.stream)
            return
        try:
            self._rich(event)
        except ImportError:
            self.stream.write(f"\r\x1b[2K{_line(event)}")
            self.stream.flush()
            self._drawn = True

    def _rich(self, event: ProgressEvent) -> None:
        from rich.console import Console
        from rich.status import Status

        if self._status is None:
            console = Console(file=self.stream, force_terminal=True)
            self._status = Status(_Ticking(event), console=console)
            self._status.start()
        else:
            self._status.update(_Ticking(event))

    def close(self) -> None:
        """Take the status line away (results follow on standard output)."""
        if self._status is not None:
            self._status.stop()
            self._status = None
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
