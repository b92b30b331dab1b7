"""Adaptive concurrency (AIMD) through the client, and its telemetry, both twins."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import ServerError

from .test_embeddings import Wire, emulator_client
from .test_observability import Telemetry, telemetry  # noqa: F401  (fixture)

MODEL = "org/embedder"


@pytest.mark.anyio
async def test_an_idle_limit_stays_and_a_5xx_halves_it(
    emulator: Any,
    no_env: None,
    telemetry: Telemetry,  # noqa: F811
) -> None:
    emulator.reset()
    config = {"adaptive_concurrency": 16, "enable_embedding_cache": False, "max_retries": 0}
    async with emulator_client(emulator, Wire(), **config) as client:
        telemetry.observe(client)
        adaptive = client._transport._adaptive
        assert adaptive is not None
        for i in range(8):
            await client.embeddings.create(MODEL, f"text {i}")
        grown = adaptive.snapshot()["hf-inference"]
        emulator.set_fault(MODEL, "500:times=1")
        try:
            with pytest.raises(ServerError):
                await client.embeddings.create(MODEL, "refused")
        finally:
            emulator.clear_faults()
            emulator.reset()
        cut = adaptive.snapshot()["hf-inference"]
    limit = 4.0  # one call at a time never fills the limit: it does not grow
    assert (grown["limit"], grown["in_flight"]) == (pytest.approx(limit), 0.0)
    assert (cut["limit"], cut["in_flight"]) == (pytest.approx(limit / 2), 0.0)
    # loopback round trips: measured, far below the floor that makes latency a signal
    assert 0 < grown["rtt_baseline"] <= grown["rtt_recent"] < 0.05
    points = telemetry.points("hf.client.concurrency.limit")
    assert [p.value for p in points] == [pytest.approx(limit / 2)]
    assert points[0].attributes == {"gen_ai.provider.name": "hf-inference"}
    baseline = telemetry.points("hf.client.concurrency.rtt_baseline")
    recent = telemetry.points("hf.client.concurrency.rtt_recent")
    assert [p.value for p in baseline] == [pytest.approx(cut["rtt_baseline"])]
    assert [p.value for p in recent] == [pytest.approx(cut["rtt_recent"])]


@pytest.mark.anyio
async def test_off_by_default(emulator: Any, no_env: None) -> None:
    async with emulator_client(emulator, Wire()) as client:
        assert client._transport._adaptive is None
