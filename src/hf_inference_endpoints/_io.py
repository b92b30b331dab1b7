"""The few I/O primitives that differ between the twins (sleep, clock, lock).

``_async`` code uses the ``async_*``/``Async*`` names; codegen/unasync.py rewrites
them to the ``sync_*`` names for ``_sync``. anyio is imported only by the async
names, so a sync-only program never imports it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

__all__ = [
    "AsyncEvent",
    "AsyncLock",
    "SyncEvent",
    "SyncLock",
    "async_close_on_gc",
    "async_monotonic",
    "async_running_loop",
    "async_sleep",
    "sync_close_on_gc",
    "sync_monotonic",
    "sync_running_loop",
    "sync_sleep",
]


async def async_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop (asyncio or trio)."""
    import anyio

    await anyio.sleep(seconds)


def sync_sleep(seconds: float) -> None:
    """Sleep the current thread."""
    if seconds > 0:
        time.sleep(seconds)


def async_monotonic() -> float:
    """Monotonic clock for the async twin (same clock as the sync twin)."""
    return time.monotonic()


sync_monotonic = time.monotonic


def async_running_loop() -> Any:
    """The running asyncio event loop, or None (under trio); a C call, no exception."""
    import asyncio

    return asyncio._get_running_loop()


def sync_running_loop() -> Any:
    """No event loop in the sync twin."""
    return None


def async_close_on_gc(response: Any) -> None:
    """An abandoned async stream cannot await its close from ``__del__``: nothing to do.

    Async streams must be closed with ``async with`` / ``aclose()`` (or read to the end).
    """


def sync_close_on_gc(response: Any) -> None:
    """Close an abandoned sync stream's response so its connection is released."""
    try:
        response.close()
    except Exception:  # best effort during garbage collection
        pass


class AsyncLock:
    """An anyio lock created lazily (so it binds to the running event loop)."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock: Any = None

    async def __aenter__(self) -> None:
        if self._lock is None:
            import anyio

            self._lock = anyio.Lock()
        await self._lock.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()


class SyncLock:
    """A threading lock with the same interface as :class:`AsyncLock`."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class AsyncEvent:
    """A one-shot wake-up for a waiting task (anyio; asyncio or trio)."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        import anyio

        self._event = anyio.Event()

    async def wait(self, timeout: float | None) -> bool:
        """Wait until :meth:`set` (True) or ``timeout`` seconds (False)."""
        import anyio

        with anyio.move_on_after(timeout):
            await self._event.wait()
            return True
        return False

    def set(self) -> None:
        self._event.set()


class SyncEvent:
    """A one-shot wake-up for a waiting thread."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def wait(self, timeout: float | None) -> bool:
        """Wait until :meth:`set` (True) or ``timeout`` seconds (False)."""
        return self._event.wait(timeout)

    def set(self) -> None:
        self._event.set()
