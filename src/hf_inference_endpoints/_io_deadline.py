"""The deadline of the socket I/O under way in this task or thread.

A per-read timeout cannot bound a call against a server that trickles: each byte that
arrives starts the next read afresh. So the transport sets :data:`IO_DEADLINE` (a
``time.monotonic()`` instant) around everything a call does on the network, and the pool's
network streams (``_pool``) give each connect, read and write at most the time left, and
fail at once when none is. A context variable follows the task (asyncio, trio) or thread
that does the I/O, so calls sharing one connection pool never see each other's deadline.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

__all__ = ["IO_DEADLINE", "time_left"]

#: The instant (``time.monotonic()``) by which the current I/O must end; None: no deadline.
IO_DEADLINE: ContextVar[float | None] = ContextVar("hfie_io_deadline", default=None)


def time_left(timeout: float | None) -> float | None:
    """``timeout`` capped by what is left of :data:`IO_DEADLINE`; 0.0 once it has passed.

    Args:
        timeout: The timeout the HTTP layer asked for (None: none).

    Returns:
        The timeout to use; ``0.0`` means the deadline has passed (fail without waiting).
    """
    deadline = IO_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0.0:
        return 0.0
    return left if timeout is None or left < timeout else timeout
