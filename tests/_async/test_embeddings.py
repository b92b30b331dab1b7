"""client.embeddings on both twins: cassettes (exact requests), the emulator (INT-004/005,
TEI batch limits, failed batches, 10,000 texts), and the cache.

Cassettes are cassettes/embeddings/*.yaml (docs/wire.md §1.1, §4.1, §4.5); the emulator is the
session one from tests/conftest.py, reached over real sockets.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any
from unittest import mock

import httpx2
import pytest
import yaml

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    DeadlineExceeded,
    RequestTimeout,
    ServerError,
    ValidationError,
)
from hf_inference_endpoints._embeddings import EmbeddingBatchError, EmbeddingCache
from hf_inference_endpoints.emulator.embeddings import embed

from ..conftest import CASSETTES, EMULATOR_TOKEN, RECORDING
from ._concurrency import ONE_AT_A_TIME, at_most
from .conftest import FakeClock

ROUTER = "https://router.huggingface.co"
ENDPOINT = "https://xk2pq7rz9w3mfa1b.us-east-1.aws.endpoints.huggingface.cloud"
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
BGE = "BAAI/bge-small-en-v1.5"
UseCassette = Callable[[str], AbstractContextManager[Any]]


class Wire:
    """Keeps every request the client puts on the wire (an httpx2 request event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> None:
        self.requests.append(request)

    def only(self) -> httpx2.Request:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]

    def posts(self) -> list[httpx2.Request]:
        return [r for r in self.requests if r.method == "POST"]

    def gets(self) -> list[str]:
        return [str(r.url) for r in self.requests if r.method == "GET"]

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) for r in self.posts()]

    def texts_sent(self) -> list[str]:
        sent: list[str] = []
        for body in self.bodies():
            inputs = body["inputs"]
            sent.extend([inputs] if isinstance(inputs, str) else inputs)
        return sent

    def clear(self) -> None:
        self.requests.clear()


@asynccontextmanager
async def open_client(
    wire: Wire, *, token: str = "hf_fake_token_for_tests", **config: Any
) -> AsyncIterator[AsyncHfInferenceClient]:
    """A client whose requests ``wire`` sees."""
    async with (
        httpx2.AsyncClient(event_hooks={"request": [wire]}) as http,
        AsyncHfInferenceClient(
            token=token, http_client=http, **{"default_provider": "hf-inference", **config}
        ) as client,
    ):
        yield client


def recorded(name: str, index: int = 0) -> Any:
    """The JSON body of a cassette's ``index``-th answer."""
    data = yaml.safe_load((CASSETTES / "embeddings" / name).read_text(encoding="utf-8"))
    return json.loads(data["interactions"][index]["response"]["body"]["string"])


def recorded_request_id(name: str, index: int = 0) -> str:
    data = yaml.safe_load((CASSETTES / "embeddings" / name).read_text(encoding="utf-8"))
    ids: list[str] = data["interactions"][index]["response"]["headers"]["x-request-id"]
    return ids[0]


def assert_post(request: httpx2.Request, url: str, body: dict[str, Any], token: str) -> None:
    assert request.method == "POST"
    assert str(request.url) == url
    assert request.headers["authorization"] == f"Bearer {token}"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == body


# ------------------------------------------------------------------ cassettes


