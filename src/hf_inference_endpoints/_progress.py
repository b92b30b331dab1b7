"""Progress of long waits: one event type and one way to report it (no I/O).

A call that waits — an endpoint starting or waking (``endpoint``), a model loading
(``cold_start``), a provider job running (``job``) — reports each step as a
:class:`ProgressEvent`: to ``HfInferenceConfig.on_progress`` when set, and as an INFO
record of the ``hf_inference_endpoints.progress`` logger whose ``hf_progress``
attribute is the event (for structured logging). ``hfie`` shows them as a status line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ._record import Record, record, set_field

__all__ = ["ProgressCallback", "ProgressEvent", "report_progress"]

logger = logging.getLogger("hf_inference_endpoints.progress")


@record
class ProgressEvent(Record):
    """One step of a long wait.

    Attributes:
        kind: What is waited for: ``endpoint`` (a dedicated endpoint starting, waking or
            changing), ``cold_start`` (a model loading), ``job`` (a provider's job) or
            ``bulk`` (a bulk run: ``state`` is the items written, ``estimate`` the ETA).
        subject: The endpoint (``namespace/name``), model or job concerned.
        state: Where it stands: the endpoint's state, ``loading``, the job's stage.
        elapsed: Seconds since the wait began.
        estimate: Seconds the server expects it still needs, when it says.
        attempt: Which poll or retry this is, when counted.
        message: The server's own words, when it gave some.

    Example:
        >>> print(ProgressEvent("cold_start", "org/model", "loading", 3.0, estimate=20.0))
        org/model: loading, 3.0 s so far, about 20 s to go
    """

    kind: str
    subject: str
    state: str | None
    elapsed: float
    estimate: float | None = None
    attempt: int | None = None
    message: str | None = None

    def __init__(
        self,
        kind: str,
        subject: str,
        state: str | None,
        elapsed: float,
        estimate: float | None = None,
        attempt: int | None = None,
        message: str | None = None,
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "subject", subject)
        set_field(self, "state", state)
        set_field(self, "elapsed", elapsed)
        set_field(self, "estimate", estimate)
        set_field(self, "attempt", attempt)
        set_field(self, "message", message)

    def __str__(self) -> str:
        parts = [f"{self.subject}: {self.state or 'waiting'}", f"{self.elapsed:.1f} s so far"]
        if self.estimate is not None:
            shown = f"{self.estimate:.0f}" if self.estimate >= 10 else f"{self.estimate:.1f}"
            parts.append(f"about {shown} s to go")
        text = ", ".join(parts)
        return f"{text} ({self.message})" if self.message else text


ProgressCallback = Callable[[ProgressEvent], None]


def report_progress(callback: ProgressCallback | None, event: ProgressEvent) -> None:
    """Log ``event`` and hand it to ``callback``; a failing callback never breaks the call."""
    if logger.isEnabledFor(logging.INFO):
        logger.info("%s", event, extra={"hf_progress": event})
    if callback is None:
        return
    try:
        callback(event)
    except Exception:
        logger.warning("the on_progress callback raised; ignoring it", exc_info=True)
