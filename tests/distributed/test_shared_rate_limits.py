"""N processes sharing Redis never exceed the emulator's limit (its own counters)."""

from __future__ import annotations

import time
from pathlib import Path
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


TOKENS = 80  # per emulated minute (0.6 s): the emulator's tokens (words, plus max_tokens)


def token_workers(emulator: Any, barrier: Path, **extra: Any) -> list[dict[str, int]]:
    """WORKERS processes, each sending CALLS requests, all starting at once: chats (usage
    corrects the count) and embeddings (the estimate stands)."""
    config = client_config(
        emulator,
        provider_rate_limits={PROVIDER: {"tpm": TOKENS}},
        enable_embedding_cache=False,
        max_retries=0,  # a single 429 would be a failed call
        **extra,
    )
    specs: list[dict[str, Any]] = []
    for w in range(WORKERS):
        texts = [f"worker {w} asks about document number {i}" for i in range(CALLS)]
        if w % 2:
            specs.append({"config": config, "model": "org/chatty", "texts": texts})
            specs[-1]["chat"] = {"max_tokens": 8}
        else:
            specs.append({"config": config, "model": "org/embedder", "texts": texts})
    processes = [start_worker({**spec, "barrier": str(barrier)}) for spec in specs]
    deadline = time.monotonic() + 60
    while len(list(barrier.parent.glob(f"{barrier.name}.*"))) < WORKERS:
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.01)
    barrier.touch()  # every client is ready: go
    return [finish(p) for p in processes]


def test_processes_sharing_redis_never_exceed_the_token_limit(
    limited_emulator: Any, redis_url: str, tmp_path: Path
) -> None:
    limited_emulator.reset()
    limited_emulator.set_token_limit(PROVIDER, TOKENS)
    try:
        results = token_workers(
            limited_emulator, tmp_path / "go", rate_limit_url=redis_url, rate_limit_window=0.78
        )
        counters = limited_emulator.rate_limit_counters(PROVIDER)
    finally:
        limited_emulator.set_token_limit(PROVIDER, None)
    assert results == [{"ok": CALLS, "failed": 0}] * WORKERS
    assert counters["accepted"] == WORKERS * CALLS and counters["rejected"] == 0
    # several windows' worth of tokens went through; no window held more than the limit
    assert counters["tokens"] > 2 * TOKENS
    assert counters["token_peak"] <= TOKENS


def test_processes_with_their_own_token_limits_are_refused(
    limited_emulator: Any, tmp_path: Path
) -> None:
    limited_emulator.reset()
    limited_emulator.set_token_limit(PROVIDER, TOKENS)
    try:
        results = token_workers(limited_emulator, tmp_path / "go", rate_limit_window=0.78)
        rejected = limited_emulator.rate_limit_counters(PROVIDER)["rejected"]
    finally:
        limited_emulator.set_token_limit(PROVIDER, None)
    failed = sum(r["failed"] for r in results)
    assert failed > 0  # the control: each process alone keeps to the limit, together they do not
    assert rejected == failed
