"""The progress event and its emitter (no I/O)."""

from __future__ import annotations

import logging

import pytest

from hf_inference_endpoints import ConfigurationError, HfInferenceConfig, ProgressEvent
from hf_inference_endpoints._progress import report_progress


def test_an_event_reads_as_a_sentence() -> None:
    assert str(ProgressEvent("endpoint", "me/llm", "initializing", 12.34)) == (
        "me/llm: initializing, 12.3 s so far"
    )
    assert str(
        ProgressEvent("cold_start", "org/m", "loading", 1.0, estimate=19.6, message="warming")
    ) == ("org/m: loading, 1.0 s so far, about 20 s to go (warming)")
    assert str(ProgressEvent("job", "fal-ai org/v", None, 0.0)) == (
        "fal-ai org/v: waiting, 0.0 s so far"
    )


def test_report_logs_a_structured_record_and_calls_back(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[ProgressEvent] = []
    event = ProgressEvent("job", "x", "IN_QUEUE", 2.0, attempt=3)
    with caplog.at_level(logging.INFO, logger="hf_inference_endpoints.progress"):
        report_progress(seen.append, event)
    assert seen == [event]
    (record,) = caplog.records
    assert record.name == "hf_inference_endpoints.progress"
    assert record.hf_progress is event  # type: ignore[attr-defined]
    assert record.getMessage() == str(event)


def test_no_callback_is_fine_and_a_raising_one_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    event = ProgressEvent("job", "x", None, 0.0)
    report_progress(None, event)

    def broken(_: ProgressEvent) -> None:
        raise ValueError("nope")

    report_progress(broken, event)
    assert "the on_progress callback raised" in caplog.text


def test_the_config_wants_a_callable() -> None:
    with pytest.raises(ConfigurationError, match="on_progress must be callable"):
        HfInferenceConfig(on_progress="print")  # type: ignore[arg-type]
    assert HfInferenceConfig(on_progress=print).on_progress is print
