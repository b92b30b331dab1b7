"""Where a client can tell the emulator from the service: unknown models, anonymous Hub
reads, TGI's ``/v1/completions`` and OpenAI's ``n``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from hf_inference_endpoints.emulator import EmulatorSettings, create_app

from .conftest import AUTH, CHAT_MODEL, chat_body, sse_data, sse_json

pytestmark = pytest.mark.anyio

UNKNOWN = "nobody/no-such-model"


@pytest.fixture
async def strict() -> AsyncIterator[httpx2.AsyncClient]:
    """A client on an emulator with the default (service-like) settings."""
    app = create_app(EmulatorSettings(time_scale=0.01, valid_tokens=frozenset({AUTH_TOKEN})))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://emulator"
    ) as client:
        yield client


AUTH_TOKEN = AUTH["Authorization"].removeprefix("Bearer ")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"/router/hf-inference/models/{UNKNOWN}", {"inputs": "I like you"}),
        (f"/router/hf-inference/models/{UNKNOWN}/v1/chat/completions", chat_body()),
        (
            f"/router/hf-inference/models/{UNKNOWN}/pipeline/feature-extraction",
            {"inputs": "x"},
        ),
        ("/router/v1/chat/completions", {**chat_body(), "model": UNKNOWN}),
    ],
)
async def test_an_unknown_model_is_the_routers_404(
    strict: httpx2.AsyncClient, path: str, body: dict[str, object]
) -> None:
    r = await strict.post(path, json=body, headers=AUTH)
    assert r.status_code == 404
    assert r.json() == {"error": f"The requested model '{UNKNOWN}' does not exist."}


async def test_serve_any_model_answers_unknown_ids_as_before() -> None:
    app = create_app(EmulatorSettings(time_scale=0.01, serve_any_model=True))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        r = await c.post(f"/router/hf-inference/models/{UNKNOWN}", json={"inputs": "hi"})
    assert r.status_code == 200
    assert isinstance(r.json()[0]["generated_text"], str)


@pytest.mark.parametrize(
    "path",
    [
        f"/hub/api/models/{CHAT_MODEL}",
        f"/hub/api/models/{CHAT_MODEL}?expand=inferenceProviderMapping",
        "/hub/api/models?pipeline_tag=text-classification",
        "/hub/api/tasks",
    ],
)
async def test_public_hub_reads_answer_without_a_token(
    strict: httpx2.AsyncClient, path: str
) -> None:
    anonymous = await strict.get(path)
    assert anonymous.status_code == 200
    assert anonymous.json() == (await strict.get(path, headers=AUTH)).json()
    # a bad token is still refused, as on the Hub
    bad = await strict.get(path, headers={"Authorization": "Bearer hf_wrong"})
    assert bad.status_code == 401


async def test_other_hub_and_router_routes_still_need_a_token(strict: httpx2.AsyncClient) -> None:
    assert (await strict.get("/hub/api/whoami-v2")).status_code == 401
    assert (await strict.post("/hub/api/models/x", json={})).status_code in (401, 405)
    assert (await strict.post("/router/v1/chat/completions", json=chat_body())).status_code == 401


async def test_tgi_serves_openai_completions(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/tgi/my-llm/v1/completions",
        json={"model": "tgi", "prompt": "Once upon a time", "max_tokens": 3, "seed": 1},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "text_completion"
    assert body["model"] == "my-llm"
    (choice,) = body["choices"]
    assert choice["index"] == 0 and choice["finish_reason"] == "length"
    assert len(choice["text"].split()) == 3
    assert body["usage"] == {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}
    # the same text as TGI's native route gives for the same prompt
    native = await client.post(
        "/tgi/my-llm/generate",
        json={"inputs": "Once upon a time", "parameters": {"max_new_tokens": 3, "seed": 1}},
    )
    assert native.json()["generated_text"] == choice["text"]


async def test_tgi_completions_stream_and_end_with_done(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/tgi/my-llm/v1/completions",
        json={"prompt": "Tell me a story", "max_tokens": 4, "stream": True},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert sse_data(r.text)[-1] == "[DONE]"
    chunks = sse_json(r.text)
    assert [c["object"] for c in chunks] == ["text_completion"] * 4
    assert [c["choices"][0]["finish_reason"] for c in chunks] == [None, None, None, "length"]
    text = "".join(c["choices"][0]["text"] for c in chunks)
    full = await client.post(
        "/tgi/my-llm/v1/completions", json={"prompt": "Tell me a story", "max_tokens": 4}
    )
    assert text == full.json()["choices"][0]["text"]


async def test_tgi_completions_refuse_a_missing_prompt(client: httpx2.AsyncClient) -> None:
    r = await client.post("/tgi/my-llm/v1/completions", json={"max_tokens": 4})
    assert r.status_code == 422
    assert "prompt" in r.json()["error"]


async def test_n_gives_n_choices(client: httpx2.AsyncClient) -> None:
    one = (await client.post("/router/v1/chat/completions", json=chat_body())).json()
    r = await client.post("/router/v1/chat/completions", json=chat_body(n=3))
    assert r.status_code == 200
    body = r.json()
    assert [c["index"] for c in body["choices"]] == [0, 1, 2]
    assert all(c["message"] == one["choices"][0]["message"] for c in body["choices"])
    usage = body["usage"]
    assert usage["completion_tokens"] == 3 * one["usage"]["completion_tokens"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_n_streams_every_choice(client: httpx2.AsyncClient) -> None:
    r = await client.post("/router/v1/chat/completions", json=chat_body(n=2, stream=True))
    chunks = sse_json(r.text)
    texts = {0: "", 1: ""}
    finishes = {}
    for chunk in chunks:
        (choice,) = chunk["choices"]
        texts[choice["index"]] += choice["delta"].get("content") or ""
        if choice["finish_reason"]:
            finishes[choice["index"]] = choice["finish_reason"]
    assert texts[0] == texts[1] != ""
    assert finishes == {0: "stop", 1: "stop"}


@pytest.mark.parametrize("n", [0, -1, 1.5, "2", True, 129])
async def test_a_bad_n_is_refused(client: httpx2.AsyncClient, n: object) -> None:
    r = await client.post("/router/v1/chat/completions", json=chat_body(n=n))
    assert r.status_code == 422
    assert "`n`" in r.json()["error"]


async def test_the_402_fault_is_an_out_of_credits_answer(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/router/v1/chat/completions",
        json=chat_body(),
        headers={"X-Emulator-Fault": "402:times=1"},
    )
    assert r.status_code == 402
    assert "credits" in r.json()["error"]
    again = await client.post(
        "/router/v1/chat/completions", json=chat_body(), headers={"X-Emulator-Fault": "402:times=1"}
    )
    assert again.status_code == 200
