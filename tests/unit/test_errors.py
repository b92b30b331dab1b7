"""Error mapping: every WIRE.md error shape lands on the right HfError subclass."""

from __future__ import annotations

import json

import pytest

from hf_inference_endpoints._errors import (
    AuthenticationError,
    ColdStartTimeout,
    Conflict,
    EndpointPaused,
    ErrorContext,
    GatewayTimeout,
    HfError,
    ModelLoading,
    NotFound,
    PaymentRequired,
    PermissionDenied,
    RateLimited,
    RequestRejected,
    RequestTimeout,
    ServerError,
    ServerRequestTimeout,
    ServiceUnavailable,
    StreamInterrupted,
    error_from_event,
    error_from_response,
    extract_message,
)

CTX = ErrorContext(provider="hf-inference", model="org/model")


@pytest.mark.parametrize(
    ("status", "body", "kind", "message"),
    [
        (
            401,
            b'{"error":"Invalid username or password."}',
            AuthenticationError,
            "Invalid username or password.",
        ),
        (403, b'{"error":"forbidden"}', PermissionDenied, "forbidden"),
        (
            404,
            b'{"error":"Model org/model does not exist"}',
            NotFound,
            "Model org/model does not exist",
        ),
        (400, b'{"error":["bad input","worse input"]}', RequestRejected, "bad input; worse input"),
        (
            413,
            b'{"message":"batch too large","code":413,"type":"Validation"}',
            RequestRejected,
            "batch too large",
        ),
        (
            422,
            b'{"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 1512","error_type":"validation"}',
            RequestRejected,
            "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 1512",
        ),
        (
            422,
            b"Failed to deserialize the JSON body",
            RequestRejected,
            "Failed to deserialize the JSON body",
        ),
        (
            429,
            b'{"error":{"message":"Too many requests","type":"rate_limit"}}',
            RateLimited,
            "Too many requests",
        ),
        (
            503,
            b'{"error":"Model org/model is currently loading","estimated_time":20.5}',
            ModelLoading,
            "Model org/model is currently loading",
        ),
        (
            503,
            b'{"error":"503 Service Unavailable","code":"SERVICE_UNAVAILABLE"}',
            ServiceUnavailable,
            "503 Service Unavailable",
        ),
        (
            504,
            b'{"errors":[{"message":"upstream timed out"}]}',
            GatewayTimeout,
            "upstream timed out",
        ),
        (500, b'{"detail":"boom"}', ServerError, "boom"),
        (
            502,
            b"<!DOCTYPE html><html><body>Bad gateway</body></html>",
            ServerError,
            "the server answered with an HTML error page",
        ),
        (
            424,
            b'{"error":"generation failed","error_type":"generation"}',
            ServerError,
            "generation failed",
        ),
        (408, b"", ServerRequestTimeout, None),
        (
            402,
            b'{"error":"You have exceeded your monthly included credits"}',
            PaymentRequired,
            "You have exceeded your monthly included credits",
        ),
        (
            409,
            b'{"error":"Endpoint name already exists"}',
            Conflict,
            "Endpoint name already exists",
        ),
    ],
)
def test_status_and_body_map_to_the_right_error(
    status: int, body: bytes, kind: type[HfError], message: str | None
) -> None:
    err = error_from_response(status, {"x-request-id": "req-1"}, body, context=CTX)
    assert type(err) is kind
    assert err.status_code == status
    assert err.server_message == message
    assert err.request_id == "req-1"
    assert err.model == "org/model"
    assert err.provider == "hf-inference"
    assert "req-1" in str(err) and "org/model" in str(err)


def test_model_loading_carries_estimated_time_as_retry_hint() -> None:
    err = error_from_response(503, {}, b'{"error":"loading","estimated_time":12.0}')
    assert isinstance(err, ModelLoading)
    assert err.estimated_time == 12.0
    assert err.retry_after == 12.0
    assert err.is_retryable


@pytest.mark.parametrize(
    "body",
    [
        b'{"error":"loading","estimated_time":120.0}',
        b"<!DOCTYPE html><html><body>503 Service Temporarily Unavailable</body></html>",
    ],
)
def test_a_503_is_never_a_cold_start_where_there_is_no_model(body: bytes) -> None:
    context = ErrorContext(endpoint="https://files.example.com/cat.png", cold_starts=False)
    err = error_from_response(503, {}, body, context=context)
    assert type(err) is ServiceUnavailable
    assert err.is_retryable and err.retry_after is None
    assert err.endpoint == "https://files.example.com/cat.png"
    model_call = error_from_response(503, {}, body, context=ErrorContext())
    assert type(model_call) is (ModelLoading if b"estimated_time" in body else ServiceUnavailable)


def test_rate_limited_retry_after_and_retryability() -> None:
    err = error_from_response(429, {}, b"{}", retry_after=3.0)
    assert isinstance(err, RateLimited)
    assert err.retry_after == 3.0
    assert err.is_retryable


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (422, False),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (424, False),
        (402, False),
        (409, False),
    ],
)
def test_is_retryable_per_status(status: int, retryable: bool) -> None:
    assert error_from_response(status, {}, b"").is_retryable is retryable


