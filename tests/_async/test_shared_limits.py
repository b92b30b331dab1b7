"""Provider rate limits shared through a real redis-server (issue 16), both twins.

The emulator's own counters are the ground truth: with the limit shared, clients that
together send more than the emulator allows per window are spaced out instead of
refused. The emulator runs 100x faster than life (a minute is 0.6 s).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from hf_inference_endpoints import RateLimited
from hf_inference_endpoints._shared_limits import RateLimitBackendUnavailable
from hf_inference_endpoints._storage import StorageWarning

from .test_embeddings import Wire, emulator_client

MODEL = "org/embedder"
PROVIDER = "hf-inference"
LIMIT = 5
WINDOW = 0.6  # the emulator's minute at time_scale=0.01


@pytest.fixture
def limited(emulator: Any) -> Iterator[Any]:
    """The session emulator allowing LIMIT requests per window to hf-inference."""
    emulator.reset()
    emulator.set_rate_limit(PROVIDER, LIMIT)
    try:
        yield emulator
    finally:
        emulator.set_rate_limit(PROVIDER, None)
        emulator.reset()


def shared(redis_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "rate_limit_url": redis_url,
        "provider_rate_limits": {PROVIDER: LIMIT},
        "rate_limit_window": WINDOW * 1.5,  # a margin: a loaded CI machine delays requests ~0.1 s
        "enable_embedding_cache": False,
        "max_retries": 0,
        **extra,
    }


@pytest.mark.anyio
async def test_two_clients_sharing_redis_stay_under_the_emulators_limit(
    limited: Any, no_env: None, redis_url: str
) -> None:
    calls = 3 * LIMIT
    started = time.monotonic()
    async with (
        emulator_client(limited, Wire(), **shared(redis_url)) as one,
        emulator_client(limited, Wire(), **shared(redis_url)) as two,
    ):
        for i in range(calls):
            client = one if i % 2 else two
            await client.embeddings.create(MODEL, f"text {i}")
    elapsed = time.monotonic() - started
    counters = limited.rate_limit_counters(PROVIDER)
    assert counters == {"accepted": calls, "rejected": 0, "peak": LIMIT}
    assert elapsed >= 2 * WINDOW  # 15 requests at 5 per window: two full windows waited


@pytest.mark.anyio
async def test_without_sharing_the_same_clients_are_refused(limited: Any, no_env: None) -> None:
    local = {"provider_rate_limits": {PROVIDER: LIMIT}, "max_retries": 0}
    refused = 0
    async with (
        emulator_client(limited, Wire(), enable_embedding_cache=False, **local) as one,
        emulator_client(limited, Wire(), enable_embedding_cache=False, **local) as two,
    ):
        for i in range(2 * LIMIT):
            try:
                await (one if i % 2 else two).embeddings.create(MODEL, f"text {i}")
            except RateLimited:
                refused += 1
    # each client allows itself a full minute's burst: together they overshoot
    assert refused > 0
    assert limited.rate_limit_counters(PROVIDER)["rejected"] == refused


@pytest.mark.anyio
async def test_a_retry_after_seen_by_one_client_pauses_the_other(
    limited: Any, no_env: None, redis_url: str
) -> None:
    limited.set_fault(MODEL, "429:retry_after=50;times=1")  # 0.5 s at time_scale 0.01
    config = shared(redis_url, provider_rate_limits={})
    async with (
        emulator_client(limited, Wire(), **config) as one,
        emulator_client(limited, Wire(), **config) as two,
    ):
        with pytest.raises(RateLimited):
            await one.embeddings.create(MODEL, "first")
        started = time.monotonic()
        result = await two.embeddings.create(MODEL, "second")
        waited = time.monotonic() - started
    assert result.embedding
    assert waited >= 0.4  # the other client's Retry-After (0.5 s), minus the time it took


@pytest.mark.anyio
async def test_redis_down_falls_back_to_local_limits_with_one_warning(
    limited: Any, no_env: None, redis_server: Any, redis_url: str
) -> None:
    redis_server.stop()
    try:
        async with emulator_client(limited, Wire(), **shared(redis_url)) as client:
            client._transport._limiter.storage.socket_timeout = 0.3  # type: ignore[union-attr]
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                for i in range(3):
                    await client.embeddings.create(MODEL, f"text {i}")
    finally:
        redis_server.start()
    assert [w.category for w in caught] == [StorageWarning]
    assert "falling back" in str(caught[0].message)
    assert limited.rate_limit_counters(PROVIDER)["accepted"] == 3


@pytest.mark.anyio
async def test_redis_down_raises_when_the_backend_is_required(
    limited: Any, no_env: None, redis_server: Any, redis_url: str
) -> None:
    redis_server.stop()
    try:
        config = shared(redis_url, rate_limit_backend_required=True)
        async with emulator_client(limited, Wire(), **config) as client:
            client._transport._limiter.storage.socket_timeout = 0.3  # type: ignore[union-attr]
            with pytest.raises(RateLimitBackendUnavailable, match="rate-limit backend failed"):
                await client.embeddings.create(MODEL, "text")
    finally:
        redis_server.start()
    assert limited.rate_limit_counters(PROVIDER)["accepted"] == 0


TOKENS = 60  # per window (0.6 s)


@pytest.mark.anyio
async def test_two_clients_sharing_redis_stay_under_the_emulators_token_limit(
    emulator: Any, no_env: None, redis_url: str
) -> None:
    emulator.reset()
    emulator.set_token_limit(PROVIDER, TOKENS)
    config = shared(
        redis_url,
        provider_rate_limits={PROVIDER: {"tpm": TOKENS}},
        rate_limit_window=WINDOW * 1.3,  # a wider margin: token entries weigh more than one
    )
    calls = 12
    try:
        async with (
            emulator_client(emulator, Wire(), **config) as one,
            emulator_client(emulator, Wire(), **config) as two,
        ):
            for i in range(calls):
                client = one if i % 2 else two
                if i % 3:  # embeddings: no usage in the answer, the estimate stands
                    await client.embeddings.create(MODEL, f"document number {i} about limits")
                else:  # chat: the answer's usage corrects both counts
                    answer = await client.chat.complete(
                        model="org/chatty",
                        messages=[{"role": "user", "content": f"please summarise document {i}"}],
                        max_tokens=6,
                    )
                    assert answer.usage is not None and answer.usage.total_tokens <= 4 + 6
        counters = emulator.rate_limit_counters(PROVIDER)
    finally:
        emulator.set_token_limit(PROVIDER, None)
        emulator.reset()
    assert counters["accepted"] == calls and counters["rejected"] == 0
    # more than a window's worth of tokens went through, and no window held more than the limit
    assert counters["tokens"] > TOKENS >= counters["token_peak"]


@pytest.mark.anyio
async def test_one_client_on_its_own_token_window_stays_under_the_emulators_limit(
    emulator: Any, no_env: None
) -> None:
    emulator.reset()
    emulator.set_token_limit(PROVIDER, TOKENS)
    config = {
        "provider_rate_limits": {PROVIDER: {"tpm": TOKENS}},
        "rate_limit_window": WINDOW * 1.3,
        "enable_embedding_cache": False,
        "max_retries": 0,
    }
    try:
        async with emulator_client(emulator, Wire(), **config) as client:
            for i in range(12):
                await client.embeddings.create(MODEL, [f"local text number {i}", "and another"])
        counters = emulator.rate_limit_counters(PROVIDER)
    finally:
        emulator.set_token_limit(PROVIDER, None)
        emulator.reset()
    assert counters["accepted"] == 12 and counters["rejected"] == 0
    assert counters["tokens"] > TOKENS >= counters["token_peak"]
