"""Mutable per-app state of the emulator (no Starlette).

Held on ``app.state.emulator``.  All mutation happens on the server's event loop,
except the convenience calls of :class:`~.server.EmulatorHandle`, which only do
single dict operations (atomic under the GIL).  Other emulator modules may keep
their own state in :attr:`EmulatorState.extensions` and register a reset hook.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from .catalog import Catalog
from .settings import EmulatorSettings

__all__ = ["EmulatorState"]


class EmulatorState:
    """Counters, runtime faults and cold-model clocks of one emulator app."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.extra_models)
        self._request_ids = itertools.count(1)
        self.request_count = 0
        self.runtime_faults: dict[str, str] = {}
        self.fault_counts: dict[str, int] = {}
        self.loading_started: dict[str, float] = {}
        self.extensions: dict[str, Any] = {}
        self._reset_hooks: list[Callable[[], None]] = []
        self.clock: Callable[[], float] = time.monotonic

    # -- requests -----------------------------------------------------------------
    def next_request_id(self) -> str:
        """A unique, deterministic request id (never reused, even across resets)."""
        self.request_count += 1
        return f"emu-{next(self._request_ids):08d}"

    # -- faults -------------------------------------------------------------------
    def consume(self, key: str, times: int | None) -> bool:
        """Whether a fault counted under ``key`` applies now; counts the use."""
        used = self.fault_counts.get(key, 0)
        if times is not None and used >= times:
            return False
        self.fault_counts[key] = used + 1
        return True

    # -- cold models --------------------------------------------------------------
    def loading_remaining(self, model: str) -> float | None:
        """Real (scaled) seconds until a cold ``model`` serves, or ``None`` when ready.

        What the 503's ``estimated_time`` reports: a client that waits that long finds
        the model loaded. The first call for a cold model starts its loading clock.
        """
        seconds = self.settings.cold_models.get(model)
        if seconds is None:
            return None
        now = self.clock()
        started = self.loading_started.setdefault(model, now)
        total = self.settings.scaled(seconds)
        elapsed = now - started
        if elapsed >= total:
            return None
        return total - elapsed

    # -- lifecycle ----------------------------------------------------------------
    def add_reset_hook(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        """Forget runtime faults, fault counters and loading clocks (ids keep counting)."""
        self.runtime_faults.clear()
        self.fault_counts.clear()
        self.loading_started.clear()
        for hook in self._reset_hooks:
            hook()

    def snapshot(self) -> dict[str, Any]:
        """JSON-able view for ``GET /_emulator/state``."""
        cold: dict[str, Any] = {}
        now = self.clock()
        for model, seconds in self.settings.cold_models.items():
            started = self.loading_started.get(model)
            ready = started is not None and now - started >= self.settings.scaled(seconds)
            cold[model] = {
                "loading_seconds": seconds,
                "started": started is not None,
                "ready": ready,
            }
        return {
            "requests": self.request_count,
            "runtime_faults": dict(self.runtime_faults),
            "settings_faults": dict(self.settings.faults),
            "fault_counts": dict(self.fault_counts),
            "cold_models": cold,
            "time_scale": self.settings.time_scale,
        }
