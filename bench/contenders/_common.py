"""What every contender shares: the command line, the scenarios, the measurements.

A contender module defines ``make_sync(base_url)`` and ``make_async(base_url)`` that return
an object with the operations it supports (each returns the number of items it received):

* ``chat()`` -- one chat completion, parsed;
* ``stream()`` -- one streamed chat, read to the end; returns the number of chunks;
* ``tgi_stream()`` -- one TGI ``/generate_stream``, read to the end; returns the events;
* ``embed(texts)`` -- one embedding call of ``texts``; returns the number of vectors
  (``embed_nocache(texts)`` too, for a client whose embedding cache can be turned off);
* ``close()``.

(awaitables in the async twin), and calls :func:`main` with them. Every contender gets the
same command line::

    python -m bench.contenders.<name> --twin sync|async --scenario S --n N \\
        --base-url http://127.0.0.1:PORT [--stats-url http://127.0.0.1:CTL]

and prints one JSON line: client CPU (user+sys of this process, around the measured loop
only, after a warm-up), wall time, CPU per request and per chunk, peak RSS, the TCP
connections the server accepted from this process, and for ``many_streams`` RSS and open
file descriptors before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import socket
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SCENARIOS", "base_for", "main", "texts_for"]

#: scenario -> (operation, default n, default chunks per stream, default interval ms)
SCENARIOS: dict[str, tuple[str, int, int, float]] = {
    "chat_seq": ("chat", 2000, 0, 0.0),
    "chat_concurrent": ("chat", 2000, 0, 0.0),
    "stream": ("stream", 200, 200, 0.0),
    "stream_paced": ("stream", 15, 200, 1.0),
    "tgi_stream": ("tgi_stream", 200, 200, 0.0),
    "embed": ("embed", 500, 0, 0.0),
    "embed_nocache": ("embed_nocache", 500, 0, 0.0),
    "many_streams": ("stream", 10000, 5, 0.0),
}

CONCURRENCY = 64
EMBED_TEXTS = 32


def base_for(base_url: str, chunks: int, interval_ms: float) -> str:
    """The server URL with the stream shape encoded in the path (see bench/server.py)."""
    interval = f"{interval_ms:g}"
    return f"{base_url.rstrip('/')}/_c{chunks}_i{interval}"


def texts_for(call: int, count: int = EMBED_TEXTS) -> list[str]:
    """Distinct texts for each call (no cache may answer twice)."""
    return [f"benchmark sentence {call}-{i}: the quick brown fox" for i in range(count)]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def server_stats(stats_url: str | None) -> dict[str, Any]:
    """The fake server's counters (a bare socket: nothing imported, no pool touched)."""
    if not stats_url:
        return {}
    parts = urlsplit(stats_url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80)) as sock:
        sock.sendall(b"GET /stats HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return dict(json.loads(data.partition(b"\r\n\r\n")[2]))


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--twin", choices=("sync", "async"), default="sync")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    parser.add_argument("--n", type=int, help="calls to measure (default: the scenario's)")
    parser.add_argument("--chunks", type=int, help="chunks per stream")
    parser.add_argument("--interval-ms", type=float, help="server pause between chunks")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--stats-url")
    return parser.parse_args(argv)


def _operation(client: Any, op: str) -> Callable[[int], Any]:
    if op in ("embed", "embed_nocache"):
        # embed_nocache: a client with an embedding cache turns it off; others embed as usual
        embed = getattr(client, op, None) or client.embed
        return lambda i: embed(texts_for(i))
    method = getattr(client, op)
    return lambda i: method()


def main(
    name: str,
    make_sync: Callable[[str], Any] | None,
    make_async: Callable[[str], Any] | None,
    argv: list[str] | None = None,
) -> None:
    """Run one scenario and print its JSON line (exit code 3: unsupported)."""
    args = _parse(argv)
    op, default_n, default_chunks, default_interval = SCENARIOS[args.scenario]
    n = args.n or default_n
    chunks = args.chunks if args.chunks is not None else default_chunks
    interval = args.interval_ms if args.interval_ms is not None else default_interval
    base = base_for(args.base_url, chunks, interval)
    make = make_sync if args.twin == "sync" else make_async
    concurrent = args.scenario == "chat_concurrent"
    if make is None or (concurrent and args.twin == "sync"):
        print(json.dumps({"contender": name, "twin": args.twin, "unsupported": True}))
        sys.exit(3)
    stats_before = server_stats(args.stats_url)
    client = make(base)
    if not hasattr(client, "embed" if op == "embed_nocache" else op):
        print(json.dumps({"contender": name, "twin": args.twin, "unsupported": True}))
        sys.exit(3)
    call = _operation(client, op)
    warmup = min(args.warmup, n)
    result: dict[str, Any]
    if args.twin == "sync":
        result = _run_sync(client, call, n, warmup, args, stats_before)
    else:
        result = asyncio.run(_run_async(client, call, n, warmup, args, stats_before, concurrent))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.update(
        contender=name,
        twin=args.twin,
        scenario=args.scenario,
        n=n,
        chunks_per_stream=chunks if op in ("stream", "tgi_stream") else None,
        peak_rss_kib=usage.ru_maxrss,
    )
    calls = result["calls"]
    result["cpu_per_call_us"] = result["cpu_s"] / calls * 1e6
    result["wall_per_call_us"] = result["wall_s"] / calls * 1e6
    if result["items"] and op in ("stream", "tgi_stream"):
        result["cpu_per_chunk_us"] = result["cpu_s"] / result["items"] * 1e6
    print(json.dumps(result))


def _measure_start() -> tuple[float, float, int, int]:
    gc.collect()
    return _cpu(), time.perf_counter(), _rss_kib(), _fds()


def _measure_end(
    start: tuple[float, float, int, int], items: int, n: int, stats_url: str | None
) -> dict[str, Any]:
    cpu, wall = _cpu(), time.perf_counter()
    gc.collect()
    return {
        "calls": n,
        "items": items,
        "cpu_s": cpu - start[0],
        "wall_s": wall - start[1],
        "rss_before_kib": start[2],
        "rss_after_kib": _rss_kib(),
        "fds_before": start[3],
        "fds_after": _fds(),
        "_stats_mid": server_stats(stats_url),
    }


def _finish(result: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> None:
    mid = result.pop("_stats_mid")
    if before and after:
        result["conns_opened"] = after["accepted"] - before["accepted"]
        result["server_requests"] = after["requests"] - before["requests"]
        result["server_cpu_s"] = mid["cpu"] - before["cpu"]
        result["server_open_after"] = mid["open"]


def _run_sync(
    client: Any,
    call: Callable[[int], Any],
    n: int,
    warmup: int,
    args: argparse.Namespace,
    before: dict[str, Any],
) -> dict[str, Any]:
    for i in range(warmup):
        call(-1 - i)
    start = _measure_start()
    items = 0
    for i in range(n):
        items += call(i)
    result = _measure_end(start, items, n, args.stats_url)
    client.close()
    _finish(result, before, server_stats(args.stats_url))
    return result


async def _run_async(
    client: Any,
    call: Callable[[int], Any],
    n: int,
    warmup: int,
    args: argparse.Namespace,
    before: dict[str, Any],
    concurrent: bool,
) -> dict[str, Any]:
    for i in range(warmup):
        await call(-1 - i)
    start = _measure_start()
    items = 0
    if concurrent:
        counter = iter(range(n))
        totals: list[int] = []

        async def worker() -> None:
            got = 0
            for i in counter:
                got += await call(i)
            totals.append(got)

        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        items = sum(totals)
    else:
        for i in range(n):
            items += await call(i)
    result = _measure_end(start, items, n, args.stats_url)
    await client.close()
    _finish(result, before, server_stats(args.stats_url))
    return result
