"""``timeout=`` is one deadline for every step of a task call, a provider call and a wait.

On the fake clock, each request of a call takes its time on a wire that honours the read
timeout it is given (a slower answer ends in ``httpx2.ReadTimeout`` at that timeout, as a
real socket would). A step that takes most of the timeout leaves the next one only the
rest (its read timeout says so); a step that uses it all ends the call with
``RequestTimeout`` and nothing more is sent. Without ``timeout`` every request gets the
per-request limit, as before.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    BinaryResult,
    ColdStartTimeout,
    DeadlineExceeded,
    HfError,
    RequestTimeout,
)

from ..media import png, wav
from ._concurrency import ONE_AT_A_TIME
from .conftest import FakeClock

TOKEN = "hf_fake_token_for_tests"
HUB = "https://hub.test"
ROUTER = "https://router.test"
HF = f"{ROUTER}/hf-inference/models"
FILES = "https://files.test"
TASKS = f"{HUB}/api/tasks"
PER_REQUEST = 120.0  # the default request_timeout
LABELS = [{"label": "cat", "score": 0.9}]

Answer = httpx2.Response | Callable[[httpx2.Request], httpx2.Response]


class Wire:
    """Answers per ``METHOD url`` on the fake clock: each answer takes its time first.

    A route holds a list of ``(took, answer)``; the last one repeats. A request whose
    read timeout is shorter than ``took`` takes its read timeout and ends in
    ``httpx2.ReadTimeout``.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.routes: dict[str, list[tuple[float, Answer]]] = {}
        self.sent: list[tuple[str, float | None]] = []  # "METHOD url", read timeout

    def add(self, method: str, url: str, took: float, answer: Answer) -> Wire:
        self.routes.setdefault(f"{method} {url}", []).append((took, answer))
        return self

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        key = f"{request.method} {unquote(str(request.url))}"
        assert key in self.routes, f"unexpected {key}"
        queue = self.routes[key]
        took, answer = queue.pop(0) if len(queue) > 1 else queue[0]
        read = request.extensions["timeout"]["read"]
        self.sent.append((key, read))
        if read is not None and took > read:
            self.clock.now += read
            raise httpx2.ReadTimeout("timed out", request=request)
        self.clock.now += took
        return answer(request) if callable(answer) else answer

    def urls(self) -> list[str]:
        return [key for key, _ in self.sent]

    def reads(self) -> list[float | None]:
        return [read for _, read in self.sent]


def make_client(wire: Wire, **config: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        token=TOKEN,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
        hub_url=HUB,
        router_url=ROUTER,
        **{"default_provider": "hf-inference", **config},
    )


@pytest.fixture
def clock(fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """One fake clock for the transport, the client, the providers and endpoints."""
    for module in ("_execute", "endpoints"):
        monkeypatch.setattr(f"hf_inference_endpoints._async.{module}.async_sleep", fake_clock.sleep)
        monkeypatch.setattr(
            f"hf_inference_endpoints._async.{module}.async_monotonic", fake_clock.monotonic
        )
    monkeypatch.setattr(
        "hf_inference_endpoints._async._providers.async_monotonic", fake_clock.monotonic
    )
    monkeypatch.setattr(
        "hf_inference_endpoints._endpoints.states.random", types.SimpleNamespace(random=lambda: 0.5)
    )
    return fake_clock


def ok(body: Any) -> httpx2.Response:
    return httpx2.Response(200, json=body)


def image_file() -> httpx2.Response:
    return httpx2.Response(200, content=png(), headers={"content-type": "image/png"})


# ------------------------------------------------------------------------ task services


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["service", "infer"])
async def test_a_url_input_download_leaves_the_request_only_the_rest(
    clock: FakeClock, method: str
) -> None:
    wire = Wire(clock).add("GET", f"{FILES}/cat.png", 7.0, image_file())
    wire.add("POST", f"{HF}/org/vit", 1.0, ok(LABELS))

    async def classify(client: AsyncHfInferenceClient, timeout: float | None) -> Any:
        if method == "service":
            return await client.images.classify(
                model="org/vit", image=f"{FILES}/cat.png", timeout=timeout
            )
        return await client.infer(
            "image-classification", "org/vit", f"{FILES}/cat.png", timeout=timeout
        )

    async with make_client(wire) as client:
        await classify(client, None)
        assert wire.reads() == [PER_REQUEST, PER_REQUEST]  # without timeout: unchanged
        wire.sent.clear()
        await classify(client, 10.0)
    assert wire.urls() == [f"GET {FILES}/cat.png", f"POST {HF}/org/vit"]
    assert wire.reads() == [10.0, 3.0]


