"""Telemetry hooks the transport calls: OpenTelemetry spans and metrics, log redaction (no I/O).

The transport of each twin holds one :class:`Observer` and calls it once per call::

    call = observer.start(prepared)      # before the first attempt
    call.retry(error, delay)             # before each sleep (backoff or cold-start wait)
    call.item(chunk)                     # streams: only the items ``is_final`` accepts
    call.end(meta, result=result)        # success (streams: when the stream closes)
    call.end(error=exc)                  # failure

:data:`NULL_OBSERVER` (what :func:`make_observer` returns when OpenTelemetry is not
installed or ``enable_tracing``/``enable_metrics`` are both off) hands out
:data:`NULL_CALL`, whose methods do nothing, so an unobserved call costs a few method
calls. OpenTelemetry is imported by :func:`make_observer` only, never at package import.

What is recorded follows the OpenTelemetry GenAI semantic conventions (client spans and
metrics). One CLIENT span per call (all its attempts), named ``"{operation} {model}"``
(``chat org/model``), created for a ``trace_sample_rate`` fraction of calls. Attributes
come from the request's routing context and the parsed result only: never a header, a
request or response body, or the token.

Span attributes:
    ``gen_ai.operation.name`` (``chat``, ``text_completion``, ``embeddings``, else the HF
    task), ``gen_ai.provider.name`` (the HF inference provider: ``hf-inference``,
    ``together``..., ``endpoint`` for a URL target), ``gen_ai.request.model``,
    ``server.address``/``server.port``, ``gen_ai.response.id``, ``gen_ai.response.model``,
    ``gen_ai.response.finish_reasons``, ``gen_ai.usage.input_tokens``,
    ``gen_ai.usage.output_tokens``, ``http.response.status_code``, ``error.type`` (the
    ``HfError`` class name), ``hf.task``, ``hf.request_id``, ``hf.attempts``, ``hf.retries``,
    ``hf.cold_start.wait`` (seconds); one ``hf.retry`` event per retry (``error.type``,
    ``hf.retry.delay``, ``hf.retry.cold_start``).

Metrics (when ``enable_metrics``; every call, not sampled):
    ``gen_ai.client.operation.duration`` (histogram, s), ``gen_ai.client.token.usage``
    (histogram, ``{token}``, ``gen_ai.token.type`` = ``input``/``output``),
    ``hf.client.requests`` (counter), ``hf.client.retries`` (counter, with ``error.type``
    and ``hf.retry.cold_start``), ``hf.client.cold_start.wait`` (counter, s).
"""

from __future__ import annotations

import logging
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._errors import ModelLoading
from ._redact import scrub

if TYPE_CHECKING:
    from ._config import HfInferenceConfig
    from ._meta import ResponseMeta
    from ._request import PreparedRequest

__all__ = [
    "NULL_CALL",
    "NULL_OBSERVER",
    "CallObservation",
    "Observer",
    "RedactTokens",
    "install_log_redaction",
    "make_observer",
    "operation_name",
    "redact",
    "request_attributes",
    "result_attributes",
    "sampled",
]

#: Instrumentation scope name of the tracer and the meter.
SCOPE = "hf_inference_endpoints"

#: HF task -> GenAI ``gen_ai.operation.name`` where the convention has a value for it.
_OPERATIONS = {
    "conversational": "chat",
    "text-generation": "text_completion",
    "feature-extraction": "embeddings",
}

#: Bucket boundaries the GenAI conventions advise for the two histograms.
_DURATION_BUCKETS = (
    0.01,
    0.02,
    0.04,
    0.08,
    0.16,
    0.32,
    0.64,
    1.28,
    2.56,
    5.12,
    10.24,
    20.48,
    40.96,
    81.92,
)
_TOKEN_BUCKETS = (
    1,
    4,
    16,
    64,
    256,
    1024,
    4096,
    16384,
    65536,
    262144,
    1048576,
    4194304,
    16777216,
    67108864,
)


# --------------------------------------------------------------------------- the null objects


