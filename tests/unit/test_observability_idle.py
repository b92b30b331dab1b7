"""The default observer skips its work while no OpenTelemetry SDK is installed globally."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

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


def test_the_api_is_imported_only_once_something_else_imported_it() -> None:
    # a fresh process: no OpenTelemetry imported yet, so a call records nothing and
    # imports nothing; the SDK an application sets up later is then followed
    code = textwrap.dedent(
        """
        import sys
        from hf_inference_endpoints import HfInferenceConfig
        from hf_inference_endpoints._errors import ErrorContext
        from hf_inference_endpoints._observability import NULL_CALL, make_observer
        from hf_inference_endpoints._request import PreparedRequest

        prepared = PreparedRequest(
            "POST", "http://127.0.0.1:8080/v1/chat/completions", {},
            context=ErrorContext(provider="endpoint", model="org/model"),
            task="conversational",
        )
        config = HfInferenceConfig(enable_tracing=True, trace_sample_rate=1.0)
        observer = make_observer(config)
        assert observer.start(prepared) is NULL_CALL
        assert not any(m.startswith("opentelemetry") for m in sys.modules), "imported"

        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter,
        )

        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        call = observer.start(prepared)
        call.end(error=RuntimeError("boom"))
        print([span.name for span in exporter.get_finished_spans()])
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['chat org/model']"