@pytest.mark.anyio
async def test_a_download_that_uses_the_whole_timeout_sends_nothing_more(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("GET", f"{FILES}/cat.png", 10.0, image_file())
    wire.add("POST", f"{HF}/org/vit", 0.0, ok(LABELS))
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.images.classify(model="org/vit", image=f"{FILES}/cat.png", timeout=10)
    assert wire.urls() == [f"GET {FILES}/cat.png"]
    assert caught.value.message == (
        "The call did not finish within its timeout of 10 s: it ran out while "
        "preparing the request (nothing was sent)"
    )


@pytest.mark.anyio
async def test_the_default_model_lookup_shares_the_timeout_with_the_download_and_request(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("GET", f"{FILES}/cat.png", 4.0, image_file())
    wire.add("GET", TASKS, 3.0, ok({"image-classification": {"widgetModels": ["org/vit"]}}))
    wire.add("POST", f"{HF}/org/vit", 1.0, ok(LABELS))
    async with make_client(wire) as client:
        await client.images.classify(image=f"{FILES}/cat.png", timeout=10)
        assert wire.reads() == [10.0, 6.0, 3.0]
        client.clear_caches()
        wire.sent.clear()
        await client.images.classify(image=f"{FILES}/cat.png")  # without timeout: unchanged
    assert wire.urls() == [f"GET {FILES}/cat.png", f"GET {TASKS}", f"POST {HF}/org/vit"]
    assert wire.reads() == [PER_REQUEST] * 3


@pytest.mark.anyio
async def test_the_default_model_lookup_leaves_the_request_the_rest_or_ends_the_call(
    clock: FakeClock,
) -> None:
    catalogue = ok({"text-classification": {"widgetModels": ["org/sst"]}})
    wire = Wire(clock).add("GET", TASKS, 7.0, catalogue)
    wire.add("POST", f"{HF}/org/sst", 1.0, ok([LABELS]))
    async with make_client(wire) as client:
        await client.text.classify(text="I like you", timeout=10)
    assert wire.reads() == [10.0, 3.0]

    wire = Wire(clock).add("GET", TASKS, 10.0, catalogue)
    wire.add("POST", f"{HF}/org/sst", 1.0, ok([LABELS]))
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout, match="within its timeout of 10 s"):
            await client.text.classify(text="I like you", timeout=10)
    assert wire.urls() == [f"GET {TASKS}"]  # nothing sent to the model


@pytest.mark.anyio
async def test_a_file_named_in_the_answer_gets_only_what_the_request_left(
    clock: FakeClock,
) -> None:
    linked = ok({"output": [f"{FILES}/out.png"]})
    wire = Wire(clock).add("POST", f"{HF}/org/url", 7.0, linked)
    wire.add("GET", f"{FILES}/out.png", 1.0, image_file())
    async with make_client(wire) as client:
        image = await client.images.generate(model="org/url", prompt="a fox", timeout=10)
    assert isinstance(image, BinaryResult) and image.content == png()
    assert wire.reads() == [10.0, 3.0]

    wire = Wire(clock).add("POST", f"{HF}/org/url", 10.0, linked)
    wire.add("GET", f"{FILES}/out.png", 1.0, image_file())
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.images.generate(model="org/url", prompt="a fox", timeout=10)
    assert wire.urls() == [f"POST {HF}/org/url"]
    assert caught.value.message == (
        "The call did not finish within its timeout of 10 s: it ran out while downloading "
        f"the image named in the answer {FILES}/out.png (nothing was sent)"
    )


@pytest.mark.anyio
async def test_chunked_audio_shares_one_timeout_across_its_chunks(clock: FakeClock) -> None:
    audio = wav(0.15)  # three chunks of 0.05 s
    wire = Wire(clock)
    for took in (6.0, 3.0, 0.5):
        wire.add("POST", f"{HF}/org/whisper", took, ok({"text": "x"}))
    async with make_client(wire, max_audio_duration=0.05) as client:
        out = await client.audio.transcribe(  # one at a time: each chunk gets what is left
            model="org/whisper", audio=audio, timeout=10, **ONE_AT_A_TIME
        )
        assert out.text == "x x x"
        assert wire.reads() == [10.0, 4.0, 1.0]
        wire.sent.clear()
        await client.audio.transcribe(model="org/whisper", audio=audio, **ONE_AT_A_TIME)
        assert wire.reads() == [PER_REQUEST] * 3


@pytest.mark.anyio
async def test_a_chunk_that_uses_the_rest_of_the_timeout_ends_the_transcription(
    clock: FakeClock,
) -> None:
    wire = Wire(clock)
    for took in (6.0, 4.0, 0.0):
        wire.add("POST", f"{HF}/org/whisper", took, ok({"text": "x"}))
    async with make_client(wire, max_audio_duration=0.05) as client:
        with pytest.raises(RequestTimeout, match="within its timeout of 10 s"):
            await client.audio.transcribe(
                model="org/whisper", audio=wav(0.15), timeout=10, **ONE_AT_A_TIME
            )
    assert wire.reads() == [10.0, 4.0]  # the third chunk is not sent


# --------------------------------------------------------------------------- providers

MODEL = "meta-llama/Llama-3.1-8B-Instruct"
MAPPING_URL = f"{HUB}/api/models/{MODEL}?expand[]=inferenceProviderMapping"
CHAT_MAPPING = {"together": {"status": "live", "providerId": "tg/llama", "task": "conversational"}}
TOGETHER_CHAT = f"{ROUTER}/together/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]
COMPLETION = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": "tg/llama",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    ],
}


