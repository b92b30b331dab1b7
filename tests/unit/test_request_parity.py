"""The own pool builds each request from cached parts (``Transport._build_request``); what it
sends must be what httpx2's ``build_request`` would: the same header lines in the same
order, the same body, ``request.content`` readable."""

from __future__ import annotations

import httpx2
import pytest

from hf_inference_endpoints import HfInferenceConfig
from hf_inference_endpoints._request import PreparedRequest
from hf_inference_endpoints._sync._transport import Transport

TIMEOUT = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}
AUTH = {"authorization": "Bearer hf_paritytoken", "content-type": "application/json"}

CASES = [
    pytest.param("POST", "https://router.example/v1/chat/completions", AUTH, b'{"a":1}', id="post"),
    pytest.param("POST", "http://127.0.0.1:8099/x", AUTH, None, id="post-no-body"),
    pytest.param("POST", "http://127.0.0.1:8099/x", AUTH, b"", id="post-empty-body"),
    pytest.param("GET", "https://hub.example/api/models/a/b?expand=x", AUTH, None, id="get"),
    pytest.param("PUT", "https://hub.example:8443/e", {"x-hf-bill-to": "org"}, b"1", id="port"),
    pytest.param("POST", "http://[fe80::1%25eth0]:8080/x", AUTH, b"{}", id="ipv6-zone"),
    pytest.param("POST", "http://[::1]/x", {"Host": "override.example"}, b"{}", id="own-host"),
    pytest.param(
        "POST", "http://h.example/x", {"content-length": "2", "x-a": "b"}, b"{}", id="own-length"
    ),
]


def lower(lines: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower(), value) for name, value in lines]


@pytest.mark.parametrize(("method", "url", "headers", "content"), CASES)
def test_the_request_is_what_build_request_makes(
    method: str, url: str, headers: dict[str, str], content: bytes | None
) -> None:
    transport = Transport(HfInferenceConfig(token="hf_paritytoken"))
    try:
        prepared = PreparedRequest(method=method, url=url, headers=headers, content=content)
        ours = transport._build_request(prepared, TIMEOUT)
        again = transport._build_request(prepared, TIMEOUT)  # from the caches this time
        theirs = transport.http_client.build_request(
            method, url, headers=headers, content=content, extensions={"timeout": TIMEOUT}
        )
        for request in (ours, again):
            assert request.method == theirs.method
            assert request.url == theirs.url
            # the same lines in the same order (names are case-insensitive; ours are as
            # the client's default headers list them, lower-case)
            assert lower(request.headers.raw) == lower(theirs.headers.raw)
            assert request.content == theirs.content
            assert b"".join(request.stream) == theirs.content  # type: ignore[union-attr]
            assert request.extensions == {"timeout": TIMEOUT}
    finally:
        transport.close()


def test_cookies_in_the_jar_go_with_the_request() -> None:
    transport = Transport(HfInferenceConfig(token="hf_paritytoken"))
    try:
        transport.http_client.cookies.set("route", "abc", domain="router.example")
        prepared = PreparedRequest(method="POST", url="https://router.example/x", headers=AUTH)
        request = transport._build_request(prepared, TIMEOUT)
        assert request.headers["cookie"] == "route=abc"
        elsewhere = PreparedRequest(method="POST", url="https://other.example/x", headers=AUTH)
        assert "cookie" not in transport._build_request(elsewhere, TIMEOUT).headers
    finally:
        transport.close()


def test_a_header_that_is_not_ascii_is_refused_as_httpx2_refuses_it() -> None:
    transport = Transport(HfInferenceConfig(token="hf_paritytoken"))
    try:
        prepared = PreparedRequest(method="GET", url="https://h.example/", headers={"x-a": "é"})
        with pytest.raises(UnicodeEncodeError):
            httpx2.Request("GET", "https://h.example/", headers={"x-a": "é"})
        with pytest.raises(UnicodeEncodeError):
            transport._build_request(prepared, TIMEOUT)
    finally:
        transport.close()


def test_the_caches_stay_bounded() -> None:
    transport = Transport(HfInferenceConfig(token="hf_paritytoken"))
    try:
        for n in range(700):
            prepared = PreparedRequest(
                method="POST", url=f"https://h.example/{n}", headers={"x-n": str(n)}
            )
            transport._build_request(prepared, TIMEOUT)
        assert len(transport._urls) <= 512
        assert len(transport._encoded_headers) <= 64
    finally:
        transport.close()
