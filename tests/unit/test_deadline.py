"""One deadline per call: the ``Deadline`` helper, and every service handing it to ``_prepare``."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints._errors import (
    ColdStartTimeout,
    DeadlineExceeded,
    ModelLoading,
    RequestTimeout,
    ValidationError,
)
from hf_inference_endpoints._retry import Deadline, RetryPolicy, RetryState, deadline_error

ASYNC_SOURCES = Path(__file__).resolve().parents[2] / "src" / "hf_inference_endpoints" / "_async"


class Ticks:
    """A clock that reads what the test sets."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_deadline_counts_down_from_its_start() -> None:
    clock = Ticks()
    deadline = Deadline.start(10, clock)
    assert (deadline.timeout, deadline.at) == (10, 110.0)
    clock.now = 104.0
    assert deadline.remaining() == 6.0
    assert deadline.left(model="m", provider="p") == 6.0
    assert deadline.cap(30.0) == 6.0 and deadline.cap(2.0) == 2.0
    assert not deadline.expired()
    clock.now = 110.0
    assert deadline.expired()
    assert deadline.cap(30.0) == 0.0  # never negative


def test_a_deadline_that_ran_out_names_the_call() -> None:
    clock = Ticks()
    deadline = Deadline.start(2.5, clock)
    clock.now = 103.0
    with pytest.raises(RequestTimeout) as caught:
        deadline.left(provider="endpoint", endpoint="acme/ep", doing="looking up the endpoint")
    err = caught.value
    assert type(err) is DeadlineExceeded
    assert err.message == (
        "The call on endpoint acme/ep did not finish within its timeout of 2.5 s: "
        "it ran out while looking up the endpoint"
    )
    assert (err.endpoint, err.provider, err.model) == ("acme/ep", "endpoint", None)
    plain = deadline_error(10, model="org/m", provider="together")
    assert plain.message == "The call did not finish within its timeout of 10 s"
    assert (plain.model, plain.provider, plain.endpoint) == ("org/m", "together", None)


def test_no_timeout_is_no_deadline() -> None:
    clock = Ticks()
    deadline = Deadline.start(None, clock)
    clock.now = 1e9
    assert deadline.remaining() is None and deadline.left() is None
    assert not deadline.expired()
    assert deadline.cap(7.0) == 7.0


@pytest.mark.parametrize("bad", ["10", -1, True, float("nan"), [1]])
def test_a_timeout_must_be_seconds(bad: Any) -> None:
    with pytest.raises(ValidationError, match="timeout must be seconds >= 0"):
        Deadline.start(bad, Ticks())


def test_a_cold_start_cut_by_the_call_timeout_says_so() -> None:
    state = RetryState(
        RetryPolicy(cold_start_timeout=300.0), started=0.0, deadline=Deadline.start(10, lambda: 0.0)
    )
    waking = ModelLoading("waking", endpoint="acme/ep", estimated_time=20.0)
    with pytest.raises(ColdStartTimeout) as caught:
        state.next_delay(waking, now=0.0)
    assert caught.value.message == (
        "Endpoint acme/ep was still waking up when the call's timeout ran out; "
        "pass a larger timeout= or warm it up first"
    )
    # cold_start_timeout itself is still named when it is what ran out
    state = RetryState(
        RetryPolicy(cold_start_timeout=5.0), started=0.0, deadline=Deadline.start(100, lambda: 0.0)
    )
    assert state.next_delay(waking, now=0.0) == 5.0
    with pytest.raises(ColdStartTimeout, match=r"cold_start_timeout=5 s"):
        state.next_delay(waking, now=5.0)


def _calls(name: str) -> list[tuple[str, int, set[str]]]:
    """Every ``<x>.<name>(...)`` call in the hand-written async sources, with its keywords."""
    found = []
    for path in sorted(ASYNC_SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == name
            ):
                keywords = {k.arg for k in node.keywords if k.arg is not None}
                found.append((path.name, node.lineno, keywords))
    return found


def _constructions(name: str) -> list[tuple[str, int, ast.Call]]:
    """Every ``name(...)`` call (a plain name) in the hand-written async sources."""
    found = []
    for path in sorted(ASYNC_SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if is_call and node.func.id == name:  # type: ignore[attr-defined]
                found.append((path.name, node.lineno, node))  # type: ignore[arg-type]
    return found


def test_every_call_carries_one_deadline_to_prepare() -> None:
    # _prepare resolves the target (endpoint lookups and waits, mapping lookups) within
    # the call's one deadline and the request carries that same deadline to the
    # transport: every service describes its call as a Call made with its deadline, and
    # _route (_prepare) takes nothing else
    calls = _constructions("Call")
    assert {file for file, _, _ in calls} >= {
        "chat.py",
        "text_generation.py",
        "_task_runner.py",
        "embeddings.py",
    }
    no_deadline = [
        f"{file}:{line}"
        for file, line, node in calls
        if len(node.args) < 3 and "deadline" not in {k.arg for k in node.keywords}
    ]
    assert no_deadline == []
    prepares = _calls("_route")  # _prepare is _route(call).request
    assert prepares and all(keywords == set() for _, _, keywords in prepares)
    inference = _calls("prepare")  # the endpoint routing and the provider mapping
    assert inference and all(keywords == set() for _, _, keywords in inference)


def test_the_request_holds_only_what_is_sent_and_recovery_belongs_to_the_execution() -> None:
    import dataclasses

    from hf_inference_endpoints._request import PreparedRequest, Routed

    assert "on_error" not in {f.name for f in dataclasses.fields(PreparedRequest)}
    assert {f.name for f in dataclasses.fields(Routed)} == {"request", "on_error"}
