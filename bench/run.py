"""Run the benchmark and write ``bench/RESULTS.md``.

    python -m bench.run                 # full run: 5 repetitions (about 10-15 min on 2 cores)
    python -m bench.run --quick         # smoke run: 1 repetition, small n (about 1 min)
    python -m bench.run --repeat 3 --only chat_seq,stream --out /tmp/r.md

Starts ``bench.server`` in its own process, then for each repetition and each scenario runs
every contender in a fresh process, one after the other, in an order rotated from one
repetition to the next (interleaved, so a slow minute of the machine hits all contenders
alike). Reports medians and min-max over the repetitions, and the ratio of each contender
to raw httpx2 of the same twin, taken within each repetition (then the median of those
ratios). The ``many_streams`` scenario (10,000 streams on one client) runs once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .sections import keep_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CONTENDERS: list[tuple[str, str]] = [
    ("raw_httpx2", "sync"),
    ("hfie", "sync"),
    ("hf_hub", "sync"),
    ("openai_sdk", "sync"),
    ("raw_httpx2", "async"),
    ("hfie", "async"),
    ("hf_hub", "async"),
    ("openai_sdk", "async"),
]

LABELS = {
    "raw_httpx2": "raw httpx2 (floor)",
    "hfie": "**hf_inference_endpoints**",
    "hf_hub": "huggingface_hub",
    "openai_sdk": "openai",
}

#: scenario -> (title, what is measured, quick n)
SCENARIOS: dict[str, tuple[str, str, int]] = {
    "chat_seq": ("2,000 sequential chats", "per request", 200),
    "chat_concurrent": ("2,000 chats, 64 in flight (async)", "per request", 200),
    "stream": ("200 streamed chats of 200 chunks", "per chunk", 20),
    "stream_paced": ("15 streamed chats of 200 chunks, one chunk per ms", "per chunk", 3),
    "tgi_stream": ("200 TGI `/generate_stream` streams of 200 tokens", "per chunk", 20),
    "embed": ("500 embedding calls of 32 texts (hf-inference pipeline route)", "per request", 50),
    "embed_nocache": (
        "the same 500 embedding calls, ours with `cache=False`",
        "per request",
        50,
    ),
    "many_streams": ("10,000 streams (5 chunks each) on one client", "leaks", 500),
}

# Put first in a cold-start probe: `import trio` fails, as where trio is not installed.
NO_TRIO = "import sys\nsys.modules['trio'] = None\n"

IMPORTS: dict[str, tuple[str, str]] = {
    # contender -> (import statement, a first chat against the server; {base} filled in)
    "raw_httpx2": (
        "import httpx2",
        "import json; c = httpx2.Client(); "
        "json.loads(c.post('{base}/v1/chat/completions', json={{'messages': []}}).content); "
        "c.close()",
    ),
    "hfie": (
        "from hf_inference_endpoints import HfInferenceClient",
        "c = HfInferenceClient(token='hf_bench'); "
        "c.chat.complete(model='{base}', messages=[{{'role': 'user', 'content': 'hi'}}]); "
        "c.close()",
    ),
    "hf_hub": (
        "from huggingface_hub import InferenceClient",
        "c = InferenceClient(base_url='{base}', token='hf_bench'); "
        "c.chat_completion([{{'role': 'user', 'content': 'hi'}}])",
    ),
    "openai_sdk": (
        "from openai import OpenAI",
        "c = OpenAI(base_url='{base}/v1', api_key='hf_bench'); "
        "c.chat.completions.create(model='m', messages=[{{'role': 'user', 'content': 'hi'}}]); "
        "c.close()",
    ),
}

# issue 17: do less than the hand-written client
GOAL_REQUEST = 1.0
GOAL_CHUNK = 1.0
GOAL_EMBED = {"embed": 0.8, "embed_nocache": 0.6}  # orjson parse vs raw's json.loads
GOAL_IMPORT = 1.1
GOAL_COLD = 1.2  # fresh process to its first chat result, whole-process CPU
PEAK_RSS_EXTRA_KIB = 5 * 1024  # sequential chat run: peak RSS at most raw + 5 MiB
RSS_BOUND_KIB = 2048  # "flat": RSS may grow by at most 2 MiB over 10,000 streams


def child_env() -> dict[str, str]:
    """The environment of every process the bench starts: bytecode allowed.

    An installed wheel has its ``.pyc`` files (pip compiles them); an editable install
    under ``PYTHONDONTWRITEBYTECODE=1`` would compile every module of ours from source at
    each import (~30 ms more), while the incumbents in site-packages have theirs.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_ours() -> None:
    """Write the bytecode of our package, as installing it from a wheel does."""
    from importlib.util import find_spec

    spec = find_spec("hf_inference_endpoints")
    if spec is None or not spec.submodule_search_locations:
        return
    package = next(iter(spec.submodule_search_locations))
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", package], env=child_env(), check=False
    )


