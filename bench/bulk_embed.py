"""Bulk-embed benchmark of issue 16 (not a test; never run by `make test`).

Embeds N texts against the emulator limited to LIMIT requests per (simulated) minute,
time-scaled so a run takes seconds, in these set-ups:

* ``one``    one process, ``hfie bulk embed`` (local limits);
* ``procs4`` four processes (``hfie bulk embed`` on a quarter each) sharing a private
             redis-server for their rate limits;
* ``ray4``   a Ray Data pipeline on a local runtime, four actors running
             ``integrations.ray.HfInferenceBatches`` with limits shared on the same Redis;
* ``naive``  an ``asyncio.gather`` fan-out with huggingface_hub's AsyncInferenceClient
             (needs ``pip install huggingface_hub``), no limit, no retries of its own.

It reports texts/s, requests/s against the limit, the 429 share (the emulator's own
counters) and whether every text was embedded exactly once. Goal (issue 16): throughput
>= 90 % of the limit, 429s <= 1 % of requests.

    python -m bench.bulk_embed --texts 400 --time-scale 0.1 --only one    # smoke
    make bench-bulk                                                   # writes bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

from .sections import replace_section

MODEL = "org/embedder"
PROVIDER = "hf-inference"
TOKEN = "hf_bench_token"
ROOT = Path(__file__).resolve().parents[1]
#: The hand-written reading of the results, pasted under the table.
NOTES = Path(__file__).with_name("NOTES_BULK.md")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_redis(folder: str) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found (apt-get install -y redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.3)
    return process, f"redis://127.0.0.1:{port}/0"


def write_inputs(path: Path, texts: int, offset: int = 0) -> None:
    with path.open("w") as handle:
        for i in range(offset, offset + texts):
            handle.write(json.dumps({"id": i, "text": f"bench text {i}"}) + "\n")


def cli(emulator: Any, source: Path, output: Path, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HFIE_"))}
    return subprocess.Popen(
        [sys.executable, "-c", "from hf_inference_endpoints.cli import main; main()",
         "bulk", "embed", "--input", str(source), "--output", str(output), "-m", MODEL,
         "--provider", PROVIDER,
         "--no-progress", "--token", TOKEN, "--router-url", emulator.router_url,
         "--hub-url", emulator.hub_url, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )  # fmt: skip


def ids_in(paths: list[Path]) -> list[int]:
    found: list[int] = []
    for path in paths:
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if "embedding" in row:
                found.append(row["id"])
    return found


def run_bulk(
    emulator: Any, args: argparse.Namespace, workers: int, redis_url: str | None
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp())
    share = args.texts // workers
    limit_args = ["--rate-limit", f"{PROVIDER}={args.limit}", "--rate-limit-window",
                  str(60 * args.time_scale * 1.05), "--batch-size", str(args.batch_size),
                  "--concurrency", str(args.concurrency)]  # fmt: skip
    if redis_url:
        limit_args += ["--rate-limit-url", redis_url]
    outputs, processes = [], []
    for w in range(workers):
        source, output = folder / f"in{w}.jsonl", folder / f"out{w}.jsonl"
        write_inputs(source, share, offset=w * share)
        outputs.append(output)
        processes.append(cli(emulator, source, output, *limit_args))
    for process in processes:
        _, err = process.communicate()
        if process.returncode != 0:
            raise SystemExit(err)
    ids = ids_in(outputs)
    return {"texts": workers * share, "ids": ids}


def run_ray(
    emulator: Any, args: argparse.Namespace, workers: int, redis_url: str
) -> dict[str, Any]:
    """The texts through ``HfInferenceBatches`` on ``workers`` Ray actors sharing Redis."""
    import ray

    from hf_inference_endpoints.integrations.ray import HfInferenceBatches

    config = {
        "token": TOKEN,
        "router_url": emulator.router_url,
        "hub_url": emulator.hub_url,
        "default_provider": PROVIDER,
        "rate_limit_url": redis_url,
        "provider_rate_limits": {PROVIDER: args.limit},
        "rate_limit_window": 60 * args.time_scale * 1.05,
    }
    items = [{"id": i, "text": f"bench text {i}"} for i in range(args.texts)]
    dataset = ray.data.from_items(items, override_num_blocks=workers * 8).map_batches(
        HfInferenceBatches,
        fn_constructor_kwargs={
            "model": MODEL,
            "batch_size": args.batch_size,
            "in_flight": max(1, args.concurrency // 2),
            "config": config,
        },
        batch_size=args.batch_size * 8,
        batch_format="pyarrow",
        concurrency=workers,
        num_cpus=0.25,
    )
    rows = dataset.select_columns(["id", "error"]).take_all()
    return {"texts": args.texts, "ids": [r["id"] for r in rows if r["error"] is None]}


def start_ray(workers: int) -> None:
    import ray

    ray.init(
        num_cpus=workers,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    ray.data.DataContext.get_current().enable_progress_bars = False


async def naive(emulator: Any, args: argparse.Namespace) -> dict[str, Any]:
    from huggingface_hub import AsyncInferenceClient

    url = f"{emulator.router_url}/{PROVIDER}/models/{MODEL}/pipeline/feature-extraction"
    client = AsyncInferenceClient(model=url, token=TOKEN)
    texts = [f"bench text {i}" for i in range(args.texts)]
    batches = [texts[i : i + args.batch_size] for i in range(0, len(texts), args.batch_size)]
    ids: list[int] = []

    async def one(start: int, batch: list[str]) -> None:
        try:
            await client.feature_extraction(batch)  # type: ignore[arg-type]
            ids.extend(range(start, start + len(batch)))
        except Exception:
            pass

    await asyncio.gather(*(one(i * args.batch_size, b) for i, b in enumerate(batches)))
    await client.close()
    return {"texts": len(texts), "ids": ids}


class Sampler:
    """The emulator's accepted count every 0.1 s: when requests flowed, start-up excluded."""

    def __init__(self, emulator: Any) -> None:
        self.samples: list[tuple[float, int]] = []
        self._emulator = emulator
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            accepted = self._emulator.rate_limit_counters(PROVIDER)["accepted"]
            self.samples.append((time.monotonic(), accepted))

    def active(self, final: int) -> tuple[float, int]:
        """Seconds from the first accepted request to the last, and the requests in them."""
        self._stop.set()
        self._thread.join()
        first = next(((t, n) for t, n in self.samples if n > 0), None)
        last = next((t for t, n in self.samples if n >= final), None)
        if first is None or last is None or last <= first[0]:
            return 0.0, 0
        return last - first[0], final - first[1]


