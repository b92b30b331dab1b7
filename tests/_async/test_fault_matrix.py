"""The fault matrix: every fault x {plain call, streaming call}, over real loopback sockets.

Each cell scripts the raw-socket fault server (tests/faults/server.py), makes one
``chat.complete`` or ``chat.stream`` call, and asserts that

* the outcome is the right typed ``HfError`` (the exact class) or a recovery;
* it came within the cell's bound of wall-clock time (timeouts are small, so a client
  that waits for the server's 30 s silence fails the bound);
* no request is left in flight in the connection pool (a stream is closed by the library
  itself once it fails or ends), and after the client closes the server holds no socket.

Retry and cold-start waits run on the ``fake_clock`` (instant, recorded); socket timeouts
are real. Each test records its outcome in ``user_properties``; ``python -m
tests.faults.table`` runs this file on both twins and writes docs/FAULT_MATRIX.md.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sniffio  # unasync: remove

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AsyncStream,
    ColdStartTimeout,
    HfError,
    NetworkError,
    RateLimited,
    RequestTimeout,
    ServerError,
    StreamInterrupted,
)
from hf_inference_endpoints._routing.providers.hf_inference import HfInferenceHelper

from ..faults import server as fs
from .conftest import FakeClock

MODEL = "org/model"
MESSAGES = [{"role": "user", "content": "hi"}]
TOKEN = "hf_fault_matrix_token"
#: What the redirect cells send besides the token: billing, a header the provider helper
#: adds for its own authentication (as fal's ``Key`` scheme or an ``x-key``), and an extra
#: header of the caller's.
BILL_TO = "acme-org"
PROVIDER_AUTH = {"x-key": "provider-secret-key"}
EXTRA_HEADERS = {"X-Trace-Id": "trace-1"}
PLAIN, STREAM = "plain", "stream"

#: Every cell starts from this config; small socket timeouts only where a cell needs them.
BASE_CONFIG: dict[str, Any] = {
    "connection_timeout": 0.5,
    "request_timeout": 5.0,
    "stream_timeout": 5.0,
    "max_retries": 2,
    "retry_base_delay": 0.01,
}
FAST_TIMEOUT = 0.25  # request_timeout / stream_timeout of the timeout cells
TRICKLE_LIMIT = 0.5  # request_timeout / stream_timeout of the trickle cells


class Harness:
    """What a cell's script and checks see."""

    def __init__(self, server: fs.FaultServer, other: fs.FaultServer, clock: FakeClock) -> None:
        self.server = server
        self.other = other  # a second origin (redirect target)
        self.clock = clock
        self.items: list[Any] = []
        self.result: Any = None
        self.stream: AsyncStream[Any] | None = None
        self.error: HfError | None = None

    @property
    def meta(self) -> Any:
        if self.stream is not None:
            return self.stream.response_meta
        return None if self.result is None else self.result.response_meta


Script = Callable[[Harness], list[fs.Behaviour]]
Check = Callable[[Harness], None]


@dataclass(frozen=True)
class Cell:
    fault: str  # the row label in the table
    kind: str  # PLAIN or STREAM
    script: Script
    expect: type[HfError] | None  # None: the call recovers
    note: str  # what the cell shows, in words (the table prints it)
    check: Check = lambda h: None
    config: dict[str, Any] = field(default_factory=dict)
    refused: bool = False  # point the client at a port that refuses connections
    credentials: bool = False  # also send BILL_TO, PROVIDER_AUTH and EXTRA_HEADERS
    bound: float = 2.0  # wall-clock seconds the call may take
    at_least: float = 0.0  # ... and must take (timeouts really waited)
    xfail: str | None = None  # a known library bug (strict: the cell must still fail)

    @property
    def id(self) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in self.fault.lower())
        return "-".join(p for p in slug.split("-") if p) + f"-{self.kind}"


def ok(kind: str) -> fs.Behaviour:
    return fs.completion() if kind == PLAIN else fs.stream()


def times(n: int, make: Callable[[], fs.Behaviour]) -> list[fs.Behaviour]:
    return [make() for _ in range(n)]


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


