"""bench.instructions reads callgrind's summary line and prices one call from two runs."""

from __future__ import annotations

import pytest

from bench.instructions import EVENTS, estimate_cycles, parse_collected, per_unit

SUMMARY = """==4242== Events    : Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
==4242== Collected : {values}
==4242== I   refs:      1,000
"""


def summary(*values: int) -> str:
    return SUMMARY.format(values=" ".join(str(v) for v in values))


def test_every_event_is_read_by_name() -> None:
    events = parse_collected(summary(*range(100, 113)))
    assert list(events) == list(EVENTS)
    assert events["Ir"] == 100 and events["D1mr"] == 104 and events["Bim"] == 112


def test_a_log_without_the_summary_is_refused() -> None:
    with pytest.raises(ValueError, match="Collected"):
        parse_collected("valgrind: command not found\n")


def test_one_unit_costs_the_difference_over_the_extra_units() -> None:
    small = parse_collected(summary(1_000, *[0] * 12))
    large = parse_collected(summary(5_000, 0, 0, 0, 40, 0, 0, 2, 0, 0, 20, 0, 0))
    counts = per_unit(small, large, 200)
    assert counts.instructions == 20.0
    # 20 instructions + 10 x 0.2 L1 misses + 100 x 0.01 last-level misses + 15 x 0.1 branches
    assert counts.cycles == pytest.approx(20 + 2 + 1 + 1.5)


def test_misses_cost_more_than_instructions() -> None:
    assert estimate_cycles({"Ir": 1_000}) == 1_000
    assert estimate_cycles({"Ir": 1_000, "DLmw": 1, "Bim": 2}) == 1_000 + 100 + 30
