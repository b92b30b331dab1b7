"""AIMD converges on what a server serves: fewer 429s than a fixed fan-out (asyncio, trio).

A MockTransport server that serves at most CAPACITY requests at once and answers 429 to
any more; 48 embedding calls fired at once, with and without ``adaptive_concurrency``.
"""

from __future__ import annotations

import json

import anyio
import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient

CAPACITY = 4
CALLS = 48


class BusyServer:
    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.refused = 0
        self.served = 0

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET":  # the Hub's provider mapping of the model
            entry = {"status": "live", "providerId": "org/m", "task": "feature-extraction"}
            return httpx2.Response(
                200, json={"id": "org/m", "inferenceProviderMapping": {"hf-inference": entry}}
            )
        if self.in_flight >= CAPACITY:
            self.refused += 1
            return httpx2.Response(429, json={"error": "busy"})
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await anyio.sleep(0.005)
        finally:
            self.in_flight -= 1
        self.served += 1
        inputs = json.loads(request.content)["inputs"]
        return httpx2.Response(
            200, json=[[0.5, 0.5]] * (len(inputs) if isinstance(inputs, list) else 1)
        )


async def run(adaptive: int | None) -> tuple[BusyServer, AsyncHfInferenceClient]:
    server = BusyServer()
    client = AsyncHfInferenceClient(
        token="hf_x",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
        adaptive_concurrency=adaptive,
        enable_embedding_cache=False,
        max_retries=30,
        retry_base_delay=0.002,
        retry_max_delay=0.01,
    )
    async with client, anyio.create_task_group() as group:
        for i in range(CALLS):
            group.start_soon(client.embeddings.create, "org/m", f"text {i}")
    return server, client


@pytest.mark.anyio
async def test_adaptive_concurrency_storms_less_than_a_fixed_fan_out(no_env: None) -> None:
    fixed, _ = await run(None)
    adaptive, client = await run(16)
    assert fixed.served == adaptive.served == CALLS
    assert adaptive.refused * 3 < fixed.refused, (adaptive.refused, fixed.refused)
    state = client._transport._adaptive
    assert state is not None
    final = state.snapshot()["hf-inference"]
    assert final["in_flight"] == 0
    assert final["limit"] <= CAPACITY + 2  # converged near what the server serves


def test_a_full_limit_grows_by_one_per_round_and_cuts_once_per_round() -> None:
    from hf_inference_endpoints._adaptive import AimdLimit, outcome_of

    gate = AimdLimit(8, initial=2)
    assert gate.acquire(None) and gate.acquire(None)
    assert not gate.acquire("w")
    assert gate.release("ok", started=0.0, now=0.1) == ["w"]  # full: grows
    assert gate.limit == 2.5
    assert gate.release("ok", started=0.0, now=0.2) == []  # one left in flight: idle
    assert gate.limit == 2.5
    assert gate.acquire(None) and gate.acquire(None)
    gate.release("overload", started=1.0, now=2.0)
    gate.release("overload", started=1.5, now=2.1)  # sent before the cut: no second cut
    assert gate.limit == 1.25
    assert outcome_of(503) == "overload" and outcome_of(201) == "ok"
    with pytest.raises(ValueError, match="minimum"):
        AimdLimit(0)
