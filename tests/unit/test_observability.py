"""Telemetry pieces without I/O: sampling, attribute building, null objects, log redaction."""

from __future__ import annotations

import logging
import random
import subprocess
import sys
from typing import Any

import pytest

from hf_inference_endpoints import HfInferenceConfig
from hf_inference_endpoints._errors import ErrorContext
from hf_inference_endpoints._observability import (
    NULL_CALL,
    NULL_OBSERVER,
    RedactTokens,
    install_log_redaction,
    make_observer,
    operation_name,
    redact,
    request_attributes,
    result_attributes,
    sampled,
)
from hf_inference_endpoints._request import PreparedRequest
from hf_inference_endpoints.models import ChatCompletion, ChatCompletionChunk, TextGenerationOutput

SECRET = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"


def prepared(url: str = "https://router.huggingface.co/v1/chat/completions") -> PreparedRequest:
    return PreparedRequest(
        "POST",
        url,
        {"authorization": f"Bearer {SECRET}", "x-hf-bill-to": "acme"},
        content=f'{{"messages": [{{"role": "user", "content": "{SECRET}"}}]}}'.encode(),
        context=ErrorContext(provider="together", model="org/model"),
        task="conversational",
    )


# --------------------------------------------------------------------------- sampling


def test_sampling_rate_zero_never_and_one_always() -> None:
    assert not any(sampled(0.0) for _ in range(1000))
    assert all(sampled(1.0) for _ in range(1000))
    assert not sampled(0.0, draw=0.0)
    assert sampled(1.0, draw=0.999999)


def test_sampling_half_uses_the_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sampled(0.5, draw=0.49) and not sampled(0.5, draw=0.5)
    rng = random.Random(1234)
    monkeypatch.setattr("hf_inference_endpoints._observability.random", rng)
    hits = sum(sampled(0.5) for _ in range(10_000))
    assert 4700 < hits < 5300


class _FakeTracer:
    def __init__(self) -> None:
        self.started: list[str] = []

    def start_span(self, name: str, **_: Any) -> Any:
        self.started.append(name)
        return None


class _FakeTracerProvider:
    def __init__(self) -> None:
        self.tracer = _FakeTracer()

    def get_tracer(self, *_: Any) -> _FakeTracer:
        return self.tracer


class _Draws:
    """Stands in for the random module: hands out fixed draws."""

    def __init__(self, *draws: float) -> None:
        self.draws = list(draws)

    def random(self) -> float:
        return self.draws.pop(0)


def test_observer_decides_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hf_inference_endpoints._observability.random", _Draws(0.1, 0.9, 0.3))
    provider = _FakeTracerProvider()
    config = HfInferenceConfig(enable_metrics=False, trace_sample_rate=0.5)
    observer = make_observer(config, tracer_provider=provider)
    calls = [observer.start(prepared()) for _ in range(3)]
    assert provider.tracer.started == ["chat org/model", "chat org/model"]
    assert calls[1] is NULL_CALL  # not sampled and no metrics: nothing at all
    assert calls[0] is not NULL_CALL and calls[2] is not NULL_CALL


def test_rate_zero_without_metrics_is_the_null_observer() -> None:
    config = HfInferenceConfig(enable_metrics=False, trace_sample_rate=0.0)
    assert make_observer(config) is NULL_OBSERVER
    off = HfInferenceConfig(enable_metrics=False, enable_tracing=False)
    assert make_observer(off) is NULL_OBSERVER


# --------------------------------------------------------------------------- null objects


def test_null_observer_records_nothing() -> None:
    call = NULL_OBSERVER.start(prepared())
    assert call is NULL_CALL
    assert call.retry(RuntimeError("x"), 1.0) is None
    assert call.item(object()) is None
    assert call.end(None, error=RuntimeError("x")) is None