@pytest.mark.anyio
async def test_single_text_cassette(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    wire = Wire()
    with cassette("embeddings/single.yaml") as cass:
        async with open_client(wire, token=hf_token) as client:
            result = await client.embeddings.create(MINILM, "Hi, who are you?")
    assert cass.all_played and cass.play_count == 1
    url = f"{ROUTER}/hf-inference/models/{MINILM}/pipeline/feature-extraction"
    assert_post(wire.only(), url, {"inputs": "Hi, who are you?"}, hf_token)
    assert len(result) == 1 and result.ok
    assert result.embedding == recorded("single.yaml")  # [384] as sent
    assert result.dimensions == 384
    assert (result.requests, result.sent, result.cached) == (1, 1, 0)
    meta = result.response_meta
    assert meta is not None
    assert meta.request_id == recorded_request_id("single.yaml")
    assert meta.provider == "hf-inference" and meta.model == MINILM


@pytest.mark.anyio
async def test_batch_with_options_cassette(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    texts = [
        "What is the capital of France?",
        "Paris is the capital of France.",
        "Berlin is in Germany.",
    ]
    with cassette("embeddings/batch_options.yaml") as cass:
        async with open_client(wire, token=hf_token) as client:
            result = await client.embeddings.create(
                BGE,
                texts,
                normalize=True,
                prompt_name="query",
                truncate=True,
                truncation_direction="Right",
            )
    assert cass.all_played
    # docs/wire.md §4.1: the options sit at the top level, next to "inputs" (no "parameters").
    body = {
        "inputs": texts,
        "normalize": True,
        "prompt_name": "query",
        "truncate": True,
        "truncation_direction": "Right",
    }
    url = f"{ROUTER}/hf-inference/models/{BGE}/pipeline/feature-extraction"
    assert_post(wire.only(), url, body, hf_token)
    assert result.to_list() == recorded("batch_options.yaml")
    for vector in result:
        assert vector is not None
        assert math.isclose(math.sqrt(sum(x * x for x in vector)), 1.0, abs_tol=1e-6)


@pytest.mark.anyio
async def test_batches_send_each_distinct_text_once_cassette(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    inputs = ["alpha", "beta", "alpha", "gamma", "beta"]
    with cassette("embeddings/batched_dedup.yaml") as cass:
        async with open_client(wire, token=hf_token) as client:
            result = await client.embeddings.create(BGE, inputs, batch_size=2)
            again = await client.embeddings.create(BGE, list(reversed(inputs)), batch_size=2)
    assert cass.all_played and cass.play_count == 2
    assert sorted(map(json.dumps, wire.bodies())) == sorted(
        json.dumps(b) for b in ({"inputs": ["alpha", "beta"]}, {"inputs": ["gamma"]})
    )
    alpha, beta = recorded("batched_dedup.yaml", 0)
    [gamma] = recorded("batched_dedup.yaml", 1)
    assert result.to_list() == [alpha, beta, alpha, gamma, beta]
    assert (result.requests, result.sent, len(result.response_metas)) == (2, 3, 2)
    # the second call is answered by the cache: no request, same vectors, reversed order
    assert len(wire.requests) == 2
    assert again.to_list() == [beta, gamma, alpha, beta, alpha]
    assert (again.requests, again.cached, again.response_meta) == (0, 3, None)


@pytest.mark.anyio
async def test_sentence_similarity_cassette(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    sentences = [
        "A man is eating a piece of bread.",
        "A man is riding a horse.",
        "The girl is carrying a baby.",
    ]
    with cassette("embeddings/similarity.yaml") as cass:
        async with open_client(wire, token=hf_token) as client:
            scores = await client.embeddings.similarity(MINILM, "A man is eating food.", sentences)
    assert cass.all_played
    url = f"{ROUTER}/hf-inference/models/{MINILM}/pipeline/sentence-similarity"
    body = {"inputs": {"source_sentence": "A man is eating food.", "sentences": sentences}}
    assert_post(wire.only(), url, body, hf_token)
    assert scores == recorded("similarity.yaml")
    assert isinstance(scores, list) and scores[0] > scores[1] > scores[2]
    assert scores.response_meta is not None
    assert scores.response_meta.request_id == recorded_request_id("similarity.yaml")


@pytest.mark.anyio
@pytest.mark.skipif(RECORDING, reason="needs a running TEI endpoint of your own to record")
async def test_tei_endpoint_batches_by_max_client_batch_size_cassette(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    texts = ["first document", "second document", "third document"]
    with cassette("embeddings/tei_endpoint.yaml") as cass:
        async with open_client(wire, token=hf_token, embedding_batch_size=32) as client:
            result = await client.embeddings.create(ENDPOINT, texts, normalize=False)
    assert cass.all_played and cass.play_count == 3
    assert wire.gets() == [f"{ENDPOINT}/info"]  # asked once, before the batches
    assert wire.requests[0].headers["authorization"] == f"Bearer {hf_token}"
    # /info says max_client_batch_size=2: two requests instead of one of 32
    assert sorted(map(json.dumps, wire.bodies())) == sorted(
        json.dumps({"inputs": batch, "normalize": False}) for batch in (texts[:2], texts[2:])
    )
    assert {str(r.url) for r in wire.posts()} == {f"{ENDPOINT}/embed"}
    assert result.to_list() == recorded("tei_endpoint.yaml", 1) + recorded("tei_endpoint.yaml", 2)
    assert result.response_meta is not None
    assert result.response_meta.provider == "endpoint"


@pytest.mark.anyio
@pytest.mark.skipif(RECORDING, reason="needs a running TEI endpoint of your own to record")
async def test_a_refused_batch_reports_its_inputs_cassette(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    wire = Wire()
    long_text = " ".join(["token"] * 600)
    texts = ["short one", long_text, "short two", "short three"]
    with cassette("embeddings/tei_partial_413.yaml") as cass:
        async with open_client(wire, token=hf_token) as client:
            with pytest.raises(EmbeddingBatchError) as caught:
                await client.embeddings.create(ENDPOINT, texts)
    assert cass.all_played and len(wire.posts()) == 2
    err = caught.value
    assert err.failed == (0, 1)  # both inputs of the refused batch
    assert isinstance(err.cause, ValidationError) and err.status_code == 413
    assert "must have less than 512 tokens" in (err.server_message or "")
    assert err.result[0] is None and err.result[1] is None
    assert err.result[2:] == recorded("tei_partial_413.yaml", 2)
    assert set(err.errors) == {0, 1} and err.errors[0] is err.cause


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"inputs": 42}, "inputs must be a string or a list of strings"),
        ({"inputs": ["ok", None]}, r"inputs\[1\] must be a string"),
        ({"inputs": "x", "normalize": "yes"}, "normalize"),
        ({"inputs": "x", "truncation_direction": "up"}, "truncation_direction"),
        ({"inputs": "x", "batch_size": 0}, "batch_size"),
        ({"inputs": "x", "max_concurrency": 0}, "max_concurrency"),  # unasync: remove
        ({"inputs": "x", "provider": "together", "model": "https://my.server/embed"}, "URL"),
    ],
)
async def test_wrong_inputs_fail_before_any_http(
    kwargs: dict[str, Any], match: str, no_env: None
) -> None:
    wire = Wire()
    kwargs.setdefault("model", BGE)
    async with open_client(wire) as client:
        with pytest.raises(ValidationError, match=match):
            await client.embeddings.create(**kwargs)
        with pytest.raises(ValidationError, match="sentences must be a non-empty list"):
            await client.embeddings.similarity(MINILM, "a", [])
        empty = await client.embeddings.create(BGE, [])
    assert wire.requests == []
    assert len(empty) == 0 and empty.requests == 0


# ------------------------------------------------------------------ emulator


def emulated(emulator: Any, model: str, text: str, *, normalize: bool = True) -> list[float]:
    """The vector the emulator computes for ``text``."""
    settings = emulator.settings
    return embed(
        model, text, dim=settings.embedding_dim(model), seed=settings.seed, normalize=normalize
    )


@asynccontextmanager
async def emulator_client(
    emulator: Any, wire: Wire, **config: Any
) -> AsyncIterator[AsyncHfInferenceClient]:
    async with open_client(
        wire,
        token=config.pop("token", EMULATOR_TOKEN),
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        endpoints_api_url=emulator.endpoints_api_url,
        **config,
    ) as client:
        yield client


@pytest.mark.anyio
async def test_int_004_embedding_single_input(emulator: Any, no_env: None) -> None:
    wire = Wire()
    text = "The quick brown fox jumps over the lazy dog"
    async with emulator_client(emulator, wire) as client:
        result = await client.embeddings.create("org/embedder", text)
    url = f"{emulator.router_url}/hf-inference/models/org/embedder/pipeline/feature-extraction"
    assert_post(wire.only(), url, {"inputs": text}, EMULATOR_TOKEN)
    assert result.embedding == emulated(emulator, "org/embedder", text)
    assert result.dimensions == 384
    assert math.isclose(math.sqrt(sum(x * x for x in result.embedding)), 1.0, rel_tol=1e-9)
    meta = result.response_meta
    assert meta is not None and meta.status_code == 200
    assert meta.provider == "hf-inference"
    assert meta.request_id is not None and meta.request_id.startswith("emu-")


@pytest.mark.anyio
async def test_int_005_embedding_batch_input(emulator: Any, no_env: None) -> None:
    wire = Wire()
    texts = ["first text", "second text", "third text", "first text", "fourth text"]
    async with emulator_client(emulator, wire) as client:
        result = await client.embeddings.create("org/embedder", texts, normalize=False)
    # one request, each distinct text once, options at the top level
    assert wire.bodies() == [
        {"inputs": ["first text", "second text", "third text", "fourth text"], "normalize": False}
    ]
    assert result.to_list() == [
        emulated(emulator, "org/embedder", t, normalize=False) for t in texts
    ]
    assert result[0] == result[3]
    assert len({json.dumps(v) for v in result}) == 4
    assert (result.requests, result.sent) == (1, 4)


@pytest.mark.anyio
async def test_to_numpy_is_the_answer_read_into_one_array(emulator: Any, no_env: None) -> None:
    np = pytest.importorskip("numpy")
    pytest.importorskip("simdjson")  # the numpy extra: answers read without Python floats
    texts = ["first text", "second text", "third text"]
    async with emulator_client(emulator, Wire()) as client:
        result = await client.embeddings.create("org/embedder", texts)
    expected = [emulated(emulator, "org/embedder", t) for t in texts]
    matrix = result.to_numpy("float64")
    assert matrix.shape == (3, 384) and matrix.tolist() == expected
    # the parsed buffer itself: no copy, so not owned, not writable, and the same each time
    assert not matrix.flags.owndata and not matrix.flags.writeable
    assert result.to_numpy("float64") is matrix
    assert result.to_numpy().dtype == np.float32 and result.to_numpy().shape == (3, 384)
    assert result.to_list() == expected and result.embedding == expected[0]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [b"[[0.1, 0.2], [0.3", b"[[0.1, 0.2]]", b"[[01, 0.2], [0.3, 0.4]]", b'[["a"], ["b"]]'],
)
async def test_a_malformed_answer_is_the_same_server_error_on_either_parser(
    body: bytes, no_env: None
) -> None:
    async def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "application/json"})

    async with (
        httpx2.AsyncClient(transport=httpx2.MockTransport(answer)) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token="hf_fake_token_for_tests", http_client=http
        ) as client,
    ):
        with pytest.raises(ServerError) as fast:
            await client.embeddings.create(BGE, ["a", "b"])
        general = "hf_inference_endpoints._embeddings.parsers.parse_matrix"
        with mock.patch(general, return_value=None), pytest.raises(ServerError) as slow:
            await client.embeddings.create(BGE, ["a", "b"])
    assert type(fast.value) is type(slow.value)
    assert fast.value.message == slow.value.message


