"""Client work counted, not timed: instructions per call under valgrind's callgrind.

CPU time on a shared or virtual machine swings by ±0.15× between repetitions (bench/NOTES.md);
a count of executed instructions does not. Each contender runs its scenario twice under
``valgrind --tool=callgrind`` (with its cache and branch simulation), with ``n`` small and
``n`` large; the difference divided by the difference in ``n`` is the cost of one call (one
stream for the stream scenarios), warm-up and interpreter start-up cancelled out. Next to the
instructions: an estimate of cycles, instructions + 10 × L1 misses + 100 × last-level misses
+ 15 × mispredicted branches, which also sees memory behaviour.

Needs valgrind (``apt install valgrind``); slow (~50× the native run), so run it on demand::

    python -m bench.instructions                                  # chat_seq, stream; both twins
    python -m bench.instructions --only chat_seq --twins sync --sizes 100,400
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .run import ROOT, Server, child_env, compile_ours, contender_command

__all__ = ["Counts", "estimate_cycles", "main", "parse_collected", "per_unit"]

#: What callgrind's summary line lists, in order, with --cache-sim=yes --branch-sim=yes.
EVENTS = (
    "Ir",
    "Dr",
    "Dw",
    "I1mr",
    "D1mr",
    "D1mw",
    "ILmr",
    "DLmr",
    "DLmw",
    "Bc",
    "Bcm",
    "Bi",
    "Bim",
)
#: (small n, large n) per scenario: large enough for the difference to dominate.
SIZES = {"chat_seq": (100, 500), "stream": (5, 25), "tgi_stream": (5, 25), "embed": (10, 60)}


@dataclass(frozen=True)
class Counts:
    """Per-unit event counts of one contender in one scenario and twin."""

    instructions: float
    cycles: float


def parse_collected(log: str) -> dict[str, int]:
    """The event totals of callgrind's ``Collected :`` summary line.

    Example:
        >>> parse_collected("==1== Collected : 10 2 3 4 5 6 7 8 9 10 11 12 13")["Bim"]
        13
    """
    for line in log.splitlines():
        if "Collected :" in line:
            values = [int(v) for v in line.split("Collected :", 1)[1].split()]
            return dict(zip(EVENTS, values, strict=False))
    raise ValueError("no 'Collected :' line: was the run under callgrind?")


def estimate_cycles(events: dict[str, float]) -> float:
    """Instructions plus a fixed price per cache miss and mispredicted branch.

    Example:
        >>> estimate_cycles({"Ir": 100, "I1mr": 1, "D1mr": 1, "DLmr": 1, "Bcm": 1})
        250
    """
    get = events.get
    l1 = get("I1mr", 0) + get("D1mr", 0) + get("D1mw", 0)
    last_level = get("ILmr", 0) + get("DLmr", 0) + get("DLmw", 0)
    return get("Ir", 0) + 10 * l1 + 100 * last_level + 15 * (get("Bcm", 0) + get("Bim", 0))


def per_unit(small: dict[str, int], large: dict[str, int], units: int) -> Counts:
    """What one more unit (call, stream) costs: the difference of two runs over their ``n``s.

    Example:
        >>> per_unit({"Ir": 1000}, {"Ir": 3000}, 10).instructions
        200.0
    """
    diff = {name: (large.get(name, 0) - small.get(name, 0)) / units for name in large}
    return Counts(instructions=diff.get("Ir", 0.0), cycles=estimate_cycles(diff))


def _run(server: Server, module: str, twin: str, scenario: str, n: int) -> dict[str, int]:
    valgrind = [
        "valgrind",
        "--tool=callgrind",
        "--cache-sim=yes",
        "--branch-sim=yes",
        "--callgrind-out-file=/dev/null",
    ]
    cmd = valgrind + contender_command(server, module, twin, scenario, n)
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=child_env())
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"{module} {twin} {scenario} n={n}: exit {done.returncode}: {tail}")
    return parse_collected(done.stderr)


def measure(
    server: Server, module: str, twin: str, scenario: str, sizes: tuple[int, int]
) -> Counts:
    """Per-unit counts of ``module`` in ``scenario`` on ``twin``."""
    small, large = sizes
    return per_unit(
        _run(server, module, twin, scenario, small),
        _run(server, module, twin, scenario, large),
        large - small,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="chat_seq,stream", help="comma-separated scenarios")
    parser.add_argument("--twins", default="sync,async")
    parser.add_argument("--contenders", default="raw_httpx2,hfie")
    parser.add_argument("--sizes", help="small,large n (default: per scenario)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (one per core)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    scenarios = args.only.split(",")
    twins = args.twins.split(",")
    contenders = args.contenders.split(",")
    compile_ours()
    server = Server.start()
    try:
        jobs = []
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for scenario in scenarios:
                sizes = SIZES.get(scenario, (10, 50))
                if args.sizes:
                    small, large = (int(v) for v in args.sizes.split(","))
                    sizes = (small, large)
                for twin in twins:
                    for module in contenders:
                        future = pool.submit(measure, server, module, twin, scenario, sizes)
                        jobs.append((scenario, twin, module, future))
        print("| scenario | twin | contender | instructions / unit | est. cycles / unit | ratio |")
        print("|---|---|---|---|---|---|")
        floor: dict[tuple[str, str], Counts] = {}
        for scenario, twin, module, future in jobs:
            counts = future.result()
            if module == contenders[0]:
                floor[(scenario, twin)] = counts
            base = floor.get((scenario, twin))
            ratio = (
                f"{counts.instructions / base.instructions:.3f}× / "
                f"{counts.cycles / base.cycles:.3f}×"
                if base
                else "-"
            )
            print(
                f"| {scenario} | {twin} | {module} | {counts.instructions / 1e6:.3f} M "
                f"| {counts.cycles / 1e6:.3f} M | {ratio} |"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