def mapping(model: str, entries: Any) -> httpx2.Response:
    return ok({"id": model, "inferenceProviderMapping": entries})


@pytest.mark.anyio
async def test_the_mapping_lookup_gets_the_timeout_and_leaves_the_request_the_rest(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("GET", MAPPING_URL, 7.0, mapping(MODEL, CHAT_MAPPING))
    wire.add("POST", TOGETHER_CHAT, 1.0, ok(COMPLETION))
    async with make_client(wire) as client:
        await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES, timeout=10)
        assert wire.reads() == [10.0, 3.0]
        client.clear_caches()
        wire.sent.clear()
        await client.chat.complete(model=MODEL, provider="together", messages=MESSAGES)
        assert wire.reads() == [PER_REQUEST, PER_REQUEST]  # without timeout: unchanged


@pytest.mark.anyio
async def test_a_mapping_lookup_slower_than_the_timeout_ends_at_it(clock: FakeClock) -> None:
    wire = Wire(clock).add("GET", MAPPING_URL, 12.0, mapping(MODEL, CHAT_MAPPING))
    wire.add("POST", TOGETHER_CHAT, 0.0, ok(COMPLETION))
    async with make_client(wire, max_retries=0) as client:
        with pytest.raises(RequestTimeout):
            await client.chat.complete(
                model=MODEL, provider="together", messages=MESSAGES, timeout=10
            )
    assert clock.now == 1010.0  # cut at the call's timeout, not when the Hub answered
    assert wire.urls() == [f"GET {MAPPING_URL}"]
    assert wire.reads() == [10.0]


VIDEO_MODEL = "org/video-model"
VIDEO_MAPPING_URL = f"{HUB}/api/models/{VIDEO_MODEL}?expand[]=inferenceProviderMapping"
VIDEO_MAPPING = {
    "fal-ai": {"status": "live", "providerId": "fal-ai/ltx/v1", "task": "text-to-video"}
}
FAL_SUBMIT = f"{ROUTER}/fal-ai/fal-ai/ltx/v1?_subdomain=queue"
FAL_STATUS = f"{ROUTER}/fal-ai/fal-ai/ltx/requests/r1/status?_subdomain=queue"
FAL_RESULT = f"{ROUTER}/fal-ai/fal-ai/ltx/requests/r1?_subdomain=queue"
FAL_QUEUED = {
    "request_id": "r1",
    "status": "IN_QUEUE",
    "response_url": "https://queue.fal.run/fal-ai/ltx/requests/r1",
    "status_url": "https://queue.fal.run/fal-ai/ltx/requests/r1/status",
}
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(8)
CDN = "https://cdn.test/v.mp4"


