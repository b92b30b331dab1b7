"""Task-call plumbing on both twins, against an in-process mock server (no network):
URL inputs downloaded without credentials, the Hub's default model (one lookup per client),
size checks before any request, answers of the wrong shape, and ``infer`` for a task the
client has no method for."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    BinaryResult,
    DeadlineExceeded,
    ModelNotAvailableOnProvider,
    NetworkError,
    NotFound,
    ServerError,
    ServiceUnavailable,
    ValidationError,
)

from ..media import png, wav
from .conftest import FakeClock

TOKEN = "hf_client_test_token"
ROUTER = "https://router.huggingface.co/hf-inference/models"
FILES = "https://files.example.com"
TASKS_URL = "https://huggingface.co/api/tasks"
ENDPOINT = "https://abc123.us-east-1.aws.endpoints.huggingface.cloud"
Handler = Callable[[httpx2.Request], httpx2.Response]


class Server:
    """Routes requests by URL to canned answers and keeps what it saw."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        self.routes = routes
        self.seen: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append(request)
        url = str(request.url)
        for prefix, handler in self.routes.items():
            if url.startswith(prefix):
                return handler(request)
        return httpx2.Response(404, json={"error": f"no route for {url}"})

    def urls(self) -> list[str]:
        return [f"{r.method} {r.url}" for r in self.seen]


def client_for(
    server: Server, *, follow_redirects: bool = False, **config: Any
) -> AsyncHfInferenceClient:
    http = httpx2.AsyncClient(
        transport=httpx2.MockTransport(server), follow_redirects=follow_redirects
    )
    return AsyncHfInferenceClient(
        token=TOKEN,
        http_client=http,
        bill_to="acme",
        **{"default_provider": "hf-inference", **config},
    )


class Chunks(httpx2.AsyncByteStream):
    """A response body served in chunks, counting what was read and whether it was closed."""

    def __init__(self, chunk: bytes, count: int) -> None:
        self.chunk = chunk
        self.count = count
        self.served = 0
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.count):
            self.served += 1
            yield self.chunk

    async def aclose(self) -> None:
        self.closed = True


def assert_no_credentials(request: httpx2.Request) -> None:
    assert request.method == "GET" and request.content == b""
    assert "authorization" not in request.headers
    assert "x-hf-bill-to" not in request.headers
    assert request.headers["user-agent"].startswith("hf-inference-endpoints/")


def classify_answer(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json=[{"label": "cat", "score": 0.9}])


@pytest.mark.anyio
async def test_url_inputs_are_downloaded_without_credentials() -> None:
    image = png(3, 3)
    server = Server(
        {
            f"{FILES}/cat.png": lambda r: httpx2.Response(
                200, content=image, headers={"content-type": "application/octet-stream"}
            ),
            f"{FILES}/voice": lambda r: httpx2.Response(
                200, content=b"raw-pcm", headers={"content-type": "audio/x-raw; rate=8000"}
            ),
            f"{ROUTER}/": classify_answer,
        }
    )
    async with client_for(server) as client:
        out = await client.images.classify(model="org/vit", image=f"{FILES}/cat.png")
        await client.audio.classify(model="org/ast", audio=f"{FILES}/voice")
    download, call, voice, call2 = server.seen
    assert (download.method, str(download.url)) == ("GET", f"{FILES}/cat.png")
    assert "authorization" not in download.headers
    assert "x-hf-bill-to" not in download.headers
    assert download.headers["user-agent"].startswith("hf-inference-endpoints/")
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    assert call.headers["content-type"] == "image/png"  # sniffed, not the host's octet-stream
    assert call.content == image
    assert "authorization" not in voice.headers
    assert call2.headers["content-type"] == "audio/x-raw"  # unknown bytes: the host's type
    assert call2.content == b"raw-pcm"
    assert [(x.label, x.score) for x in out] == [("cat", 0.9)]