@dataclass
class Server:
    proc: subprocess.Popen[str]
    base_url: str
    stats_url: str

    @classmethod
    def start(cls) -> Server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "--port", "0", "--control-port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if not line or line[0] != "ready":
            proc.kill()
            raise RuntimeError("the bench server did not start")
        return cls(proc, f"http://127.0.0.1:{line[1]}", f"http://127.0.0.1:{line[2]}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@dataclass
class Results:
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    loads: list[tuple[float, float, float]] = field(default_factory=list)


def contender_command(
    server: Server, module: str, twin: str, scenario: str, n: int | None
) -> list[str]:
    """The arguments that run one contender's scenario against ``server``."""
    cmd = [
        sys.executable,
        "-m",
        f"bench.contenders.{module}",
        "--twin",
        twin,
        "--scenario",
        scenario,
        "--base-url",
        server.base_url,
        "--stats-url",
        server.stats_url,
    ]
    if n is not None:
        cmd += ["--n", str(n)]
    return cmd


def run_contender(
    server: Server, module: str, twin: str, scenario: str, n: int | None
) -> dict[str, Any] | None:
    cmd = contender_command(server, module, twin, scenario, n)
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=900, env=child_env()
        )
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 900 s"}
    if done.returncode == 3:
        return None  # the contender does not do this scenario
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: " + " | ".join(tail)}
    return dict(json.loads(lines[-1]))


