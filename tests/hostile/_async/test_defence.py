"""Defence in depth: the Hub's provider ids and the caller's files are checked before use."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    InvalidArgument,
    ServerError,
    ValidationError,
)

from ..server import HostileServer, json_answer, respond

pytestmark = pytest.mark.anyio

TOKEN = "hf_hostile_defence_token"
MODEL = "org/model"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def mapping(provider_id: str) -> dict[str, Any]:
    entry = {"status": "live", "providerId": provider_id, "task": "text-to-image"}
    return {"id": MODEL, "inferenceProviderMapping": {"fal-ai": entry}}


@pytest.mark.parametrize(
    "provider_id", ["../../admin/x", "fal-ai/../../admin", "/admin/x", "a b", "x?y=1", "x#y"]
)
async def test_a_hostile_provider_id_from_the_hub_never_reaches_a_url(provider_id: str) -> None:
    with HostileServer() as server:
        server.script(json_answer(mapping(provider_id)))
        client = AsyncHfInferenceClient(
            token=TOKEN,
            hub_url=server.url,
            router_url=server.url,
            default_provider="hf-inference",
            max_retries=0,
        )
        async with client:
            with pytest.raises(ValidationError, match="provider mapping gives fal-ai") as caught:
                await client.images.generate(model=MODEL, prompt="a fox", provider="fal-ai")
        # the mapping lookup went out; the inference request with the token did not
        assert [r.path.split("?")[0] for r in server.requests] == [f"/api/models/{MODEL}"]
    assert caught.value.provider == "fal-ai" and caught.value.model == MODEL


async def test_a_valid_provider_id_with_a_version_is_used() -> None:
    provider_id = "stability-ai/sdxl:7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c"
    entry = {"status": "live", "providerId": provider_id, "task": "text-to-image"}
    hub = {"id": MODEL, "inferenceProviderMapping": {"replicate": entry}}
    with HostileServer() as server:
        answer = {"id": "p1", "status": "succeeded", "output": f"{server.url}/out.png"}
        image = respond(200, PNG, content_type="image/png")
        server.script(json_answer(hub), json_answer(answer), image)
        client = AsyncHfInferenceClient(
            token=TOKEN, hub_url=server.url, router_url=server.url, default_provider="hf-inference"
        )
        async with client:
            result = await client.images.generate(model=MODEL, prompt="a fox", provider="replicate")
        assert server.requests[1].json()["version"] == provider_id.split(":")[1]
    assert result.content == PNG


@pytest.mark.parametrize(
    "poll_url",
    ["https://api.replicate.com/../../admin/x", "https://api.replicate.com/v1/%2e%2e/%2E%2E/admin"],
)
async def test_a_poll_url_that_climbs_out_of_the_route_is_not_followed(poll_url: str) -> None:
    provider_id = "stability-ai/sdxl"
    entry = {"status": "live", "providerId": provider_id, "task": "text-to-image"}
    hub = {"id": MODEL, "inferenceProviderMapping": {"replicate": entry}}
    running = {"id": "p1", "status": "starting", "output": None, "urls": {"get": poll_url}}
    with HostileServer() as server:
        server.script(json_answer(hub), json_answer(running))
        client = AsyncHfInferenceClient(
            token=TOKEN,
            hub_url=server.url,
            router_url=server.url,
            default_provider="hf-inference",
            max_retries=0,
        )
        async with client:
            with pytest.raises(ServerError, match="climbs out of its route"):
                await client.images.generate(
                    model=MODEL, prompt="a fox", provider="replicate", timeout=5
                )
        # the mapping and the submit went out; nothing was sent to /admin with the token
        assert len(server.requests) == 2
        assert all("admin" not in r.path for r in server.requests)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("notes.txt", b"dear diary\n", "text/plain"),  # uploaded labelled image/png before
        ("photo.png", b"<html>not found</html>", "text/plain"),  # a saved error page
        ("scan.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("voice.wav", b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
    ],
)
async def test_a_file_that_is_not_an_image_is_refused_before_sending(
    tmp_path: Path, name: str, data: bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with HostileServer() as server:
        async with AsyncHfInferenceClient(
            token=TOKEN, router_url=server.url, default_provider="hf-inference"
        ) as client:
            with pytest.raises(InvalidArgument, match=f"not an image: .*{said}"):
                await client.images.classify(model=MODEL, image=path)
        assert len(server.requests) == 0


async def test_a_downloaded_input_that_is_a_web_page_is_refused(tmp_path: Path) -> None:
    page = "<!doctype html><p>Sign in to see this image</p>"
    with HostileServer() as server:
        server.script(json_answer(page))  # a 200 with text where an image was expected
        async with AsyncHfInferenceClient(
            token=TOKEN, router_url=server.url, default_provider="hf-inference"
        ) as client:
            with pytest.raises(InvalidArgument, match="not an image"):
                await client.images.classify(model=MODEL, image=f"{server.url}/cat.png")
        assert [r.path for r in server.requests] == ["/cat.png"]  # the download only


async def test_a_declared_content_type_is_the_callers_choice() -> None:
    declared = "data:image/x-exotic;base64," + base64.b64encode(b"exotic pixels").decode()
    with HostileServer() as server:
        server.script(json_answer([{"label": "fox", "score": 0.9}]))
        async with AsyncHfInferenceClient(
            token=TOKEN, router_url=server.url, default_provider="hf-inference"
        ) as client:
            result = await client.images.classify(model=MODEL, image=declared)
        (request,) = server.requests
    assert request.headers["content-type"] == "image/x-exotic"
    assert request.body == b"exotic pixels"
    assert result[0].label == "fox"