@pytest.mark.anyio
async def test_a_failed_download_says_which_input(fake_clock: FakeClock) -> None:
    server = Server({FILES: lambda r: httpx2.Response(404, text="gone")})
    async with client_for(server) as client:
        with pytest.raises(NotFound) as info:
            await client.images.classify(model="org/vit", image=f"{FILES}/x.png")
    assert str(info.value).startswith(f"Downloading the image input {FILES}/x.png failed: ")
    assert info.value.status_code == 404
    assert info.value.endpoint == f"{FILES}/x.png"
    assert server.urls() == [f"GET {FILES}/x.png"]  # not retried; nothing sent to the model
    assert fake_clock.sleeps == []


@pytest.mark.anyio
async def test_a_download_is_retried_after_a_503(fake_clock: FakeClock) -> None:
    image = png(2, 2)
    answers = [
        httpx2.Response(503, html="<html><body>503 Service Temporarily Unavailable</body></html>"),
        httpx2.Response(200, content=image),
    ]
    server = Server({FILES: lambda r: answers.pop(0), f"{ROUTER}/": classify_answer})
    async with client_for(server) as client:
        out = await client.images.classify(model="org/vit", image=f"{FILES}/cat.png")
    assert server.urls() == [f"GET {FILES}/cat.png"] * 2 + [f"POST {ROUTER}/org/vit"]
    for download in server.seen[:2]:
        assert_no_credentials(download)
    assert server.seen[2].content == image
    assert len(fake_clock.sleeps) == 1 and 0 <= fake_clock.sleeps[0] <= 1.0  # backoff
    assert [x.label for x in out] == ["cat"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (503, b"<!DOCTYPE html><html><body>Service Unavailable</body></html>", ServiceUnavailable),
        # a host's JSON that looks like a model loading is not waited on as a cold start
        (503, b'{"error": "busy", "estimated_time": 120}', ServiceUnavailable),
        (502, b"<html><body>Bad gateway</body></html>", ServerError),
    ],
)
async def test_a_download_that_keeps_failing_is_retried_then_raises(
    fake_clock: FakeClock, status: int, body: bytes, error: type[Exception]
) -> None:
    server = Server({FILES: lambda r: httpx2.Response(status, content=body)})
    async with client_for(server, max_retries=2) as client:
        with pytest.raises(error) as info:
            await client.images.classify(model="org/vit", image=f"{FILES}/cat.png")
    assert type(info.value) is error
    assert str(info.value).startswith(f"Downloading the image input {FILES}/cat.png failed: ")
    assert info.value.status_code == status  # type: ignore[attr-defined]
    assert info.value.endpoint == f"{FILES}/cat.png"  # type: ignore[attr-defined]
    assert server.urls() == [f"GET {FILES}/cat.png"] * 3
    assert len(fake_clock.sleeps) == 2
    assert all(0 <= delay <= 2.0 for delay in fake_clock.sleeps)  # backoff, not 120 s


@pytest.mark.anyio
async def test_a_download_stops_at_the_callers_total_timeout(fake_clock: FakeClock) -> None:
    busy = httpx2.Response(503, text="busy", headers={"retry-after": "2"})
    server = Server({FILES: lambda r: busy})
    async with client_for(server, max_retries=5) as client:
        with pytest.raises(DeadlineExceeded, match="Downloading the image input") as caught:
            await client.images.classify(model="org/vit", image=f"{FILES}/cat.png", timeout=3.0)
    # 2 s wait, second attempt at t=2 s; a second 2 s wait would pass the 3 s total: that is
    # the call's timeout (the last answer, a 503, is its cause)
    assert "within its timeout of 3 s" in caught.value.message
    assert isinstance(caught.value.__cause__, ServiceUnavailable)
    assert fake_clock.sleeps == [2.0]
    assert server.urls() == [f"GET {FILES}/cat.png"] * 2


