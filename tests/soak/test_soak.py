"""Soak: 10,000 requests and 2,000 streams with faults interleaved, on one client per twin.

The fault server runs in its own process (``python -m tests.faults.server``), so the file
descriptors and memory measured here are the client's alone. Every tenth call carries an
``x-fault`` header naming a fault (applied once per ``x-fault-id``, so retries recover):
429s, 500s, a 502 HTML page, 503 loading, resets before the headers and mid-body, malformed
JSON, HTML with 200, a 401; for streams also a stream cut by RST, one without ``[DONE]``,
an error event, a malformed event, a stream the caller abandons after one chunk, and (sync)
one dropped without ``close()``.

Every outcome is counted and must match the plan exactly (no request lost, no untyped
exception). After a 1,000-call warm-up and then every 1,000 calls: no request in flight,
at most :data:`MAX_CONNECTIONS` pooled connections, and at the end, against the warm-up:

* open file descriptors (``/proc/self/fd``) grew by at most :data:`MAX_FD_GROWTH`;
* resident memory (``VmRSS``) grew by at most :data:`MAX_RSS_GROWTH_MIB` MiB;
* live objects tracked by the GC grew by at most :data:`MAX_OBJECT_GROWTH`.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, HfError, HfInferenceClient

pytestmark = [
    pytest.mark.soak,
    pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc"),
]

ROOT = Path(__file__).resolve().parents[2]
MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
CALLS = 12_000  # 10,000 plain calls and 2,000 streams
STREAM_EVERY = 6  # call i is a stream when i % 6 == 5
FAULT_EVERY = 10  # call i carries a fault when i % 10 == 3
LOADING_EVERY = 2_000  # ... and a 503 loading when i % 2000 == 7 (each waits 0.25 s)
WARM_UP = 1_000
CHECK_EVERY = 1_000

MAX_CONNECTIONS = 2
MAX_FD_GROWTH = 2
MAX_RSS_GROWTH_MIB = 8.0
MAX_OBJECT_GROWTH = 2_000

# fault -> the outcome it must produce ("ok" = recovered, else the HfError class name)
PLAIN_FAULTS = {
    "429": "ok",
    "500": "ok",
    "reset-before-headers": "ok",
    "reset-mid-body": "ok",
    "502-html": "ok",
    "malformed": "ServerError",
    "html-200": "ServerError",
    "401": "AuthenticationError",
}
STREAM_FAULTS = {
    "429": "ok",
    "reset-mid-body": "StreamInterrupted",
    "no-done": "StreamInterrupted",
    "error-event": "StreamInterrupted",
    "malformed": "StreamInterrupted",
    "abandon": "abandoned",  # the caller closes after one chunk (client side)
    "500": "ok",
    "drop": "dropped",  # sync: del without close(); async: closed early like "abandon"
    "reset-before-headers": "ok",
}


@dataclass(frozen=True)
class Call:
    index: int
    stream: bool
    fault: str | None

    def headers(self, runner: str) -> dict[str, str]:
        """The fault, once per runner and call (a retry of the call gets a normal answer)."""
        if self.fault is None or self.fault in ("abandon", "drop"):
            return {}
        return {"x-fault": self.fault, "x-fault-id": f"{runner}-{self.index}"}

    @property
    def expected(self) -> str:
        if self.fault is None or self.fault == "503-loading":
            return "ok"
        return (STREAM_FAULTS if self.stream else PLAIN_FAULTS)[self.fault]


def plan() -> list[Call]:
    calls = []
    plain_cycle = list(PLAIN_FAULTS)
    stream_cycle = list(STREAM_FAULTS)
    n_plain = n_stream = 0
    for i in range(CALLS):
        stream = i % STREAM_EVERY == STREAM_EVERY - 1
        fault = None
        if i % LOADING_EVERY == 7:
            fault = "503-loading"
        elif i % FAULT_EVERY == 3:
            if stream:
                fault = stream_cycle[n_stream % len(stream_cycle)]
                n_stream += 1
            else:
                fault = plain_cycle[n_plain % len(plain_cycle)]
                n_plain += 1
        calls.append(Call(i, stream, fault))
    return calls


PLAN = plan()


@dataclass
class Sample:
    calls: int
    fds: int
    rss_mib: float
    objects: int
    connections: int
    in_flight: int


@dataclass
class Soak:
    runner: str
    outcomes: Counter[str] = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def record(self, call: Call, outcome: str) -> None:
        self.outcomes[outcome] += 1
        if outcome != call.expected and len(self.mismatches) < 20:
            self.mismatches.append(f"call {call.index} {call.fault}: {outcome} != {call.expected}")

    def sample(self, calls: int, client: Any) -> None:
        gc.collect()
        pool = client._transport.http_client._transport
        self.samples.append(
            Sample(
                calls=calls,
                fds=len(os.listdir("/proc/self/fd")),
                rss_mib=_rss_mib(),
                objects=len(gc.get_objects()),
                connections=len(pool.connections),
                in_flight=pool.in_flight,
            )
        )

    def check(self) -> None:
        elapsed = time.monotonic() - self.started
        base, last = self.samples[0], self.samples[-1]
        summary = (
            f"{self.runner}: {CALLS} calls in {elapsed:.1f} s; "
            f"fds {base.fds}->{last.fds}, RSS {base.rss_mib:.1f}->{last.rss_mib:.1f} MiB, "
            f"objects {base.objects}->{last.objects}, "
            f"max connections {max(s.connections for s in self.samples)}; "
            f"outcomes {dict(sorted(self.outcomes.items()))}"
        )
        print(summary)
        assert not self.mismatches, self.mismatches
        expected = Counter(c.expected for c in PLAN)
        assert self.outcomes == expected, summary
        for s in self.samples:
            assert s.in_flight == 0, f"request in flight after {s.calls} calls"
            assert s.connections <= MAX_CONNECTIONS, f"{s.connections} connections: {summary}"
        assert last.fds - base.fds <= MAX_FD_GROWTH, summary
        assert last.rss_mib - base.rss_mib <= MAX_RSS_GROWTH_MIB, summary
        assert last.objects - base.objects <= MAX_OBJECT_GROWTH, summary


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """The fault server in a child process (its sockets and memory are not ours)."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.faults.server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        assert line.startswith("PORT "), line + (proc.stderr.read() if proc.stderr else "")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
        _, errors = proc.communicate(timeout=30)  # closes stdin: the server stops
    assert proc.returncode == 0 and not errors.strip(), errors


