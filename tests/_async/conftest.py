"""Fixtures for the twin tests (written async; the sync copy is generated)."""

from __future__ import annotations

import pytest


class FakeClock:
    """Stands in for the transport's sleep and clock: sleeping advances time instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Patch the transport's sleep/clock so retries and cold-start waits take no real time.

    The client's clock too: it starts each call's deadline (``timeout=``).
    """
    clock = FakeClock()
    monkeypatch.setattr("hf_inference_endpoints._async._transport.async_sleep", clock.sleep)
    monkeypatch.setattr("hf_inference_endpoints._async._transport.async_monotonic", clock.monotonic)
    monkeypatch.setattr("hf_inference_endpoints._async._client.async_monotonic", clock.monotonic)
    return clock
