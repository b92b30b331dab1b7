"""The emulator's own rate limits: a sliding window per provider across all clients."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette

from hf_inference_endpoints.emulator import EmulatorSettings, create_app
from hf_inference_endpoints.emulator.ratelimit import provider_of

from .conftest import AUTH

EMBED = "/router/hf-inference/models/org/embedder/pipeline/feature-extraction"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings() -> EmulatorSettings:
    # one simulated minute = 1 real second
    return EmulatorSettings(
        time_scale=1 / 60, rate_limits={"hf-inference": 3}, serve_any_model=True
    )


@pytest.fixture
def clock(app: Starlette) -> Clock:
    fake = Clock()
    app.state.emulator.clock = fake
    return fake


async def post(client: httpx2.AsyncClient, path: str = EMBED) -> httpx2.Response:
    return await client.post(path, json={"inputs": "hello"})


@pytest.mark.anyio
async def test_requests_over_the_limit_get_429_with_retry_after(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    answers = []
    for step in (0.0, 0.1, 0.2, 0.3):
        clock.now = 100.0 + step
        answers.append(await post(client))
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json() == {"error": "Rate limit reached. Please retry later."}
    # the first accepted request (t=100.0) leaves the 1 s window at 101.0
    assert float(refused.headers["retry-after"]) == pytest.approx(0.7, abs=1e-6)
    clock.now = 101.0
    assert (await post(client)).status_code == 200
    state = (await client.get("/_emulator/state")).json()["rate_limits"]
    assert state["providers"]["hf-inference"] == {"accepted": 4, "rejected": 1, "peak": 3}


@pytest.mark.anyio
async def test_limits_change_at_runtime_and_the_hub_is_not_limited(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await client.post("/_emulator/rate-limits", json={"provider": "hf-inference", "per_minute": 1})
    for _ in range(3):
        assert (await client.get("/hub/api/models/org/embedder")).status_code != 429
    assert (await client.get("/_emulator/state")).json()["rate_limits"]["providers"] == {}
    await client.post("/_emulator/rate-limits", json={"provider": "hf-inference", "per_minute": 1})
    assert (await post(client)).status_code == 200
    assert (await post(client)).status_code == 429
    await client.post(
        "/_emulator/rate-limits", json={"provider": "hf-inference", "per_minute": None}
    )
    assert (await post(client)).status_code == 200
    bad = await client.post("/_emulator/rate-limits", json={"provider": "x", "per_minute": 0})
    assert bad.status_code == 422
    await client.post("/_emulator/reset")
    state = (await client.get("/_emulator/state")).json()["rate_limits"]
    assert state == {"limits": {}, "token_limits": {}, "providers": {}}


@pytest.mark.anyio
async def test_an_unauthenticated_request_is_not_counted(app: Starlette, clock: Clock) -> None:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://emulator"
    ) as anonymous:
        assert (await post(anonymous)).status_code == 401
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://emulator", headers=AUTH
    ) as client:
        state = (await client.get("/_emulator/state")).json()["rate_limits"]
    assert state["providers"] == {}


def test_provider_of_paths_and_bad_settings() -> None:
    assert provider_of("/router/together/v1/chat/completions") == "together"
    assert provider_of("/_emulator/state") is None
    with pytest.raises(ValueError, match="rate_limits"):
        EmulatorSettings(rate_limits={"x": 0})
    create_app(EmulatorSettings(rate_limits={"x": 1}))
    with pytest.raises(ValueError, match="token_limits"):
        EmulatorSettings(token_limits={"x": -1})


CHAT = "/router/hf-inference/models/org/chatty/v1/chat/completions"


@pytest.mark.anyio
async def test_tokens_over_the_limit_get_429_and_usage_corrects_the_charge(
    client: httpx2.AsyncClient, clock: Clock
) -> None:
    await client.post(
        "/_emulator/rate-limits", json={"provider": "hf-inference", "tokens_per_minute": 20}
    )
    # 3 words of prompt + max_tokens 10 = 13 charged up front
    chat = {"messages": [{"role": "user", "content": "one two three"}], "max_tokens": 10}
    first = await client.post(CHAT, json=chat)
    assert first.status_code == 200
    used = first.json()["usage"]["total_tokens"]
    assert used == 3 + first.json()["usage"]["completion_tokens"] <= 13
    # embeddings: the words of the inputs (no usage in the answer: the charge stands)
    clock.now += 0.1
    embed = await client.post(EMBED, json={"inputs": ["a b c d", "e f"]})
    assert embed.status_code == 200
    clock.now += 0.1
    refused = await client.post(EMBED, json={"inputs": " ".join(["w"] * (21 - used - 6))})
    assert refused.status_code == 429
    # the chat (t=100.0) leaves the 1 s window at 101.0
    assert float(refused.headers["retry-after"]) == pytest.approx(0.8, abs=1e-6)
    counters = (await client.get("/_emulator/state")).json()["rate_limits"]
    assert counters["token_limits"] == {"hf-inference": 20}
    assert counters["providers"]["hf-inference"] == {
        "accepted": 2,
        "rejected": 1,
        "peak": 2,  # the request limit (3 a window) holds too
        "tokens": used + 6,  # the chat's 13 corrected to its usage
        "token_peak": max(13, used + 6),
    }
    too_big = await client.post(EMBED, json={"inputs": " ".join(["w"] * 21)})
    assert too_big.status_code == 429  # more than a whole window: never accepted
    bad = await client.post(
        "/_emulator/rate-limits", json={"provider": "hf-inference", "tokens_per_minute": 0}
    )
    assert bad.status_code == 422
    assert (await client.post("/_emulator/rate-limits", json={"provider": "x"})).status_code == 422
    await client.post(
        "/_emulator/rate-limits", json={"provider": "hf-inference", "tokens_per_minute": None}
    )
    assert (await client.post(EMBED, json={"inputs": " ".join(["w"] * 21)})).status_code == 200