@pytest.mark.anyio
async def test_download_network_errors_are_retried(fake_clock: FakeClock) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused", request=request)

    server = Server({FILES: refuse})
    async with client_for(server, max_retries=2) as client:
        with pytest.raises(NetworkError) as info:
            await client.audio.transcribe(model="org/whisper", audio=f"{FILES}/a.wav")
    assert str(info.value).startswith(
        f"Downloading the audio input {FILES}/a.wav failed: Could not reach {FILES}/a.wav: "
        "ConnectError: refused"
    )
    assert info.value.endpoint == f"{FILES}/a.wav"
    assert server.urls() == [f"GET {FILES}/a.wav"] * 3
    assert len(fake_clock.sleeps) == 2


@pytest.mark.anyio
@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
async def test_a_download_larger_than_max_response_bytes_is_abandoned(
    fake_clock: FakeClock, announced: bool
) -> None:
    body = Chunks(b"x" * 8, count=100)  # 800 bytes against a 20-byte limit
    headers = {"content-length": "800"} if announced else {}
    server = Server({FILES: lambda r: httpx2.Response(200, headers=headers, stream=body)})
    async with client_for(server, max_response_bytes=20) as client:
        with pytest.raises(ServerError) as info:
            await client.images.classify(model="org/vit", image=f"{FILES}/huge.png")
    assert str(info.value).startswith(
        f"Downloading the image input {FILES}/huge.png failed: The response body is larger "
        "than max_response_bytes=20; raise max_response_bytes"
    )
    assert info.value.endpoint == f"{FILES}/huge.png"
    assert info.value.status_code == 200 and not info.value.is_retryable
    assert body.closed
    # announced: nothing read; chunked: read until the limit was passed (3 x 8 > 20)
    assert body.served == (0 if announced else 3)
    assert server.urls() == [f"GET {FILES}/huge.png"]  # not retried, no model call
    assert fake_clock.sleeps == []


@pytest.mark.anyio
async def test_a_download_at_max_response_bytes_is_accepted() -> None:
    image = png(2, 2)
    server = Server(
        {
            FILES: lambda r: httpx2.Response(200, content=image),
            f"{ROUTER}/": classify_answer,
        }
    )
    async with client_for(server, max_response_bytes=len(image)) as client:
        await client.images.classify(model="org/vit", image=f"{FILES}/cat.png")
    assert server.seen[1].content == image


@pytest.mark.anyio
async def test_an_empty_download_is_a_validation_error() -> None:
    server = Server({FILES: lambda r: httpx2.Response(200, content=b"")})
    async with client_for(server) as client:
        with pytest.raises(ValidationError, match=f"the image at {FILES}/e.png is empty"):
            await client.images.classify(model="org/vit", image=f"{FILES}/e.png")
    assert server.urls() == [f"GET {FILES}/e.png"]


@pytest.mark.anyio
async def test_a_download_follows_a_redirect_to_another_origin_without_credentials() -> None:
    image = png(2, 2)
    cdn = "https://cdn.other.example"
    server = Server(
        {
            f"{FILES}/moved.png": lambda r: httpx2.Response(
                302, headers={"location": f"{cdn}/cat.png?sig=abc"}
            ),
            cdn: lambda r: httpx2.Response(200, content=image),
            f"{ROUTER}/": classify_answer,
        }
    )
    async with client_for(server, follow_redirects=True) as client:
        await client.images.classify(model="org/vit", image=f"{FILES}/moved.png")
    assert server.urls() == [
        f"GET {FILES}/moved.png",
        f"GET {cdn}/cat.png?sig=abc",
        f"POST {ROUTER}/org/vit",
    ]
    assert_no_credentials(server.seen[0])
    assert_no_credentials(server.seen[1])
    assert server.seen[2].headers["authorization"] == f"Bearer {TOKEN}"
    assert server.seen[2].content == image


