"""client.text.rank against the emulator's TEI /rerank and, for a Hub model id, its serverless
sentence-similarity, over real sockets (both twins)."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    InvalidArgument,
    ModelNotAvailableOnProvider,
)

from ..conftest import EMULATOR_TOKEN

SIMILARITY_MODEL = "sentence-transformers/all-MiniLM-L6-v2"  # sentence-similarity on hf-inference
QUERY = "What is the capital of France"
TEXTS = [
    "Bread rises in ovens.",
    "Paris is the capital of France.",
    "France has many regions.",
    "Cats sleep a lot.",
]


def client_for(emulator: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        token=EMULATOR_TOKEN,
        default_provider="hf-inference",
    )


@pytest.mark.anyio
async def test_rank_sorts_by_score_and_keeps_the_index(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        ranked = await client.text.rank(
            QUERY, TEXTS, model=emulator.tei_url("reranker"), return_text=True
        )
    assert [r.index for r in ranked][:2] == [1, 2]
    assert sorted(r.index for r in ranked) == [0, 1, 2, 3]
    assert all(ranked[i].score >= ranked[i + 1].score for i in range(len(ranked) - 1))
    assert all(0 < r.score < 1 for r in ranked)
    assert all(r.text == TEXTS[r.index] for r in ranked)
    assert ranked[0].response_meta is not None and ranked[0].response_meta.request_id


@pytest.mark.anyio
async def test_rank_batches_at_the_server_limit(emulator: Any, no_env: None) -> None:
    limit = emulator.settings.max_client_batch_size
    texts = [f"text number {i}" for i in range(limit * 2 + 1)] + ["the capital of France"]
    before = emulator.state.request_count
    async with client_for(emulator) as client:
        ranked = await client.text.rank(QUERY, texts, model=emulator.tei_url("reranker-big"))
        single = await client.text.rank(
            QUERY, texts, model=emulator.tei_url("reranker-big"), batch_size=5, raw_scores=True
        )
    # /info once, then three batches (the server refuses more than `limit` texts at once)
    assert emulator.state.request_count - before == 1 + 3 + (len(texts) + 4) // 5
    assert ranked[0].index == len(texts) - 1
    assert sorted(r.index for r in ranked) == list(range(len(texts)))
    assert single[0].index == len(texts) - 1
    assert single[0].score > 1  # a raw logit


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "texts", "extra", "match"),
    [
        (3, TEXTS, {}, "query"),
        (QUERY, "one text", {}, "texts"),
        (QUERY, [], {}, "texts"),
        (QUERY, ["a", 2], {}, "strings"),
        (QUERY, TEXTS, {"raw_scores": "yes"}, "raw_scores"),
        (QUERY, TEXTS, {"batch_size": 0}, "batch_size"),
        (QUERY, TEXTS, {"model": None}, "model="),
        (QUERY, TEXTS, {"model": SIMILARITY_MODEL, "raw_scores": True}, "TEI reranker"),
        (QUERY, TEXTS, {"model": SIMILARITY_MODEL, "truncate": True}, "no text ranking"),
        (QUERY, TEXTS, {"model": SIMILARITY_MODEL, "batch_size": -1}, "batch_size"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    emulator: Any, no_env: None, query: Any, texts: Any, extra: dict[str, Any], match: str
) -> None:
    if "model" not in extra:
        extra["model"] = emulator.tei_url("reranker")
    before = emulator.state.request_count
    async with client_for(emulator) as client:
        with pytest.raises(InvalidArgument, match=match):
            await client.text.rank(query, texts, **extra)
    assert emulator.state.request_count == before


@pytest.mark.anyio
async def test_a_hub_model_is_ranked_by_its_serverless_sentence_similarity(
    emulator: Any, no_env: None
) -> None:
    async with client_for(emulator) as client:
        expected = await client.embeddings.similarity(SIMILARITY_MODEL, QUERY, TEXTS)
        before = emulator.state.request_count
        ranked = await client.text.rank(QUERY, TEXTS, model=SIMILARITY_MODEL, return_text=True)
        sent = emulator.state.request_count - before
        batched = await client.text.rank(QUERY, TEXTS, model=SIMILARITY_MODEL, batch_size=3)
        sent_batched = emulator.state.request_count - before - sent
    best_first = sorted(range(len(TEXTS)), key=lambda i: (-expected[i], i))
    assert [r.index for r in ranked] == best_first
    assert [r.score for r in ranked] == [expected[i] for i in best_first]
    assert [r.text for r in ranked] == [TEXTS[i] for i in best_first]
    assert sent == 1 and sent_batched == 2  # 4 texts in batches of 3
    assert [(r.index, r.score) for r in batched] == [(r.index, r.score) for r in ranked]
    assert all(r.text is None for r in batched)  # return_text not asked
    meta = ranked[0].response_meta
    assert meta is not None and meta.provider == "hf-inference"
    assert meta.url.endswith(
        f"/hf-inference/models/{SIMILARITY_MODEL}/pipeline/sentence-similarity"
    )


@pytest.mark.anyio
async def test_a_provider_without_sentence_similarity_is_a_typed_error(
    emulator: Any, no_env: None
) -> None:
    async with client_for(emulator) as client:
        with pytest.raises(ModelNotAvailableOnProvider) as caught:
            await client.text.rank(QUERY, TEXTS, model=SIMILARITY_MODEL, provider="groq")
    assert "sentence-similarity" in str(caught.value)
