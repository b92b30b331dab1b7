"""TEI-style server (/tei/{name}) and the hf-inference embedding pipelines."""

from __future__ import annotations

import base64
import math
import struct

import httpx2
import pytest

from hf_inference_endpoints.emulator import EmulatorSettings, create_app

from .conftest import AUTH

pytestmark = pytest.mark.anyio

TEI = "/tei/my-embedder"


def norm(v: list[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


async def test_embed_dims_unit_norm_determinism(client: httpx2.AsyncClient) -> None:
    r = await client.post(f"{TEI}/embed", json={"inputs": ["hello", "world"]})
    assert r.status_code == 200
    a, b = r.json()
    assert len(a) == len(b) == 384
    assert norm(a) == pytest.approx(1.0)
    assert a != b
    single = await client.post(f"{TEI}/embed", json={"inputs": "hello"})
    assert single.json() == [a]


async def test_embed_normalize_false_and_dimensions(client: httpx2.AsyncClient) -> None:
    raw = (await client.post(f"{TEI}/embed", json={"inputs": "x", "normalize": False})).json()[0]
    assert norm(raw) > 1.0
    small = (await client.post(f"{TEI}/embed", json={"inputs": "x", "dimensions": 16})).json()[0]
    assert len(small) == 16
    assert norm(small) == pytest.approx(1.0)


async def test_embedding_dims_and_batch_limit_from_settings() -> None:
    settings = EmulatorSettings(embedding_dims={"big": 1024}, max_client_batch_size=2)
    app = create_app(settings)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://e", headers=AUTH
    ) as c:
        vec = (await c.post("/tei/big/embed", json={"inputs": "x"})).json()[0]
        info = (await c.get("/tei/big/info")).json()
        over = await c.post("/tei/big/embed", json={"inputs": ["a", "b", "c"]})
    assert len(vec) == 1024
    assert info["max_client_batch_size"] == 2
    assert over.status_code == 413


async def test_batch_too_large_is_413(client: httpx2.AsyncClient) -> None:
    info = (await client.get(f"{TEI}/info")).json()
    assert info["max_client_batch_size"] == 32
    assert info["model_id"] == "my-embedder"
    r = await client.post(f"{TEI}/embed", json={"inputs": ["t"] * 33})
    assert r.status_code == 413
    body = r.json()
    assert body["code"] == 413
    assert body["type"] == "Validation"
    assert "32" in body["message"]
    ok = await client.post(f"{TEI}/embed", json={"inputs": ["t"] * 32})
    assert ok.status_code == 200


async def test_empty_batch_and_bad_inputs(client: httpx2.AsyncClient) -> None:
    empty = await client.post(f"{TEI}/embed", json={"inputs": []})
    assert empty.status_code == 400
    bad = await client.post(f"{TEI}/embed", json={"inputs": 3})
    assert bad.status_code == 422
    assert bad.json()["error_type"] == "validation"


async def test_truncate(client: httpx2.AsyncClient) -> None:
    long_text = " ".join(["word"] * 600)
    too_long = await client.post(f"{TEI}/embed", json={"inputs": long_text})
    assert too_long.status_code == 413
    cut = await client.post(f"{TEI}/embed", json={"inputs": long_text, "truncate": True})
    same = await client.post(f"{TEI}/embed", json={"inputs": " ".join(["word"] * 512)})
    assert cut.json() == same.json()


async def test_openai_embeddings(client: httpx2.AsyncClient) -> None:
    r = await client.post(f"{TEI}/v1/embeddings", json={"input": ["a b", "c"], "model": "x"})
    out = r.json()
    assert out["object"] == "list"
    assert out["model"] == "my-embedder"
    assert [d["index"] for d in out["data"]] == [0, 1]
    assert out["data"][0]["object"] == "embedding"
    assert out["usage"] == {"prompt_tokens": 3, "total_tokens": 3}
    native = (await client.post(f"{TEI}/embed", json={"inputs": "a b"})).json()[0]
    assert out["data"][0]["embedding"] == native
    b64 = await client.post(f"{TEI}/embeddings", json={"input": "a b", "encoding_format": "base64"})
    raw = base64.b64decode(b64.json()["data"][0]["embedding"])
    decoded = struct.unpack(f"<{len(raw) // 4}f", raw)
    assert decoded == pytest.approx(native, abs=1e-6)


async def test_health(client: httpx2.AsyncClient) -> None:
    assert (await client.get(f"{TEI}/health")).status_code == 200


async def test_router_feature_extraction(client: httpx2.AsyncClient) -> None:
    model = "sentence-transformers/all-MiniLM-L6-v2"
    base = f"/router/hf-inference/models/{model}/pipeline"
    flat = (await client.post(f"{base}/feature-extraction", json={"inputs": "Hi"})).json()
    assert isinstance(flat[0], float)
    assert len(flat) == 384
    nested = (
        await client.post(f"{base}/feature-extraction", json={"inputs": ["Hi", "there"]})
    ).json()
    assert nested[0] == flat
    sims = (
        await client.post(
            f"{base}/sentence-similarity",
            json={"inputs": {"source_sentence": "Hi", "sentences": ["Hi", "other"]}},
        )
    ).json()
    assert sims[0] == pytest.approx(1.0)
    assert abs(sims[1]) < 0.5
    by_tag = await client.post(
        f"/router/hf-inference/models/{model}",
        json={"inputs": {"source_sentence": "Hi", "sentences": ["Hi"]}},
    )
    assert by_tag.json() == [pytest.approx(1.0)]
    bad = await client.post(f"{base}/sentence-similarity", json={"inputs": "Hi"})
    assert bad.status_code == 422
    unknown = await client.post(f"{base}/summarization", json={"inputs": "Hi"})
    assert unknown.status_code == 404
