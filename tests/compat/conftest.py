"""The official clients (``openai``, ``huggingface_hub``; pinned in the ``dev`` extra) against
the emulator: one emulator for the lane, with the service's defaults (an unknown model is a
404, public Hub reads need no token).

``huggingface_hub`` has its hosts written in (``huggingface.co``, ``router.huggingface.co``,
``api.endpoints.huggingface.cloud``). :class:`HostRewrite` is the transport of the
``httpx2.Client`` it is given (``set_client_factory``): it sends those hosts to the emulator
and lets loopback URLs (the emulated endpoints' own URLs) through; anything else fails the
test instead of leaving the machine.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

TOKEN = "hf_compat_lane_token"
CHAT_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
CLASSIFIER = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
IMAGE_MODEL = "black-forest-labs/FLUX.1-dev"
ASR_MODEL = "openai/whisper-large-v3"

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class HostRewrite(httpx2.BaseTransport):
    """Send requests for HF's hosts to the emulator; refuse every other non-loopback host."""

    def __init__(self, routes: dict[str, str]) -> None:
        self.routes = routes  # "https://host/" prefix -> emulator base ending in "/"
        self.inner = httpx2.HTTPTransport()
        self.sent: list[str] = []  # "METHOD url" the client meant to call
        self.requests: list[httpx2.Request] = []  # the same, as sent by the client

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = str(request.url)
        self.sent.append(f"{request.method} {url}")
        self.requests.append(request)
        for prefix, target in self.routes.items():
            if url.startswith(prefix):
                headers = httpx2.Headers(request.headers)
                new_url = httpx2.URL(target + url[len(prefix) :])
                headers["host"] = new_url.netloc.decode("ascii")
                request = httpx2.Request(
                    request.method,
                    new_url,
                    headers=headers,
                    stream=request.stream,
                    extensions=request.extensions,
                )
                break
        else:
            if request.url.host not in _LOOPBACK:
                raise AssertionError(f"the compat lane would leave the machine: {url}")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="session")
def compat_emulator() -> Iterator[Any]:
    settings = EmulatorSettings(time_scale=0.001, valid_tokens=frozenset({TOKEN}))
    with running_emulator(settings) as handle:
        yield handle


@pytest.fixture(scope="module")
def host_rewrite(compat_emulator: Any) -> Iterator[HostRewrite]:
    """huggingface_hub's shared client goes through :class:`HostRewrite` (for one module)."""
    http = pytest.importorskip("huggingface_hub.utils._http")
    emu = compat_emulator
    transport = HostRewrite(
        {
            "https://huggingface.co/": f"{emu.hub_url}/",
            "https://router.huggingface.co/": f"{emu.router_url}/",
            "https://api.endpoints.huggingface.cloud/": f"{emu.endpoints_api_url}/",
        }
    )

    def factory() -> httpx2.Client:
        return httpx2.Client(
            transport=transport,
            event_hooks={"request": [http.hf_request_event_hook]},
            follow_redirects=True,
            timeout=None,
        )

    http.set_client_factory(factory)
    try:
        yield transport
    finally:
        http.set_client_factory(http.default_client_factory)
        transport.close()


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """``HF_TOKEN`` is the lane's token (as a user has it set); nothing else of the machine's
    huggingface_hub config or cache leaks in. ``InferenceEndpoint`` objects need the
    variable: ``create_inference_endpoint`` hands them a fresh ``HfApi()`` without the
    ``token=`` the caller gave, so their ``fetch``/``wait`` read the environment."""
    for name in ("HUGGING_FACE_HUB_TOKEN", "HF_INFERENCE_ENDPOINT", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    hub_constants_from_env(monkeypatch)


def hub_constants_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Evaluate ``huggingface_hub.constants`` again with this test's environment.

    huggingface_hub reads ``HF_ENDPOINT``, ``HF_HOME``... once, when it is first imported:
    whatever ran before in the session (the docs lane points ``HF_ENDPOINT`` at its own
    emulator) would otherwise decide where this test's calls go. Every constant whose
    fresh value differs is patched for this test only (undone at its end).
    """
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is None or constants.__file__ is None:
        return  # imported later, with this environment already
    fresh = runpy.run_path(constants.__file__)
    for name, value in fresh.items():
        if name.isupper() and hasattr(constants, name) and getattr(constants, name) != value:
            monkeypatch.setattr(constants, name, value)