def test_without_opentelemetry_the_observer_is_null(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("opentelemetry", "opentelemetry.trace", "opentelemetry.metrics"):
        monkeypatch.setitem(sys.modules, name, None)  # makes the import fail
    assert make_observer(HfInferenceConfig(trace_sample_rate=1.0)) is NULL_OBSERVER


def test_importing_the_package_does_not_import_opentelemetry() -> None:
    code = (
        "import sys, hf_inference_endpoints\n"
        "from hf_inference_endpoints._async import _transport\n"
        "from hf_inference_endpoints._sync import _transport as t\n"
        "assert not any(m.startswith('opentelemetry') for m in sys.modules), 'imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --------------------------------------------------------------------------- attributes


def test_operation_names_follow_genai_values() -> None:
    assert operation_name("conversational") == "chat"
    assert operation_name("text-generation") == "text_completion"
    assert operation_name("feature-extraction") == "embeddings"
    assert operation_name("text-to-image") == "text-to-image"
    assert operation_name("") == "request"


def test_request_attributes_hold_routing_only() -> None:
    attributes = request_attributes(prepared())
    assert attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "together",
        "gen_ai.request.model": "org/model",
        "hf.task": "conversational",
        "server.address": "router.huggingface.co",
        "server.port": 443,
    }


def test_request_attributes_never_hold_secrets_from_headers_body_or_url() -> None:
    url = f"http://user:{SECRET}@127.0.0.1:8080/v1/chat/completions?token={SECRET}"
    attributes = request_attributes(prepared(url))
    assert attributes["server.address"] == "127.0.0.1"
    assert attributes["server.port"] == 8080
    for value in attributes.values():
        assert SECRET not in str(value) and "Bearer" not in str(value)
        assert "acme" not in str(value)


def test_result_attributes_of_a_chat_completion() -> None:
    completion = ChatCompletion.model_validate(
        {
            "id": "cmpl-9",
            "model": "org/model-v2",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": SECRET},
                    "finish_reason": "stop",
                },
                {
                    "index": 1,
                    "message": {"role": "assistant", "content": "x"},
                    "finish_reason": "length",
                },
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
        }
    )
    assert result_attributes(completion) == {
        "gen_ai.response.id": "cmpl-9",
        "gen_ai.response.model": "org/model-v2",
        "gen_ai.response.finish_reasons": ["stop", "length"],
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 7,
    }


def test_result_attributes_of_stream_items_and_tgi_outputs() -> None:
    usage_chunk = ChatCompletionChunk.model_validate(
        {"id": "", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}
    )
    assert result_attributes(usage_chunk) == {
        "gen_ai.usage.input_tokens": 3,
        "gen_ai.usage.output_tokens": 2,
    }
    tgi = TextGenerationOutput.model_validate(
        {
            "generated_text": SECRET,
            "details": {
                "finish_reason": "length",
                "generated_tokens": 5,
                "prefill": [{"id": 1, "text": "a", "logprob": None}] * 4,
                "tokens": [],
            },
        }
    )
    assert result_attributes(tgi) == {
        "gen_ai.response.finish_reasons": ["length"],
        "gen_ai.usage.output_tokens": 5,
        "gen_ai.usage.input_tokens": 4,
    }
    assert result_attributes(TextGenerationOutput(generated_text="x")) == {}
    assert result_attributes(None) == {}
    assert result_attributes(b"raw bytes") == {}


# --------------------------------------------------------------------------- logging


def test_redact_masks_tokens_and_bearer_credentials_only() -> None:
    assert redact(f"using {SECRET}.") == "using hf_***."
    assert redact(f"Authorization: Bearer {SECRET}") == "Authorization: Bearer ***"
    assert redact("authorization: bearer sk-live-123, next") == "authorization: bearer ***, next"
    untouched = "hf_inference_endpoints hf-inference hf_short model org/hf_model"
    assert redact(untouched) == untouched


def test_library_log_lines_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    import hf_inference_endpoints._async._transport  # noqa: F401  (installs the filter)

    logger = logging.getLogger("hf_inference_endpoints")
    assert sum(isinstance(f, RedactTokens) for f in logger.filters) == 1
    with caplog.at_level(logging.DEBUG, logger="hf_inference_endpoints"):
        logger.info("token %s in an argument", SECRET)
        logger.debug(f"header Bearer {SECRET} in the message")
        logger.warning("nothing secret about %s", "hf_inference_endpoints")
    assert SECRET not in caplog.text
    assert "token hf_*** in an argument" in caplog.text
    assert "header Bearer *** in the message" in caplog.text
    assert "nothing secret about hf_inference_endpoints" in caplog.text


def test_installing_redaction_twice_adds_one_filter() -> None:
    logger = logging.getLogger("hf_inference_endpoints.test_install_twice")
    install_log_redaction(logger)
    install_log_redaction(logger)
    assert sum(isinstance(f, RedactTokens) for f in logger.filters) == 1


def test_redaction_keeps_records_with_bad_formats() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d", ("not a number",), None)
    assert RedactTokens().filter(record) is True
    assert record.args == ("not a number",)