def fal_job(clock: FakeClock, *, status_took: float, result_took: float, cdn_took: float) -> Wire:
    wire = Wire(clock).add("GET", VIDEO_MAPPING_URL, 4.0, mapping(VIDEO_MODEL, VIDEO_MAPPING))
    wire.add("POST", FAL_SUBMIT, 1.0, ok(FAL_QUEUED))
    wire.add("GET", FAL_STATUS, status_took, ok({"status": "COMPLETED"}))
    wire.add("GET", FAL_RESULT, result_took, ok({"video": {"url": CDN}}))
    wire.add("GET", CDN, cdn_took, httpx2.Response(200, content=MP4))
    return wire


@pytest.mark.anyio
async def test_job_polls_and_the_output_download_get_what_the_lookup_and_submit_left(
    clock: FakeClock,
) -> None:
    wire = fal_job(clock, status_took=2.0, result_took=1.0, cdn_took=1.0)
    async with make_client(wire) as client:
        video = await client.video.generate(
            model=VIDEO_MODEL, prompt="a cat", provider="fal-ai", timeout=10
        )
    assert video.content == MP4
    assert clock.sleeps == [0.5]
    # lookup 4 s, submit 1 s, a 0.5 s wait, the status 2 s, the result 1 s: 1.5 s left
    assert wire.reads() == [10.0, 6.0, 4.5, 2.5, 1.5]


@pytest.mark.anyio
async def test_an_output_download_that_outlasts_the_timeout_ends_the_call_at_it(
    clock: FakeClock,
) -> None:
    wire = fal_job(clock, status_took=2.0, result_took=1.0, cdn_took=5.0)
    async with make_client(wire, max_retries=0) as client:
        with pytest.raises(RequestTimeout):
            await client.video.generate(
                model=VIDEO_MODEL, prompt="a cat", provider="fal-ai", timeout=10
            )
    assert clock.now == 1010.0
    assert wire.urls()[-1] == f"GET {CDN}" and wire.reads()[-1] == 1.5


