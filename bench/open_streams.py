"""Many streams open at once on one async client: memory per open stream, CPU per event.

    python -m bench.open_streams                       # 1,000 streams, ours and raw httpx2
    python -m bench.open_streams --streams 200 --repeat 1

Starts ``bench.server``, then for each contender (``raw_httpx2``, ``hfie``), in a fresh
process: one async client whose connection cap is the number of streams
(``max_connections``), a short warm-up, then every stream opened together
(``asyncio.gather``). Each stream reads its first event and waits until all of them have
one: at that moment every stream is open at once, each on its own connection, and the
process's RSS is taken (after ``gc.collect()``). Then all are read to the end. Reported:

* RSS growth per open stream: (RSS with every stream open - RSS before) / streams;
* CPU per event: user+sys of the process from before the first open to the last event,
  divided by the events received (opening the streams included);
* connections the server accepted (at most the cap) and peak RSS.

The server paces each stream (``--chunks`` events, ``--interval-ms`` apart) so the streams
are still open when the last one is opened.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
from typing import Any

from .contenders._common import _cpu as cpu
from .contenders._common import _rss_kib as rss_kib
from .contenders._common import base_for, server_stats

CONTENDERS = ("raw_httpx2", "hfie")
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]


async def _raw(base: str, streams: int, opened: asyncio.Event, count: list[int]) -> Any:
    import httpx2

    from .contenders.raw_httpx2 import HEADERS, _chat_body, _Events

    limits = httpx2.Limits(max_connections=streams, max_keepalive_connections=streams)
    client = httpx2.AsyncClient(limits=limits, timeout=120)
    url = base + "/v1/chat/completions"

    async def one(gate: bool = True) -> int:
        events = _Events()
        async with client.stream("POST", url, content=_chat_body(True), headers=HEADERS) as r:
            chunks = r.aiter_bytes()
            while events.count == 0 and not events.done:
                events.feed(await chunks.__anext__())
            if gate:
                await _mark_open(opened, count, streams)
            async for chunk in chunks:
                events.feed(chunk)
        return events.count

    return client, one, client.aclose


async def _ours(base: str, streams: int, opened: asyncio.Event, count: list[int]) -> Any:
    from hf_inference_endpoints import AsyncHfInferenceClient

    client = AsyncHfInferenceClient(
        token="hf_bench",
        max_connections=streams,
        pool_size_per_host=streams,
        request_timeout=120,
    )

    async def one(gate: bool = True) -> int:
        got = 0
        async with await client.chat.stream(model=base, messages=MESSAGES, max_tokens=50) as s:
            async for _ in s:
                got += 1
                if got == 1 and gate:
                    await _mark_open(opened, count, streams)
        return got

    return client, one, client.aclose


async def _mark_open(opened: asyncio.Event, count: list[int], streams: int) -> None:
    count[0] += 1
    if count[0] == streams:
        opened.set()
    await opened.wait()


async def _measure(contender: str, base: str, streams: int) -> dict[str, Any]:
    opened = asyncio.Event()
    count = [0]
    make = _raw if contender == "raw_httpx2" else _ours
    client, one, close = await make(base, streams, opened, count)
    for _ in range(5):  # warm-up, one at a time
        await one(gate=False)
    gc.collect()
    rss_before, cpu_before = rss_kib(), cpu()
    tasks = [asyncio.ensure_future(one()) for _ in range(streams)]
    await opened.wait()
    gc.collect()
    rss_open = rss_kib()
    events = sum(await asyncio.gather(*tasks))
    cpu_after = cpu()
    await close()
    del client
    return {
        "contender": contender,
        "streams": streams,
        "events": events,
        "rss_before_kib": rss_before,
        "rss_open_kib": rss_open,
        "rss_per_stream_kib": (rss_open - rss_before) / streams,
        "cpu_per_event_us": (cpu_after - cpu_before) / events * 1e6,
    }


def _child(args: argparse.Namespace) -> None:
    import resource

    before = server_stats(args.stats_url)
    base = base_for(args.base_url, args.chunks, args.interval_ms)
    result = asyncio.run(_measure(args.child, base, args.streams))
    after = server_stats(args.stats_url)
    result["conns_opened"] = after["accepted"] - before["accepted"]
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--chunks", type=int, default=20, help="events per stream")
    parser.add_argument("--interval-ms", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--stats-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return
    from .run import ROOT, Server, child_env

    server = Server.start()
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in CONTENDERS}
    try:
        for rep in range(args.repeat):
            for name in CONTENDERS if rep % 2 == 0 else reversed(CONTENDERS):
                cmd = [sys.executable, "-m", "bench.open_streams", "--child", name]
                cmd += ["--base-url", server.base_url, "--stats-url", server.stats_url]
                cmd += ["--streams", str(args.streams), "--chunks", str(args.chunks)]
                cmd += ["--interval-ms", str(args.interval_ms)]
                done = subprocess.run(
                    cmd, cwd=ROOT, capture_output=True, text=True, env=child_env(), timeout=600
                )
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed: {done.stderr[-2000:]}")
                result = json.loads(done.stdout.strip().splitlines()[-1])
                runs[name].append(result)
                print(
                    f"  {name:10} RSS/stream {result['rss_per_stream_kib']:6.1f} KiB  "
                    f"CPU/event {result['cpu_per_event_us']:6.1f} us  "
                    f"conns {result['conns_opened']}",
                    flush=True,
                )
    finally:
        server.stop()
    print(f"\n{args.streams:,} streams open at once on one async client (median of {args.repeat})")
    print("| contender | RSS growth per open stream | CPU per event | ratio | conns | peak RSS |")
    print("|---|---|---|---|---|---|")
    floor = statistics.median(r["cpu_per_event_us"] for r in runs["raw_httpx2"])
    for name in CONTENDERS:
        rows = runs[name]
        per_stream = statistics.median(r["rss_per_stream_kib"] for r in rows)
        per_event = statistics.median(r["cpu_per_event_us"] for r in rows)
        conns = max(r["conns_opened"] for r in rows)
        peak = statistics.median(r["peak_rss_kib"] for r in rows) / 1024
        print(
            f"| {name} | {per_stream:.1f} KiB | {per_event:.1f} µs | {per_event / floor:.2f}× "
            f"| {conns} | {peak:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
