"""Fault injection (header, control route, settings) and cold-model loading."""

from __future__ import annotations

import email.utils
import time

import anyio
import httpx2
import pytest
from starlette.applications import Starlette

from hf_inference_endpoints.emulator import EmulatorSettings, create_app
from hf_inference_endpoints.emulator.faults import FaultSpecError, parse_spec

from .conftest import AUTH, CHAT_MODEL, chat_body, sse_data, sse_json

pytestmark = pytest.mark.anyio

CHAT = "/router/v1/chat/completions"
GEN = "/tgi/my-llm/generate"
GEN_STREAM = "/tgi/my-llm/generate_stream"


def fault(spec: str) -> dict[str, str]:
    return {"X-Emulator-Fault": spec}


# ------------------------------------------------------------------ grammar


def test_parse_spec_grammar() -> None:
    faults = parse_spec(" 429:retry_after=2;times=3 , latency:ms=10,stream-drop")
    assert [f.name for f in faults] == ["429", "latency", "stream-drop"]
    assert faults[0].params == {"retry_after": "2", "times": "3"}
    assert faults[0].times == 3
    assert faults[0].text == "429:retry_after=2;times=3"
    assert faults[2].times is None
    assert parse_spec("") == []


@pytest.mark.parametrize(
    "spec", ["418", "429:retry=1", "latency:ms", "latency:ms=-1", "stall:after=x", "500:times=1.5"]
)
def test_parse_spec_rejects(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_spec(spec)


async def test_invalid_header_spec_is_400(client: httpx2.AsyncClient) -> None:
    r = await client.get("/hub/api/whoami-v2", headers=fault("teapot"))
    assert r.status_code == 400
    assert "teapot" in r.json()["error"]


# ------------------------------------------------------------------ response faults


async def test_times_n_then_success(client: httpx2.AsyncClient) -> None:
    headers = fault("429:times=2")
    statuses = [
        (await client.post(CHAT, json=chat_body(), headers=headers)).status_code for _ in range(4)
    ]
    assert statuses == [429, 429, 200, 200]
    # counted per model: another model still sees the fault twice
    other = chat_body(model="Qwen/Qwen2.5-7B-Instruct")
    assert (await client.post(CHAT, json=other, headers=headers)).status_code == 429


async def test_retry_after_forms_are_scaled(client: httpx2.AsyncClient) -> None:
    # the conftest settings run at time_scale=0.01: reported waits are emulated time too
    seconds = await client.get("/hub/api/whoami-v2", headers=fault("429:retry_after=2"))
    assert seconds.status_code == 429
    assert seconds.headers["retry-after"] == "0.02"
    assert "retry-after-ms" not in seconds.headers
    assert seconds.json() == {"error": "Rate limit reached. Please retry later."}
    millis = await client.get("/hub/api/whoami-v2", headers=fault("429:retry_after_ms=1500"))
    assert millis.headers["retry-after-ms"] == "15"
    assert "retry-after" not in millis.headers
    dated = await client.get(
        "/hub/api/whoami-v2", headers=fault("429:retry_after=3000;retry_after_date=1")
    )
    when = email.utils.parsedate_to_datetime(dated.headers["retry-after"])
    assert 25 <= when.timestamp() - time.time() <= 31  # 3000 s * 0.01 (whole seconds)
    bare = await client.get("/hub/api/whoami-v2", headers=fault("429"))
    assert "retry-after" not in bare.headers


async def test_retry_after_at_time_scale_one_is_as_written() -> None:
    app = create_app(EmulatorSettings(time_scale=1.0))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        seconds = await c.get("/hub/api/whoami-v2", headers=fault("429:retry_after=2"))
        millis = await c.get("/hub/api/whoami-v2", headers=fault("429:retry_after_ms=1500"))
        loading = await c.post(GEN, json={"inputs": "x"}, headers=fault("503-loading"))
    assert seconds.headers["retry-after"] == "2"
    assert millis.headers["retry-after-ms"] == "1500"
    assert loading.json()["estimated_time"] == 20


async def test_429_on_tgi_is_overloaded(client: httpx2.AsyncClient) -> None:
    r = await client.post(GEN, json={"inputs": "x"}, headers=fault("429"))
    assert r.json() == {"error": "Model is overloaded", "error_type": "overloaded"}


async def test_503_loading(client: httpx2.AsyncClient) -> None:
    r = await client.post(CHAT, json=chat_body(), headers=fault("503-loading:estimated_time=12.5"))
    assert r.status_code == 503
    # 12.5 emulated seconds at time_scale=0.01
    assert r.json() == {
        "error": f"Model {CHAT_MODEL} is currently loading",
        "estimated_time": 0.125,
    }


@pytest.mark.parametrize(
    ("spec", "status", "body"),
    [
        ("503", 503, {"error": "503 Service Unavailable", "code": "SERVICE_UNAVAILABLE"}),
        ("502", 502, {"error": "502 Bad Gateway", "code": "BAD_GATEWAY"}),
        ("504", 504, {"error": "504 Gateway Timeout", "code": "GATEWAY_TIMEOUT"}),
        (
            "400-paused",
            400,
            {
                "error": "Bad Request: The endpoint is paused, ask a maintainer to restart it",
                "code": "BAD_REQUEST",
            },
        ),
        ("401", 401, {"error": "401 Unauthorized", "code": "UNAUTHORIZED"}),
        (
            "500",
            500,
            {
                "error": "Request failed during generation: emulated failure",
                "error_type": "incomplete_generation",
            },
        ),
    ],
)
async def test_status_faults(
    client: httpx2.AsyncClient, spec: str, status: int, body: dict[str, str]
) -> None:
    r = await client.post(GEN, json={"inputs": "x"}, headers=fault(spec))
    assert r.status_code == status
    assert r.json() == body


async def test_401_fault_answers_like_a_bad_token_on_each_service(
    client: httpx2.AsyncClient,
) -> None:
    router = await client.post(CHAT, json=chat_body(), headers=fault("401"))
    assert (router.status_code, router.json()) == (401, {"error": "Invalid username or password."})
    assert router.headers["www-authenticate"].startswith("Bearer")
    engine = await client.post(GEN, json={"inputs": "x"}, headers=fault("401"))
    assert engine.json() == {"error": "401 Unauthorized", "code": "UNAUTHORIZED"}
    assert "www-authenticate" not in engine.headers


async def test_500_hf_style(client: httpx2.AsyncClient) -> None:
    r = await client.post(CHAT, json=chat_body(), headers=fault("500"))
    assert r.json() == {"error": "Internal Server Error"}


@pytest.mark.parametrize("spec", ["502:html=1", "504:html=1"])
async def test_html_gateway_pages(client: httpx2.AsyncClient, spec: str) -> None:
    r = await client.post(CHAT, json=chat_body(), headers=fault(spec))
    assert r.status_code == int(spec[:3])
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.lstrip().startswith("<html>")
    assert spec[:3] in r.text


async def test_response_fault_on_stream_request_is_plain_json(client: httpx2.AsyncClient) -> None:
    r = await client.post(GEN_STREAM, json={"inputs": "x"}, headers=fault("503"))
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/json"


async def test_multiple_faults_apply_in_turn(client: httpx2.AsyncClient) -> None:
    headers = fault("429:times=1,500:times=1")
    statuses = [
        (await client.post(GEN, json={"inputs": "x"}, headers=headers)).status_code
        for _ in range(3)
    ]
    assert statuses == [429, 500, 200]


# ------------------------------------------------------------------ timing faults


async def test_latency_is_scaled(client: httpx2.AsyncClient) -> None:
    start = time.monotonic()
    r = await client.get("/hub/api/whoami-v2", headers=fault("latency:ms=5000"))
    elapsed = time.monotonic() - start
    assert r.status_code == 200
    assert 0.045 <= elapsed < 2.0  # 5 s * time_scale 0.01


async def test_stall_is_scaled(client: httpx2.AsyncClient) -> None:
    start = time.monotonic()
    r = await client.post(
        GEN_STREAM, json={"inputs": "a b"}, headers=fault("stall:after=1;ms=4000")
    )
    elapsed = time.monotonic() - start
    assert len(sse_json(r.text)) == 4
    assert 0.035 <= elapsed < 2.0


# ------------------------------------------------------------------ stream faults


async def test_stream_error_tgi(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        GEN_STREAM, json={"inputs": "a b c"}, headers=fault("stream-error:after=2")
    )
    assert r.status_code == 200
    events = sse_json(r.text)
    assert len(events) == 3
    assert all("token" in e for e in events[:2])
    assert events[2] == {"error": "Emulated stream error", "error_type": "generation"}
    assert "[DONE]" not in r.text


async def test_stream_error_chat(client: httpx2.AsyncClient) -> None:
    headers = fault("stream-error:after=1;message=boom")
    r = await client.post(CHAT, json=chat_body(stream=True), headers=headers)
    data = sse_data(r.text)
    assert data[-1] == "[DONE]"
    events = sse_json(r.text)
    assert len(events) == 2
    assert events[0]["object"] == "chat.completion.chunk"
    assert events[1] == {"error": {"message": "boom", "http_status_code": 500}}


async def test_stream_faults_only_count_streamed_requests(client: httpx2.AsyncClient) -> None:
    headers = fault("stream-error:after=0;times=1")
    plain = await client.post(GEN, json={"inputs": "x"}, headers=headers)
    assert plain.status_code == 200
    first = await client.post(GEN_STREAM, json={"inputs": "x"}, headers=headers)
    assert sse_json(first.text) == [{"error": "Emulated stream error", "error_type": "generation"}]
    second = await client.post(GEN_STREAM, json={"inputs": "x"}, headers=headers)
    assert "error" not in sse_json(second.text)[-1]


async def test_stream_error_after_beyond_end(client: httpx2.AsyncClient) -> None:
    r = await client.post(CHAT, json=chat_body(stream=True), headers=fault("stream-error:after=99"))
    events = sse_json(r.text)
    assert events[-1]["error"]["http_status_code"] == 500
    assert events[-2]["choices"][0]["finish_reason"] == "stop"


# ------------------------------------------------------------------ control route & settings


async def test_control_route_faults(app: Starlette, client: httpx2.AsyncClient) -> None:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e"
    ) as control:
        bad = await control.post("/_emulator/faults", json={"model": "my-llm", "fault": "nope"})
        assert bad.status_code == 400
        ok = await control.post("/_emulator/faults", json={"model": "my-llm", "fault": "500"})
        assert ok.json() == {"faults": {"my-llm": "500"}}
        assert (await client.post(GEN, json={"inputs": "x"})).status_code == 500
        assert (await client.post("/tgi/other/generate", json={"inputs": "x"})).status_code == 200
        state = (await control.get("/_emulator/state")).json()
        assert state["runtime_faults"] == {"my-llm": "500"}
        assert state["fault_counts"] == {"500|my-llm": 1}
        await control.delete("/_emulator/faults")
        assert (await client.post(GEN, json={"inputs": "x"})).status_code == 200
        await control.post("/_emulator/faults", json={"model": None, "fault": "503:times=1"})
        assert (await client.post("/tgi/other/generate", json={"inputs": "x"})).status_code == 503
        assert (await client.post("/tgi/other/generate", json={"inputs": "x"})).status_code == 200
        await control.post("/_emulator/reset")
        state = (await control.get("/_emulator/state")).json()
        assert state["runtime_faults"] == {}
        assert state["fault_counts"] == {}


