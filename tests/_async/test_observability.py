"""OpenTelemetry spans and metrics per call, on both twins, with in-memory exporters.

The providers are passed to ``make_observer`` explicitly, so no test touches the
global OpenTelemetry state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    StreamInterrupted,
)
from hf_inference_endpoints._observability import make_observer

from .conftest import FakeClock
from .test_transport import MESSAGES, MODEL, Script, chunk, completion, make_client, sse

SECRET = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"


class Telemetry:
    """In-memory span exporter and metric reader, and the providers feeding them."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider(shutdown_on_exit=False)
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader], shutdown_on_exit=False)

    def observe(self, client: AsyncHfInferenceClient) -> AsyncHfInferenceClient:
        """Point the client's transport at these providers (config switches still apply)."""
        client._transport._observer = make_observer(
            client.config,
            tracer_provider=self.tracer_provider,
            meter_provider=self.meter_provider,
        )
        return client

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def points(self, name: str) -> list[Any]:
        """Data points of metric ``name`` (empty when it was never recorded)."""
        data = self.reader.get_metrics_data()
        found: list[Any] = []
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == name:
                        found.extend(metric.data.data_points)
        return found


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    t = Telemetry()
    yield t
    t.tracer_provider.shutdown()
    t.meter_provider.shutdown()


def client_for(telemetry: Telemetry, script: Script, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("token", SECRET)
    config.setdefault("trace_sample_rate", 1.0)
    return telemetry.observe(make_client(script, **config))


def assert_no_secret(span: ReadableSpan) -> None:
    texts = [span.name, str(span.status.description)]
    texts += [f"{k}={v}" for k, v in (span.attributes or {}).items()]
    for event in span.events:
        texts += [f"{k}={v}" for k, v in (event.attributes or {}).items()]
    for text in texts:
        assert SECRET not in text and "Bearer" not in text and "hf_AbCd" not in text, text


def reply(status: int = 200, **kwargs: Any) -> httpx2.Response:
    kwargs.setdefault("headers", {"x-request-id": "req-1"})
    return httpx2.Response(status, **kwargs)


@pytest.mark.anyio
async def test_one_span_per_chat_call_with_model_provider_and_usage(
    telemetry: Telemetry, no_env: None
) -> None:
    script = Script(reply(json=completion()), reply(json=completion()))
    async with client_for(telemetry, script) as client:
        await client.chat.complete(model=MODEL, messages=MESSAGES)
        assert len(telemetry.spans()) == 1
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    spans = telemetry.spans()
    assert len(spans) == 2
    span = spans[0]
    assert span.name == "chat org/model"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    attributes = dict(span.attributes or {})
    assert attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "hf-inference",
        "gen_ai.request.model": MODEL,
        "gen_ai.response.id": "cmpl-1",
        "gen_ai.response.model": MODEL,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 1,
        "gen_ai.usage.output_tokens": 1,
        "hf.task": "conversational",
        "hf.request_id": "req-1",
        "hf.attempts": 1,
        "http.response.status_code": 200,
        "server.address": "router.huggingface.co",
        "server.port": 443,
    }
    for span in spans:
        assert_no_secret(span)
    assert script.requests[0].headers["authorization"] == f"Bearer {SECRET}"