class CallObservation:
    """The telemetry of one call; this base class records nothing (see :data:`NULL_CALL`)."""

    __slots__ = ()

    def retry(self, error: BaseException, delay: float) -> None:
        """The attempt failed with ``error``; the transport sleeps ``delay`` s and tries again.

        A :class:`ModelLoading` error means the wait is a cold-start wait.
        """

    def item(self, item: object) -> None:
        """A stream produced a final item (finish reason, usage or TGI details)."""

    def end(
        self,
        meta: ResponseMeta | None = None,
        *,
        result: object = None,
        error: BaseException | None = None,
    ) -> None:
        """The call is over: with ``meta`` (and ``result``) on success, ``error`` otherwise.

        Only the first call counts; later ones are ignored.
        """


class Observer:
    """Hands out one :class:`CallObservation` per call; this base class observes nothing."""

    __slots__ = ()

    def start(self, prepared: PreparedRequest) -> CallObservation:
        """A call begins (before its first attempt). Reads the routing context, never headers."""
        return NULL_CALL

    def concurrency(
        self,
        provider: str,
        limit: float,
        in_flight: int,
        *,
        baseline: float | None = None,
        recent: float | None = None,
    ) -> None:
        """A provider's adaptive in-flight limit, its requests in flight and its round
        trips (baseline and recent, seconds), after an answer."""


#: Records nothing.
NULL_CALL = CallObservation()
#: The observer used when OpenTelemetry is absent or switched off.
NULL_OBSERVER = Observer()


# --------------------------------------------------------------------------- attribute building


def operation_name(task: str) -> str:
    """The ``gen_ai.operation.name`` for an HF task (the task itself when none fits).

    Example:
        >>> operation_name("conversational"), operation_name("text-to-image")
        ('chat', 'text-to-image')
    """
    return _OPERATIONS.get(task, task or "request")


def request_attributes(prepared: PreparedRequest) -> dict[str, Any]:
    """Attributes known before sending: operation, provider, model, server. Never headers/body.

    Example:
        >>> from hf_inference_endpoints._request import PreparedRequest
        >>> from hf_inference_endpoints._errors import ErrorContext
        >>> request_attributes(PreparedRequest(
        ...     "POST", "https://router.huggingface.co/v1/chat/completions",
        ...     {"authorization": "Bearer hf_x"},
        ...     context=ErrorContext(provider="together", model="org/m"), task="conversational",
        ... ))["gen_ai.provider.name"]
        'together'
    """
    context = prepared.context
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": operation_name(prepared.task),
        "hf.task": prepared.task,
    }
    if context.provider:
        attributes["gen_ai.provider.name"] = context.provider
    if context.model:
        attributes["gen_ai.request.model"] = context.model
    try:
        parts = urlsplit(prepared.url)
        host, port = parts.hostname, parts.port  # hostname/port leave any user:password@ out
    except ValueError:
        host, port = None, None
    if host:
        attributes["server.address"] = host
        attributes["server.port"] = port or (443 if parts.scheme == "https" else 80)
    return attributes


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def result_attributes(result: object) -> dict[str, Any]:
    """Attributes read from a parsed result or a final stream item (attribute reads only).

    Understands chat completions and chunks (``id``, ``model``, ``choices[].finish_reason``,
    ``usage.prompt_tokens``/``completion_tokens``) and TGI outputs (``details.finish_reason``,
    ``details.generated_tokens``, ``len(details.prefill)``). Generated text, messages and
    token details are never read.
    """
    attributes: dict[str, Any] = {}
    if result is None:
        return attributes
    response_id = getattr(result, "id", None)
    if isinstance(response_id, str) and response_id:
        attributes["gen_ai.response.id"] = response_id
    response_model = getattr(result, "model", None)
    if isinstance(response_model, str) and response_model:
        attributes["gen_ai.response.model"] = response_model
    choices = getattr(result, "choices", None)
    if isinstance(choices, Sequence) and not isinstance(choices, str):
        reasons = [
            reason
            for choice in choices
            if isinstance(reason := getattr(choice, "finish_reason", None), str) and reason
        ]
        if reasons:
            attributes["gen_ai.response.finish_reasons"] = reasons
    usage = getattr(result, "usage", None)
    if usage is not None:
        input_tokens = _int(getattr(usage, "prompt_tokens", None))
        output_tokens = _int(getattr(usage, "completion_tokens", None))
        if input_tokens is not None:
            attributes["gen_ai.usage.input_tokens"] = input_tokens
        if output_tokens is not None:
            attributes["gen_ai.usage.output_tokens"] = output_tokens
    details = getattr(result, "details", None)
    if details is not None:
        reason = getattr(details, "finish_reason", None)
        if isinstance(reason, str) and reason:
            attributes["gen_ai.response.finish_reasons"] = [reason]
        generated = _int(getattr(details, "generated_tokens", None))
        if generated is not None:
            attributes["gen_ai.usage.output_tokens"] = generated
        prefill = getattr(details, "prefill", None)
        if isinstance(prefill, list) and prefill:
            attributes["gen_ai.usage.input_tokens"] = len(prefill)
    return attributes


