"""Our own connection pool (``_pool.PoolTransport``): proxies from the environment, errors.

The pool replaces httpx2's default transport (which leaves httpcore2's body iterator to the
garbage collector), so it must keep what that transport gave users: ``HTTP(S)_PROXY`` and
``NO_PROXY`` from the environment, and httpx2's exception classes, which the retry logic
classifies.
"""

from __future__ import annotations

import socket

import httpx2
import pytest

from hf_inference_endpoints import HfInferenceClient, NetworkError
from hf_inference_endpoints._sync._pool import PoolTransport

from ..faults import server as fs

MESSAGES = [{"role": "user", "content": "hi"}]
FAR_HOST = "hf-router.invalid"  # never resolves: a request that reaches the server was proxied


@pytest.fixture
def clean_proxies(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_a_proxy_from_the_environment_carries_the_request(
    clean_proxies: pytest.MonkeyPatch, no_env: None
) -> None:
    with fs.FaultServer() as proxy:
        clean_proxies.setenv("HTTP_PROXY", proxy.url)
        proxy.script(fs.completion("via proxy"))
        with HfInferenceClient(
            default_provider="hf-inference", token="hf_proxy_token", router_url=f"http://{FAR_HOST}"
        ) as client:
            reply = client.chat.complete(model="org/model", messages=MESSAGES)
        assert reply.choices[0].message.content == "via proxy"
        # a forward proxy gets the absolute URL of the origin
        assert proxy.requests[0].path == (
            f"http://{FAR_HOST}/hf-inference/models/org/model/v1/chat/completions"
        )


def test_no_proxy_sends_that_host_direct(clean_proxies: pytest.MonkeyPatch, no_env: None) -> None:
    with fs.FaultServer() as proxy, fs.FaultServer() as origin:
        clean_proxies.setenv("HTTP_PROXY", proxy.url)
        clean_proxies.setenv("NO_PROXY", "127.0.0.1,localhost")
        origin.script(fs.completion("direct"))
        with HfInferenceClient(
            default_provider="hf-inference", token="hf_proxy_token", router_url=origin.url
        ) as client:
            reply = client.chat.complete(model="org/model", messages=MESSAGES)
        assert reply.choices[0].message.content == "direct"
        assert len(proxy.requests) == 0
        assert len(origin.requests) == 1


def test_without_a_proxy_a_bad_host_is_a_typed_network_error(
    clean_proxies: pytest.MonkeyPatch, no_env: None
) -> None:
    with (
        HfInferenceClient(
            default_provider="hf-inference",
            token="hf_proxy_token",
            router_url=f"http://{FAR_HOST}",
            max_retries=0,
        ) as client,
        pytest.raises(NetworkError),
    ):
        client.chat.complete(model="org/model", messages=MESSAGES)


def test_httpcore_errors_come_out_as_httpx2_errors(clean_proxies: pytest.MonkeyPatch) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound, not listening: the connection is refused
        transport = PoolTransport(limits=httpx2.Limits())
        with pytest.raises(httpx2.ConnectError):
            transport.handle_request(httpx2.Request("GET", f"http://127.0.0.1:{port}/"))
        assert transport.in_flight == 0
        transport.close()


def test_a_socks_proxy_is_refused_with_a_clear_error(clean_proxies: pytest.MonkeyPatch) -> None:
    clean_proxies.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    transport = PoolTransport(limits=httpx2.Limits())
    with pytest.raises(httpx2.UnsupportedProtocol, match="socks"):
        transport.handle_request(httpx2.Request("GET", "http://example.invalid/"))
    assert transport.in_flight == 0