@pytest.mark.anyio
async def test_the_hub_default_model_is_looked_up_once_per_client() -> None:
    catalogue = {
        "image-classification": {
            "id": "image-classification",
            "widgetModels": ["google/vit-base-patch16-224"],
        },
        "text-to-image": {"id": "text-to-image", "widgetModels": []},
    }
    server = Server(
        {TASKS_URL: lambda r: httpx2.Response(200, json=catalogue), f"{ROUTER}/": classify_answer}
    )
    async with client_for(server) as client:
        first = await client.images.classify(image=png())
        await client.images.classify(image=png())
        with pytest.raises(ValidationError, match="model is required for text-to-image"):
            await client.images.generate(prompt="a fox")
        client.clear_caches()
        await client.images.classify(image=png())
    model_url = f"POST {ROUTER}/google/vit-base-patch16-224"
    assert server.urls() == [
        f"GET {TASKS_URL}",
        model_url,
        model_url,
        f"GET {TASKS_URL}",
        model_url,
    ]
    assert first[0].response_meta is not None
    assert first[0].response_meta.model == "google/vit-base-patch16-224"


@pytest.mark.anyio
async def test_an_oversized_image_is_refused_before_any_request() -> None:
    server = Server({})
    async with client_for(server, max_image_size_bytes=10, auto_optimize_images=False) as client:
        with pytest.raises(ValidationError, match="above max_image_size_bytes=10"):
            await client.images.classify(model="org/vit", image=png(4, 4))
    assert server.seen == []


@pytest.mark.anyio
async def test_wrong_option_types_send_nothing() -> None:
    server = Server({})
    async with client_for(server) as client:
        with pytest.raises(ValidationError, match="nothing was sent"):
            await client.images.detect(model="org/detr", image=png(), threshold="high")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="nothing was sent"):
            await client.text.zero_shot_classify(model="org/nli", text="x", candidate_labels=[])
    assert server.seen == []


@pytest.mark.anyio
async def test_an_answer_of_the_wrong_shape_is_a_server_error() -> None:
    server = Server({f"{ROUTER}/": lambda r: httpx2.Response(200, json={"unexpected": True})})
    async with client_for(server) as client:
        with pytest.raises(ServerError, match=r"not the expected result.*text-classification"):
            await client.text.classify(model="org/sst", text="hi")


@pytest.mark.anyio
async def test_json_answers_to_a_file_task() -> None:
    image = png(2, 1)
    answers = {
        "b64": {"data": [{"b64_json": base64.b64encode(image).decode()}]},
        "url": {"output": [f"{FILES}/out.png"]},
        "inline": {"output": ["data:image/png;base64," + base64.b64encode(image).decode()]},
        "bad-inline": {"output": ["data:image/png;base64,@@@"]},
        "junk": {"error": None},
    }

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=answers[request.url.path.rsplit("/", 1)[1]])

    server = Server(
        {f"{ROUTER}/": answer, f"{FILES}/out.png": lambda r: httpx2.Response(200, content=image)}
    )
    async with client_for(server) as client:
        inline = await client.images.generate(model="org/b64", prompt="a fox")
        linked = await client.images.generate(model="org/url", prompt="a fox")
        inline_url = await client.images.generate(model="org/inline", prompt="a fox")
        with pytest.raises(ServerError, match="data: URL that does not decode"):
            await client.images.generate(model="org/bad-inline", prompt="a fox")
        with pytest.raises(ServerError, match="expected a file, got JSON"):
            await client.images.generate(model="org/junk", prompt="a fox")
    assert inline.content == image and inline.content_type == "image/png"
    assert linked.content == image and linked.content_type == "image/png"
    assert inline_url.content == image  # decoded locally: no request for it
    assert [str(r.url) for r in server.seen].count(f"{FILES}/out.png") == 1
    download = server.seen[2]
    assert str(download.url) == f"{FILES}/out.png"
    assert "authorization" not in download.headers