@pytest.mark.anyio
async def test_job_polling_stops_at_the_calls_timeout_not_a_full_timeout_after_submit(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("GET", VIDEO_MAPPING_URL, 4.0, mapping(VIDEO_MODEL, VIDEO_MAPPING))
    wire.add("POST", FAL_SUBMIT, 1.0, ok(FAL_QUEUED))
    wire.add("GET", FAL_STATUS, 0.0, ok({"status": "IN_PROGRESS"}))
    async with make_client(wire) as client:
        with pytest.raises(RequestTimeout, match="still running after 10 s") as caught:
            await client.video.generate(
                model=VIDEO_MODEL, prompt="a cat", provider="fal-ai", timeout=10
            )
    assert caught.value.provider == "fal-ai"
    assert clock.now <= 1010.0
    polls = [read for url, read in wire.sent if url == f"GET {FAL_STATUS}"]
    assert len(polls) == 9  # every 0.5 s from 1005.5 to 1009.5; none after
    assert polls[0] == 4.5 and polls[-1] == 0.5


# ------------------------------------------------------------------------ endpoints.wait

MGMT = "https://api.endpoints.huggingface.cloud/v2/endpoint/acme/my-ep"


def endpoint(state: str) -> httpx2.Response:
    return ok(
        {
            "name": "my-ep",
            "model": {"repository": "gpt2"},
            "status": {"state": state, "url": None, "message": f"Endpoint is {state}"},
        }
    )


@pytest.mark.anyio
async def test_wait_polls_get_only_what_is_left_of_the_wait(clock: FakeClock) -> None:
    wire = Wire(clock).add("GET", MGMT, 7.0, endpoint("pending"))
    wire.add("GET", MGMT, 0.0, endpoint("paused"))
    async with make_client(wire, default_namespace="acme") as client:
        info = await client.endpoints.wait("my-ep", until="paused", timeout=10)
    assert info.status is not None and info.status.state == "paused"
    assert clock.sleeps == [1.0]
    assert wire.reads() == [10.0, 2.0]  # min(request_timeout, time left of the wait)

    wire = Wire(clock).add("GET", MGMT, 0.0, endpoint("pending"))
    wire.add("GET", MGMT, 0.0, endpoint("paused"))
    async with make_client(wire, default_namespace="acme") as client:
        await client.endpoints.wait("my-ep", until="paused", timeout=1000)
    assert wire.reads() == [PER_REQUEST, PER_REQUEST]  # the per-request limit is shorter


@pytest.mark.anyio
async def test_a_wait_poll_that_outlasts_the_wait_ends_it_without_another_poll(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("GET", MGMT, 7.0, endpoint("pending"))
    wire.add("GET", MGMT, 5.0, endpoint("pending"))
    async with make_client(wire, default_namespace="acme", max_retries=0) as client:
        with pytest.raises(ColdStartTimeout) as caught:
            await client.endpoints.wait("my-ep", until="paused", timeout=10)
    assert clock.now == 1010.0
    assert wire.reads() == [10.0, 2.0]
    assert "still pending after waiting 10.0 s for 'paused' (timeout 10 s)" in caught.value.message


# ------------------------------------------------------ our deadline, not an attempt's


@pytest.mark.anyio
async def test_a_read_cut_by_the_call_timeout_is_deadline_exceeded_and_not_retried(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("POST", f"{HF}/org/sst", 30.0, ok([LABELS]))
    began = clock.now
    async with make_client(wire, max_retries=3) as client:
        with pytest.raises(RequestTimeout) as caught:  # old `except RequestTimeout` still works
            await client.text.classify(model="org/sst", text="I like you", timeout=10)
    assert type(caught.value) is DeadlineExceeded
    assert caught.value.message.startswith("The call did not finish within its timeout of 10 s")
    assert isinstance(caught.value.__cause__, httpx2.ReadTimeout)
    assert wire.urls() == [f"POST {HF}/org/sst"]  # the call's time is up: no retry
    assert clock.now - began == pytest.approx(10.0, abs=0.01)


@pytest.mark.anyio
async def test_a_read_cut_by_request_timeout_stays_an_attempts_request_timeout(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("POST", f"{HF}/org/sst", 30.0, ok([LABELS]))
    async with make_client(wire, max_retries=0, request_timeout=5.0) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.text.classify(model="org/sst", text="I like you", timeout=60)
    assert type(caught.value) is RequestTimeout  # request_timeout ran out, not timeout=
    assert wire.reads() == [5.0]


@pytest.mark.anyio
async def test_a_read_that_ends_just_before_the_call_would_is_still_the_attempts_timeout(
    clock: FakeClock,
) -> None:
    """5.03 s left and a 5 s request_timeout: the attempt's limit cut it, 0.03 s early."""
    wire = Wire(clock).add("POST", f"{HF}/org/sst", 30.0, ok([LABELS]))
    async with make_client(wire, max_retries=0, request_timeout=5.0) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.text.classify(model="org/sst", text="I like you", timeout=5.03)
    assert type(caught.value) is RequestTimeout
    assert wire.reads() == [5.0]


def connect_times_out(clock: FakeClock) -> Callable[[httpx2.Request], httpx2.Response]:
    def answer(request: httpx2.Request) -> httpx2.Response:
        clock.now += request.extensions["timeout"]["connect"]
        raise httpx2.ConnectTimeout("no answer to SYN", request=request)

    return answer


@pytest.mark.anyio
async def test_a_connect_timeout_shorter_than_the_call_is_the_attempts(clock: FakeClock) -> None:
    wire = Wire(clock).add("POST", f"{HF}/org/sst", 0.0, connect_times_out(clock))
    async with make_client(wire, max_retries=0, connection_timeout=2.0) as client:
        with pytest.raises(RequestTimeout) as caught:
            await client.text.classify(model="org/sst", text="I like you", timeout=60)
    assert type(caught.value) is RequestTimeout
    assert "ConnectTimeout" in caught.value.message


@pytest.mark.anyio
async def test_a_connect_cut_by_the_calls_last_second_is_deadline_exceeded(
    clock: FakeClock,
) -> None:
    wire = Wire(clock).add("POST", f"{HF}/org/sst", 0.0, connect_times_out(clock))
    began = clock.now
    async with make_client(wire, max_retries=3, connection_timeout=2.0) as client:
        with pytest.raises(DeadlineExceeded) as caught:
            await client.text.classify(model="org/sst", text="I like you", timeout=1.0)
    assert isinstance(caught.value.__cause__, httpx2.ConnectTimeout)
    assert wire.urls() == [f"POST {HF}/org/sst"]  # no time left: not retried
    assert clock.now - began == pytest.approx(1.0, abs=0.01)


@pytest.mark.anyio
@pytest.mark.parametrize("status", [408, 429, 503])
async def test_a_retry_wait_the_call_timeout_cannot_fit_is_refused_as_deadline_exceeded(
    clock: FakeClock, status: int
) -> None:
    busy = httpx2.Response(status, json={"error": "busy"}, headers={"retry-after": "5"})
    wire = Wire(clock).add("POST", f"{HF}/org/sst", 8.0, busy)
    wire.add("POST", f"{HF}/org/sst", 8.0, busy).add("POST", f"{HF}/org/sst", 0.0, ok([LABELS]))
    began = clock.now
    async with make_client(wire, max_retries=3) as client:
        with pytest.raises(DeadlineExceeded) as caught:
            await client.text.classify(model="org/sst", text="I like you", timeout=10)
        assert wire.urls() == [f"POST {HF}/org/sst"]  # 2 s left: the 5 s wait was not slept
        assert clock.now - began == pytest.approx(8.0, abs=0.01)
        assert caught.value.status_code is None  # ours, not the server's 408
        assert isinstance(caught.value.__cause__, HfError)
        assert caught.value.__cause__.status_code == status
        assert "waiting 5.0 s to retry" in caught.value.message
        # with the time for it, the same answer is waited out and retried
        wire.sent.clear()
        result = await client.text.classify(model="org/sst", text="I like you", timeout=20)
    assert result[0].label == "cat"
    assert len(wire.sent) == 2


# ------------------------------------------------------------ rank by sentence-similarity

SIMILARITY = f"{HF}/org/mini/pipeline/sentence-similarity"


@pytest.mark.anyio
async def test_rank_by_similarity_is_one_deadline_across_its_batches(clock: FakeClock) -> None:
    wire = Wire(clock).add("POST", SIMILARITY, 7.0, ok([0.1, 0.9]))
    wire.add("POST", SIMILARITY, 1.0, ok([0.5, 0.2]))
    async with make_client(wire) as client:
        ranked = await client.text.rank(
            "q", ["a", "b", "c", "d"], model="org/mini", batch_size=2, timeout=10
        )
    assert [r.index for r in ranked] == [1, 2, 3, 0]
    assert wire.reads() == [10.0, 3.0]  # the second batch gets what the first left

    # a batch cut by the time up is the call's timeout (10 s), not a per-batch one (3 s)
    wire = Wire(clock).add("POST", SIMILARITY, 7.0, ok([0.1, 0.9]))
    wire.add("POST", SIMILARITY, 8.0, ok([0.5, 0.2])).add("POST", SIMILARITY, 0.0, ok([0.3]))
    async with make_client(wire, max_retries=3) as client:
        with pytest.raises(DeadlineExceeded) as caught:
            await client.text.rank(
                "q", ["a", "b", "c", "d", "e"], model="org/mini", batch_size=2, timeout=10
            )
    assert caught.value.message.startswith("The call did not finish within its timeout of 10 s")
    assert wire.urls() == [f"POST {SIMILARITY}"] * 2  # the third batch was never sent


@pytest.mark.anyio
async def test_similarity_keeps_its_own_timeout(clock: FakeClock) -> None:
    wire = Wire(clock).add("POST", SIMILARITY, 1.0, ok([0.25]))
    async with make_client(wire) as client:
        scores = await client.embeddings.similarity("org/mini", "q", ["a"], timeout=4)
    assert list(scores) == [0.25]
    assert wire.reads() == [4.0]
