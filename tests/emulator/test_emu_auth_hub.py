"""Auth, request ids and the emulated Hub API."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette

from hf_inference_endpoints.emulator import EmulatorSettings, create_app

from .conftest import AUTH, CHAT_MODEL

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}, {"Authorization": "tok"}],
)
async def test_missing_or_malformed_token_is_401(app: Starlette, headers: dict[str, str]) -> None:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e"
    ) as c:
        for path in ("/hub/api/whoami-v2", "/router/v1/models"):
            r = await c.get(path, headers=headers)
            assert r.status_code == 401
            assert r.json() == {"error": "Invalid username or password."}
            assert r.headers["www-authenticate"] == 'Bearer realm="Authentication required"'
            assert r.headers["x-request-id"]
        # the TGI/TEI data planes stand for dedicated endpoints: their 401 (docs/wire.md §5.2)
        for path in ("/tgi/x/health", "/tgi/x", "/tei/x/info"):
            r = await c.get(path, headers=headers)
            assert r.status_code == 401
            assert r.json() == {"error": "401 Unauthorized", "code": "UNAUTHORIZED"}
            assert "www-authenticate" not in r.headers
            assert r.headers["x-request-id"]


async def test_valid_tokens_restricts_accepted_tokens() -> None:
    app = create_app(EmulatorSettings(valid_tokens=frozenset({"hf_good"})))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e"
    ) as c:
        bad = await c.get("/hub/api/whoami-v2", headers={"Authorization": "Bearer hf_bad"})
        good = await c.get("/hub/api/whoami-v2", headers={"Authorization": "bearer hf_good"})
    assert bad.status_code == 401
    assert good.status_code == 200


async def test_control_routes_need_no_token(app: Starlette) -> None:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e"
    ) as c:
        r = await c.get("/_emulator/state")
    assert r.status_code == 200
    assert r.json()["requests"] == 1


async def test_request_ids_are_unique(client: httpx2.AsyncClient) -> None:
    ids = {(await client.get("/hub/api/whoami-v2")).headers["x-request-id"] for _ in range(5)}
    ids.add((await client.get("/nowhere")).headers["x-request-id"])
    assert len(ids) == 6


async def test_unknown_route_is_json_404(client: httpx2.AsyncClient) -> None:
    r = await client.get("/nowhere")
    assert r.status_code == 404
    assert r.json() == {"error": "Not Found"}


async def test_whoami(client: httpx2.AsyncClient) -> None:
    r = await client.get("/hub/api/whoami-v2")
    assert r.status_code == 200
    body = r.json()
    assert body["type"] == "user"
    assert body["name"] == "emulator-user"
    assert [o["name"] for o in body["orgs"]] == ["emulator-org", "emulator-readers"]
    assert body["auth"]["type"] == "access_token"


@pytest.mark.parametrize(
    "params",
    [
        {"expand[]": "inferenceProviderMapping"},
        {"expand": "inferenceProviderMapping"},
        {"expand": "pipeline_tag,inferenceProviderMapping"},
    ],
)
async def test_model_info_expand_mapping(
    client: httpx2.AsyncClient, params: dict[str, str]
) -> None:
    r = await client.get(f"/hub/api/models/{CHAT_MODEL}", params=params)
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == CHAT_MODEL
    mapping = body["inferenceProviderMapping"]
    assert list(mapping) == ["hf-inference", "together", "groq", "fireworks-ai"]
    assert mapping["groq"] == {
        "status": "live",
        "providerId": "llama-3.1-8b-instant",
        "task": "conversational",
        "isModelAuthor": False,
    }
    assert "downloads" not in body  # expand returns only what was asked


async def test_model_info_without_expand_and_unknown_model(client: httpx2.AsyncClient) -> None:
    r = await client.get("/hub/api/models/BAAI/bge-small-en-v1.5")
    assert r.status_code == 200
    assert r.json()["pipeline_tag"] == "feature-extraction"
    assert "inferenceProviderMapping" not in r.json()
    missing = await client.get("/hub/api/models/nobody/nothing")
    assert missing.status_code == 404
    assert missing.headers["x-error-code"] == "RepoNotFound"


async def test_model_listing_uses_array_mapping(client: httpx2.AsyncClient) -> None:
    r = await client.get(
        "/hub/api/models",
        params={"inference_provider": "groq", "expand[]": "inferenceProviderMapping"},
    )
    ids = [m["id"] for m in r.json()]
    assert CHAT_MODEL in ids
    entry = r.json()[0]["inferenceProviderMapping"][0]
    assert {"provider", "providerId", "status", "task"} <= set(entry)


async def test_tasks_widget_models(client: httpx2.AsyncClient) -> None:
    r = await client.get("/hub/api/tasks")
    body = r.json()
    assert body["text-generation"]["widgetModels"][0] == CHAT_MODEL
    assert body["feature-extraction"]["widgetModels"]
    assert body["text-to-image"]["models"][0]["id"] == "black-forest-labs/FLUX.1-dev"


async def test_extra_models_extend_the_catalog() -> None:
    from hf_inference_endpoints.emulator.catalog import CatalogModel, ProviderMapping

    extra = CatalogModel(
        "me/tiny-chat",
        "text-generation",
        providers={"together": ProviderMapping("me/tiny", "conversational")},
    )
    app = create_app(EmulatorSettings(extra_models={extra.id: extra}))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        info = await c.get("/hub/api/models/me/tiny-chat?expand[]=inferenceProviderMapping")
        chat = await c.post(
            "/router/v1/chat/completions",
            json={"model": "me/tiny-chat", "messages": [{"role": "user", "content": "hi"}]},
        )
    assert info.json()["inferenceProviderMapping"]["together"]["providerId"] == "me/tiny"
    assert chat.headers["x-inference-provider"] == "together"