@pytest.mark.anyio
async def test_text_methods_take_a_batch_of_texts() -> None:
    answers = {
        "org/sst": [[{"label": "POSITIVE", "score": 0.9}], [{"label": "NEGATIVE", "score": 0.7}]],
        "org/mt": [{"translation_text": "Bonjour"}, {"translation_text": "Merci"}],
        "org/sum": [{"summary_text": "short"}, {"summary_text": "shorter"}],
        "org/mlm": [
            [{"sequence": "a b", "score": 0.5, "token": 1, "token_str": "b"}],
            [{"sequence": "c d", "score": 0.4, "token": 2, "token_str": "d"}],
        ],
    }

    def answer(request: httpx2.Request) -> httpx2.Response:
        model = request.url.path.split("/models/", 1)[1]
        return httpx2.Response(200, json=answers[model])

    server = Server({f"{ROUTER}/": answer})
    async with client_for(server) as client:
        labels = await client.text.classify("org/sst", ["good", "bad"], top_k=1)
        french = await client.text.translate("org/mt", ["Hello", "Thanks"], tgt_lang="fr")
        summaries = await client.text.summarize("org/sum", ["long text", "longer text"])
        masks = await client.text.fill_mask("org/mlm", ["a [MASK]", "c [MASK]"])
        single = await client.text.translate("org/mt", "Hello")
    bodies = [json.loads(r.content) for r in server.seen]
    assert bodies[0] == {"inputs": ["good", "bad"], "parameters": {"top_k": 1}}
    assert bodies[1] == {"inputs": ["Hello", "Thanks"], "parameters": {"tgt_lang": "fr"}}
    assert bodies[4] == {"inputs": "Hello"}
    assert [[x.label for x in per_text] for per_text in labels] == [["POSITIVE"], ["NEGATIVE"]]
    assert [t.translation_text for t in french] == ["Bonjour", "Merci"]
    assert [t.summary_text for t in summaries] == ["short", "shorter"]
    assert [[c.token_str for c in per_text] for per_text in masks] == [["b"], ["d"]]
    assert single.translation_text == "Bonjour"  # one text: element 0, as before
    assert labels[1][0].response_meta is not None
    assert french[0].response_meta is not None


@pytest.mark.anyio
async def test_tabular_regression_is_routed_on_hf_inference() -> None:
    server = Server({f"{ROUTER}/": lambda request: httpx2.Response(200, json=[4.2, 3.9])})
    table = {"data": {"height": ["11.52", "12.48"], "width": ["4.02", "4.30"]}}
    async with client_for(server) as client:
        values = await client.infer(
            "tabular-regression", "org/fish-weight", table, provider="hf-inference"
        )
    (sent,) = server.seen
    assert str(sent.url) == f"{ROUTER}/org/fish-weight"
    assert json.loads(sent.content) == {"inputs": table}
    assert values == [4.2, 3.9]


@pytest.mark.anyio
async def test_infer_a_task_without_a_method() -> None:
    def tabular(request: httpx2.Request) -> httpx2.Response:
        if "wav" in str(request.url):
            return httpx2.Response(200, content=wav(), headers={"content-type": "audio/wav"})
        return httpx2.Response(200, json=["setosa", "versicolor"])

    server = Server({f"{ROUTER}/": tabular, ENDPOINT: tabular})
    async with client_for(server) as client:
        labels = await client.infer(
            "tabular-classification", "org/iris", {"sepal": ["5.1", "4.9"]}, {"x": None}
        )
        audio = await client.infer("text-to-speech", "org/wav-tts", "hello", {"speed": 1.5})
        raw_file = await client.infer("some-file-task", ENDPOINT, png())
        with pytest.raises(
            ModelNotAvailableOnProvider, match="does not serve task 'some-file-task'"
        ):
            await client.infer("some-file-task", "org/x", png())
    first, second, third = server.seen
    # tabular-classification now has a method (text.classify_table): infer sends its body
    assert json.loads(first.content) == {"inputs": {"data": {"sepal": ["5.1", "4.9"]}}}
    assert labels == ["setosa", "versicolor"]
    assert json.loads(second.content) == {"inputs": "hello", "parameters": {"speed": 1.5}}
    assert isinstance(audio, BinaryResult) and audio.content_type == "audio/wav"
    assert str(third.url) == ENDPOINT
    assert json.loads(third.content)["inputs"].startswith("iVBORw0KGgo")  # unknown: base64 JSON
    assert raw_file == ["setosa", "versicolor"]
    with pytest.raises(ValidationError, match="task must be a non-empty string"):
        await client.infer("", "org/x", "hi")