def _config(url: str) -> dict[str, Any]:
    return {
        "token": "hf_soak_token",
        "router_url": url,
        "max_retries": 2,
        "retry_base_delay": 0.001,
        "retry_max_delay": 0.01,
        "request_timeout": 10.0,
        "stream_timeout": 10.0,
    }


def test_soak_sync(server_url: str, no_env: None) -> None:
    soak = Soak("sync")
    with HfInferenceClient(**{"default_provider": "hf-inference", **_config(server_url)}) as client:
        for call in PLAN:
            if call.index == WARM_UP or (call.index > WARM_UP and call.index % CHECK_EVERY == 0):
                soak.sample(call.index, client)
            try:
                if not call.stream:
                    client.chat.complete(
                        model=MODEL, messages=MESSAGES, extra_headers=call.headers(soak.runner)
                    )
                    outcome = "ok"
                else:
                    stream = client.chat.stream(
                        model=MODEL, messages=MESSAGES, extra_headers=call.headers(soak.runner)
                    )
                    if call.fault == "drop":
                        next(iter(stream))
                        del stream  # no close(): the garbage collector releases it
                        outcome = "dropped"
                    elif call.fault == "abandon":
                        with stream:
                            next(iter(stream))
                        outcome = "abandoned"
                    else:
                        with stream:
                            assert sum(1 for _ in stream) == 3
                        outcome = "ok"
            except HfError as exc:
                outcome = type(exc).__name__
            soak.record(call, outcome)
        soak.sample(CALLS, client)
    soak.check()


@pytest.mark.anyio
async def test_soak_async(server_url: str, no_env: None, anyio_backend: str) -> None:
    soak = Soak(anyio_backend)
    async with AsyncHfInferenceClient(
        **{"default_provider": "hf-inference", **_config(server_url)}
    ) as client:
        for call in PLAN:
            if call.index == WARM_UP or (call.index > WARM_UP and call.index % CHECK_EVERY == 0):
                soak.sample(call.index, client)
            try:
                if not call.stream:
                    await client.chat.complete(
                        model=MODEL, messages=MESSAGES, extra_headers=call.headers(soak.runner)
                    )
                    outcome = "ok"
                else:
                    stream = await client.chat.stream(
                        model=MODEL, messages=MESSAGES, extra_headers=call.headers(soak.runner)
                    )
                    async with stream:
                        if call.fault in ("abandon", "drop"):
                            await stream.__anext__()
                            outcome = "abandoned" if call.fault == "abandon" else "dropped"
                        else:
                            assert len([c async for c in stream]) == 3
                            outcome = "ok"
            except HfError as exc:
                outcome = type(exc).__name__
            soak.record(call, outcome)
        soak.sample(CALLS, client)
    soak.check()
