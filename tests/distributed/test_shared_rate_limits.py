"""N processes sharing Redis never exceed the emulator's limit (its own counters)."""

from __future__ import annotations

from typing import Any

from .conftest import client_config, finish, start_worker

PROVIDER = "hf-inference"
LIMIT = 8  # per emulated minute (0.6 s)
WORKERS = 3
CALLS = 8


def test_processes_sharing_redis_are_never_refused(limited_emulator: Any, redis_url: str) -> None:
    limited_emulator.reset()
    limited_emulator.set_rate_limit(PROVIDER, LIMIT)
    config = client_config(
        limited_emulator,
        rate_limit_url=redis_url,
        provider_rate_limits={PROVIDER: LIMIT},
        rate_limit_window=0.66,
        enable_embedding_cache=False,
        max_retries=0,  # a single 429 would be a failed call
    )
    workers = [
        start_worker(
            {
                "config": config,
                "model": "org/embedder",
                "texts": [f"worker {w} text {i}" for i in range(CALLS)],
            }
        )
        for w in range(WORKERS)
    ]
    results = [finish(p) for p in workers]
    assert results == [{"ok": CALLS, "failed": 0}] * WORKERS
    counters = limited_emulator.rate_limit_counters(PROVIDER)
    assert counters == {"accepted": WORKERS * CALLS, "rejected": 0, "peak": LIMIT}


def test_processes_without_sharing_are_refused(limited_emulator: Any) -> None:
    limited_emulator.reset()
    limited_emulator.set_rate_limit(PROVIDER, LIMIT)
    config = client_config(
        limited_emulator,
        provider_rate_limits={PROVIDER: LIMIT},
        enable_embedding_cache=False,
        max_retries=0,
    )
    workers = [
        start_worker(
            {
                "config": config,
                "model": "org/embedder",
                "texts": [f"w{w} {i}" for i in range(CALLS)],
            }
        )
        for w in range(WORKERS)
    ]
    results = [finish(p) for p in workers]
    failed = sum(r["failed"] for r in results)
    assert failed > 0  # the control: the same load, each process on its own, is refused
    assert limited_emulator.rate_limit_counters(PROVIDER)["rejected"] == failed
