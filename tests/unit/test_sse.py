"""Exact cases for the incremental SSE decoder (WHATWG event-stream parsing)."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from hf_inference_endpoints import _sse
from hf_inference_endpoints._sse import ServerSentEvent, SSEDecoder

E = ServerSentEvent


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    """Feed the chunks one by one, then flush; return every event."""
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    events += decoder.flush()
    return events


CASES: list[tuple[str, bytes, list[ServerSentEvent]]] = [
    ("lf", b"data: a\n\ndata: b\n\n", [E(data="a"), E(data="b")]),
    ("cr", b"data: a\r\rdata: b\r\r", [E(data="a"), E(data="b")]),
    ("crlf", b"data: a\r\n\r\ndata: b\r\n\r\n", [E(data="a"), E(data="b")]),
    ("mixed lf then cr", b"data: a\n\r", [E(data="a")]),
    ("mixed cr then crlf", b"data: a\r\r\n", [E(data="a")]),
    ("mixed crlf then cr", b"data: a\r\n\r", [E(data="a")]),
    ("mixed crlf then lf", b"data: a\r\n\n", [E(data="a")]),
    ("mixed line endings inside data", b"data: a\rdata: b\r\ndata: c\n\n", [E(data="a\nb\nc")]),
    ("cr then lf is one line ending", b"data: a\r\ndata: b\n\n", [E(data="a\nb")]),
    ("multi-line data", b"data: one\ndata: two\ndata: three\n\n", [E(data="one\ntwo\nthree")]),
    ("empty data line in the middle", b"data: a\ndata:\ndata: b\n\n", [E(data="a\n\nb")]),
    ("data without space", b'data:{"x":1}\n\n', [E(data='{"x":1}')]),
    ("data with two spaces strips one", b"data:  two\n\n", [E(data=" two")]),
    ("trailing spaces kept", b"data: a  \n\n", [E(data="a  ")]),
    ("tab is not stripped", b"data:\ta\n\n", [E(data="\ta")]),
    ("colon inside the value", b"data: a:b: c\n\n", [E(data="a:b: c")]),
    ("data with empty value is dispatched", b"data:\n\n", [E(data="")]),
    ("data field without colon", b"data\n\n", [E(data="")]),
    ("data without colon adds an empty line", b"data: a\ndata\n\n", [E(data="a\n")]),
    ("comment ignored", b": keep-alive\ndata: a\n\n", [E(data="a")]),
    ("comments between data lines", b"data: a\n:ping\ndata: b\n\n", [E(data="a\nb")]),
    ("keep-alive only stream", b": keep-alive\n\n: keep-alive\n\n", []),
    ("bare colon comment", b":\n\ndata: a\n\n", [E(data="a")]),
    ("event type", b"event: add\ndata: a\n\n", [E(event="add", data="a")]),
    (
        "event type resets after dispatch",
        b"event: add\ndata: a\n\ndata: b\n\n",
        [E("add", "a"), E("message", "b")],
    ),
    ("empty event type means message", b"event:\ndata: a\n\n", [E(data="a")]),
    ("event type of undispatched block is dropped", b"event: x\n\ndata: a\n\n", [E(data="a")]),
    ("last event type wins", b"event: a\nevent: b\ndata: x\n\n", [E(event="b", data="x")]),
    ("event field order does not matter", b"data: x\nevent: late\n\n", [E(event="late", data="x")]),
    ("id", b"id: 7\ndata: a\n\n", [E(data="a", id="7")]),
    ("id persists", b"id: 7\ndata: a\n\ndata: b\n\n", [E(data="a", id="7"), E(data="b", id="7")]),
    ("id from a block without data persists", b"id: 1\n\ndata: a\n\n", [E(data="a", id="1")]),
    (
        "empty id resets to empty string",
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [E(data="a", id="1"), E(data="b", id="")],
    ),
    (
        "id with NUL ignored",
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [E(data="a", id="1"), E(data="b", id="1")],
    ),
    ("id with only NUL ignored", b"id: \x00\ndata: a\n\n", [E(data="a")]),
    ("retry", b"retry: 3000\ndata: a\n\n", [E(data="a", retry=3000)]),
    (
        "retry is per block",
        b"retry: 10\ndata: a\n\ndata: b\n\n",
        [E(data="a", retry=10), E(data="b")],
    ),
    ("retry leading zeros", b"retry: 007\ndata: a\n\n", [E(data="a", retry=7)]),
    ("retry not digits ignored", b"retry: 1.5\ndata: a\n\n", [E(data="a")]),
    ("retry negative ignored", b"retry: -1\ndata: a\n\n", [E(data="a")]),
    ("retry empty ignored", b"retry:\ndata: a\n\n", [E(data="a")]),
    ("retry with trailing space ignored", b"retry: 5 \ndata: a\n\n", [E(data="a")]),
    ("retry non-ascii digits ignored", "retry: ١٢\ndata: a\n\n".encode(), [E(data="a")]),
    (
        "invalid retry keeps earlier valid one",
        b"retry: 5\nretry: x\ndata: a\n\n",
        [E(data="a", retry=5)],
    ),
    ("bom skipped", b"\xef\xbb\xbfdata: a\n\n", [E(data="a")]),
    ("bom then comment", b"\xef\xbb\xbf: hi\ndata: a\n\n", [E(data="a")]),
    ("only one bom skipped", b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n", [E(data="b")]),
    ("bom later is data", b"data: \xef\xbb\xbfa\n\n", [E(data="\ufeffa")]),
    ("done", b"data: [DONE]\n\n", [E(data="[DONE]")]),
    ("empty line alone dispatches nothing", b"\n\n\n", []),
    ("block without data not dispatched", b"event: x\nid: 1\nretry: 5\n\n", []),
    ("unknown field ignored", b"foo: bar\ndata: a\nDATA: b\nData: c\n\n", [E(data="a")]),
    ("field name with space is unknown", b" data: a\ndata : b\ndata: c\n\n", [E(data="c")]),
    ("field with no colon and unknown name", b"hello\ndata: a\n\n", [E(data="a")]),
    ("unicode data", "data: héllo 🤗\n\n".encode(), [E(data="héllo 🤗")]),
    ("invalid utf-8 replaced", b"data: a\xffb\n\n", [E(data="a\ufffdb")]),
    (
        "truncated utf-8 before line end replaced",
        b"data: \xe2\x82\ndata: x\n\n",
        [E(data="\ufffd\nx")],
    ),
    ("nul in data kept", b"data: a\x00b\n\n", [E(data="a\x00b")]),
    ("incomplete event discarded at eof", b"data: a\n\ndata: b\n", [E(data="a")]),
    ("incomplete line discarded at eof", b"data: a\n\ndata: b", [E(data="a")]),
    ("cr at eof dispatches", b"data: a\r\r", [E(data="a")]),
]


@pytest.mark.parametrize(("stream", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases_whole(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert decode(stream) == expected


@pytest.mark.parametrize(("stream", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases_byte_by_byte(stream: bytes, expected: list[ServerSentEvent]) -> None:
    assert decode(*(stream[i : i + 1] for i in range(len(stream)))) == expected


@pytest.mark.parametrize(("stream", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases_every_two_way_split(stream: bytes, expected: list[ServerSentEvent]) -> None:
    for i in range(len(stream) + 1):
        assert decode(stream[:i], stream[i:]) == expected, i


def test_crlf_split_across_chunks_is_one_line_ending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    # The LF completes the CRLF; it must not be read as an empty line dispatching "a".
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"data: b\r") == []
    assert decoder.feed(b"\ndata: c\r\n\r") == [E(data="a\nb\nc")]
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\r\n") == []
    assert decoder.feed(b"data: d\r\n\r\n") == [E(data="d")]


def test_cr_at_chunk_end_then_empty_line() -> None:
    # CR | CR: the second CR is an empty line, whatever comes after it.
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\r") == [E(data="a")]
    assert decoder.feed(b"\n") == []  # completes the CRLF begun by the second CR
    assert decoder.feed(b"data: b\n\n") == [E(data="b")]


def test_cr_completes_the_line_without_waiting() -> None:
    # A CR is a line ending on its own: the event is out as soon as the second CR arrives.
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r\r") == [E(data="a")]


def test_empty_feeds_keep_pending_crlf() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"") == []
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\n") == [E(data="a")]


@pytest.mark.parametrize("split", range(1, 4))
def test_utf8_character_split_across_feeds(split: int) -> None:
    hug = "🤗".encode()  # four bytes
    stream = b"data: " + hug + b"\n\n"
    cut = len(b"data: ") + split
    decoder = SSEDecoder()
    assert decoder.feed(stream[:cut]) == []
    assert decoder.feed(stream[cut:]) == [E(data="🤗")]


def test_bom_split_across_feeds() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"\xef") == []
    assert decoder.feed(b"\xbb") == []
    assert decoder.feed(b"\xbfdata: a\n\n") == [E(data="a")]


def test_bom_prefix_that_is_not_a_bom() -> None:
    assert decode(b"\xef", b"data: a\n\n") == []  # the stray byte spoils the field name
    assert decode(b"\xef\n", b"data: a\n\n") == [E(data="a")]
    assert decode(b"\xefdata: a\n\ndata: b\n\n") == [E(data="b")]


def test_event_not_dispatched_before_its_empty_line() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.has_pending
    assert decoder.feed(b"data: b\n") == []
    assert decoder.feed(b"\n") == [E(data="a\nb")]
    assert not decoder.has_pending


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        # Chunks shaped like the fast path (one whole data event) meeting pending state.
        ([b"event: x\n", b"data: a\n\n", b"data: b\n\n"], [E("x", "a"), E("message", "b")]),
        ([b"data: a\n", b"data: b\n\n"], [E(data="a\nb")]),
        (
            [b"id: 1\nretry: 5\n", b"data: a\n\n", b"data: b\n\n"],
            [E("message", "a", "1", 5), E("message", "b", "1")],
        ),
        ([b"da", b"data: b\n\n"], []),
        ([b"data: a\n\n", b"\xef\xbb\xbfdata: b\n\n"], [E(data="a")]),
        ([b": c\r", b"data: b\n\n", b"\ndata: c\n\n"], [E(data="b"), E(data="c")]),
        ([b"data:\n\n", b"data: \n\n", b"data:  \n\n"], [E(data=""), E(data=""), E(data=" ")]),
        ([b"data: a\rb\n\n"], [E(data="a")]),  # the CR ends "data: a"; "b" is an unknown field
        ([b"data: a\n\n\n"], [E(data="a")]),
        ([b"data: a\ndata: b\n"], []),
    ],
)
def test_whole_event_chunks(chunks: list[bytes], expected: list[ServerSentEvent]) -> None:
    assert decode(*chunks) == expected


def test_fast_event_construction_matches_the_constructor() -> None:
    assert [f.name for f in dataclasses.fields(ServerSentEvent)] == ["event", "data", "id", "retry"]
    built = _sse._event("e", "d", "i", 3)
    assert built == ServerSentEvent("e", "d", "i", 3)
    assert type(built) is ServerSentEvent
    assert hash(built) == hash(ServerSentEvent("e", "d", "i", 3))


def test_flush_discards_incomplete_event_and_resets() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 9\nretry: 50\nevent: x\ndata: lost\n") == []
    assert decoder.has_pending
    assert decoder.flush() == []
    assert not decoder.has_pending
    # Ready for a new stream; id and reconnection time survive, event type and data do not.
    assert decoder.last_event_id == "9"
    assert decoder.retry == 50
    assert decoder.feed(b"\xef\xbb\xbfdata: new\n\n") == [E(data="new", id="9")]


def test_flush_discards_partial_line_and_pending_crlf() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\ndata: b\r") == [E(data="a")]
    assert decoder.flush() == []
    assert decoder.feed(b"\ndata: c\n\n") == [E(data="c")]  # the LF is an empty line again


@pytest.mark.parametrize(
    ("fed", "pending"),
    [
        (b"", False),
        (b"data: a\n\n", False),
        (b"data", True),
        (b"data: a", True),
        (b"data: a\n", True),
        (b"dat", False),
        (b"event: x\n", False),
        (b": keep-alive", False),
        (b"id: 1\nretry: 2\n", False),
    ],
)
def test_has_pending(fed: bytes, pending: bool) -> None:
    decoder = SSEDecoder()
    decoder.feed(fed)
    assert decoder.has_pending is pending


def test_decoder_state_properties() -> None:
    decoder = SSEDecoder()
    assert decoder.last_event_id is None
    assert decoder.retry is None
    decoder.feed(b"id: a\nretry: 100\n\nretry: nope\n")
    assert decoder.last_event_id == "a"
    assert decoder.retry == 100


@pytest.mark.parametrize(
    ("data", "done"),
    [
        ("[DONE]", True),
        (" [DONE] ", True),
        ("[DONE]\n", True),
        ("[done]", False),
        ('"[DONE]"', False),
        ("", False),
    ],
)
def test_is_done(data: str, done: bool) -> None:
    assert E(data=data).is_done is done


def test_event_is_frozen_with_slots() -> None:
    event = E(data="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.data = "y"  # type: ignore[misc]
    assert not hasattr(event, "__dict__")
    assert event == ServerSentEvent("message", "x", None, None)


# A TGI /generate_stream transcript: no space after "data:", keep-alive comments,
# and no [DONE]; the stream just ends after the event carrying details.
TGI_STREAM = (
    b'data:{"index":1,"token":{"id":3923,"text":"The","logprob":-0.5,"special":false},'
    b'"generated_text":null,"details":null}\n\n'
    b": keep-alive\n\n"
    b'data:{"index":2,"token":{"id":1917,"text":" answer","logprob":-0.1,"special":false},'
    b'"generated_text":null,"details":null}\n\n'
    b'data:{"index":3,"token":{"id":2,"text":"</s>","logprob":0.0,"special":true},'
    b'"generated_text":"The answer","details":{"finish_reason":"eos_token",'
    b'"generated_tokens":3,"input_length":5,"seed":null}}\n\n'
)

# An OpenAI-style chat stream: one space after "data:", CRLF, ends with [DONE].
CHAT_STREAM = (
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",'
    b'"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\r\n\r\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",'
    b'"choices":[{"index":0,"delta":{"content":" th\xc3\xa8re"},"finish_reason":null}]}\r\n\r\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",'
    b'"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\r\n\r\n'
    b"data: [DONE]\r\n\r\n"
)

# TGI chat: an error mid-stream is a normal data event, followed by [DONE].
CHAT_ERROR_STREAM = (
    b'data: {"error":{"message":"Input validation error","http_status_code":422}}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 64, 10_000])
def test_tgi_generate_stream_transcript(chunk_size: int) -> None:
    chunks = [TGI_STREAM[i : i + chunk_size] for i in range(0, len(TGI_STREAM), chunk_size)]
    events = decode(*chunks)
    assert [e.event for e in events] == ["message"] * 3
    assert not any(e.is_done for e in events)
    payloads = [json.loads(e.data) for e in events]
    assert "".join(p["token"]["text"] for p in payloads) == "The answer</s>"
    assert payloads[-1]["generated_text"] == "The answer"
    assert payloads[-1]["details"]["finish_reason"] == "eos_token"


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 64, 10_000])
def test_openai_chat_stream_transcript(chunk_size: int) -> None:
    chunks = [CHAT_STREAM[i : i + chunk_size] for i in range(0, len(CHAT_STREAM), chunk_size)]
    events = decode(*chunks)
    assert [e.is_done for e in events] == [False, False, False, True]
    deltas = [json.loads(e.data)["choices"][0]["delta"] for e in events[:-1]]
    assert "".join(d.get("content", "") for d in deltas) == "Hi thère"
    assert json.loads(events[2].data)["choices"][0]["finish_reason"] == "stop"


def test_error_event_is_just_data() -> None:
    events = decode(CHAT_ERROR_STREAM)
    assert json.loads(events[0].data)["error"]["http_status_code"] == 422
    assert events[1].is_done


def _long_line_seconds(size: int, piece: int) -> tuple[float, list[ServerSentEvent]]:
    decoder = SSEDecoder()
    block = b"x" * piece
    started = time.perf_counter()
    decoder.feed(b"data: ")
    for _ in range(size // piece):
        decoder.feed(block)
    assert decoder.has_pending
    events = decoder.feed(b"\n\n")
    return time.perf_counter() - started, events


def test_a_40_mb_line_decodes_in_linear_time() -> None:
    # Joining the tail to each chunk took 8-20 s here (quadratic); linear is ~0.2 s.
    elapsed, events = _long_line_seconds(40 * 1024 * 1024, 64 * 1024)
    assert len(events) == 1 and len(events[0].data) == 40 * 1024 * 1024
    assert elapsed < 3.0


def test_a_long_line_in_small_chunks_is_joined_once() -> None:
    decoder = SSEDecoder()
    pieces = [b"da", b"ta", b": ", b"x" * 10, b"y" * 10, b"z\r"]
    for piece in pieces[:-1]:
        assert decoder.feed(piece) == []
    assert decoder.has_pending  # "data:" spans three chunks
    assert decoder.feed(pieces[-1]) == []
    (event,) = decoder.feed(b"\n\r\n")  # the LF completes the CRLF, then an empty line
    assert event.data == "x" * 10 + "y" * 10 + "z"


def test_has_pending_reads_a_field_name_split_over_chunks() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"event: x\nd")
    decoder.feed(b"at")
    assert not decoder.has_pending  # "dat" may still become "date:"
    decoder.feed(b"a")
    assert decoder.has_pending  # "data" with no colon is a data field


def test_a_line_trickled_byte_by_byte_takes_its_size_in_memory() -> None:
    import tracemalloc

    decoder = SSEDecoder()
    decoder.feed(b"data: ")
    size = 100_000
    piece = bytearray(b"xx")
    tracemalloc.start()
    try:
        for _ in range(size // 2):
            decoder.feed(bytes(piece))  # a new object each time, as socket reads are
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # one Python object per piece would take ~45 bytes for 2 (2 MB); gathered: ~0.1 MB
    assert peak < 1_000_000
    (event,) = decoder.feed(b"\n\n")
    assert event.data == "x" * size