@pytest.mark.anyio
async def test_streamed_chat_is_one_span_ended_at_stream_end(
    telemetry: Telemetry, no_env: None
) -> None:
    usage = {**chunk(None), "choices": [], "usage": {"prompt_tokens": 4, "completion_tokens": 2}}
    body = sse(chunk("Hel"), chunk("lo", "stop"), usage)
    script = Script(reply(content=body, headers={"content-type": "text/event-stream"}))
    async with client_for(telemetry, script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        assert telemetry.spans() == []  # still open while the stream is
        items = [c async for c in stream]
    assert len(items) == 3
    (span,) = telemetry.spans()
    attributes = dict(span.attributes or {})
    assert span.name == "chat org/model"
    assert attributes["gen_ai.usage.input_tokens"] == 4
    assert attributes["gen_ai.usage.output_tokens"] == 2
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert attributes["gen_ai.response.id"] == "c"
    assert span.status.status_code is StatusCode.UNSET
    assert_no_secret(span)
    (tokens_in, tokens_out) = sorted(
        telemetry.points("gen_ai.client.token.usage"),
        key=lambda p: p.attributes["gen_ai.token.type"],
    )
    assert (tokens_in.sum, tokens_out.sum) == (4, 2)


@pytest.mark.anyio
async def test_stream_failing_midway_ends_its_span_with_the_error(
    telemetry: Telemetry, no_env: None
) -> None:
    body = sse(chunk("a"), {"error": {"message": "overloaded", "http_status_code": 500}})
    script = Script(reply(content=body))
    async with client_for(telemetry, script) as client:
        stream = await client.chat.stream(model=MODEL, messages=MESSAGES)
        with pytest.raises(StreamInterrupted):
            async for _ in stream:
                pass
    (span,) = telemetry.spans()
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "StreamInterrupted"


@pytest.mark.anyio
async def test_stream_closed_early_still_ends_its_span(telemetry: Telemetry, no_env: None) -> None:
    body = sse(chunk("a"), chunk("b"), chunk(None, "stop"))
    script = Script(reply(content=body))
    async with (
        client_for(telemetry, script) as client,
        await client.chat.stream(model=MODEL, messages=MESSAGES) as stream,
    ):
        async for _ in stream:
            break
    (span,) = telemetry.spans()
    assert span.status.status_code is StatusCode.UNSET


@pytest.mark.anyio
async def test_retried_call_is_one_span_with_retry_events_and_metrics(
    telemetry: Telemetry, fake_clock: FakeClock, no_env: None
) -> None:
    script = Script(
        reply(500, json={"error": "boom"}),
        reply(503, json={"error": "Model org/model is currently loading", "estimated_time": 7.0}),
        reply(json=completion()),
    )
    async with client_for(telemetry, script) as client:
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    (span,) = telemetry.spans()
    attributes = dict(span.attributes or {})
    assert attributes["hf.retries"] == 2 and attributes["hf.attempts"] == 3
    assert attributes["hf.cold_start.wait"] == 7.0
    events = [(e.name, dict(e.attributes or {})) for e in span.events]
    assert [name for name, _ in events] == ["hf.retry", "hf.retry"]
    assert events[0][1]["error.type"] == "ServerError"
    assert events[0][1]["hf.retry.cold_start"] is False
    assert events[1][1] == {
        "error.type": "ModelLoading",
        "hf.retry.delay": 7.0,
        "hf.retry.cold_start": True,
    }
    assert span.status.status_code is StatusCode.UNSET
    retries = {p.attributes["error.type"]: p.value for p in telemetry.points("hf.client.retries")}
    assert retries == {"ServerError": 1, "ModelLoading": 1}
    (cold,) = telemetry.points("hf.client.cold_start.wait")
    assert cold.value == 7.0
    (requests,) = telemetry.points("hf.client.requests")
    assert requests.value == 1 and "error.type" not in requests.attributes


@pytest.mark.anyio
async def test_error_sets_status_error_and_error_type(telemetry: Telemetry, no_env: None) -> None:
    script = Script(reply(401, json={"error": f"Invalid token {SECRET}"}))
    async with client_for(telemetry, script) as client:
        with pytest.raises(AuthenticationError):
            await client.chat.complete(model=MODEL, messages=MESSAGES)
    (span,) = telemetry.spans()
    assert span.status.status_code is StatusCode.ERROR
    attributes = dict(span.attributes or {})
    assert attributes["error.type"] == "AuthenticationError"
    assert attributes["http.response.status_code"] == 401
    assert attributes["hf.request_id"] == "req-1"
    assert "gen_ai.usage.input_tokens" not in attributes
    assert_no_secret(span)
    (requests,) = telemetry.points("hf.client.requests")
    assert requests.attributes["error.type"] == "AuthenticationError"
    (duration,) = telemetry.points("gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "AuthenticationError"
    assert telemetry.points("gen_ai.client.token.usage") == []


@pytest.mark.anyio
async def test_tracing_off_records_metrics_but_no_span(telemetry: Telemetry, no_env: None) -> None:
    script = Script(reply(json=completion()))
    async with client_for(telemetry, script, enable_tracing=False) as client:
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert telemetry.spans() == []
    (duration,) = telemetry.points("gen_ai.client.operation.duration")
    assert duration.count == 1 and duration.sum >= 0
    assert duration.attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "hf-inference",
        "gen_ai.request.model": MODEL,
        "gen_ai.response.model": MODEL,
        "server.address": "router.huggingface.co",
        "server.port": 443,
    }
    points = telemetry.points("gen_ai.client.token.usage")
    assert {p.attributes["gen_ai.token.type"]: p.sum for p in points} == {"input": 1, "output": 1}


@pytest.mark.anyio
async def test_sample_rate_zero_records_no_span(telemetry: Telemetry, no_env: None) -> None:
    script = Script(reply(json=completion()), reply(json=completion()))
    async with client_for(telemetry, script, trace_sample_rate=0.0) as client:
        await client.chat.complete(model=MODEL, messages=MESSAGES)
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert telemetry.spans() == []
    (requests,) = telemetry.points("hf.client.requests")
    assert requests.value == 2


@pytest.mark.anyio
async def test_both_switches_off_record_nothing(telemetry: Telemetry, no_env: None) -> None:
    script = Script(reply(json=completion()))
    async with client_for(telemetry, script, enable_tracing=False, enable_metrics=False) as client:
        await client.chat.complete(model=MODEL, messages=MESSAGES)
    assert telemetry.spans() == []
    assert telemetry.points("hf.client.requests") == []


@pytest.mark.anyio
async def test_text_generation_span_reads_tgi_details(telemetry: Telemetry, no_env: None) -> None:
    output = {
        "generated_text": "ok",
        "details": {"finish_reason": "length", "generated_tokens": 3, "tokens": []},
    }
    script = Script(reply(json=output))
    async with client_for(telemetry, script) as client:
        await client.text_generation.generate(model=MODEL, prompt="x", details=True)
    (span,) = telemetry.spans()
    attributes = dict(span.attributes or {})
    assert span.name == "text_completion org/model"
    assert attributes["gen_ai.usage.output_tokens"] == 3
    assert attributes["gen_ai.response.finish_reasons"] == ("length",)
    assert "gen_ai.usage.input_tokens" not in attributes
