"""The wait engine (no I/O): sleep how long, or stop; and every sleeping loop asks it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hf_inference_endpoints._retry import Deadline
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


class Ticks:
    """A fake monotonic clock: read as often as needed, moved by hand."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_step_with_its_own_limit_gets_the_sooner_of_it_and_the_call() -> None:
    clock = Ticks()
    call = Deadline.start(10, clock)
    clock.now += 4  # 6 s of the call are left
    assert call.within(30) is call  # the call's timeout binds: the same deadline
    step = call.within(2)  # the step's own limit binds
    assert (step.timeout, step.at) == (2, 106.0)
    assert step.remaining() == 2.0
    clock.now += 2
    assert step.expired() and not call.expired()


def test_a_step_of_a_call_without_timeout_ends_at_its_own_limit() -> None:
    clock = Ticks()
    step = Deadline.start(None, clock).within(5)
    assert (step.timeout, step.at) == (5, 105.0)
    assert Deadline.start(None, clock).within(-1).remaining() == 0.0  # never in the past


def test_a_wait_on_one_deadline_sleeps_to_its_end_then_stops() -> None:
    # an endpoint wait asks the engine against its one deadline: each poll interval is
    # slept while time is left, the last one only up to the end, then it stops
    clock = Ticks()
    ends = Deadline.start(None, clock).within(7)
    slept = []
    while True:
        pause = plan_wait(3.0, ends.remaining(), to_the_end=True)
        if pause is None:
            break
        slept.append(pause.seconds)
        clock.now += pause.seconds
        if pause.last:
            break
    assert slept == [3.0, 3.0, 1.0]
    assert ends.expired()