def sampled(rate: float, draw: float | None = None) -> bool:
    """Whether a call is traced at ``trace_sample_rate`` ``rate`` (0: never, 1: always).

    Example:
        >>> sampled(0.0), sampled(1.0), sampled(0.5, draw=0.4), sampled(0.5, draw=0.6)
        (False, True, True, False)
    """
    if rate >= 1.0:
        return True
    if rate <= 0.0:
        return False
    return (random.random() if draw is None else draw) < rate


# --------------------------------------------------------------------------- OpenTelemetry


class _Instruments:
    """The tracer and meter instruments an :class:`_OtelObserver` records with."""

    __slots__ = (
        "cold_start_wait",
        "concurrency_limit",
        "duration",
        "in_flight",
        "requests",
        "retries",
        "rtt_baseline",
        "rtt_recent",
        "status_error",
        "token_usage",
        "tracer",
    )

    def __init__(self, tracer: Any, meter: Any) -> None:
        self.tracer = tracer
        self.duration: Any = None
        self.token_usage: Any = None
        self.requests: Any = None
        self.retries: Any = None
        self.cold_start_wait: Any = None
        self.concurrency_limit: Any = None
        self.in_flight: Any = None
        self.rtt_baseline: Any = None
        self.rtt_recent: Any = None
        if meter is not None:
            self.duration = _histogram(
                meter,
                "gen_ai.client.operation.duration",
                "s",
                "Duration of a GenAI call, all attempts and waits included.",
                _DURATION_BUCKETS,
            )
            self.token_usage = _histogram(
                meter,
                "gen_ai.client.token.usage",
                "{token}",
                "Input and output tokens of a GenAI call.",
                _TOKEN_BUCKETS,
            )
            self.requests = meter.create_counter(
                "hf.client.requests", unit="{request}", description="Calls made by the client."
            )
            self.retries = meter.create_counter(
                "hf.client.retries",
                unit="{retry}",
                description="Attempts repeated after a retryable error or a cold start.",
            )
            self.cold_start_wait = meter.create_counter(
                "hf.client.cold_start.wait",
                unit="s",
                description="Seconds spent waiting for a loading model.",
            )
            if hasattr(meter, "create_gauge"):  # OpenTelemetry API >= 1.23
                self.concurrency_limit = meter.create_gauge(
                    "hf.client.concurrency.limit",
                    unit="{request}",
                    description="Adaptive in-flight limit per provider (AIMD).",
                )
                self.in_flight = meter.create_gauge(
                    "hf.client.concurrency.in_flight",
                    unit="{request}",
                    description="Requests in flight per provider under adaptive concurrency.",
                )
                self.rtt_baseline = meter.create_gauge(
                    "hf.client.concurrency.rtt_baseline",
                    unit="s",
                    description="A provider's baseline round trip (smoothed minimum, AIMD).",
                )
                self.rtt_recent = meter.create_gauge(
                    "hf.client.concurrency.rtt_recent",
                    unit="s",
                    description="A provider's recent round trip; far above the baseline, "
                    "the in-flight limit is cut.",
                )


def _histogram(meter: Any, name: str, unit: str, description: str, buckets: Any) -> Any:
    try:
        return meter.create_histogram(
            name, unit=unit, description=description, explicit_bucket_boundaries_advisory=buckets
        )
    except TypeError:  # opentelemetry-api before 1.23 has no advisory buckets
        return meter.create_histogram(name, unit=unit, description=description)


