"""The emulator over real sockets: running_emulator lifecycle and stream-drop."""

from __future__ import annotations

import socket
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

from .conftest import AUTH, CHAT_MODEL, chat_body


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_running_emulator_starts_serves_and_frees_port() -> None:
    with running_emulator(EmulatorSettings(time_scale=0.01)) as emu:
        port = int(emu.base_url.rsplit(":", 1)[1])
        assert emu.base_url.startswith("http://127.0.0.1:")
        assert emu.hub_url == f"{emu.base_url}/hub"
        assert emu.router_url == f"{emu.base_url}/router"
        assert emu.endpoints_api_url == f"{emu.base_url}/endpoints-api"
        assert emu.tgi_url("a") == f"{emu.base_url}/tgi/a"
        assert emu.tei_url("b") == f"{emu.base_url}/tei/b"
        assert emu.settings.time_scale == 0.01
        with httpx2.Client(headers=AUTH) as client:
            assert client.get(f"{emu.hub_url}/api/whoami-v2").status_code == 200
            emu.set_fault("*", "503:times=1")
            assert client.get(f"{emu.tgi_url('x')}/health").status_code == 503
            assert client.get(f"{emu.tgi_url('x')}/health").status_code == 200
            emu.reset()
            assert emu.state.fault_counts == {}
        assert _port_open(port)
    assert not _port_open(port)


def _read_stream(client: httpx2.Client, url: str, body: Any, seen: list[str]) -> None:
    with client.stream("POST", url, json=body) as response:
        assert response.status_code == 200
        seen.extend(line for line in response.iter_lines() if line)


@pytest.mark.parametrize("route", ["tgi", "chat"])
def test_stream_drop_is_a_transport_error(route: str) -> None:
    with running_emulator(EmulatorSettings(time_scale=0.01)) as emu:
        if route == "tgi":
            url, body = f"{emu.tgi_url('llm')}/generate_stream", {"inputs": "a b c d"}
        else:
            url, body = f"{emu.router_url}/v1/chat/completions", chat_body(stream=True)
        seen: list[str] = []
        with httpx2.Client(headers={**AUTH, "X-Emulator-Fault": "stream-drop:after=2"}) as client:
            with pytest.raises((httpx2.RemoteProtocolError, httpx2.ReadError)):
                _read_stream(client, url, body, seen)
            assert len(seen) == 2
            # the server keeps serving after the drop
            ok = client.post(
                f"{emu.router_url}/v1/chat/completions",
                json={"model": CHAT_MODEL, "messages": [{"role": "user", "content": "x"}]},
                headers={"X-Emulator-Fault": ""},
            )
            assert ok.status_code == 200


@pytest.mark.anyio
async def test_async_client_over_socket_sees_stream_drop() -> None:
    with running_emulator(EmulatorSettings(time_scale=0.01)) as emu:
        async with httpx2.AsyncClient(
            headers={**AUTH, "X-Emulator-Fault": "stream-drop:after=1"}
        ) as c:
            with pytest.raises((httpx2.RemoteProtocolError, httpx2.ReadError)):
                async with c.stream(
                    "POST", f"{emu.tgi_url('llm')}/generate_stream", json={"inputs": "a b"}
                ) as response:
                    async for _ in response.aiter_lines():
                        pass
