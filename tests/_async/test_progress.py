"""Long waits report progress (``on_progress`` and the progress logger), over real sockets.

A cold model (503 + estimated_time) and an endpoint starting up, against the session
emulator (100x faster than life).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, ProgressEvent

from ..conftest import EMULATOR_TOKEN

MESSAGES = [{"role": "user", "content": "Hello"}]


def client_for(emulator: Any, **config: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        token=EMULATOR_TOKEN,
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        endpoints_api_url=emulator.endpoints_api_url,
        **config,
    )


@pytest.mark.anyio
async def test_a_cold_start_reports_each_wait_with_the_servers_estimate(
    emulator: Any, no_env: None, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.reset()  # org/cold-model loads for 2 emulated seconds (0.02 s)
    events: list[ProgressEvent] = []
    caplog.set_level(logging.INFO, logger="hf_inference_endpoints.progress")
    async with client_for(emulator, on_progress=events.append, retry_max_delay=0.01) as client:
        reply = await client.chat.complete(
            model="org/cold-model", provider="hf-inference", messages=MESSAGES
        )
    assert reply.response_meta is not None
    assert len(events) == reply.response_meta.attempts - 1 >= 1
    first = events[0]
    assert (first.kind, first.subject, first.state) == ("cold_start", "org/cold-model", "loading")
    assert first.estimate is not None and 0 < first.estimate <= 0.02
    # the attempt each wait comes before: the first retry is attempt 2
    assert [e.attempt for e in events] == list(range(2, len(events) + 2))
    logged = [r.hf_progress for r in caplog.records if hasattr(r, "hf_progress")]
    assert logged == events


@pytest.mark.anyio
async def test_an_endpoint_starting_reports_each_state(emulator: Any, no_env: None) -> None:
    events: list[ProgressEvent] = []
    async with client_for(emulator, on_progress=events.append) as client:
        endpoints = client.endpoints
        await endpoints.create(
            "progress-llm",
            "meta-llama/Llama-3.1-8B-Instruct",
            vendor="aws",
            region="us-east-1",
            accelerator="gpu",
            instance_type="nvidia-l4",
            instance_size="x1",
            task="text-generation",
        )
        try:
            await endpoints.wait("progress-llm", poll_interval=0.01, timeout=30)
        finally:
            await endpoints.delete("progress-llm")
    assert {e.kind for e in events} == {"endpoint"}
    assert {e.subject for e in events} == {"emulator-user/progress-llm"}
    states = [e.state for e in events]
    # the first poll may come after pending already ended (a loaded machine): the order holds
    order = ["pending", "initializing", "running"]
    assert states == [s for s in order if s in states] and states[-1] == "running"
    assert [e.elapsed for e in events] == sorted(e.elapsed for e in events)
    assert all(e.message for e in events)


@pytest.mark.anyio
async def test_a_failing_callback_does_not_break_the_call(
    emulator: Any, no_env: None, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.reset()

    def broken(event: ProgressEvent) -> None:
        raise RuntimeError("display failed")

    async with client_for(emulator, on_progress=broken, retry_max_delay=0.01) as client:
        reply = await client.chat.complete(
            model="org/cold-model", provider="hf-inference", messages=MESSAGES
        )
    assert reply.choices
    assert "the on_progress callback raised" in caplog.text


@pytest.mark.anyio
async def test_waking_a_scaled_to_zero_endpoint_is_reported(emulator: Any, no_env: None) -> None:
    from hf_inference_endpoints.emulator.testing import HfEmulator

    emu = HfEmulator(emulator, token=EMULATOR_TOKEN)
    emu.add_endpoint("progress-sleepy", state="scaledToZero", min_replica=0)
    events: list[ProgressEvent] = []
    try:
        async with client_for(emulator, on_progress=events.append) as client:
            reply = await client.chat.complete(endpoint="progress-sleepy", messages=MESSAGES)
    finally:
        emu.remove_endpoint("progress-sleepy")
    assert reply.choices
    (event,) = events
    assert (event.kind, event.subject, event.state) == (
        "endpoint",
        "emulator-user/progress-sleepy",
        "waking",
    )
    assert event.message is not None and "waits up to" in event.message