def test_payment_required_points_to_credits_and_bill_to() -> None:
    err = error_from_response(402, {}, b'{"error":"Not enough balance"}', context=CTX)
    assert isinstance(err, PaymentRequired)
    assert err.message.startswith("Payment required: Not enough balance.")
    assert "credits" in err.message and "bill_to=" in err.message


def test_cold_start_timeout_is_a_timeout_but_not_retryable() -> None:
    err = ColdStartTimeout("still loading", waited=30.0)
    assert isinstance(err, RequestTimeout)
    assert not err.is_retryable
    assert err.waited == 30.0


def test_paused_endpoint_400_maps_to_endpoint_paused() -> None:
    body = b'{"error":"Bad Request: The endpoint is paused, ask a maintainer to restart it","code":"BAD_REQUEST"}'
    err = error_from_response(400, {}, body, context=ErrorContext(endpoint="my-endpoint"))
    assert isinstance(err, EndpointPaused)
    assert "my-endpoint" in str(err)


def test_request_id_falls_back_to_amzn_trace_id() -> None:
    err = error_from_response(500, {"x-amzn-trace-id": "Root=1-abc"}, b"")
    assert err.request_id == "Root=1-abc"


def test_header_message_comes_first() -> None:
    assert (
        extract_message({"error": "body says"}, {"x-error-message": "header says"})
        == "header says — body says"
    )


def test_error_description_is_appended() -> None:
    assert (
        extract_message({"error": "invalid_token", "error_description": "expired"})
        == "invalid_token: expired"
    )


def test_huge_messages_are_cut() -> None:
    message = extract_message("x" * 10_000)
    assert message is not None and len(message) < 2100


@pytest.mark.parametrize(
    ("payload", "kind", "status"),
    [
        (
            {"error": "Request failed during generation: CUDA OOM", "error_type": "generation"},
            StreamInterrupted,
            None,
        ),
        ({"error": {"message": "Template error", "http_status_code": 422}}, RequestRejected, 422),
        (
            {"error": {"message": "upstream failed", "type": "server_error", "code": 500}},
            StreamInterrupted,
            500,
        ),
        ({"error": "plain string"}, StreamInterrupted, None),
        ({"error": "bad", "error_type": "validation"}, RequestRejected, None),
    ],
)
def test_error_events_map_to_typed_errors(
    payload: dict[str, object], kind: type[HfError], status: int | None
) -> None:
    err = error_from_event(payload, context=CTX, request_id="r")
    assert type(err) is kind
    assert err is not None and err.status_code == status and err.request_id == "r"


@pytest.mark.parametrize("payload", [{"token": {"text": "hi"}}, {"error": None}, [1, 2], "x"])
def test_normal_events_are_not_errors(payload: object) -> None:
    assert error_from_event(payload) is None


def test_error_body_json_is_kept() -> None:
    err = error_from_response(400, {}, json.dumps({"error": "x", "extra": 1}).encode())
    assert err.body == {"error": "x", "extra": 1}


# ------------------------------------------------ the two kinds of ValidationError and timeout


@pytest.mark.parametrize("status", [400, 413, 422])
def test_a_server_refusal_is_request_rejected_and_still_a_validation_error(status: int) -> None:
    from hf_inference_endpoints import InvalidArgument, RequestRejected, ValidationError

    err = error_from_response(status, {}, b'{"error": "bad input"}')
    assert type(err) is RequestRejected
    assert isinstance(err, ValidationError) and isinstance(err, ValueError)
    assert not isinstance(err, InvalidArgument)
    assert err.status_code == status and err.server_message == "bad input"


def test_a_validation_event_mid_stream_is_request_rejected() -> None:
    from hf_inference_endpoints import RequestRejected

    err = error_from_event({"error": "Input validation error", "error_type": "validation"})
    assert type(err) is RequestRejected


def test_http_408_is_a_server_request_timeout_not_our_deadline() -> None:
    from hf_inference_endpoints import DeadlineExceeded, RequestTimeout, ServerRequestTimeout

    err = error_from_response(408, {}, b"")
    assert type(err) is ServerRequestTimeout
    assert isinstance(err, RequestTimeout) and not isinstance(err, DeadlineExceeded)
    assert err.is_retryable


def test_our_deadline_is_deadline_exceeded_and_still_a_request_timeout() -> None:
    from hf_inference_endpoints import DeadlineExceeded, RequestTimeout
    from hf_inference_endpoints._retry import deadline_error

    err = deadline_error(3, model="m", provider="p")
    assert type(err) is DeadlineExceeded and isinstance(err, RequestTimeout)


def test_a_bad_argument_is_invalid_argument_raised_before_sending() -> None:
    import httpx2

    from hf_inference_endpoints import HfInferenceClient, InvalidArgument, ValidationError

    sent: list[httpx2.Request] = []
    http = httpx2.Client(transport=httpx2.MockTransport(lambda r: sent.append(r) or None))  # type: ignore[func-returns-value]
    with HfInferenceClient(
        default_provider="hf-inference", token="hf_x", http_client=http
    ) as client:
        with pytest.raises(InvalidArgument) as caught:
            client.chat.complete(messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(ValidationError):  # the name users already catch
            client.chat.complete(model="org/m", messages="not a list")
    assert caught.value.status_code is None and "model is required" in caught.value.message
    assert sent == []