def measure(emulator: Any, name: str, args: argparse.Namespace, job: Any) -> dict[str, Any]:
    emulator.reset()
    sampler = Sampler(emulator)
    started = time.monotonic()
    outcome = job()
    seconds = time.monotonic() - started
    counters = emulator.rate_limit_counters(PROVIDER)
    active, in_active = sampler.active(counters["accepted"])
    requests = counters["accepted"] + counters["rejected"]
    ids = outcome["ids"]
    limit_per_s = args.limit / (60 * args.time_scale)
    return {
        "setup": name,
        "texts": outcome["texts"],
        "seconds": round(seconds, 2),
        "texts_per_s": round(len(ids) / seconds, 1),
        "requests": requests,
        "requests_per_s": round(counters["accepted"] / seconds, 1),
        "of_limit": f"{100 * counters['accepted'] / seconds / limit_per_s:.0f} %",
        "of_limit_active": (f"{100 * in_active / active / limit_per_s:.0f} %" if active else "n/a"),
        "peak_per_min": counters["peak"],
        "429_share": f"{100 * counters['rejected'] / max(1, requests):.1f} %",
        "embedded": len(ids),
        "exactly_once": sorted(ids) == list(range(outcome["texts"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--limit", type=int, default=1200, help="requests per minute")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", default="one,procs4,ray4,naive")
    parser.add_argument("--out", default=None, help="write a markdown table here")
    parser.add_argument("--results", default=None, help="put the table in this file's bulk section")
    args = parser.parse_args()
    settings = EmulatorSettings(
        time_scale=args.time_scale,
        valid_tokens=frozenset({TOKEN}),
        serve_any_model=True,
        rate_limits={PROVIDER: args.limit},
    )
    results = []
    begun = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, running_emulator(settings) as emulator:
        redis, redis_url = start_redis(folder)
        try:
            for name in args.only.split(","):
                if name == "one":
                    job = lambda: run_bulk(emulator, args, 1, None)  # noqa: E731
                elif name == "procs4":
                    job = lambda: run_bulk(emulator, args, 4, redis_url)  # noqa: E731
                elif name == "ray4":
                    start_ray(4)  # before the clock: a cluster is there before a job
                    job = lambda: run_ray(emulator, args, 4, redis_url)  # noqa: E731
                elif name == "naive":
                    job = lambda: asyncio.run(naive(emulator, args))  # noqa: E731
                else:
                    raise SystemExit(f"unknown set-up {name!r}")
                result = measure(emulator, name, args, job)
                print(json.dumps(result), flush=True)
                results.append(result)
        finally:
            redis.terminate()
            redis.wait()
            if "ray4" in args.only:
                import ray

                ray.shutdown()
    load = os.getloadavg()[0]
    report = render(args, results, time.monotonic() - begun, load)
    if args.out:
        Path(args.out).write_text(report)
    if args.results:
        replace_section(Path(args.results), report)


def render(
    args: argparse.Namespace, results: list[dict[str, Any]], took: float, load: float
) -> str:
    head = list(results[0])
    table = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    table += ["| " + " | ".join(str(r[k]) for k in head) + " |" for r in results]
    limit_per_s = args.limit / (60 * args.time_scale)
    return (
        f"## Bulk embed (issue 16)\n\n"
        f"Written by `python -m bench.bulk_embed` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" in {took / 60:.1f} min: {args.texts} texts, batches of {args.batch_size}, against the "
        f"emulator limited to {args.limit} requests/min, time scale {args.time_scale} "
        f"(a minute lasts {60 * args.time_scale:g} s, so the limit is {limit_per_s:.0f} "
        f"requests/s); 1-minute load average at the end {load:.1f} on {os.cpu_count()} CPUs. "
        "`of_limit`: accepted requests per second over the whole set-up (process or actor "
        "start-up included) against the limit; `of_limit_active`: the same from the first "
        "accepted request to the last (sampled every 0.1 s); `peak_per_min`: most requests "
        "the emulator accepted in one of its minutes; 429s are the emulator's own counters.\n\n"
        + "\n".join(table)
        + "\n"
        + (f"\n{NOTES.read_text()}" if NOTES.exists() else "")
    )


if __name__ == "__main__":
    main()