@pytest.mark.anyio
async def test_a_dedicated_endpoint_url_gets_the_same_body() -> None:
    url = ENDPOINT
    server = Server({url: classify_answer})
    async with client_for(server) as client:
        out = await client.images.classify(model=url, image=png())
    [request] = server.seen
    assert str(request.url) == url
    assert request.content == png()
    assert request.headers["content-type"] == "image/png"
    assert out[0].response_meta is not None
    assert out[0].response_meta.provider == "endpoint"


def mapping(model: str, **providers: str) -> Handler:
    """The Hub's answer to the provider-mapping lookup of ``model``."""
    entries = {
        name.replace("_", "-"): {"status": "live", "providerId": pid, "task": task}
        for name, (pid, task) in ((n, v.split("|")) for n, v in providers.items())
    }
    return lambda r: httpx2.Response(
        200, json={"_id": "x", "id": model, "inferenceProviderMapping": entries}
    )


@pytest.mark.anyio
async def test_provider_auto_resolving_to_hf_inference_sends_the_raw_file() -> None:
    model = "openai/whisper-large-v3"
    audio = wav(0.05)
    server = Server(
        {
            f"https://huggingface.co/api/models/{model}": mapping(
                model, hf_inference=f"{model}|automatic-speech-recognition"
            ),
            f"{ROUTER}/": lambda r: httpx2.Response(200, json={"text": " hello"}),
        }
    )
    async with client_for(server) as client:
        out = await client.audio.transcribe(model=model, audio=audio, provider="auto")
    lookup, call = server.seen
    assert lookup.url.path == f"/api/models/{model}"
    assert str(call.url) == f"{ROUTER}/{model}"
    assert call.headers["content-type"] == "audio/wav"
    assert call.content == audio
    assert out.text == " hello"
    assert out.response_meta is not None and out.response_meta.provider == "hf-inference"


@pytest.mark.anyio
async def test_a_named_provider_gets_the_file_with_its_type() -> None:
    model = "openai/whisper-large-v3"
    audio = wav(0.05)
    server = Server(
        {
            f"https://huggingface.co/api/models/{model}": mapping(
                model, fal_ai="fal-ai/whisper|automatic-speech-recognition"
            ),
            "https://router.huggingface.co/fal-ai/": lambda r: httpx2.Response(
                200, json={"text": " hello", "chunks": []}
            ),
        }
    )
    async with client_for(server) as client:
        out = await client.audio.transcribe(model=model, audio=audio, provider="fal-ai")
    _, call = server.seen
    assert str(call.url) == "https://router.huggingface.co/fal-ai/fal-ai/whisper"
    expected_url = "data:audio/wav;base64," + base64.b64encode(audio).decode()
    assert json.loads(call.content) == {"audio_url": expected_url}
    assert out.text == " hello"
    assert out.response_meta is not None and out.response_meta.provider == "fal-ai"


@pytest.mark.anyio
async def test_the_main_arguments_may_be_positional() -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/vqa"):
            return httpx2.Response(200, json=[{"answer": "red", "score": 0.9}])
        return httpx2.Response(200, json=[[{"label": "POSITIVE", "score": 0.99}]])

    server = Server({f"{ROUTER}/": answer})
    async with client_for(server) as client:
        labels = await client.text.classify("org/sst", "I like you")
        [red] = await client.images.answer("org/vqa", png(), "What color?")
        with pytest.raises(ValidationError, match="text is required"):
            await client.text.classify("org/sst")
        with pytest.raises(ValidationError, match="candidate_labels is required"):
            await client.images.zero_shot_classify("org/clip", png())
    first, second = server.seen
    assert json.loads(first.content) == {"inputs": "I like you"}
    assert json.loads(second.content)["inputs"]["question"] == "What color?"
    assert labels[0].label == "POSITIVE"
    assert red.answer == "red"