def loading(estimated: float) -> fs.Behaviour:
    body = {"error": "Model org/model is currently loading", "estimated_time": estimated}
    return fs.respond(503, json_body=body)


def sleeps_are(*expected: float) -> Check:
    def check(h: Harness) -> None:
        assert h.clock.sleeps == list(expected)

    return check


def check_http_date(h: Harness) -> None:
    (slept,) = h.clock.sleeps
    assert 17.0 <= slept <= 20.0  # "now + 20 s" at one-second resolution


def check_jittered(ceilings: list[float]) -> Check:
    def check(h: Harness) -> None:
        assert len(h.clock.sleeps) == len(ceilings)
        for slept, ceiling in zip(h.clock.sleeps, ceilings, strict=True):
            assert 0.0 <= slept <= ceiling

    return check


def check_cold_start(h: Harness) -> None:
    assert h.clock.sleeps == [7.0]
    assert h.meta is not None and h.meta.cold_start_wait == 7.0 and h.meta.attempts == 2


def check_cold_timeout(h: Harness) -> None:
    assert h.clock.sleeps == [7.0, 3.0]
    assert isinstance(h.error, ColdStartTimeout) and h.error.waited == 10.0


def check_html(h: Harness) -> None:
    assert h.error is not None and h.error.status_code == 502
    assert h.error.server_message == "the server answered with an HTML error page"
    assert "<html" not in str(h.error)


def check_request_id(h: Harness) -> None:
    assert h.error is not None and h.error.request_id == "fault-req"


def check_error_event(h: Harness) -> None:
    assert h.error is not None and h.error.server_message == "overloaded"
    assert h.error.request_id == "fault-req"


def check_no_done(h: Harness) -> None:
    assert h.error is not None and "[DONE]" in h.error.message


def check_malformed_event(h: Harness) -> None:
    assert h.error is not None and "malformed" in h.error.message


def check_server_message(text: str) -> Check:
    def check(h: Harness) -> None:
        assert h.error is not None and h.error.server_message == text
        assert h.error.request_id == "fault-req"

    return check


def check_mentions(text: str) -> Check:
    def check(h: Harness) -> None:
        assert h.error is not None and text in str(h.error)

    return check


#: Header names the redirect cells send that carry a credential or the caller's choice.
SENSITIVE = ("authorization", "x-hf-bill-to", "x-key", "x-trace-id")