@pytest.mark.anyio
async def test_similarity_and_default_models_on_the_emulator(emulator: Any, no_env: None) -> None:
    wire = Wire()
    async with emulator_client(emulator, wire) as client:
        scores = await client.embeddings.similarity(
            MINILM, "a cat on a mat", ["a cat on a mat", "stock markets fell"]
        )
        default = await client.embeddings.create(inputs="no model given")
        default_scores = await client.embeddings.similarity(
            source_sentence="x", sentences=["x", "y"]
        )
        await client.embeddings.create(inputs="the default is looked up once")
    assert math.isclose(scores[0], 1.0, rel_tol=1e-9) and abs(scores[1]) < 0.5
    assert len(default_scores) == 2
    # the Hub's first recommended model of each task (GET /api/tasks, once per task)
    widgets = emulator.state.catalog.widget_models()
    assert [u for u in wire.gets() if u.endswith("/api/tasks")] == [
        f"{emulator.hub_url}/api/tasks"
    ] * 2
    pipeline = f"{emulator.router_url}/hf-inference/models"
    assert [str(r.url) for r in wire.posts()[1:]] == [
        f"{pipeline}/{widgets['feature-extraction'][0]}/pipeline/feature-extraction",
        f"{pipeline}/{widgets['sentence-similarity'][0]}/pipeline/sentence-similarity",
        f"{pipeline}/{widgets['feature-extraction'][0]}/pipeline/feature-extraction",
    ]
    assert default.dimensions == 384


