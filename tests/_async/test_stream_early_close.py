"""Two hundred streams closed early leave nothing to the garbage collector.

Each stream stops before the server's end in one of four ways: the caller breaks out after
the first chunk, the server sends an error event, the server sends a malformed event, or
an event outgrows ``max_response_bytes``. Every body iterator opened under the stream
(ours, httpx2's, httpcore2's) must be closed by the stream itself: on trio an async
generator left to the collector warns ("Async generator ... was garbage collected"). The
warnings are recorded here rather than left to the pytest filter, so the test names them,
and the count of live objects must stay flat from the first 40 streams to the last.
"""

from __future__ import annotations

import gc
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, HfError

from ..faults import server as fs

MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
ROUNDS = 5  # x 4 ways x 10 = 200 streams
PER_WAY = 10
MAX_BYTES = 64 * 1024


def early_endings() -> list[tuple[str, fs.Behaviour]]:
    many = [fs.chat_chunk(f"t{i}") for i in range(50)]
    return [
        ("break", fs.stream(many)),
        ("error-event", fs.error_event()),
        ("malformed-event", fs.stream([fs.chat_chunk("a"), b"{not json", fs.chat_chunk("b")])),
        ("size-limit", fs.oversized(4 * MAX_BYTES, sse=True)),
    ]


@contextmanager
def recording_leaks() -> Iterator[list[str]]:
    """Collects ResourceWarnings and unraisable exceptions raised while the block runs."""
    leaks: list[str] = []
    previous_hook = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        leaks.append(f"unraisable: {unraisable.exc_value!r} in {unraisable.object!r}")

    sys.unraisablehook = hook
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield leaks
            gc.collect()
        leaks.extend(str(w.message) for w in caught if issubclass(w.category, ResourceWarning))
    finally:
        sys.unraisablehook = previous_hook


async def close_early(client: AsyncHfInferenceClient, way: str) -> None:
    stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
    try:
        async for _chunk in stream:
            if way == "break":
                break
    except HfError:
        pass  # error event, malformed event, size limit: the stream ends with a typed error
    finally:
        await stream.aclose()
    assert stream.is_closed


@pytest.mark.anyio
async def test_two_hundred_streams_closed_early_leave_no_warning_and_no_growth(
    no_env: None,
) -> None:
    endings = early_endings()
    with fs.FaultServer() as server:
        client = AsyncHfInferenceClient(
            default_provider="hf-inference",
            token="hf_stream_close_token",
            router_url=server.url,
            max_retries=0,
            max_response_bytes=MAX_BYTES,
        )
        async with client:
            pool = client._transport.http_client._transport  # type: ignore[attr-defined]
            counts: list[int] = []
            with recording_leaks() as leaks:
                for _ in range(ROUNDS):
                    for way, behaviour in endings:
                        for _ in range(PER_WAY):
                            server.script(behaviour)
                            await close_early(client, way)
                    gc.collect()
                    counts.append(len(gc.get_objects()))
                    assert pool.in_flight == 0
            assert leaks == []
            # Flat: the last 160 streams add (almost) nothing to what the first 40 left.
            assert counts[-1] - counts[0] < 1_000, counts
        assert server.wait_until_idle()
        assert server.errors == []