def check_all_sent(request: fs.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["x-hf-bill-to"] == BILL_TO
    assert request.headers["x-key"] == PROVIDER_AUTH["x-key"]
    assert request.headers["x-trace-id"] == EXTRA_HEADERS["X-Trace-Id"]


def check_no_credential_followed(h: Harness) -> None:
    (first,) = h.server.requests
    (second,) = h.other.requests
    check_all_sent(first)
    for name in SENSITIVE:
        assert name not in second.headers, f"{name} reached the other origin"
    assert second.headers["user-agent"] == first.headers["user-agent"]
    assert second.headers["accept"] == first.headers["accept"]
    assert second.method == "POST" and second.body == first.body


def check_same_origin_keeps_all(h: Harness) -> None:
    first, second = h.server.requests
    assert second.path == "/v2/chat/completions"
    check_all_sent(first)
    check_all_sent(second)
    assert second.method == "POST" and second.body == first.body


def redirected(kind: str) -> Script:
    def script(h: Harness) -> list[fs.Behaviour]:
        h.other.script(ok(kind))
        return [fs.redirect(f"{h.other.url}/v1/chat/completions")]

    return script


def redirected_here(kind: str) -> Script:
    def script(h: Harness) -> list[fs.Behaviour]:
        return [fs.redirect(f"{h.server.url}/v2/chat/completions"), ok(kind)]

    return script


_HTML_502 = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"


def _cells() -> list[Cell]:
    cells: list[Cell] = []
    for kind in (PLAIN, STREAM):
        cells += [
            Cell(
                "429 with Retry-After in seconds",
                kind,
                lambda h, k=kind: [
                    fs.respond(429, json_body={"error": "busy"}, headers={"retry-after": "2"}),
                    ok(k),
                ],
                None,
                "waits the 2 s the server asked for, then succeeds",
                sleeps_are(2.0),
            ),
            Cell(
                "429 with Retry-After as an HTTP date",
                kind,
                lambda h, k=kind: [
                    fs.respond(
                        429, json_body={"error": "busy"}, headers={"retry-after": http_date(20)}
                    ),
                    ok(k),
                ],
                None,
                "waits until the date (about 20 s), then succeeds",
                check_http_date,
            ),
            Cell(
                "429 with retry-after-ms",
                kind,
                lambda h, k=kind: [
                    fs.respond(
                        429, json_body={"error": "busy"}, headers={"retry-after-ms": "1500"}
                    ),
                    ok(k),
                ],
                None,
                "waits 1.5 s, then succeeds",
                sleeps_are(1.5),
            ),
            Cell(
                "429 without Retry-After",
                kind,
                lambda h, k=kind: [fs.respond(429, json_body={"error": "busy"}), ok(k)],
                None,
                "jittered exponential backoff (≤ retry_base_delay), then succeeds",
                check_jittered([0.01]),
            ),
            Cell(
                "429 on every attempt",
                kind,
                lambda h: times(3, lambda: fs.respond(429, json_body={"error": "busy"})),
                RateLimited,
                "gives up after max_retries=2 with the last 429 and its request id",
                check_request_id,
            ),
            Cell(
                "503 loading with estimated_time",
                kind,
                lambda h, k=kind: [loading(7.0), ok(k)],
                None,
                "waits estimated_time (7 s), reports cold_start_wait=7, then succeeds",
                check_cold_start,
            ),
            Cell(
                "503 loading past cold_start_timeout",
                kind,
                lambda h: times(3, lambda: loading(7.0)),
                ColdStartTimeout,
                "waits 7 s + 3 s, then stops at cold_start_timeout=10",
                check_cold_timeout,
                config={"cold_start_timeout": 10.0},
            ),
            Cell(
                "500, 502, 504 then success",
                kind,
                lambda h, k=kind: [
                    fs.respond(500, json_body={"error": "boom"}),
                    fs.respond(502, json_body={"error": "502 Bad Gateway"}),
                    fs.respond(504, json_body={"error": "504 Gateway Timeout"}),
                    ok(k),
                ],
                None,
                "three backoff retries (ceilings 0.01, 0.02, 0.04 s), then succeeds",
                check_jittered([0.01, 0.02, 0.04]),
                config={"max_retries": 3},
            ),
            Cell(
                "502 HTML page",
                kind,
                lambda h: times(3, lambda: fs.respond(502, _HTML_502, content_type="text/html")),
                ServerError,
                "retried, then status 502 and a one-line message (no HTML in it)",
                check_html,
            ),
            Cell(
                "connection refused",
                kind,
                lambda h: [],
                NetworkError,
                "retried max_retries times, then NetworkError",
                check_jittered([0.01, 0.02]),
                refused=True,
            ),
            Cell(
                "reset before the headers, once",
                kind,
                lambda h, k=kind: [fs.reset_before_headers(), ok(k)],
                None,
                "the retry on a new connection succeeds",
            ),
            Cell(
                "reset before the headers, every time",
                kind,
                lambda h: times(3, fs.reset_before_headers),
                NetworkError,
                "retried, then NetworkError",
            ),
            Cell(
                "slow headers (request timeout)",
                kind,
                lambda h: times(2, lambda: fs.slow_headers(30.0)),
                RequestTimeout,
                f"each attempt stops after {FAST_TIMEOUT} s (one retry), not after the server's 30 s",
                config={
                    "request_timeout": FAST_TIMEOUT,
                    "stream_timeout": FAST_TIMEOUT,
                    "max_retries": 1,
                },
                at_least=2 * FAST_TIMEOUT,
                bound=2 * FAST_TIMEOUT + 2.0,
            ),
            Cell(
                "headers trickled a byte at a time",
                kind,
                lambda h: times(2, lambda: fs.trickle_headers(every=0.05)),
                RequestTimeout,
                f"every read gets a byte, yet each attempt ends at request_timeout={TRICKLE_LIMIT} s "
                "(one retry)",
                config={"request_timeout": TRICKLE_LIMIT, "max_retries": 1},
                at_least=2 * TRICKLE_LIMIT,
                bound=2 * TRICKLE_LIMIT + 2.0,
            ),
            Cell(
                "oversized body",
                kind,
                lambda h, k=kind: [fs.oversized(8 << 20, sse=k == STREAM)],
                ServerError if kind == PLAIN else StreamInterrupted,
                "max_response_bytes=1 MiB stops an 8 MiB answer without reading it all",
                check_mentions("max_response_bytes"),
                config={"max_response_bytes": 1 << 20},
            ),
            Cell(
                "redirect to another origin",
                kind,
                redirected(kind),
                None,
                "307 followed with method and body; no Authorization, X-HF-Bill-To, "
                "provider key or extra header reaches the new origin",
                check_no_credential_followed,
                credentials=True,
            ),
            Cell(
                "redirect on the same origin",
                kind,
                redirected_here(kind),
                None,
                "307 followed with method and body; the token, X-HF-Bill-To, provider key "
                "and extra header all follow",
                check_same_origin_keeps_all,
                credentials=True,
            ),
        ]
    cells += [
        Cell(
            "body trickled a byte at a time",
            PLAIN,
            lambda h: times(2, lambda: fs.trickle_body(every=0.05)),
            RequestTimeout,
            f"every read gets a byte, yet each attempt ends at request_timeout={TRICKLE_LIMIT} s "
            "(one retry)",
            config={"request_timeout": TRICKLE_LIMIT, "max_retries": 1},
            at_least=2 * TRICKLE_LIMIT,
            bound=2 * TRICKLE_LIMIT + 2.0,
        ),
        Cell(
            "keep-alive comments only",
            STREAM,
            lambda h: [fs.keep_alive_only(every=0.05)],
            RequestTimeout,
            f"one event, then comments: stream_timeout={TRICKLE_LIMIT} s counts them as silence",
            config={"stream_timeout": TRICKLE_LIMIT},
            at_least=TRICKLE_LIMIT,
            bound=TRICKLE_LIMIT + 2.0,
        ),
        Cell(
            "reset mid-body",
            PLAIN,
            lambda h: times(3, fs.reset_mid_body),
            NetworkError,
            "half of a Content-Length body, then RST: retried, then NetworkError",
        ),
        Cell(
            "reset mid-body",
            STREAM,
            lambda h: [
                fs.reset_mid_body(fs.sse_body(fs.NORMAL_EVENTS), content_type="text/event-stream")
            ],
            StreamInterrupted,
            "a Content-Length event stream cut by RST: the events before the cut, then the error",
            check_request_id,
        ),
        Cell(
            "reset mid-stream",
            PLAIN,
            lambda h: times(3, fs.reset_mid_chunked_body),
            NetworkError,
            "a chunked body cut by RST: retried, then NetworkError",
        ),
        Cell(
            "reset mid-stream",
            STREAM,
            lambda h: [fs.reset_mid_stream()],
            StreamInterrupted,
            "2 chunks, then RST: no retry after the first byte, StreamInterrupted",
            check_request_id,
        ),
        Cell(
            "stream ends without [DONE]",
            STREAM,
            lambda h: [fs.stream(fs.PARTIAL_EVENTS, done=False)],
            StreamInterrupted,
            "2 chunks, a clean end without [DONE] or a finish_reason: StreamInterrupted",
            check_no_done,
        ),
        Cell(
            "200 carrying an error object",
            PLAIN,
            lambda h: [
                fs.respond(200, json_body={"error": {"message": "overloaded", "code": 500}})
            ],
            ServerError,
            "a typed error with the server's message, not an empty answer",
            check_mentions("overloaded"),
        ),
        Cell(
            "error event mid-stream",
            STREAM,
            lambda h: [fs.error_event("overloaded")],
            StreamInterrupted,
            "the 2 chunks before it, then the error with the server's message and request id",
            check_error_event,
        ),
        Cell(
            "200 carrying an error object",
            STREAM,
            lambda h: [fs.respond(200, json_body={"error": "Model is overloaded"})],
            StreamInterrupted,
            "JSON instead of events: the error it carries, with the server's message",
            check_server_message("Model is overloaded"),
        ),
        Cell(
            "malformed JSON",
            PLAIN,
            lambda h: [fs.respond(200, b'{"id": "x", oops', content_type="application/json")],
            ServerError,
            "not retried; the message names the content type",
            check_mentions("application/json"),
        ),
        Cell(
            "malformed JSON",
            STREAM,
            lambda h: [fs.stream([fs.chat_chunk("Hel"), b"data: {oops\n\n"])],
            StreamInterrupted,
            "the chunk before it, then StreamInterrupted (malformed event)",
            check_malformed_event,
        ),
        Cell(
            "wrong content type",
            PLAIN,
            lambda h: [fs.respond(200, "<html><body>hi</body></html>", content_type="text/html")],
            ServerError,
            "an HTML page with 200 for a JSON call: typed error naming text/html",
            check_mentions("text/html"),
        ),
        Cell(
            "wrong content type",
            STREAM,
            lambda h: [fs.completion()],
            ServerError,
            "a JSON answer to a stream call: typed error naming the content type",
            check_mentions("application/json"),
        ),
        Cell(
            "stream stalls (idle timeout)",
            PLAIN,
            lambda h: times(2, lambda: fs.stall_body(30.0)),
            RequestTimeout,
            f"half a body then silence: each attempt stops after {FAST_TIMEOUT} s (one retry)",
            config={"request_timeout": FAST_TIMEOUT, "max_retries": 1},
            at_least=2 * FAST_TIMEOUT,
            bound=2 * FAST_TIMEOUT + 2.0,
        ),
        Cell(
            "stream stalls (idle timeout)",
            STREAM,
            lambda h: [fs.stall_stream(seconds=30.0)],
            RequestTimeout,
            f"2 chunks, then silence: stops after stream_timeout={FAST_TIMEOUT} s",
            config={"stream_timeout": FAST_TIMEOUT},
            at_least=FAST_TIMEOUT,
            bound=FAST_TIMEOUT + 2.0,
        ),
    ]
    cells.sort(key=lambda c: (ORDER.index(c.fault), c.kind != PLAIN))
    return cells


#: The rows in issue 7's order (a cell whose fault is missing here fails at import).
ORDER = [
    "429 with Retry-After in seconds",
    "429 with Retry-After as an HTTP date",
    "429 with retry-after-ms",
    "429 without Retry-After",
    "429 on every attempt",
    "503 loading with estimated_time",
    "503 loading past cold_start_timeout",
    "500, 502, 504 then success",
    "502 HTML page",
    "connection refused",
    "reset before the headers, once",
    "reset before the headers, every time",
    "reset mid-body",
    "reset mid-stream",
    "stream ends without [DONE]",
    "error event mid-stream",
    "200 carrying an error object",
    "malformed JSON",
    "wrong content type",
    "slow headers (request timeout)",
    "stream stalls (idle timeout)",
    "headers trickled a byte at a time",
    "body trickled a byte at a time",
    "keep-alive comments only",
    "oversized body",
    "redirect to another origin",
    "redirect on the same origin",
]
CELLS = _cells()
#: Faults that have no meaning for one kind of call, and why (printed in the table).
NOT_APPLICABLE = {
    ("stream ends without [DONE]", PLAIN): "a plain answer has no end marker; "
    "a body cut short is the reset mid-body row",
    ("error event mid-stream", PLAIN): "a plain answer has no events; "
    "a 200 carrying an error object is its own row",
    ("body trickled a byte at a time", STREAM): "a stream's body is events: "
    "keep-alive comments only is its row",
    ("keep-alive comments only", PLAIN): "a plain answer has no events; "
    "body trickled a byte at a time is its row",
}
RUNNER = "sync"


def in_flight(client: AsyncHfInferenceClient) -> int:
    """Requests the connection pool still has checked out."""
    pool = client._transport.http_client._transport  # type: ignore[attr-defined]
    return int(pool.in_flight)


async def call(client: AsyncHfInferenceClient, h: Harness, cell: Cell) -> None:
    extra: dict[str, Any] = {}
    if cell.credentials:
        extra = {"bill_to": BILL_TO, "extra_headers": EXTRA_HEADERS}
    if cell.kind == PLAIN:
        h.result = await client.chat.complete(model=MODEL, messages=MESSAGES, **extra)
        return
    h.stream = await client.chat.stream(model=MODEL, messages=MESSAGES, **extra)
    async for item in h.stream:
        h.items.append(item)


def describe(cell: Cell, h: Harness) -> str:
    outcome = "recovered" if h.error is None else f"`{type(h.error).__name__}`"
    requests = len(h.server.requests) + len(h.other.requests)
    parts = [f"{requests} request{'s' if requests != 1 else ''}"]
    if cell.kind == STREAM and h.stream is not None:
        parts.append(f"{len(h.items)} chunk{'s' if len(h.items) != 1 else ''}")
    return f"{outcome} ({', '.join(parts)})"


@pytest.mark.anyio
@pytest.mark.parametrize(
    "cell",
    [
        pytest.param(
            c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else []
        )
        for c in CELLS
    ],
)
async def test_fault(
    cell: Cell,
    fake_clock: FakeClock,
    no_env: None,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = RUNNER
    runner = sniffio.current_async_library()  # unasync: remove
    if cell.credentials:  # the provider helper adds its own auth header, as fal's does
        monkeypatch.setattr(
            HfInferenceHelper, "headers", lambda self, task, token, *, direct: PROVIDER_AUTH
        )
    with fs.FaultServer() as server, fs.FaultServer() as other, fs.refused_port() as refused:
        h = Harness(server, other, fake_clock)
        server.script(*cell.script(h))
        config = {**BASE_CONFIG, **cell.config}
        url = refused.url if cell.refused else server.url
        client = AsyncHfInferenceClient(
            token=TOKEN, router_url=url, **{"default_provider": "hf-inference", **config}
        )
        started = time.monotonic()
        try:
            await call(client, h, cell)
        except HfError as exc:
            h.error = exc
        finally:
            elapsed = time.monotonic() - started
            leaked = in_flight(client)
            stream_closed = h.stream is None or h.stream.is_closed
            if h.stream is not None:
                await h.stream.aclose()
            await client.aclose()
        outcome = describe(cell, h)
        request.node.user_properties += [
            ("fault", cell.fault),
            ("kind", cell.kind),
            ("runner", runner),
            ("outcome", outcome),
            ("elapsed", elapsed),
        ]
        if cell.expect is None:
            assert h.error is None, f"expected a recovery, got {h.error!r}"
        else:
            assert type(h.error) is cell.expect, f"expected {cell.expect.__name__}, got {h.error!r}"
        cell.check(h)
        assert cell.at_least <= elapsed <= cell.bound, f"took {elapsed:.2f} s"
        assert leaked == 0, "a request is still checked out of the pool"
        assert stream_closed, "the stream did not close itself at its end or failure"
        assert server.unused == 0 and other.unused == 0, "scripted answers left unused"
        assert server.wait_until_idle() and other.wait_until_idle(), "a socket stayed open"
        assert server.errors == [] and other.errors == []


def test_the_docs_table_lists_every_cell() -> None:
    """docs/FAULT_MATRIX.md is generated from this file: regenerate it when a cell changes."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "FAULT_MATRIX.md").read_text("utf-8")
    for cell in CELLS:
        assert f"| {cell.fault} | {cell.kind} |" in doc, "run `python -m tests.faults.table`"
        assert f"| {cell.note} |" in doc, "run `python -m tests.faults.table`"


def test_every_fault_of_the_issue_is_covered() -> None:
    """Issue 7's list of faults, each with both calls (or a stated reason why not)."""
    faults = {c.fault for c in CELLS}
    for fault in faults:
        for kind in (PLAIN, STREAM):
            covered = any(c.fault == fault and c.kind == kind for c in CELLS)
            assert covered or (fault, kind) in NOT_APPLICABLE, (fault, kind)
    assert len(faults) >= 20
