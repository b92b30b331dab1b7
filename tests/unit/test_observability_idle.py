"""The default observer skips its work while no OpenTelemetry SDK is installed globally."""

from __future__ import annotations

import pytest

from hf_inference_endpoints import HfInferenceConfig
from hf_inference_endpoints._errors import ErrorContext
from hf_inference_endpoints._observability import NULL_CALL, make_observer
from hf_inference_endpoints._request import PreparedRequest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import trace
from opentelemetry.metrics import _internal as metrics_internal
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)


def _prepared() -> PreparedRequest:
    return PreparedRequest(
        "POST",
        "http://127.0.0.1:8080/v1/chat/completions",
        {},
        context=ErrorContext(provider="endpoint", model="org/model"),
        task="conversational",
    )


def _no_global_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_PYTHON_TRACER_PROVIDER", raising=False)
    monkeypatch.delenv("OTEL_PYTHON_METER_PROVIDER", raising=False)
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", None)
    monkeypatch.setattr(metrics_internal, "_METER_PROVIDER", None)


def test_default_observer_is_idle_without_a_global_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_global_sdk(monkeypatch)
    observer = make_observer(
        HfInferenceConfig(enable_tracing=True, enable_metrics=True, trace_sample_rate=1.0)
    )
    assert observer.start(_prepared()) is NULL_CALL


def test_a_global_sdk_installed_later_is_picked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_global_sdk(monkeypatch)
    observer = make_observer(
        HfInferenceConfig(enable_tracing=True, enable_metrics=False, trace_sample_rate=1.0)
    )
    assert observer.start(_prepared()) is NULL_CALL
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", provider)  # what set_tracer_provider does
    call = observer.start(_prepared())
    assert call is not NULL_CALL
    call.end(error=RuntimeError("boom"))
    assert [span.name for span in exporter.get_finished_spans()] == ["chat org/model"]
