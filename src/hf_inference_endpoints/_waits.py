"""The one wait engine: sleep how long, or stop, against the time a call has left (no I/O).

Every loop that sleeps asks :func:`plan_wait` before it does: the transport between two
attempts (retry backoff, ``Retry-After``, cold-start waits; ``RetryState``), the transport
before a request the client-side rate limit holds back, ``_providers`` between two polls
of an async job, and ``client.endpoints`` between two polls of an endpoint. Each loop
decides how long it *wants* to sleep (its backoff, its schedule, the provider's poll
interval, the rate window's next free slot) and, when :func:`plan_wait` says stop, raises its own
error (the last answer, ``ColdStartTimeout``, ``DeadlineExceeded``...).

The rule, in one place: a wait that would reach the end of the time left is not started
(there would be no time for what comes after it) -- unless the loop asks to sleep
``to_the_end`` (an endpoint wait, whose limit is the wait itself): then it sleeps what
is left and stops after it.
"""

from __future__ import annotations

from ._record import Record, record, set_field

__all__ = ["Pause", "plan_wait"]


@record
class Pause(Record):
    """Sleep ``seconds``; ``last``: the time is up once they are over (try nothing more).

    Example:
        >>> plan_wait(2.0, 10.0)
        Pause(seconds=2.0, last=False)
    """

    seconds: float
    last: bool = False

    def __init__(
        self,
        seconds: float,
        last: bool = False,
    ) -> None:
        set_field(self, "seconds", seconds)
        set_field(self, "last", last)


def plan_wait(wanted: float, left: float | None, *, to_the_end: bool = False) -> Pause | None:
    """How long to sleep before the next try, or None: stop now (the caller raises).

    Args:
        wanted: The sleep the loop asks for (seconds; below 0 counts as 0).
        left: Seconds left of the call's time (None: no limit; <= 0: none left).
        to_the_end: Sleep what is left when ``wanted`` reaches past it, then stop
            (``Pause.last``), instead of stopping now.

    Returns:
        The pause, or None when no time is left for it.

    Example:
        >>> plan_wait(5.0, 3.0) is None
        True
        >>> plan_wait(5.0, 3.0, to_the_end=True)
        Pause(seconds=3.0, last=True)
        >>> plan_wait(5.0, None)
        Pause(seconds=5.0, last=False)
    """
    wanted = max(0.0, wanted)
    if left is None:
        return Pause(wanted)
    if to_the_end:
        if left <= 0:
            return None
        return Pause(wanted) if wanted < left else Pause(left, last=True)
    if wanted >= left:
        return None
    return Pause(wanted)