class _OtelObserver(Observer):
    """Starts a span (when sampled) and records metrics for each call."""

    __slots__ = ("global_sdk", "instruments", "sample_rate", "tracing")

    def __init__(
        self,
        instruments: _Instruments,
        *,
        tracing: bool,
        sample_rate: float,
        global_sdk: Callable[[], bool] | None = None,
    ) -> None:
        self.instruments = instruments
        self.tracing = tracing and instruments.tracer is not None
        self.sample_rate = sample_rate
        # Instruments from the global providers: record only once an SDK is configured.
        self.global_sdk = global_sdk

    def start(self, prepared: PreparedRequest) -> CallObservation:
        instruments = self.instruments
        if self.global_sdk is not None and not self.global_sdk():
            return NULL_CALL  # the API's no-op proxies would drop it all: skip the work
        trace = self.tracing and sampled(self.sample_rate)
        if not trace and instruments.requests is None:
            return NULL_CALL
        attributes = request_attributes(prepared)
        span = None
        if trace:
            from opentelemetry.trace import SpanKind

            model = prepared.context.model
            name = attributes["gen_ai.operation.name"]
            span = instruments.tracer.start_span(
                f"{name} {model}" if model else name, kind=SpanKind.CLIENT, attributes=attributes
            )
        return _OtelCall(instruments, span, attributes)

    def concurrency(
        self,
        provider: str,
        limit: float,
        in_flight: int,
        *,
        baseline: float | None = None,
        recent: float | None = None,
    ) -> None:
        instruments = self.instruments
        if instruments.concurrency_limit is None:
            return
        if self.global_sdk is not None and not self.global_sdk():
            return
        attributes = {"gen_ai.provider.name": provider}
        instruments.concurrency_limit.set(limit, attributes)
        instruments.in_flight.set(in_flight, attributes)
        if baseline is not None and recent is not None:
            instruments.rtt_baseline.set(baseline, attributes)
            instruments.rtt_recent.set(recent, attributes)


class _OtelCall(CallObservation):
    __slots__ = (
        "_attributes",
        "_cold_wait",
        "_ended",
        "_instruments",
        "_items",
        "_retries",
        "_span",
        "_started",
    )

    def __init__(self, instruments: _Instruments, span: Any, attributes: dict[str, Any]) -> None:
        self._instruments = instruments
        self._span = span
        self._attributes = attributes
        self._started = time.perf_counter()
        self._retries = 0
        self._cold_wait = 0.0
        self._items: dict[str, Any] | None = None
        self._ended = False

    def retry(self, error: BaseException, delay: float) -> None:
        self._retries += 1
        cold = isinstance(error, ModelLoading)
        error_type = type(error).__name__
        if cold:
            self._cold_wait += delay
        if self._span is not None:
            self._span.add_event(
                "hf.retry",
                {"error.type": error_type, "hf.retry.delay": delay, "hf.retry.cold_start": cold},
            )
        instruments = self._instruments
        if instruments.retries is not None:
            metric_attributes = _metric_attributes(self._attributes)
            instruments.retries.add(
                1, {**metric_attributes, "error.type": error_type, "hf.retry.cold_start": cold}
            )
            if cold:
                instruments.cold_start_wait.add(delay, metric_attributes)

    def item(self, item: object) -> None:
        found = result_attributes(item)
        if found:
            if self._items is None:
                self._items = found
            else:
                self._items.update(found)

    def end(
        self,
        meta: ResponseMeta | None = None,
        *,
        result: object = None,
        error: BaseException | None = None,
    ) -> None:
        if self._ended:
            return
        self._ended = True
        duration = time.perf_counter() - self._started
        attributes = self._attributes
        outcome: dict[str, Any] = {}
        if self._items:
            outcome.update(self._items)
        outcome.update(result_attributes(result))
        if meta is not None:
            if meta.provider:
                attributes["gen_ai.provider.name"] = meta.provider
            outcome["http.response.status_code"] = meta.status_code
            if meta.request_id:
                outcome["hf.request_id"] = meta.request_id
            outcome["hf.attempts"] = meta.attempts
        error_type = None
        if error is not None:
            error_type = type(error).__name__
            outcome["error.type"] = error_type
            status = getattr(error, "status_code", None)
            if isinstance(status, int):
                outcome["http.response.status_code"] = status
            request_id = getattr(error, "request_id", None)
            if isinstance(request_id, str) and request_id:
                outcome["hf.request_id"] = request_id
        if self._retries:
            outcome["hf.retries"] = self._retries
        if self._cold_wait:
            outcome["hf.cold_start.wait"] = self._cold_wait
        span = self._span
        if span is not None:
            if meta is not None and meta.provider:
                span.set_attribute("gen_ai.provider.name", meta.provider)
            span.set_attributes(outcome)
            if error is not None:
                from opentelemetry.trace import Status, StatusCode

                span.set_status(Status(StatusCode.ERROR, error_type))
            span.end()
        self._record_metrics(duration, outcome, error_type)

    def _record_metrics(self, duration: float, outcome: dict[str, Any], error: str | None) -> None:
        instruments = self._instruments
        if instruments.requests is None:
            return
        metric_attributes = _metric_attributes(self._attributes)
        if "gen_ai.response.model" in outcome:
            metric_attributes["gen_ai.response.model"] = outcome["gen_ai.response.model"]
        if error is not None:
            metric_attributes["error.type"] = error
        instruments.requests.add(1, metric_attributes)
        instruments.duration.record(duration, metric_attributes)
        if error is not None:
            return
        for key, token_type in (
            ("gen_ai.usage.input_tokens", "input"),
            ("gen_ai.usage.output_tokens", "output"),
        ):
            tokens = outcome.get(key)
            if tokens is not None:
                instruments.token_usage.record(
                    tokens, {**metric_attributes, "gen_ai.token.type": token_type}
                )


