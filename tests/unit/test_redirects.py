"""Which headers follow a redirect: the no-I/O decision the transport applies on each hop."""

from __future__ import annotations

import httpx2
import pytest

from hf_inference_endpoints._redirects import (
    CROSS_ORIGIN_HEADERS,
    Origin,
    crosses_origin,
    headers_to_drop,
)
from hf_inference_endpoints._routing.headers import base_headers
from hf_inference_endpoints._routing.providers import known_providers, registered

HF_TOKEN = "hf_redirect_test_token"
KEY = "sk-provider-key-for-redirects"


def origin(url: str) -> Origin:
    """What the transport passes: httpx2's own origin of a URL."""
    o = httpx2.URL(url).origin
    return (o.scheme, o.host, o.port)


#: The headers of a routed request with everything a caller can add.
SENT = {
    "host": "router.huggingface.co",
    "accept": "application/json",
    "accept-encoding": "gzip, deflate",
    "connection": "keep-alive",
    "user-agent": "hf-inference-endpoints/0.1.0",
    "content-type": "application/json",
    "content-length": "42",
    "authorization": f"Bearer {HF_TOKEN}",
    "x-hf-bill-to": "acme",
    "cookie": "session=abc",
    "x-api-key": KEY,
    "x-key": KEY,
    "x-trace-id": "trace-1",
}
KEPT = {
    "host",
    "accept",
    "accept-encoding",
    "connection",
    "user-agent",
    "content-type",
    "content-length",
}


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("https://router.huggingface.co/a", "https://cdn.example.com/b"),  # host
        ("https://router.huggingface.co/a", "https://router.huggingface.co:8443/a"),  # port
        ("https://router.huggingface.co/a", "http://router.huggingface.co/a"),  # downgrade
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a"),  # another local server
        ("https://router.huggingface.co/a", "https://api.router.huggingface.co/a"),  # subdomain
        ("http://localhost:8080/a", "https://localhost:8080/a"),  # scheme, not an upgrade
    ],
)
def test_a_hop_to_another_origin_keeps_only_the_allowlisted_headers(
    source: str, target: str
) -> None:
    assert crosses_origin(origin(source), origin(target))
    dropped = headers_to_drop(SENT, origin(source), origin(target))
    assert set(dropped) == set(SENT) - KEPT
    assert {"authorization", "x-hf-bill-to", "cookie", "x-api-key", "x-key", "x-trace-id"} <= set(
        dropped
    )


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("https://router.huggingface.co/a", "https://router.huggingface.co/b?x=1"),
        ("https://router.huggingface.co/a", "https://ROUTER.huggingface.co:443/c"),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b"),
        ("http://router.huggingface.co/a", "https://router.huggingface.co/a"),  # upgrade
    ],
)
def test_a_hop_on_the_same_origin_keeps_every_header(source: str, target: str) -> None:
    assert not crosses_origin(origin(source), origin(target))
    assert headers_to_drop(SENT, origin(source), origin(target)) == []


def test_only_the_exact_http_to_https_upgrade_of_httpx2_keeps_headers() -> None:
    http80 = ("http", "a.example", 80)
    assert not crosses_origin(http80, ("https", "a.example", 443))
    assert crosses_origin(http80, ("https", "a.example", 8443))  # not the default port
    assert crosses_origin(("http", "a.example", 8080), ("https", "a.example", 443))
    assert crosses_origin(http80, ("https", "b.example", 443))  # another host
    assert crosses_origin(("https", "a.example", 443), ("http", "a.example", 80))


def test_names_are_matched_in_any_case_and_returned_as_given() -> None:
    source, target = ("https", "a.example", 443), ("https", "b.example", 443)
    names = ["Authorization", "User-Agent", "X-HF-Bill-To", "Content-Type", "X-Custom"]
    assert headers_to_drop(names, source, target) == ["Authorization", "X-HF-Bill-To", "X-Custom"]


def test_the_allowlist_names_no_credential_header() -> None:
    for name in CROSS_ORIGIN_HEADERS:
        assert name == name.lower()
        assert not any(word in name for word in ("auth", "key", "token", "cookie", "bill"))


@pytest.mark.parametrize("direct", [False, True], ids=["router", "direct"])
@pytest.mark.parametrize("name", known_providers())
def test_no_provider_credential_survives_a_cross_origin_hop(name: str, direct: bool) -> None:
    """Every header a provider helper adds, for every task, with an HF token or its own key."""
    helper = registered(name)
    assert helper is not None
    token = KEY if direct else HF_TOKEN
    source = ("https", "router.huggingface.co", 443)
    target = ("https", "files.other.example", 443)
    for task in sorted(helper.tasks):
        headers = base_headers(token, bill_to=None if direct else "acme")
        headers.update(helper.headers(task, token, direct=direct))
        assert any(token in value for value in headers.values())  # there is one to strip
        dropped = headers_to_drop(headers, source, target)
        left = {k: v for k, v in headers.items() if k not in dropped}
        assert set(left) <= CROSS_ORIGIN_HEADERS, (task, left)
        assert not any(token in value for value in left.values()), (task, left)
        assert "x-hf-bill-to" in dropped or direct
        assert headers_to_drop(headers, source, source) == []