@pytest.mark.anyio
async def test_tei_url_uses_max_client_batch_size_from_info(
    emulator: Any, no_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(emulator.settings, "max_client_batch_size", 4)
    url = emulator.tei_url("bge-tei")
    wire = Wire()
    texts = [f"passage {i}" for i in range(10)]
    async with emulator_client(emulator, wire, embedding_batch_size=100) as client:
        first = await client.embeddings.create(url, texts, normalize=True)
        more = await client.embeddings.create(url, [f"extra {i}" for i in range(6)], batch_size=3)
        capped = await client.embeddings.create(
            url + "/", [f"x{i}" for i in range(9)], batch_size=50
        )
    assert wire.gets() == [f"{url}/info"]  # one /info for the URL, whatever the calls
    sizes = [len(b["inputs"]) for b in wire.bodies()]
    assert sizes[:3] == [4, 4, 2]  # the server's 4, not the config's 100 (no 413)
    assert sizes[3:5] == [3, 3]  # an explicit batch_size below the limit is kept
    assert sizes[5:] == [4, 4, 1]  # and one above it is capped
    assert {str(r.url) for r in wire.posts()} == {f"{url}/embed"}
    assert first.to_list() == [emulated(emulator, "bge-tei", t) for t in texts]
    assert more.requests == 2 and capped.requests == 3


@pytest.mark.anyio
async def test_a_failed_batch_reports_which_inputs_failed(
    emulator: Any, no_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(emulator.settings, "max_client_batch_size", 2)
    monkeypatch.setattr(emulator.settings, "tei_max_input_length", 5)
    url = emulator.tei_url("strict-tei")
    too_long = "one two three four five six seven"
    texts = ["a", too_long, "b", "c", too_long, "d"]  # batches: (a, long) (b, c) (d)
    wire = Wire()
    async with emulator_client(emulator, wire, max_retries=0) as client:
        with pytest.raises(EmbeddingBatchError) as caught:
            await client.embeddings.create(url, texts)
        err = caught.value
        # the repeat of the long text fails with it; the other inputs are there
        assert err.failed == (0, 1, 4)
        assert isinstance(err.cause, ValidationError) and err.cause.status_code == 413
        assert [v is None for v in err.result] == [True, True, False, False, True, False]
        assert err.result[2] == emulated(emulator, "strict-tei", "b")

        partial = await client.embeddings.create(url, texts, allow_partial=True)
        assert partial.failed == (0, 1, 4)
        assert partial.cached == 3  # b, c, d came from the cache; only (a, long) was sent
        assert partial.requests == 1

        fixed = await client.embeddings.create(url, texts, truncate=True)
    assert fixed.ok and fixed[1] == fixed[4]


@pytest.mark.anyio
async def test_a_bad_token_stops_the_call_and_raises_itself(emulator: Any, no_env: None) -> None:
    wire = Wire()
    texts = [f"text {i}" for i in range(40)]
    async with emulator_client(emulator, wire, token="hf_wrong_wrong_wrong") as client:
        with pytest.raises(AuthenticationError):
            await client.embeddings.create("org/embedder", texts, batch_size=2, **at_most(3))
    # 20 batches planned; after the first 401 no new batch starts
    assert 1 <= len(wire.posts()) <= 3


@pytest.mark.anyio
async def test_cache_can_be_bypassed_cleared_and_replaced(emulator: Any, no_env: None) -> None:
    wire = Wire()
    async with emulator_client(emulator, wire) as client:
        await client.embeddings.create("org/embedder", ["x", "y"])
        await client.embeddings.create("org/embedder", ["x", "y"], cache=False)
        assert len(wire.posts()) == 2
        await client.embeddings.create("org/embedder", ["x", "y"])
        assert len(wire.posts()) == 2  # cached
        await client.embeddings.create("org/embedder", ["x", "y"], normalize=False)
        assert len(wire.posts()) == 3  # other parameters, other entries
        client.clear_caches()
        await client.embeddings.create("org/embedder", ["x", "y"])
        assert len(wire.posts()) == 4

        client.embeddings.cache = None
        await client.embeddings.create("org/embedder", ["x"])
        await client.embeddings.create("org/embedder", ["x"])
        assert len(wire.posts()) == 6

        mine = EmbeddingCache(ttl=60)
        client.embeddings.cache = mine
        await client.embeddings.create("org/embedder", ["x"])
        await client.embeddings.create("org/embedder", ["x"])
        assert len(wire.posts()) == 7 and mine.hits == 1

    async with emulator_client(emulator, wire, enable_embedding_cache=False) as client:
        assert client.embeddings.cache is None


@pytest.mark.anyio
async def test_ten_thousand_texts_in_batches_of_32(
    emulator: Any, no_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = "org/embed-10k"
    monkeypatch.setitem(emulator.settings.embedding_dims, model, 16)  # keeps the test fast
    # 8,000 distinct texts, shuffled, and 2,000 repeats of some of them
    texts = [f"doc {(i * 7919) % 8000}" for i in range(10_000)]
    assert len(set(texts)) == 8000
    wire = Wire()
    async with emulator_client(emulator, wire, embedding_batch_size=32) as client:
        result = await client.embeddings.create(model, texts)
        sent = wire.texts_sent()
        assert len(wire.posts()) == 250  # ceil(8000 / 32)
        assert all(len(b["inputs"]) <= 32 for b in wire.bodies())
        assert len(sent) == 8000 and set(sent) == set(texts)  # each distinct text once
        assert (result.requests, result.sent, result.cached) == (250, 8000, 0)
        assert len(result.response_metas) == 250
        # input order: every input has the vector of its own text
        assert len(result) == 10_000
        assert all(
            vector == emulated(emulator, model, text)
            for text, vector in zip(texts, result, strict=True)
        )

        wire.clear()
        again = await client.embeddings.create(model, texts)
        assert wire.requests == []  # all 8,000 distinct texts came from the cache
        assert (again.requests, again.cached, again.sent) == (0, 8000, 0)
        assert again.to_list() == result.to_list()

    np = pytest.importorskip("numpy")
    array = result.to_numpy()
    assert array.shape == (10_000, 16) and array.dtype == np.float32


# ------------------------------------------------------------------ timeout: one deadline


@pytest.fixture
def clock(fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The fake clock for the embeddings service too (its call deadline)."""
    monkeypatch.setattr(
        "hf_inference_endpoints._async.embeddings.async_monotonic", fake_clock.monotonic
    )
    return fake_clock


class SlowServer:
    """Answers on the fake clock: request ``i`` takes ``took[i]`` seconds.

    A request whose read timeout (the ``timeout`` extension the client set) is shorter
    than that takes its read timeout and ends in ``httpx2.ReadTimeout``, as a real socket
    would. Embedding batches get ``[len(text)]`` per text; ``GET /api/tasks`` and
    ``GET /info`` get a catalogue and a TEI info.
    """

    def __init__(self, clock: FakeClock, *took: float) -> None:
        self.clock = clock
        self.took = list(took)
        self.requests: list[httpx2.Request] = []
        self.reads: list[float | None] = []  # the read timeout of each request
        self.started: list[float] = []  # the clock when each request was sent

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        read = request.extensions["timeout"]["read"]
        self.reads.append(read)
        self.started.append(self.clock.now)
        took = self.took.pop(0)
        if read is not None and took > read:
            self.clock.now += read
            raise httpx2.ReadTimeout("timed out", request=request)
        self.clock.now += took
        if request.url.path.endswith("/api/tasks"):
            return httpx2.Response(200, json={"feature-extraction": {"widgetModels": [BGE]}})
        if request.url.path.endswith("/info"):
            return httpx2.Response(200, json={"model_id": BGE, "max_client_batch_size": 2})
        inputs = json.loads(request.content)["inputs"]
        return httpx2.Response(200, json=[[float(len(t))] for t in inputs])

    def posts(self) -> list[Any]:
        return [json.loads(r.content)["inputs"] for r in self.requests if r.method == "POST"]


def slow_client(server: SlowServer) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        default_provider="hf-inference",
        token="hf_fake_token_for_tests",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
    )


SIX = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff"]  # 3 batches of 2


@pytest.mark.anyio
async def test_timeout_is_one_deadline_for_all_batches(clock: FakeClock, no_env: None) -> None:
    # batch 1 takes 7 of the 10 s; batch 2 gets the 3 s left and runs out; batch 3 is not sent
    server = SlowServer(clock, 7.0, 8.0, 1.0)
    async with slow_client(server) as client:
        result = await client.embeddings.create(
            BGE, SIX, batch_size=2, timeout=10, allow_partial=True, **ONE_AT_A_TIME
        )
    assert server.posts() == [["a", "bb"], ["ccc", "dddd"]]  # one try: no time for a retry
    assert server.reads == [10.0, 3.0]  # the whole timeout, then what was left of it
    assert clock.now == 1010.0  # the call ended at its deadline
    assert result.to_list()[:2] == [[1.0], [2.0]]
    assert result.failed == (2, 3, 4, 5) and result[2] is None and result[5] is None
    assert (result.requests, result.sent) == (2, 4)
    in_flight, unsent = result.errors[2], result.errors[4]
    assert type(in_flight) is DeadlineExceeded and result.errors[3] is in_flight  # cut by timeout=
    assert type(unsent) is DeadlineExceeded and result.errors[5] is unsent
    assert unsent.message == (
        "embeddings.create did not finish within its timeout of 10 s: "
        "2 of 6 texts were not embedded (their batches were never sent)"
    )
    assert unsent.model == BGE and unsent.provider is None


@pytest.mark.anyio
async def test_timeout_without_allow_partial_raises_with_the_embedded_part(
    clock: FakeClock, no_env: None
) -> None:
    # batch 1 answers at the deadline: batches 2 and 3 are never sent
    server = SlowServer(clock, 10.0, 1.0, 1.0)
    texts = [*SIX, "a"]  # a repeat of a text that was embedded
    async with slow_client(server) as client:
        with pytest.raises(EmbeddingBatchError) as caught:
            await client.embeddings.create(BGE, texts, batch_size=2, timeout=10, **ONE_AT_A_TIME)
    assert server.posts() == [["a", "bb"]]
    err = caught.value
    assert err.failed == (2, 3, 4, 5)
    assert err.result.to_list() == [[1.0], [2.0], None, None, None, None, [1.0]]
    assert isinstance(err.cause, RequestTimeout) and err.__cause__ is err.cause
    assert "timeout of 10 s: 4 of 7 texts were not embedded" in err.cause.message


@pytest.mark.anyio
async def test_timeout_spent_on_lookups_sends_no_batch(clock: FakeClock, no_env: None) -> None:
    url = "https://tei.example.com"
    # GET /info takes the whole 5 s: nothing is left for the batches
    server = SlowServer(clock, 5.0)
    async with slow_client(server) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.embeddings.create(url, SIX, timeout=5)
        assert [str(r.url) for r in server.requests] == [f"{url}/info"]
        assert server.reads == [5.0]
        assert caught.value.message == (
            "embeddings.create did not finish within its timeout of 5 s: "
            "6 of 6 texts were not embedded (their batches were never sent)"
        )
        assert caught.value.model == f"{url}/embed"

        # the default-model lookup (GET /api/tasks) takes 4 of 6 s; the batch gets 2
        server.took = [4.0, 1.0]
        result = await client.embeddings.create(inputs=["x"], timeout=6)
    assert [r.url.path for r in server.requests[1:]] == [
        "/api/tasks",
        f"/hf-inference/models/{BGE}/pipeline/feature-extraction",
    ]
    assert server.reads[1:] == [6.0, 2.0]
    assert result.to_list() == [[1.0]]


@pytest.mark.anyio
async def test_a_timeout_must_be_seconds(no_env: None) -> None:
    server = SlowServer(FakeClock())
    bad_values: list[Any] = ["10", -1, True, float("nan")]
    async with slow_client(server) as client:
        for bad in bad_values:
            with pytest.raises(ValidationError, match="timeout must be seconds >= 0"):
                await client.embeddings.create(BGE, SIX, timeout=bad)
            with pytest.raises(ValidationError, match="timeout must be seconds >= 0"):
                await client.embeddings.similarity(BGE, "a", ["b"], timeout=bad)
    assert server.requests == []


@pytest.mark.anyio
async def test_without_timeout_every_batch_gets_the_configured_limits(
    clock: FakeClock, no_env: None
) -> None:
    # each batch takes 100 s (under request_timeout=120 s per attempt): no call deadline
    server = SlowServer(clock, 100.0, 100.0, 100.0)
    async with slow_client(server) as client:
        result = await client.embeddings.create(BGE, SIX, batch_size=2, **ONE_AT_A_TIME)
    assert server.posts() == [["a", "bb"], ["ccc", "dddd"], ["eeeee", "ffffff"]]
    assert server.reads == [120.0, 120.0, 120.0]
    assert result.ok and result.to_list() == [[float(len(t))] for t in SIX]


# unasync: remove-begin
@pytest.mark.anyio
async def test_async_batches_run_concurrently_up_to_the_limit(no_env: None) -> None:
    import anyio.lowlevel

    in_flight = peak = 0

    async def answer(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(5):
            await anyio.lowlevel.checkpoint()  # let the other workers start theirs
        in_flight -= 1
        inputs = json.loads(request.content)["inputs"]
        return httpx2.Response(200, json=[[float(len(t))] for t in inputs])

    texts = [str(i) * (i % 7 + 1) for i in range(100)]
    async with (
        httpx2.AsyncClient(transport=httpx2.MockTransport(answer)) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token="hf_fake_token_for_tests", http_client=http
        ) as client,
    ):
        result = await client.embeddings.create(BGE, texts, batch_size=5, max_concurrency=3)
        assert peak == 3
        peak = 0
        await client.embeddings.create(BGE, ["new"] * 3 + ["n2"], batch_size=1, max_concurrency=1)
        assert peak == 1
    assert result.to_list() == [[float(len(t))] for t in texts]
    assert result.requests == 20


@pytest.mark.anyio
async def test_async_batches_in_flight_keep_their_own_time_left(
    clock: FakeClock, no_env: None
) -> None:
    import anyio.lowlevel

    sent: list[tuple[float, float]] = []  # (clock, read timeout) of each request

    async def answer(request: httpx2.Request) -> httpx2.Response:
        start, read = clock.now, request.extensions["timeout"]["read"]
        sent.append((start, read))
        for _ in range(5):
            await anyio.lowlevel.checkpoint()  # the other workers send theirs meanwhile
        took = min(7.0, read)  # each request needs 7 s of its own
        clock.now = max(clock.now, start + took)
        if took < 7.0:
            raise httpx2.ReadTimeout("timed out", request=request)
        inputs = json.loads(request.content)["inputs"]
        return httpx2.Response(200, json=[[float(len(t))] for t in inputs])

    texts = [f"t{i}" for i in range(7)]
    async with (
        httpx2.AsyncClient(transport=httpx2.MockTransport(answer)) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token="hf_fake_token_for_tests", http_client=http
        ) as client,
    ):
        result = await client.embeddings.create(
            BGE, texts, batch_size=1, max_concurrency=3, timeout=10, allow_partial=True
        )
    # 3 batches at once with the whole 10 s; the next 3 at 7 s with the 3 s left each;
    # the 7th finds the deadline passed and is not sent
    assert sorted(sent) == [(1000.0, 10.0)] * 3 + [(1007.0, 3.0)] * 3
    assert result.to_list()[:3] == [[2.0]] * 3
    assert result.failed == (3, 4, 5, 6)
    assert all(type(result.errors[i]) is DeadlineExceeded for i in (3, 4, 5))  # cut in flight
    assert type(result.errors[6]) is DeadlineExceeded  # never sent
    assert "1 of 7 texts were not embedded" in result.errors[6].message
    assert result.requests == 6


# unasync: remove-end