_METRIC_KEYS = (
    "gen_ai.operation.name",
    "gen_ai.provider.name",
    "gen_ai.request.model",
    "server.address",
    "server.port",
)


def _metric_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    return {key: attributes[key] for key in _METRIC_KEYS if key in attributes}


_default_instruments: dict[tuple[bool, bool], _Instruments] = {}


def make_observer(
    config: HfInferenceConfig,
    *,
    tracer_provider: Any = None,
    meter_provider: Any = None,
) -> Observer:
    """Build the observer for ``config``: OpenTelemetry when installed and switched on.

    Args:
        config: Reads ``enable_tracing``, ``enable_metrics`` and ``trace_sample_rate``.
        tracer_provider: An OpenTelemetry ``TracerProvider`` (default: the global one).
        meter_provider: An OpenTelemetry ``MeterProvider`` (default: the global one).

    Returns:
        :data:`NULL_OBSERVER` when both switches are off (or tracing samples nothing and
        metrics are off) or ``opentelemetry-api`` is not installed; an observer of the
        global providers that waits for the API to be imported, when nothing has imported
        it yet (:class:`_DeferredObserver`); an OpenTelemetry observer otherwise.

    Example:
        >>> from hf_inference_endpoints import HfInferenceConfig
        >>> off = HfInferenceConfig(enable_tracing=False, enable_metrics=False)
        >>> make_observer(off) is NULL_OBSERVER
        True
    """
    tracing = config.enable_tracing and config.trace_sample_rate > 0
    metrics = config.enable_metrics
    if not (tracing or metrics):
        return NULL_OBSERVER
    if tracer_provider is None and meter_provider is None and not _otel_loaded():
        return _DeferredObserver(config)
    try:
        from opentelemetry import metrics as otel_metrics
        from opentelemetry import trace as otel_trace
    except ImportError:
        return NULL_OBSERVER
    from . import __version__

    if tracer_provider is None and meter_provider is None:
        # The global providers are proxies that follow a provider set later: build once.
        key = (tracing, metrics)
        instruments = _default_instruments.get(key)
        if instruments is None:
            instruments = _Instruments(
                otel_trace.get_tracer(SCOPE, __version__) if tracing else None,
                otel_metrics.get_meter(SCOPE, __version__) if metrics else None,
            )
            _default_instruments[key] = instruments
    else:
        tracer = None
        if tracing:
            provider = tracer_provider or otel_trace.get_tracer_provider()
            tracer = provider.get_tracer(SCOPE, __version__)
        meter = None
        if metrics:
            provider = meter_provider or otel_metrics.get_meter_provider()
            meter = provider.get_meter(SCOPE, __version__)
        instruments = _Instruments(tracer, meter)
    return _OtelObserver(
        instruments,
        tracing=tracing,
        sample_rate=config.trace_sample_rate,
        global_sdk=_global_sdk_check(otel_trace, otel_metrics)
        if tracer_provider is None and meter_provider is None
        else None,
    )


_OTEL_MODULES = ("opentelemetry.trace", "opentelemetry.metrics")
_OTEL_ENV = ("OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER")


