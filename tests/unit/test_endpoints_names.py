"""Endpoint names and namespaces are checked before they reach a URL (no I/O)."""

from __future__ import annotations

import pytest

from hf_inference_endpoints import HfInferenceConfig, ValidationError
from hf_inference_endpoints._endpoints import (
    EndpointRef,
    endpoint_url,
    management_request,
    parse_endpoint_ref,
    quote_segment,
    validate_endpoint_name,
    validate_namespace,
)

BAD_NAMES = [
    ("", "non-empty"),
    ("a/b/c", "more than one '/'"),
    ("..", "'..'"),
    ("a..b", "'..'"),
    ("ep?x=1", "'?'"),
    ("ep#frag", "'#'"),
    ("ep%2F", "'%'"),
    ("my ep", "whitespace"),
    ("ep\t", "whitespace"),
    ("ep\n", "whitespace"),
    ("ép", "non-ASCII"),
    ("ep\u200b", "non-ASCII"),  # zero-width space
    ("ep\x00", "control character"),
    ("back\\slash", "'/'"),
    ("-leading", "not a valid endpoint name"),
]


@pytest.mark.parametrize(("name", "said"), BAD_NAMES)
def test_bad_names_are_rejected_with_the_reason(name: str, said: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_endpoint_ref(name)
    assert said in str(info.value)


@pytest.mark.parametrize("name", ["my-endpoint", "ep1", "a", "x" * 32, "Legacy_Name.v2"])
def test_lookup_names_pass(name: str) -> None:
    assert validate_endpoint_name(name) == name


@pytest.mark.parametrize("name", ["Upper", "under_score", "dot.ted", "x" * 33, "ünï"])
def test_create_rule_is_the_apis(name: str) -> None:
    with pytest.raises(ValidationError):
        validate_endpoint_name(name, for_create=True)


def test_create_rule_accepts_the_documented_shape() -> None:
    assert validate_endpoint_name("qwen2-5-7b-instruct-vllm", for_create=True)
    assert validate_endpoint_name("x" * 32, for_create=True)


@pytest.mark.parametrize(
    "namespace", ["", "a/b", "..", "ns?", "ns#", "my org", "orgé", "-org", "org.", "a..b"]
)
def test_bad_namespaces(namespace: str) -> None:
    with pytest.raises(ValidationError):
        validate_namespace(namespace)


@pytest.mark.parametrize("namespace", ["acme", "my-org", "Acme_Labs", "user.name", "a"])
def test_good_namespaces(namespace: str) -> None:
    assert validate_namespace(namespace) == namespace


def test_namespace_slash_name() -> None:
    assert parse_endpoint_ref("acme/my-ep") == EndpointRef("my-ep", "acme")
    assert parse_endpoint_ref("my-ep") == EndpointRef("my-ep", None)
    assert parse_endpoint_ref("my-ep", "acme") == EndpointRef("my-ep", "acme")
    assert parse_endpoint_ref("acme/my-ep", "acme") == EndpointRef("my-ep", "acme")
    assert str(EndpointRef("my-ep", "acme")) == "acme/my-ep"


def test_conflicting_namespaces_are_an_error() -> None:
    with pytest.raises(ValidationError, match="pass one of them"):
        parse_endpoint_ref("acme/my-ep", "other")


def test_empty_namespace_before_slash() -> None:
    with pytest.raises(ValidationError, match="empty namespace"):
        parse_endpoint_ref("/my-ep")


def test_bad_namespace_in_ref_or_keyword() -> None:
    with pytest.raises(ValidationError):
        parse_endpoint_ref("bad ns/my-ep")
    with pytest.raises(ValidationError):
        parse_endpoint_ref("my-ep", "bad/ns")


def test_every_segment_is_escaped() -> None:
    assert quote_segment("a/b?c#d e") == "a%2Fb%3Fc%23d%20e"
    config = HfInferenceConfig(endpoints_api_url="https://api.example/")
    assert endpoint_url(config, "acme") == "https://api.example/v2/endpoint/acme"
    assert endpoint_url(config, "acme", "ep") == "https://api.example/v2/endpoint/acme/ep"
    assert (
        endpoint_url(config, "acme", "ep", "scale-to-zero")
        == "https://api.example/v2/endpoint/acme/ep/scale-to-zero"
    )
    # even a name that skipped validation cannot escape its segment
    assert endpoint_url(config, "a/..", "b?c") == "https://api.example/v2/endpoint/a%2F../b%3Fc"


def test_management_request_shape() -> None:
    config = HfInferenceConfig(token="hf_abc", endpoints_api_url="https://api.example")
    get = management_request(config, "GET", EndpointRef("ep", "acme"))
    assert (get.method, get.url, get.content) == (
        "GET",
        "https://api.example/v2/endpoint/acme/ep",
        None,
    )
    assert get.headers["authorization"] == "Bearer hf_abc"
    assert get.headers["accept"] == "application/json"
    assert "content-type" not in get.headers
    assert get.context.endpoint == "acme/ep"
    page = management_request(config, "GET", "acme", cursor="c/1=")
    assert page.url == "https://api.example/v2/endpoint/acme?cursor=c%2F1%3D"
    put = management_request(config, "PUT", EndpointRef("ep", "acme"), body={"tags": ["é"]})
    assert put.headers["content-type"] == "application/json"
    assert put.content == '{"tags":["é"]}'.encode()


def test_management_request_needs_a_namespace() -> None:
    with pytest.raises(ValueError, match="namespace"):
        management_request(HfInferenceConfig(), "GET", EndpointRef("ep"))
    with pytest.raises(ValidationError):
        management_request(HfInferenceConfig(), "GET", "bad ns")