def time_import(code: str) -> tuple[float, float, float]:
    """Seconds (wall, CPU) of ``code`` in a fresh interpreter, interpreter start excluded,
    and the CPU of the whole process (start-up included: a cold start as a CLI call pays
    it), from ``getrusage(RUSAGE_CHILDREN)``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    probe = (
        "import time\n"
        "_w, _c = time.perf_counter(), time.process_time()\n"
        f"{code}\n"
        "print(time.perf_counter() - _w, time.process_time() - _c)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    whole = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu), whole


def rotate(items: list[Any], by: int) -> list[Any]:
    by %= len(items)
    return items[by:] + items[:by]


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1 repetition, small n")
    parser.add_argument("--repeat", type=int, help="repetitions (default 5; 1 with --quick)")
    parser.add_argument("--only", help="comma-separated scenarios (and/or 'import')")
    parser.add_argument("--contenders", help="comma-separated modules (default: all)")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--json", help="also write every raw result (and the run's facts) here")
    parser.add_argument("--render", help="only rewrite --out from a file written by --json")
    args = parser.parse_args(argv)
    if args.render:
        saved = json.loads(Path(args.render).read_text())
        results = Results(
            runs=defaultdict(list, saved["runs"]),
            errors=saved["errors"],
            loads=[tuple(load) for load in saved["loads"]],
        )
        rendered = render(
            results,
            saved["repeat"],
            saved["elapsed"],
            saved["server_check"],
            quick=saved["quick"],
            commit=saved.get("commit"),
        )
        Path(args.out).write_text(keep_section(Path(args.out), rendered))
        print(f"wrote {args.out} from {args.render}")
        return
    repeat = args.repeat or (1 if args.quick else 5)
    wanted = set(args.only.split(",")) if args.only else set(SCENARIOS) | {"import"}
    scenarios = [s for s in SCENARIOS if s in wanted]
    modules = set(args.contenders.split(",")) if args.contenders else {m for m, _ in CONTENDERS}
    contenders = [(m, t) for m, t in CONTENDERS if m in modules]

    results = Results()
    started = time.time()
    results.loads.append(os.getloadavg())
    compile_ours()
    server_check = _server_check()
    server = Server.start()
    try:
        if "import" in wanted:
            for statement, _ in IMPORTS.values():  # warm the file cache
                time_import(statement)
        for rep in range(repeat):
            print(f"repetition {rep + 1}/{repeat}  load {os.getloadavg()[0]:.2f}", flush=True)
            for scenario in scenarios:
                if scenario == "many_streams" and rep > 0:
                    continue
                n = SCENARIOS[scenario][2] if args.quick else None
                for module, twin in rotate(contenders, rep):
                    result = run_contender(server, module, twin, scenario, n)
                    if result is None:
                        continue
                    result.update(rep=rep, module=module, twin=twin, scenario=scenario)
                    if "error" in result:
                        results.errors.append(f"{scenario} {module} {twin}: {result['error']}")
                    results.runs[scenario].append(result)
                    _progress(result)
            if "import" in wanted:
                _imports(results, server, rep, 1 if args.quick else 5, modules)
            results.loads.append(os.getloadavg())
    finally:
        server.stop()
    elapsed = time.time() - started
    commit = _git_commit()
    if args.json:
        saved = {
            "runs": results.runs,
            "errors": results.errors,
            "loads": results.loads,
            "repeat": repeat,
            "elapsed": elapsed,
            "server_check": server_check,
            "quick": args.quick,
            "commit": commit,
        }
        Path(args.json).write_text(json.dumps(saved, indent=1))
    report = render(results, repeat, elapsed, server_check, quick=args.quick, commit=commit)
    Path(args.out).write_text(keep_section(Path(args.out), report))
    print(f"wrote {args.out} ({elapsed / 60:.1f} min)")


def _server_check() -> dict[str, float]:
    from .server import check

    return check(seconds=2.0)


def _progress(result: dict[str, Any]) -> None:
    if "error" in result:
        print(f"  {result['scenario']:16} {result['module']:11} {result['twin']:5} ERROR")
        return
    per = result.get("cpu_per_chunk_us") or result["cpu_per_call_us"]
    unit = "chunk" if result.get("cpu_per_chunk_us") else "call"
    print(
        f"  {result['scenario']:16} {result['module']:11} {result['twin']:5} "
        f"{per:9.1f} us CPU/{unit}  conns {result.get('conns_opened')}",
        flush=True,
    )


def _imports(results: Results, server: Server, rep: int, times: int, modules: set[str]) -> None:
    """``times`` rounds; each round times every contender back to back (rotated order), so
    a busy moment of the machine hits all of them rather than one."""
    chosen = [m for m in IMPORTS if m in modules]
    for round_ in range(times):
        for module in rotate(chosen, rep + round_):
            statement, first_call = IMPORTS[module]
            wall, cpu, process_cpu = time_import(statement)
            first = statement + "\n" + first_call.format(base=server.base_url)
            full_wall, _, full_cpu = time_import(first)
            # The same with trio unimportable, as after `pip install hf-inference-endpoints`
            # (trio is only in our dev extra): httpcore2 imports trio when it is installed,
            # ~120 ms of CPU that this venv's raw httpx2 client pays and most users do not.
            _, _, bare_cpu = time_import(NO_TRIO + first)
            results.runs["import"].append(
                {
                    "rep": rep,
                    "module": module,
                    "twin": "-",
                    "import_ms": wall * 1000,
                    "import_cpu_ms": cpu * 1000,
                    "first_call_ms": full_wall * 1000,
                    "process_import_cpu_ms": process_cpu * 1000,
                    "cold_start_cpu_ms": full_cpu * 1000,
                    "cold_start_no_trio_cpu_ms": bare_cpu * 1000,
                }
            )
    for module in chosen:
        mine = [r["import_ms"] for r in results.runs["import"] if r["module"] == module]
        print(f"  import           {module:11} {median(mine[-times:]):9.1f} ms", flush=True)


# ----------------------------------------------------------------------------- report


def _fmt(values: list[float], digits: int = 1) -> str:
    if not values:
        return "-"
    mid = median(values)
    if len(values) == 1:
        return f"{mid:.{digits}f}"
    return f"{mid:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def _ratios(runs: list[dict[str, Any]], key: str, module: str, twin: str) -> list[float]:
    """Contender / raw httpx2 of the same twin, within each repetition."""
    floor = {
        r["rep"]: r[key]
        for r in runs
        if r["module"] == "raw_httpx2" and r["twin"] == twin and key in r
    }
    return [
        r[key] / floor[r["rep"]]
        for r in runs
        if r["module"] == module and r["twin"] == twin and key in r and r["rep"] in floor
    ]


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("httpx2", "httpcore2", "pydantic", "huggingface_hub", "openai"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    versions["hf_inference_endpoints"] = metadata.version("hf-inference-endpoints")
    try:
        versions["opentelemetry-api"] = metadata.version("opentelemetry-api")
    except metadata.PackageNotFoundError:
        versions["opentelemetry-api"] = "not installed"
    return versions


def _machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({model}), {mem} RAM"


def _git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "src"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip() + (" (+ uncommitted changes in src/)" if dirty.stdout else "")
    except OSError:
        return "?"


@dataclass
class Goal:
    name: str
    target: str
    measured: str
    passed: bool
    note: str = ""


def _goals(runs: dict[str, list[dict[str, Any]]]) -> list[Goal]:
    goals: list[Goal] = []
    for scenario, twins in (
        ("chat_seq", ("sync", "async")),
        ("chat_concurrent", ("async",)),
        ("embed", ("sync", "async")),
        ("embed_nocache", ("sync", "async")),
    ):
        target = GOAL_EMBED.get(scenario, GOAL_REQUEST)
        for twin in twins:
            ratios = _ratios(runs.get(scenario, []), "cpu_per_call_us", "hfie", twin)
            if ratios:
                value = median(ratios)
                goals.append(
                    Goal(
                        f"CPU per request, {SCENARIOS[scenario][0]}, {twin}",
                        f"≤ {target}× raw httpx2",
                        f"{value:.2f}×",
                        value <= target,
                        _by(value, target),
                    )
                )
    for scenario in ("stream", "stream_paced", "tgi_stream"):
        for twin in ("sync", "async"):
            ratios = _ratios(runs.get(scenario, []), "cpu_per_chunk_us", "hfie", twin)
            if ratios:
                value = median(ratios)
                goals.append(
                    Goal(
                        f"CPU per chunk, {SCENARIOS[scenario][0]}, {twin}",
                        f"≤ {GOAL_CHUNK}× raw httpx2",
                        f"{value:.2f}×",
                        value <= GOAL_CHUNK,
                        _by(value, GOAL_CHUNK),
                    )
                )
    imports = runs.get("import", [])
    if imports:
        for key, name, target, floor_name in (
            (
                "import_cpu_ms",
                "import CPU (`from hf_inference_endpoints import HfInferenceClient`)",
                GOAL_IMPORT,
                "`import httpx2`",
            ),
            (
                "cold_start_cpu_ms",
                "cold start: CPU of a fresh process to its first chat result",
                GOAL_COLD,
                "raw httpx2's",
            ),
            (
                "cold_start_no_trio_cpu_ms",
                "the same cold start without trio installed (our runtime dependencies only)",
                GOAL_COLD,
                "raw httpx2's",
            ),
        ):
            mine = [r[key] for r in imports if r["module"] == "hfie" and key in r]
            base = [r[key] for r in imports if r["module"] == "raw_httpx2" and key in r]
            ratios = _import_ratios(imports, "hfie", key)
            if not (mine and base and ratios):  # a file written before this measure
                continue
            ours, floor, value = median(mine), median(base), median(ratios)
            goals.append(
                Goal(
                    name,
                    f"≤ {target}× {floor_name}",
                    f"{value:.2f}× ({ours:.0f} ms vs {floor:.0f} ms)",
                    value <= target,
                    _by(value, target),
                )
            )
    for twin in ("sync", "async"):
        chats = runs.get("chat_seq", [])
        ours_rss = [r["peak_rss_kib"] for r in chats if r["module"] == "hfie" and r["twin"] == twin]
        raw_rss = [
            r["peak_rss_kib"] for r in chats if r["module"] == "raw_httpx2" and r["twin"] == twin
        ]
        if ours_rss and raw_rss:
            extra = median(ours_rss) - median(raw_rss)
            goals.append(
                Goal(
                    f"peak RSS, 2,000 sequential chats, {twin}",
                    f"≤ raw httpx2 + {PEAK_RSS_EXTRA_KIB // 1024} MiB",
                    f"{median(ours_rss) / 1024:.1f} MiB vs {median(raw_rss) / 1024:.1f} MiB "
                    f"({extra / 1024:+.1f} MiB)",
                    extra <= PEAK_RSS_EXTRA_KIB,
                )
            )
    for scenario in ("stream", "many_streams"):
        for twin in ("sync", "async"):
            conns = [
                r["conns_opened"]
                for r in runs.get(scenario, [])
                if r["module"] == "hfie" and r["twin"] == twin and "conns_opened" in r
            ]
            if conns:
                goals.append(
                    Goal(
                        f"TCP connections, {SCENARIOS[scenario][0]}, {twin}",
                        "1 connection reused",
                        f"{max(conns)} opened",
                        max(conns) == 1,
                    )
                )
    for twin in ("sync", "async"):
        for r in runs.get("many_streams", []):
            if r["module"] != "hfie" or r["twin"] != twin or "rss_after_kib" not in r:
                continue
            growth = r["rss_after_kib"] - r["rss_before_kib"]
            fds = r["fds_after"] - r["fds_before"]
            goals.append(
                Goal(
                    f"RSS and fds over {r['n']:,} streams, {twin}",
                    f"flat (RSS +≤ {RSS_BOUND_KIB // 1024} MiB, fds +0)",
                    f"RSS {growth:+,} KiB, fds {fds:+d}",
                    growth <= RSS_BOUND_KIB and fds <= 0,
                )
            )
    return goals


def _by(value: float, target: float) -> str:
    if value <= target:
        return ""
    return f"over by {(value / target - 1) * 100:.0f}% ({value - target:+.2f}×)"


def render(
    results: Results,
    repeat: int,
    elapsed: float,
    server_check: dict[str, float],
    *,
    quick: bool,
    commit: str | None = None,
) -> str:
    runs = results.runs
    out: list[str] = ["# Benchmark results", ""]
    out.append(
        f"Written by `python -m bench.run{' --quick' if quick else ''}"
        f"{f' --repeat {repeat}' if repeat not in (1 if quick else 5,) else ''}` "
        f"on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} in {elapsed / 60:.1f} min: "
        f"{repeat} repetition(s), contenders interleaved (order rotated each repetition). "
        "Medians, with min–max in parentheses. **Ratios are to raw httpx2 of the same twin, "
        "taken within each repetition, then the median.** CPU is user+sys of the client "
        "process around the measured loop only (after a 20-call warm-up); see "
        "`bench/README.md` for the method."
    )
    if quick:
        out += [
            "",
            f"**Quick run: small n, {repeat} repetition(s) — a smoke test, or a rough "
            "comparison read within ±0.1×.**",
        ]
    out += ["", "## Design goals", "", "| goal | target | measured | result |", "|---|---|---|---|"]
    for goal in _goals(runs):
        verdict = "PASS" if goal.passed else f"**MISS** {goal.note}".rstrip()
        out.append(f"| {goal.name} | {goal.target} | {goal.measured} | {verdict} |")
    notes = HERE / "NOTES.md"  # hand-written: why a goal is missed, what was fixed
    if notes.exists():
        out += ["", notes.read_text().strip(), ""]
    else:
        out += [""]
    out += _summary(runs)
    for scenario, (title, measure, _) in SCENARIOS.items():
        if scenario in runs:
            out += _scenario_table(scenario, title, measure, runs[scenario])
    if "import" in runs:
        out += _import_table(runs["import"])
    out += ["", "## Environment", ""]
    for name, version in _versions().items():
        out.append(f"- {name} {version}")
    out.append(f"- machine: {_machine()}")
    loads = ", ".join(f"{load[0]:.2f}" for load in results.loads)
    out.append(f"- 1-minute load average at the start and after each repetition: {loads}")
    out.append(f"- commit: {commit or _git_commit()}")
    out.append(
        "- fake server (`python -m bench.server --check`, raw sockets, 2 keep-alive "
        "connections): "
        + ", ".join(f"{k.replace('_per_s', '')} {v:,.0f}/s" for k, v in server_check.items())
    )
    if results.errors:
        out += ["", "## Errors", ""] + [f"- {e}" for e in results.errors]
    return "\n".join(out) + "\n"


def _summary(runs: dict[str, list[dict[str, Any]]]) -> list[str]:
    """One line per contender: ratio to the floor in each CPU scenario."""
    columns = [
        (s, "cpu_per_chunk_us" if SCENARIOS[s][1] == "per chunk" else "cpu_per_call_us")
        for s in SCENARIOS
        if s in runs and s != "many_streams"
    ]
    if not columns:
        return []
    out = ["## Summary: client CPU, ratio to raw httpx2 (median over repetitions)", ""]
    out.append("| contender | twin | " + " | ".join(s for s, _ in columns) + " |")
    out.append("|---|---|" + "---|" * len(columns))
    for module, twin in CONTENDERS:
        cells = []
        for scenario, key in columns:
            ratios = _ratios(runs[scenario], key, module, twin)
            cells.append(f"{median(ratios):.2f}×" if ratios else "–")
        if any(c != "–" for c in cells):
            out.append(f"| {LABELS[module]} | {twin} | " + " | ".join(cells) + " |")
    return out


def _scenario_table(
    scenario: str, title: str, measure: str, runs: list[dict[str, Any]]
) -> list[str]:
    key = "cpu_per_chunk_us" if measure == "per chunk" else "cpu_per_call_us"
    out = ["", f"## {title} (`{scenario}`)", ""]
    if scenario == "many_streams":
        out.append(
            "| contender | twin | CPU/stream µs | conns opened | RSS before → after (KiB) "
            "| fds before → after | peak RSS MiB |"
        )
        out.append("|---|---|---|---|---|---|---|")
        for module, twin in CONTENDERS:
            for r in runs:
                if r["module"] != module or r["twin"] != twin:
                    continue
                if "error" in r:
                    out.append(f"| {LABELS[module]} | {twin} | error | | | | |")
                    continue
                out.append(
                    f"| {LABELS[module]} | {twin} | {r['cpu_per_call_us']:.0f} "
                    f"| {r.get('conns_opened', '?')} "
                    f"| {r['rss_before_kib']:,} → {r['rss_after_kib']:,} "
                    f"({r['rss_after_kib'] - r['rss_before_kib']:+,}) "
                    f"| {r['fds_before']} → {r['fds_after']} | {r['peak_rss_kib'] / 1024:.0f} |"
                )
        return out
    per_chunk = key == "cpu_per_chunk_us"
    extra = "CPU/stream µs | wall/stream µs" if per_chunk else "wall/call µs"
    out.append(
        f"| contender | twin | CPU/{'chunk' if per_chunk else 'call'} µs | ratio to raw "
        f"| {extra} | conns opened | peak RSS MiB |"
    )
    out.append("|---|---|---|---|---|---|---|" + ("---|" if per_chunk else ""))
    for module, twin in CONTENDERS:
        mine = [r for r in runs if r["module"] == module and r["twin"] == twin]
        ok = [r for r in mine if "error" not in r]
        if not mine:
            continue
        if not ok:
            out.append(
                f"| {LABELS[module]} | {twin} | error | | | | |" + (" |" if per_chunk else "")
            )
            continue
        ratios = _ratios(runs, key, module, twin)
        conns = sorted({r.get("conns_opened", -1) for r in ok})
        cpu_call = f"| {_fmt([r['cpu_per_call_us'] for r in ok], 0)} " if per_chunk else ""
        out.append(
            f"| {LABELS[module]} | {twin} | {_fmt([r[key] for r in ok])} "
            f"| {_fmt(ratios, 2) + '×' if ratios else '–'} "
            + cpu_call
            + f"| {_fmt([r['wall_per_call_us'] for r in ok], 0)} "
            f"| {'/'.join(str(c) for c in conns)} "
            f"| {median(r['peak_rss_kib'] for r in ok) / 1024:.0f} |"
        )
    server_cpu = [
        r["server_cpu_s"] / r["server_requests"] * 1e6
        for r in runs
        if r.get("server_requests") and r.get("server_cpu_s") is not None
    ]
    if server_cpu:
        out += [
            "",
            f"Fake server CPU per request in this scenario: {_fmt(server_cpu, 0)} µs "
            "(its own process).",
        ]
    return out


def _import_ratios(runs: list[dict[str, Any]], module: str, key: str = "import_ms") -> list[float]:
    """Median ``key`` (import time...) of ``module`` / that of httpx2, within each repetition."""
    ratios = []
    for rep in sorted({r["rep"] for r in runs}):
        mine = [r[key] for r in runs if r["module"] == module and r["rep"] == rep and key in r]
        floor = [
            r[key] for r in runs if r["module"] == "raw_httpx2" and r["rep"] == rep and key in r
        ]
        if mine and floor:
            ratios.append(median(mine) / median(floor))
    return ratios


def _import_table(runs: list[dict[str, Any]]) -> list[str]:
    out = ["", "## Import and cold start in a fresh process", ""]
    out.append(
        "The import statement alone (interpreter start excluded: wall time and its CPU), "
        "and a whole fresh process (interpreter start included, CPU from "
        "`getrusage(RUSAGE_CHILDREN)`) that only imports, or imports, makes a client and "
        "gets one chat result from the fake server (cold start). Median (min–max) over "
        "fresh processes; ratios to raw httpx2 within each repetition."
    )
    out += [
        "",
        "| contender | statement | import ms | import CPU ms | import CPU ratio "
        "| process CPU, import only, ms | cold start CPU ms | cold start ratio "
        "| cold start without trio, CPU ms | its ratio | import + first chat wall ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for module, (statement, _) in IMPORTS.items():
        mine = [r for r in runs if r["module"] == module]
        if not mine:
            continue
        ratios = _import_ratios(runs, module, "import_cpu_ms")
        cold = _import_ratios(runs, module, "cold_start_cpu_ms")
        bare = _import_ratios(runs, module, "cold_start_no_trio_cpu_ms")

        def col(key: str, rows: list[dict[str, Any]] = mine) -> str:
            return _fmt([r[key] for r in rows if key in r], 0)

        out.append(
            f"| {LABELS[module]} | `{statement}` | {col('import_ms')} "
            f"| {col('import_cpu_ms')} | {_fmt(ratios, 2)}× | {col('process_import_cpu_ms')} "
            f"| {col('cold_start_cpu_ms')} | {_fmt(cold, 2)}× "
            f"| {col('cold_start_no_trio_cpu_ms')} | {_fmt(bare, 2)}× | {col('first_call_ms')} |"
        )
    return out


if __name__ == "__main__":
    main()