def _otel_loaded() -> bool:
    """Whether OpenTelemetry could be set up in this process: its API is imported, or the
    environment names a provider for it to load."""
    import os

    modules = sys.modules
    return any(name in modules for name in _OTEL_MODULES) or any(
        name in os.environ for name in _OTEL_ENV
    )


class _DeferredObserver(Observer):
    """The global providers' observer, built once OpenTelemetry's API is imported.

    An application that sets up an SDK imports ``opentelemetry`` to do so; until anything
    has, every span and measurement would go to the API's no-op proxies. So the API (~20
    modules) is not imported for a client that would record nothing: each call checks
    ``sys.modules`` (two dict lookups) and builds the real observer the first time the
    API is there, which then follows the SDK as before.
    """

    __slots__ = ("_config", "_real")

    def __init__(self, config: HfInferenceConfig) -> None:
        self._config = config
        self._real: Observer | None = None

    def _resolve(self) -> Observer:
        real = self._real
        if real is None:
            modules = sys.modules
            if not any(name in modules for name in _OTEL_MODULES):
                return NULL_OBSERVER
            real = self._real = make_observer(self._config)
        return real

    def start(self, prepared: PreparedRequest) -> CallObservation:
        return self._resolve().start(prepared)

    def concurrency(
        self,
        provider: str,
        limit: float,
        in_flight: int,
        *,
        baseline: float | None = None,
        recent: float | None = None,
    ) -> None:
        self._resolve().concurrency(provider, limit, in_flight, baseline=baseline, recent=recent)


def _global_sdk_check(otel_trace: Any, otel_metrics: Any) -> Callable[[], bool] | None:
    """A cheap test of whether a global tracer or meter provider has been set.

    Until an application installs an OpenTelemetry SDK, the global providers are the API's
    proxies, and every span and measurement is dropped; building attributes for them cost
    ~20 µs per call. The test runs per call, so an SDK installed after the client was
    created is picked up (the proxies then delegate to it). It reads the API's module
    globals (two attribute loads; ``get_tracer_provider()`` reads the environment each
    time). None (always record) when the environment names a provider to load, or the
    API keeps its globals elsewhere.
    """
    import os

    if "OTEL_PYTHON_TRACER_PROVIDER" in os.environ or "OTEL_PYTHON_METER_PROVIDER" in os.environ:
        return None
    try:
        from opentelemetry.metrics import _internal as metrics_internal

        otel_trace._TRACER_PROVIDER  # noqa: B018 (probe the layout once)
        metrics_internal._METER_PROVIDER  # noqa: B018
    except (ImportError, AttributeError):  # another API layout: always record
        return None

    def configured() -> bool:
        return (
            otel_trace._TRACER_PROVIDER is not None or metrics_internal._METER_PROVIDER is not None
        )

    return configured


# --------------------------------------------------------------------------- logging

_SECRET = re.compile(
    r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{8,}(?![A-Za-z0-9_])|(?i:\b(bearer)\s+)[^\s'\",;]+"
)


def _mask(match: re.Match[str]) -> str:
    scheme = match.group(1)
    return f"{scheme} ***" if scheme else "hf_***"


def redact(text: str) -> str:
    """Mask HF tokens (``hf_...``) and ``Bearer <credential>`` in ``text``.

    Example:
        >>> redact("token hf_abcdefghijkl and Authorization: Bearer sk-123")
        'token hf_*** and Authorization: Bearer ***'
    """
    return _SECRET.sub(_mask, text)


class RedactTokens(logging.Filter):
    """A logging filter that masks secrets in a record's message and arguments.

    Masked: token-shaped text (``hf_...``, ``Bearer ...``), every token or key the
    library remembered (``_redact``), and the userinfo and query string of URLs.

    The record's message is formatted once; when it holds a secret, the record's ``msg``
    becomes the masked text and its ``args`` are dropped. Records are never rejected.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as usual
            return True
        clean = redact(message) if _SECRET.search(message) is not None else message
        clean = scrub(clean)  # remembered tokens and keys, URL userinfo and queries
        if clean != message:
            record.msg = clean
            record.args = None
        return True


def install_log_redaction(logger: logging.Logger) -> None:
    """Attach one :class:`RedactTokens` to ``logger`` (idempotent; cheap at import)."""
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
