"""The wait engine (no I/O): sleep how long, or stop; and every sleeping loop asks it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hf_inference_endpoints._waits import Pause, plan_wait

ASYNC = Path(__file__).resolve().parents[2] / "src" / "hf_inference_endpoints" / "_async"


@pytest.mark.parametrize(
    ("wanted", "left", "expected"),
    [
        (2.0, None, Pause(2.0)),  # no limit: as asked
        (2.0, 10.0, Pause(2.0)),
        (2.0, 2.0, None),  # reaching the end leaves no time for the next try
        (2.0, 1.0, None),
        (0.0, 0.0, None),  # no time left at all
        (-1.0, 5.0, Pause(0.0)),  # never a negative sleep
        (-1.0, None, Pause(0.0)),
    ],
)
def test_a_wait_that_reaches_the_end_is_not_started(
    wanted: float, left: float | None, expected: Pause | None
) -> None:
    assert plan_wait(wanted, left) == expected


@pytest.mark.parametrize(
    ("wanted", "left", "expected"),
    [
        (2.0, 10.0, Pause(2.0)),
        (5.0, 3.0, Pause(3.0, last=True)),  # sleep what is left, then stop
        (3.0, 3.0, Pause(3.0, last=True)),
        (1.0, 0.0, None),
        (1.0, -0.5, None),
        (4.0, None, Pause(4.0)),
    ],
)
def test_to_the_end_sleeps_what_is_left_then_stops(
    wanted: float, left: float | None, expected: Pause | None
) -> None:
    assert plan_wait(wanted, left, to_the_end=True) == expected


def test_every_loop_that_sleeps_asks_the_wait_engine() -> None:
    # a function of the async twin that sleeps decides how long through plan_wait (or
    # RetryState.next_delay, which asks it)
    asking = {"plan_wait", "next_delay"}
    sleepers: list[str] = []
    for path in sorted(ASYNC.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            called = {
                call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
                for call in ast.walk(node)
                if isinstance(call, ast.Call)
            }
            if "async_sleep" in called:
                sleepers.append(f"{path.name}:{node.name}")
                assert called & asking, f"{path.name}:{node.name} sleeps without plan_wait"
    assert len(sleepers) >= 4  # retries, rate limits, job polls, endpoint polls
