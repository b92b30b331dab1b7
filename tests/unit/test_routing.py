"""Routing: the exact URL, headers and body for each target, with no I/O."""

from __future__ import annotations

import json

import pytest

from hf_inference_endpoints import HfInferenceConfig, ModelNotAvailableOnProvider, ValidationError
from hf_inference_endpoints._routing import parse_target, prepare, validate_model_id
from hf_inference_endpoints._routing.build import chat_url_for_endpoint

ROUTER = "https://router.huggingface.co"
CONFIG = HfInferenceConfig(token="hf_test", default_provider="hf-inference")
MSGS = [{"role": "user", "content": "hi"}]


def build(
    model: str,
    task: str = "conversational",
    *,
    provider: str | None = None,
    stream: bool = False,
    config: HfInferenceConfig = CONFIG,
    body: dict | None = None,
    **kw: object,
):
    body = (
        body
        if body is not None
        else ({"messages": MSGS} if task == "conversational" else {"inputs": "x", "parameters": {}})
    )
    return prepare(
        config, model, provider, task, body, stream, kw.get("extra_headers"), kw.get("extra_body")
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("model", "provider", "url", "body_model"),
    [
        ("org/m", None, f"{ROUTER}/hf-inference/models/org/m/v1/chat/completions", "org/m"),
        (
            "org/m",
            "hf-inference",
            f"{ROUTER}/hf-inference/models/org/m/v1/chat/completions",
            "org/m",
        ),
        ("org/m:fastest", None, f"{ROUTER}/v1/chat/completions", "org/m:fastest"),
        ("org/m:cheapest", None, f"{ROUTER}/v1/chat/completions", "org/m:cheapest"),
        ("org/m:together", None, f"{ROUTER}/v1/chat/completions", "org/m:together"),
        ("org/m", "auto", f"{ROUTER}/v1/chat/completions", "org/m"),
        ("org/m", "preferred", f"{ROUTER}/v1/chat/completions", "org/m:preferred"),
        ("gpt2", None, f"{ROUTER}/hf-inference/models/gpt2/v1/chat/completions", "gpt2"),
    ],
)
def test_chat_targets(model: str, provider: str | None, url: str, body_model: str) -> None:
    req = build(model, provider=provider)
    assert req.method == "POST"
    assert req.url == url
    body = json.loads(req.content or b"")
    assert list(body) == ["model", "messages"]  # model first, so the router can route early
    assert body["model"] == body_model


@pytest.mark.parametrize(
    ("url", "chat_url"),
    [
        (
            "https://x.endpoints.huggingface.cloud",
            "https://x.endpoints.huggingface.cloud/v1/chat/completions",
        ),
        ("https://x.cloud/", "https://x.cloud/v1/chat/completions"),
        ("http://h:8080/v1", "http://h:8080/v1/chat/completions"),
        ("http://h:8080/v1/chat/completions", "http://h:8080/v1/chat/completions"),
    ],
)
def test_chat_on_url_targets_has_no_model_field(url: str, chat_url: str) -> None:
    req = build(url)
    assert req.url == chat_url
    assert "model" not in json.loads(req.content or b"")
    assert req.context.endpoint == url.rstrip("/")


def test_text_generation_targets() -> None:
    req = build(
        "org/m", "text-generation", body={"inputs": "hi", "parameters": {"max_new_tokens": 3}}
    )
    assert req.url == f"{ROUTER}/hf-inference/models/org/m"
    assert json.loads(req.content or b"") == {"inputs": "hi", "parameters": {"max_new_tokens": 3}}
    streamed = build("http://127.0.0.1:8080", "text-generation", stream=True)
    assert streamed.url == "http://127.0.0.1:8080"
    assert json.loads(streamed.content or b"")["stream"] is True
    assert streamed.expect == "sse"
    assert streamed.headers["accept"] == "text/event-stream"


def test_headers() -> None:
    req = build("org/m", config=CONFIG.replace(bill_to="my-org"), extra_headers={"X-Trace": "1"})
    assert req.headers["authorization"] == "Bearer hf_test"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["x-hf-bill-to"] == "my-org"
    assert req.headers["x-trace"] == "1"
    assert req.headers["user-agent"].startswith("hf-inference-endpoints/")


def test_no_token_no_authorization_header_and_no_billing_with_provider_keys() -> None:
    assert (
        "authorization"
        not in build("org/m", config=HfInferenceConfig(default_provider="hf-inference")).headers
    )
    req = build(
        "org/m",
        config=HfInferenceConfig(
            token="sk-provider", bill_to="org", default_provider="hf-inference"
        ),
    )
    assert "x-hf-bill-to" not in req.headers


def test_extra_body_wins() -> None:
    body = json.loads(
        build("org/m", extra_body={"temperature": 0.1, "messages": []}).content or b""
    )
    assert body["temperature"] == 0.1 and body["messages"] == []


def test_json_schema_response_format_is_rewritten_for_hf_inference_only() -> None:
    fmt = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    hf = json.loads(build("org/m", body={"messages": MSGS, "response_format": fmt}).content or b"")
    assert hf["response_format"] == {"type": "json_object", "value": {"type": "object"}}
    routed = json.loads(
        build("org/m:fastest", body={"messages": MSGS, "response_format": fmt}).content or b""
    )
    assert routed["response_format"] == fmt


def test_model_ids_are_escaped_and_validated() -> None:
    assert validate_model_id("a.b_c-d/E.F") == "a.b_c-d/E.F"
    for bad in ["", "a/b/c", "../etc", "a/..", "a b", "a/b?x=1", "a/b#f", "/a", "a/", "ä/b", "a\n"]:
        with pytest.raises(ValidationError):
            validate_model_id(bad)


def test_policy_suffix_on_a_non_chat_task_is_refused() -> None:
    with pytest.raises(ValidationError, match="chat only"):
        parse_target(
            "org/m:cheapest", provider=None, default_provider="hf-inference", task="text-generation"
        )


def test_url_with_a_provider_is_refused() -> None:
    with pytest.raises(ValidationError):
        parse_target(
            "http://x", provider="together", default_provider="hf-inference", task="conversational"
        )


def test_unknown_provider_for_text_generation_names_it() -> None:
    with pytest.raises(ModelNotAvailableOnProvider) as info:
        build("org/m", "text-generation", provider="nope")
    assert info.value.provider == "nope"
    assert "org/m:nope" in str(info.value)


def test_chat_url_for_endpoint() -> None:
    assert chat_url_for_endpoint("http://a/b") == "http://a/b/v1/chat/completions"


def test_chat_on_a_provider_goes_to_its_route_and_unknown_ones_to_the_generic_route() -> None:
    # no mapping lookup without I/O: the Hub id stands in for the provider's model id
    req = build("org/m", provider="groq")
    assert req.url == f"{ROUTER}/groq/openai/v1/chat/completions"
    assert json.loads(req.content or b"")["model"] == "org/m"
    assert req.context.provider == "groq"
    other = build("org/m", provider="newprov")
    assert other.url == f"{ROUTER}/newprov/v1/chat/completions"
    assert other.context.provider == "newprov"
