"""The connection cap: calls beyond ``max_connections`` wait for a free one, typed when they can't.

Without a cap every concurrent call opened its own socket: 1,100 calls under
``ulimit -n 1024`` gave 84 ``NetworkError``s and a raw ``OSError`` from a lazy import on
the retry path. With the cap they queue on the pool; a call whose deadline passes while it
waits fails with ``PoolExhausted`` (a ``RequestTimeout``).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, PoolExhausted, RequestTimeout

from ..conftest import EMULATOR_TOKEN
from ..faults import server as fs

MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.anyio
async def test_a_call_that_cannot_get_a_connection_in_time_is_pool_exhausted(
    no_env: None,
) -> None:
    with fs.FaultServer() as server:
        client = AsyncHfInferenceClient(
            default_provider="hf-inference",
            token="hf_pool_token",
            router_url=server.url,
            max_connections=1,
            max_retries=0,
        )
        async with client:
            server.script(fs.stall_stream(seconds=30.0))
            async with await client.chat.stream(model=MODEL, messages=MESSAGES) as held:
                started = time.monotonic()
                with pytest.raises(PoolExhausted, match="max_connections") as info:
                    await client.chat.complete(model=MODEL, messages=MESSAGES, timeout=0.5)
                assert time.monotonic() - started < 0.5 + 0.5
                assert isinstance(info.value, RequestTimeout)
                assert len(server.requests) == 1  # the second call never reached the wire
                assert not held.is_closed
        assert server.wait_until_idle()


def test_max_connections_is_validated() -> None:
    from hf_inference_endpoints import ConfigurationError, HfInferenceConfig

    for bad in (0, -1, 1.5, True, "10"):
        with pytest.raises(ConfigurationError, match="max_connections"):
            HfInferenceConfig(max_connections=bad)
    assert HfInferenceConfig(max_connections=None).max_connections is None
    assert HfInferenceConfig().max_connections == 100


# unasync: remove-begin
import resource  # noqa: E402
from collections import Counter  # noqa: E402

import anyio  # noqa: E402

from hf_inference_endpoints import HfError  # noqa: E402


@pytest.mark.anyio
async def test_eleven_hundred_concurrent_calls_under_1024_descriptors_all_finish(
    emulator: Any, no_env: None
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        client = AsyncHfInferenceClient(
            default_provider="hf-inference",
            token=EMULATOR_TOKEN,
            router_url=emulator.router_url,
            max_retries=0,
        )
        outcomes: Counter[str] = Counter()

        async def one() -> None:
            try:
                await client.chat.complete(model=MODEL, messages=MESSAGES, timeout=120)
            except HfError as exc:  # anything else escapes and fails the task group
                outcomes[type(exc).__name__] += 1
            else:
                outcomes["ok"] += 1

        async with client:
            async with anyio.create_task_group() as group:
                for _ in range(1100):
                    group.start_soon(one)
            transport = client._transport.http_client._transport  # type: ignore[attr-defined]
            assert transport.in_flight == 0
            assert len(transport.connections) <= 100
        assert outcomes == {"ok": 1100}
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# unasync: remove-end