async def test_settings_faults_and_reset() -> None:
    app = create_app(EmulatorSettings(faults={"my-llm": "503:times=1"}))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        statuses = [(await c.post(GEN, json={"inputs": "x"})).status_code for _ in range(2)]
        await c.post("/_emulator/reset")
        again = (await c.post(GEN, json={"inputs": "x"})).status_code
    assert statuses == [503, 200]
    assert again == 503


def test_invalid_settings_fault_fails_fast() -> None:
    with pytest.raises(ValueError, match="faults"):
        create_app(EmulatorSettings(faults={"m": "bogus"}))


# ------------------------------------------------------------------ cold models


async def test_cold_model_loads_then_serves() -> None:
    settings = EmulatorSettings(time_scale=0.01, cold_models={"cold-llm": 5.0})
    app = create_app(settings)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        first = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
        second = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
        warm = await c.post("/tgi/warm-llm/generate", json={"inputs": "x"})
        await anyio.sleep(0.06)
        ready = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
        state = (await c.get("/_emulator/state")).json()
        await c.post("/_emulator/reset")
        cold_again = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
    assert first.status_code == 503
    body = first.json()
    assert body["error"] == "Model cold-llm is currently loading"
    assert 0.04 < body["estimated_time"] <= 0.05  # 5 emulated s at 0.01: real seconds left
    assert second.status_code == 503
    assert second.json()["estimated_time"] <= body["estimated_time"]
    assert warm.status_code == 200
    assert ready.status_code == 200
    assert state["cold_models"]["cold-llm"] == {
        "loading_seconds": 5.0,
        "started": True,
        "ready": True,
    }
    assert cold_again.status_code == 503


async def test_waiting_the_estimated_time_finds_the_cold_model_loaded() -> None:
    app = create_app(EmulatorSettings(time_scale=0.01, cold_models={"cold-llm": 30.0}))
    now = [500.0]
    app.state.emulator.clock = lambda: now[0]
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        first = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
        told = first.json()["estimated_time"]
        now[0] += 0.1
        second = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
        now[0] += second.json()["estimated_time"] - 0.001
        early = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
        now[0] += 0.001
        on_time = await c.post("/tgi/cold-llm/generate", json={"inputs": "x"})
    assert told == 0.3  # 30 emulated seconds at time_scale=0.01, in real seconds
    assert second.json()["estimated_time"] == pytest.approx(0.2)
    assert early.status_code == 503
    assert on_time.status_code == 200


async def test_cold_model_on_router_by_model_id() -> None:
    app = create_app(EmulatorSettings(time_scale=0.001, cold_models={CHAT_MODEL: 20.0}))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        first = await c.post(CHAT, json=chat_body())
        await anyio.sleep(0.03)
        later = await c.post(CHAT, json=chat_body())
    assert first.status_code == 503
    assert later.status_code == 200
