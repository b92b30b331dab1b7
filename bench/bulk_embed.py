"""Bulk-embed benchmark of issue 16 (not a test; never run by `make test`).

Embeds N texts against the emulator limited to LIMIT requests per (simulated) minute,
time-scaled so a run takes seconds, in these set-ups:

* ``one``    one process, ``client.bulk.embed`` (local limits);
* ``procs4`` four processes (``hfie bulk embed`` on a quarter each) sharing a private
             redis-server for their rate limits;
* ``naive``  an ``asyncio.gather`` fan-out with huggingface_hub's AsyncInferenceClient
             (needs ``pip install huggingface_hub``), no limit, no retries of its own.

It reports texts/s, requests/s against the limit, the 429 share (the emulator's own
counters) and whether every text was embedded exactly once. Goal (issue 16): throughput
>= 90 % of the limit, 429s <= 1 % of requests.

    python -m bench.bulk_embed --texts 400 --time-scale 0.1          # smoke
    python -m bench.bulk_embed --texts 20000 --time-scale 0.25 --out bench/RESULTS_BULK.md
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
import time
from pathlib import Path
from typing import Any

from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

MODEL = "org/embedder"
PROVIDER = "hf-inference"
TOKEN = "hf_bench_token"
ROOT = Path(__file__).resolve().parents[1]


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


def measure(emulator: Any, name: str, args: argparse.Namespace, job: Any) -> dict[str, Any]:
    emulator.reset()
    started = time.monotonic()
    outcome = job()
    seconds = time.monotonic() - started
    counters = emulator.rate_limit_counters(PROVIDER)
    requests = counters["accepted"] + counters["rejected"]
    ids = outcome["ids"]
    limit_per_s = args.limit / (60 * args.time_scale)
    return {
        "setup": name,
        "texts": outcome["texts"],
        "seconds": round(seconds, 2),
        "texts_per_s": round(len(ids) / seconds, 1),
        "requests_per_s": round(counters["accepted"] / seconds, 1),
        "of_limit": f"{100 * counters['accepted'] / seconds / limit_per_s:.0f} %",
        "429_share": f"{100 * counters['rejected'] / max(1, requests):.1f} %",
        "exactly_once": sorted(ids) == list(range(outcome["texts"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--limit", type=int, default=1200, help="requests per minute")
    parser.add_argument("--time-scale", type=float, default=0.25)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", default="one,procs4,naive")
    parser.add_argument("--out", default=None, help="write a markdown table here")
    args = parser.parse_args()
    settings = EmulatorSettings(
        time_scale=args.time_scale,
        valid_tokens=frozenset({TOKEN}),
        serve_any_model=True,
        rate_limits={PROVIDER: args.limit},
    )
    results = []
    with tempfile.TemporaryDirectory() as folder, running_emulator(settings) as emulator:
        redis, redis_url = start_redis(folder)
        try:
            for name in args.only.split(","):
                if name == "one":
                    job = lambda: run_bulk(emulator, args, 1, None)  # noqa: E731
                elif name == "procs4":
                    job = lambda: run_bulk(emulator, args, 4, redis_url)  # noqa: E731
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
    if args.out:
        head = list(results[0])
        table = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        table += ["| " + " | ".join(str(r[k]) for k in head) + " |" for r in results]
        Path(args.out).write_text(
            f"# Bulk embed ({args.texts} texts, {args.limit} requests/min, "
            f"time scale {args.time_scale})\n\n" + "\n".join(table) + "\n"
        )


if __name__ == "__main__":
    main()
