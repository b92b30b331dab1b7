"""Property tests (hypothesis) for the promises of issue 7.

* Any status, headers and body -> ``error_from_response`` returns an ``HfError`` and never
  raises; the retry policy then decides without raising anything else. Same for
  ``error_from_event`` with any JSON payload, and ``parse_retry_after`` with any header.
* Any event stream, split anywhere -> the stream layer (``Stream``/``AsyncStream`` over an
  httpx2 ``MockTransport``, through ``client.chat.stream``) yields the same items and ends
  with the same error as when the body arrives in one piece, and both match a plain model
  of the stream. (The SSE decoder's own split property lives in test_sse_properties.py.)
* Model ids, endpoint names and namespaces with arbitrary unicode -> ``ValidationError``,
  or a URL whose path is exactly the expected route with the escaped id: never ``..``, an
  extra ``/``, a query or a fragment smuggled in.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import quote, unquote

import anyio
import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    ConfigurationError,
    GatewayTimeout,
    HfError,
    HfInferenceClient,
    HfInferenceConfig,
    ModelNotAvailableOnProvider,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestRejected,
    StreamInterrupted,
    ValidationError,
)
from hf_inference_endpoints._endpoints.names import parse_endpoint_ref
from hf_inference_endpoints._endpoints.requests import management_request
from hf_inference_endpoints._errors import ErrorContext, error_from_event, error_from_response
from hf_inference_endpoints._retry import Deadline, RetryPolicy, RetryState, parse_retry_after
from hf_inference_endpoints._routing import prepare
from hf_inference_endpoints._routing.hub import model_info_request

SETTINGS = settings(max_examples=300, deadline=None)

# --------------------------------------------------------------------------- values

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
#: Dicts shaped like the error bodies the mapping looks into, with any value in each slot.
error_shaped = st.fixed_dictionaries(
    {},
    optional={
        key: json_values
        for key in (
            "error",
            "error_description",
            "error_type",
            "errors",
            "estimated_time",
            "message",
            "detail",
            "code",
        )
    },
)
bodies = st.one_of(
    st.binary(max_size=64),
    (json_values | error_shaped).map(lambda v: json.dumps(v).encode()),
    json_values | error_shaped,  # an already decoded JSON value
    st.text(max_size=64),
    st.sampled_from(
        [
            b"<!DOCTYPE html><html><body>502</body></html>",
            b"<html>oops</html>",
            b"\xff\xfe\x00garbage",
            b"",
            b"null",
        ]
    ),
)
header_values = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e309",
            "nan",
            "inf",
            "-inf",
            "1.5",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "Thu, 01 Jan 1970 00:00:00 +9999",
            "Tue, 99 Foo 2020 99:99:99 GMT",
        ]
    ),
)
header_names = st.sampled_from(
    [
        "retry-after",
        "retry-after-ms",
        "x-request-id",
        "x-error-message",
        "x-amzn-trace-id",
        "content-type",
    ]
) | st.text(min_size=1, max_size=10)
headers = st.dictionaries(header_names, header_values, max_size=6)
optional_text = st.none() | st.text(max_size=12)
contexts = st.builds(
    ErrorContext,
    provider=optional_text,
    model=optional_text,
    endpoint=optional_text,
    endpoint_state=optional_text,
    endpoint_waking=st.booleans(),
)


# --------------------------------------------------------------------------- errors


@SETTINGS
@given(status=st.integers(100, 599), headers=headers, body=bodies, context=contexts)
def test_any_answer_maps_to_an_hf_error(
    status: int, headers: dict[str, str], body: Any, context: ErrorContext
) -> None:
    retry_after = parse_retry_after(headers)
    err = error_from_response(status, headers, body, context=context, retry_after=retry_after)
    assert isinstance(err, HfError)
    assert err.status_code == status
    assert isinstance(str(err), str) and isinstance(repr(err), str)
    assert isinstance(err.is_retryable, bool)
    assert err.server_message is None or len(err.server_message) <= 2001
    expected = {
        401: AuthenticationError,
        403: PermissionDenied,
        404: NotFound,
        429: RateLimited,
        413: RequestRejected,
        422: RequestRejected,
        504: GatewayTimeout,
    }.get(status)
    if expected is not None:
        assert type(err) is expected
    # What the transport does next never raises anything but an HfError, and never sleeps
    # a negative, endless or NaN time.
    deadline = Deadline(100.0, 100.0, lambda: 1.0)
    state = RetryState(RetryPolicy(max_retries=3, max_delay=30.0), started=0.0, deadline=deadline)
    try:
        delay = state.next_delay(err, now=1.0)
    except HfError:
        return
    assert math.isfinite(delay) and 0.0 <= delay <= 30.0


@SETTINGS
@given(payload=json_values | error_shaped, context=contexts, request_id=optional_text)
def test_any_event_payload_is_an_error_or_nothing(
    payload: Any, context: ErrorContext, request_id: str | None
) -> None:
    err = error_from_event(payload, context=context, request_id=request_id)
    assert err is None or isinstance(err, (StreamInterrupted, ValidationError))
    if err is not None:
        assert isinstance(str(err), str) and err.request_id == request_id


@SETTINGS
@given(headers=headers, now=st.floats(0, 4e9))
def test_retry_after_is_none_or_a_finite_wait(headers: dict[str, str], now: float) -> None:
    seconds = parse_retry_after(headers, now=now)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0.0)


@SETTINGS
@given(value=st.none() | st.integers() | st.floats() | st.booleans() | st.text(max_size=3))
def test_max_response_bytes_is_validated(value: Any) -> None:
    good = value is None or (type(value) is int and value >= 1)
    if good:
        assert HfInferenceConfig(max_response_bytes=value).max_response_bytes == value
    else:
        with pytest.raises(ConfigurationError, match="max_response_bytes"):
            HfInferenceConfig(max_response_bytes=value)


# --------------------------------------------------------------------------- streams


def chat_chunk(content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "org/model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


# One event of a chat stream: (kind, argument).
events = st.one_of(
    st.tuples(st.just("chunk"), st.text(max_size=6)),
    st.tuples(st.just("final"), st.none()),
    st.tuples(st.just("error"), st.text(min_size=1, max_size=6)),
    st.tuples(st.just("malformed"), st.none()),
    st.tuples(st.just("comment"), st.none()),
    st.tuples(st.just("done"), st.none()),
)


@st.composite
def event_streams(draw: st.DrawFn) -> tuple[list[tuple[str, Any]], bytes]:
    """A chat event stream and its bytes (one line ending per stream, maybe a BOM)."""
    evs = draw(st.lists(events, max_size=8))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    ascii_only = draw(st.booleans())
    split_data = draw(st.booleans())  # one JSON over two data: lines (joined with \n)
    lines: list[str] = []
    for kind, arg in evs:
        if kind in ("chunk", "final", "error"):
            if kind == "error":
                payload: Any = {"error": {"message": arg, "http_status_code": 500}}
            else:
                payload = chat_chunk(arg) if kind == "chunk" else chat_chunk(None, "stop")
            text = json.dumps(payload, ensure_ascii=ascii_only)
            head, sep, tail = text.partition(", ")
            if split_data and sep:
                lines += [f"data: {head},", f"data: {tail}"]
            else:
                lines.append(f"data: {text}")
        elif kind == "malformed":
            lines.append("data: {oops")
        elif kind == "comment":
            lines.append(": keep-alive")
        else:
            lines.append("data: [DONE]")
        lines.append("")
    body = "".join(line + ending for line in lines).encode()
    if draw(st.booleans()):
        body = b"\xef\xbb\xbf" + body
    return evs, body


Outcome = tuple[list[tuple[Any, Any]], tuple[str, str | None] | None]


def model_outcome(evs: list[tuple[str, Any]]) -> Outcome:
    """What the stream must yield and how it must end, straight from the events."""
    items: list[tuple[Any, Any]] = []
    finished = False
    for kind, arg in evs:
        if kind == "done":
            return items, None
        if kind == "error":
            return items, ("StreamInterrupted", arg)
        if kind == "malformed":
            return items, ("StreamInterrupted", None)
        if kind == "chunk":
            items.append((arg, None))
        elif kind == "final":
            items.append((None, "stop"))
            finished = True
    return items, None if finished else ("StreamInterrupted", None)


def summarise(items: list[Any], error: HfError | None) -> Outcome:
    got = [(c.choices[0].delta.content, c.choices[0].finish_reason) for c in items]
    return got, None if error is None else (type(error).__name__, error.server_message)


@st.composite
def splits(draw: st.DrawFn, body: bytes) -> list[bytes]:
    cuts = sorted(set(draw(st.lists(st.integers(0, len(body)), max_size=12))))
    pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    if draw(st.booleans()):  # sometimes byte by byte
        pieces = [body[i : i + 1] for i in range(len(body))]
    return [p for p in pieces if p]


SSE_HEADERS = {"content-type": "text/event-stream", "x-request-id": "prop"}
MESSAGES = [{"role": "user", "content": "hi"}]


def run_sync(pieces: list[bytes]) -> Outcome:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=SSE_HEADERS, content=iter(pieces))

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    with HfInferenceClient(
        default_provider="hf-inference", token="hf_x", http_client=http, max_retries=0
    ) as client:
        stream = client.chat.stream(model="org/model", messages=MESSAGES)
        items: list[Any] = []
        error: HfError | None = None
        try:
            for item in stream:
                items.append(item)
        except HfError as exc:
            error = exc
        assert stream.is_closed
    http.close()
    return summarise(items, error)


class _Pieces:
    """An async byte iterator that is not an async generator (nothing for the GC to finalize)."""

    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = list(pieces)

    def __aiter__(self) -> _Pieces:
        return self

    async def __anext__(self) -> bytes:
        if not self._pieces:
            raise StopAsyncIteration
        return self._pieces.pop(0)


def run_async(pieces: list[bytes], backend: str) -> Outcome:
    async def main() -> Outcome:
        def handler(request: httpx2.Request) -> httpx2.Response:
            return httpx2.Response(200, headers=SSE_HEADERS, content=_Pieces(pieces))

        http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
        async with AsyncHfInferenceClient(
            default_provider="hf-inference", token="hf_x", http_client=http, max_retries=0
        ) as c:
            stream = await c.chat.stream(model="org/model", messages=MESSAGES)
            items: list[Any] = []
            error: HfError | None = None
            try:
                async for item in stream:
                    items.append(item)
            except HfError as exc:
                error = exc
            assert stream.is_closed
        await http.aclose()
        return summarise(items, error)

    return anyio.run(main, backend=backend)


def _matches_model(got: Outcome, evs: list[tuple[str, Any]]) -> None:
    items, ending = model_outcome(evs)
    assert got[0] == items
    if ending is None:
        assert got[1] is None
    else:
        assert got[1] is not None and got[1][0] == ending[0]
        if ending[1] is not None:  # an error event: its message is the server's
            assert got[1][1] == ending[1]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), stream=event_streams())
def test_sync_stream_split_anywhere_yields_the_same(
    data: st.DataObject, stream: tuple[list[tuple[str, Any]], bytes]
) -> None:
    evs, body = stream
    whole = run_sync([body] if body else [])
    _matches_model(whole, evs)
    assert run_sync(data.draw(splits(body))) == whole


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), stream=event_streams(), backend=st.sampled_from(["asyncio", "trio"]))
def test_async_stream_split_anywhere_yields_the_same(
    data: st.DataObject, stream: tuple[list[tuple[str, Any]], bytes], backend: str
) -> None:
    evs, body = stream
    whole = run_async([body] if body else [], backend)
    _matches_model(whole, evs)
    assert run_async(data.draw(splits(body)), backend) == whole


# --------------------------------------------------------------------------- URL paths

#: Characters that could change a route if they reached a path unescaped, and some unicode.
tricky = st.sampled_from(
    [*"/\\.?#%:@;&=+ \t\n\x00", "..", "%2F", "%2e%2e", "é", "🤗", "\u202e", "／", "．"]
)
segmentish = st.lists(
    st.one_of(tricky, st.characters(codec="utf-8"), st.sampled_from(list("aZ09-_"))),
    max_size=12,
).map("".join)
ids = st.one_of(
    st.text(max_size=20),
    segmentish,
    st.tuples(segmentish, segmentish).map("/".join),
    st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,10}(/[A-Za-z0-9][A-Za-z0-9._-]{0,10})?\Z"),
)
ROUTERS = ["https://router.huggingface.co", "http://127.0.0.1:8080/behind/a/proxy"]
TASKS = ["conversational", "text-generation", "feature-extraction"]


def _body(task: str) -> dict[str, Any]:
    if task == "conversational":
        return {"messages": MESSAGES}
    return {"inputs": "x"}


def _raw_path(url: str) -> str:
    parsed = httpx2.URL(url)
    assert parsed.query == b"" and parsed.fragment == ""
    return parsed.raw_path.decode("ascii")


def _quote_id(model: str) -> str:
    return "/".join(quote(part, safe="") for part in model.split("/"))


def _assert_clean(raw_path: str) -> None:
    segments = raw_path.split("/")[1:]
    assert all(seg not in ("", ".", "..") for seg in segments), raw_path
    assert all(unquote(seg) not in (".", "..") for seg in segments), raw_path


@SETTINGS
@given(model=ids, router=st.sampled_from(ROUTERS), task=st.sampled_from(TASKS))
def test_model_ids_are_validated_or_escaped(model: str, router: str, task: str) -> None:
    config = HfInferenceConfig(token="hf_x", router_url=router)

    def build(model: str) -> Any:
        return prepare(config, model, "hf-inference", task, _body(task), False, None, None)

    try:
        prepared = build(model)
    except (ValidationError, ModelNotAvailableOnProvider):
        return  # rejected before any I/O
    assert not model.startswith(("http://", "https://"))  # (URL targets are not generated)
    base, colon, suffix = model.partition(":")
    reference = build("org/model" + colon + suffix)  # the same route for a plain id
    ref_path = _raw_path(reference.url)
    path = _raw_path(prepared.url)
    assert httpx2.URL(prepared.url).host == httpx2.URL(router).host
    if "/org/model" in ref_path:
        assert path == ref_path.replace("/org/model", "/" + _quote_id(base), 1)
    else:  # a route without the id (the router's chat route): the id is in the body
        assert path == ref_path
        assert json.loads(prepared.content or b"{}").get("model") in (model, base)
    _assert_clean(path)


@SETTINGS
@given(model=ids)
def test_hub_model_info_ids_are_validated_or_escaped(model: str) -> None:
    config = HfInferenceConfig(token="hf_x")
    try:
        prepared = model_info_request(config, model)
    except ValidationError:
        return
    path = _raw_path(prepared.url)
    assert path == "/api/models/" + _quote_id(model)
    _assert_clean(path)


@SETTINGS
@given(
    ref=ids,
    namespace=st.none() | segmentish | st.text(max_size=12),
    action=st.sampled_from([None, "pause", "resume", "scale-to-zero"]),
)
def test_endpoint_names_and_namespaces_are_validated_or_escaped(
    ref: str, namespace: str | None, action: Any
) -> None:
    config = HfInferenceConfig(token="hf_x")
    try:
        parsed = parse_endpoint_ref(ref, namespace)
    except ValidationError:
        return
    resolved = parsed if parsed.namespace else parsed.with_namespace("fallback-ns")
    assert resolved.namespace is not None
    prepared = management_request(config, "GET", resolved, action=action)
    path = _raw_path(prepared.url)
    expected = f"/v2/endpoint/{quote(resolved.namespace, safe='')}/{quote(resolved.name, safe='')}"
    assert path == expected + (f"/{action}" if action else "")
    _assert_clean(path)
    segments = path.split("/")
    assert unquote(segments[3]) == resolved.namespace and unquote(segments[4]) == resolved.name
