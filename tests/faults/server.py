"""A tiny HTTP/1.1 server over raw loopback sockets that misbehaves on purpose.

Why raw sockets: the faults the client must survive live below any web framework (a reset
before the headers, a body shorter than its ``Content-Length``, a chunked stream cut without
its last chunk, headers that never come). Each accepted connection gets its own thread;
everything binds to 127.0.0.1 only, every wait is bounded and wakes up when the peer goes
away or the server stops.

Which behaviour answers a request, first match wins:

1. the script: ``server.script(b1, b2, ...)`` queues behaviours, one per request, in order
   (tests are deterministic because every request takes exactly the next one);
2. the ``x-fault`` request header names one of :data:`NAMED` (soak mode, also across
   processes); with an ``x-fault-id`` header the fault applies to the first request with
   that id only, so a retry of the same call gets the normal answer;
3. the default: a well-formed chat completion, or a chat stream when the JSON body has
   ``"stream": true``.

A behaviour is a callable ``(wire, request) -> bool``: it writes whatever it likes on the
:class:`Wire` and returns whether the connection may serve another request.

Run standalone (the soak test does, to keep the server's sockets and memory out of the
client's numbers)::

    python -m tests.faults.server      # prints "PORT <n>", serves until stdin closes
"""

from __future__ import annotations

import http
import json
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NAMED",
    "FaultServer",
    "Request",
    "Wire",
    "chat_chunk",
    "chat_completion",
    "completion",
    "error_event",
    "oversized",
    "raw",
    "redirect",
    "refused_port",
    "reset_before_headers",
    "reset_mid_body",
    "reset_mid_chunked_body",
    "reset_mid_stream",
    "respond",
    "slow_headers",
    "sse_body",
    "stall_body",
    "stall_stream",
    "stream",
]

MODEL = "org/model"
_MAX_HEAD = 64 * 1024
_MAX_BODY = 16 * 1024 * 1024
_POLL = 0.05  # granularity of every wait: how fast a wait notices a closed peer / stop()


@dataclass
class Request:
    """One request as the server read it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int  # serial number of the TCP connection it came on

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Wire:
    """What a behaviour writes on: one accepted connection."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self._stop = stop
        self.reset_on_close = False

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def reset(self) -> bool:
        """Abort the connection with a TCP RST (no FIN); the connection is done."""
        self.reset_on_close = True
        return False

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False as soon as the peer closes or the server stops."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if self._stop.wait(0):
                return False
            if not self._peer_alive(min(_POLL, left)):
                return False

    def _peer_alive(self, timeout: float) -> bool:
        import select

        readable, _, _ = select.select([self.sock], [], [], timeout)
        if not readable:
            return True
        try:
            peeked = self.sock.recv(1, socket.MSG_PEEK)
        except OSError:
            return False
        if not peeked:
            return False
        time.sleep(timeout)  # the client sent more (a pipelined request): keep waiting
        return True


Behaviour = Callable[[Wire, Request], bool]


# --------------------------------------------------------------------------- payloads


def chat_completion(text: str = "hello") -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": MODEL,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def chat_chunk(content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


#: The normal stream: two content chunks and a final one (finish_reason), then [DONE].
NORMAL_EVENTS: tuple[dict[str, Any], ...] = (
    chat_chunk("Hel"),
    chat_chunk("lo"),
    chat_chunk(None, "stop"),
)
#: Content chunks only: a stream cut after these has not finished.
PARTIAL_EVENTS: tuple[dict[str, Any], ...] = (chat_chunk("Hel"), chat_chunk("lo"))


def _event(event: dict[str, Any] | bytes | str) -> bytes:
    if isinstance(event, bytes):
        return event
    if isinstance(event, str):
        return event.encode()
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def sse_body(events: Iterable[dict[str, Any] | bytes | str], *, done: bool = True) -> bytes:
    out = b"".join(_event(e) for e in events)
    return out + (b"data: [DONE]\n\n" if done else b"")


# --------------------------------------------------------------------------- HTTP framing


def _head(status: int, headers: Sequence[tuple[str, str]]) -> bytes:
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Whatever"
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


_LAST_CHUNK = b"0\r\n\r\n"
_SSE_HEADERS = (("content-type", "text/event-stream"), ("transfer-encoding", "chunked"))


def _with_id(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if not any(k.lower() == "x-request-id" for k, _ in headers):
        headers.append(("x-request-id", "fault-req"))
    return headers


# --------------------------------------------------------------------------- behaviours


def respond(
    status: int = 200,
    body: bytes | str = b"",
    *,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    content_type: str | None = None,
) -> Behaviour:
    """Answer ``status`` with ``headers`` and a body (raw, or ``json_body`` serialised)."""
    if json_body is not None:
        payload = json.dumps(json_body).encode()
        content_type = content_type or "application/json"
    else:
        payload = body.encode() if isinstance(body, str) else body
    head = list((headers or {}).items())
    if content_type and not any(k.lower() == "content-type" for k, _ in head):
        head.append(("content-type", content_type))
    head.append(("content-length", str(len(payload))))

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_head(status, _with_id(list(head))) + payload)
        return True

    return behave


def completion(text: str = "hello") -> Behaviour:
    """A well-formed chat completion (200)."""
    return respond(200, json_body=chat_completion(text))


def stream(
    events: Iterable[dict[str, Any] | bytes | str] = NORMAL_EVENTS,
    *,
    done: bool = True,
    headers: dict[str, str] | None = None,
) -> Behaviour:
    """A 200 event stream, one chunk per event, ending with ``[DONE]`` unless told not to."""
    frames = [_event(e) for e in events] + ([b"data: [DONE]\n\n"] if done else [])
    head = _with_id([*_SSE_HEADERS, *(headers or {}).items()])

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_head(200, head))
        for frame in frames:
            wire.send(_chunk(frame))
        wire.send(_LAST_CHUNK)
        return True

    return behave


def error_event(message: str = "overloaded") -> Behaviour:
    """Two content chunks, then an OpenAI-style error event, then ``[DONE]`` (as TGI does)."""
    return stream(
        [*PARTIAL_EVENTS, {"error": {"message": message, "http_status_code": 500}}], done=True
    )


def reset_before_headers() -> Behaviour:
    """Read the request, then abort the connection without a byte of answer."""

    def behave(wire: Wire, request: Request) -> bool:
        return wire.reset()

    return behave


def reset_mid_body(
    body: bytes | None = None, *, content_type: str = "application/json", settle: float = 0.05
) -> Behaviour:
    """Promise ``Content-Length`` of the whole body, send half of it, then reset.

    ``settle`` seconds pass between the half body and the RST, so the client has read it.
    """
    payload = body if body is not None else json.dumps(chat_completion()).encode()

    def behave(wire: Wire, request: Request) -> bool:
        head = _with_id([("content-type", content_type)])
        head.append(("content-length", str(len(payload))))
        wire.send(_head(200, head) + payload[: len(payload) // 2])
        wire.wait(settle)  # let the half body reach the client before the RST
        return wire.reset()

    return behave


def reset_mid_stream(
    events: Iterable[dict[str, Any]] = PARTIAL_EVENTS, *, settle: float = 0.05
) -> Behaviour:
    """A chunked event stream that is reset after ``events`` (no last chunk, no [DONE])."""
    frames = [_event(e) for e in events]

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_head(200, _with_id(list(_SSE_HEADERS))))
        for frame in frames:
            wire.send(_chunk(frame))
        wire.wait(settle)
        return wire.reset()

    return behave


def reset_mid_chunked_body() -> Behaviour:
    """A chunked JSON body cut (reset) after its first half: the plain-call twin of a cut stream."""
    payload = json.dumps(chat_completion()).encode()

    def behave(wire: Wire, request: Request) -> bool:
        head = _with_id([("content-type", "application/json"), ("transfer-encoding", "chunked")])
        wire.send(_head(200, head) + _chunk(payload[: len(payload) // 2]))
        wire.wait(0.05)
        return wire.reset()

    return behave


def slow_headers(seconds: float = 30.0) -> Behaviour:
    """Say nothing for ``seconds`` (the client should time out long before), then answer."""

    def behave(wire: Wire, request: Request) -> bool:
        if not wire.wait(seconds):
            return False
        return _default(wire, request)

    return behave


def stall_stream(
    events: Iterable[dict[str, Any]] = PARTIAL_EVENTS, seconds: float = 30.0
) -> Behaviour:
    """Send ``events``, then go silent for ``seconds`` with the stream still open."""
    frames = [_event(e) for e in events]

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_head(200, _with_id(list(_SSE_HEADERS))))
        for frame in frames:
            wire.send(_chunk(frame))
        if not wire.wait(seconds):
            return False
        wire.send(_chunk(b"data: [DONE]\n\n") + _LAST_CHUNK)
        return True

    return behave


def _trickle(wire: Wire, data: bytes, every: float, limit: float) -> bool:
    """Send ``data`` one byte every ``every`` seconds for at most ``limit`` seconds."""
    ends = time.monotonic() + limit
    for byte in data:
        if time.monotonic() > ends:
            return False
        try:
            wire.send(bytes([byte]))
        except OSError:
            return False  # the client gave up: that is the point
        if not wire.wait(every):
            return False
    return True


def trickle_headers(every: float = 0.2, limit: float = 30.0) -> Behaviour:
    """The status line and headers one byte at a time: each read gets a byte, never all."""
    head = _head(200, [("content-type", "application/json"), *[("x-pad", "p" * 64)] * 100])

    def behave(wire: Wire, request: Request) -> bool:
        return _trickle(wire, head, every, limit)

    return behave


def trickle_body(every: float = 0.2, limit: float = 30.0) -> Behaviour:
    """Prompt headers, then a JSON body one byte at a time."""
    payload = b" " * 10_000 + json.dumps(chat_completion()).encode()

    def behave(wire: Wire, request: Request) -> bool:
        head = _with_id([("content-type", "application/json")])
        head.append(("content-length", str(len(payload))))
        wire.send(_head(200, head))
        return _trickle(wire, payload, every, limit)

    return behave


def keep_alive_only(every: float = 0.2, limit: float = 30.0) -> Behaviour:
    """One event, then only SSE comments (``: keep-alive``) every ``every`` seconds."""

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_head(200, _with_id(list(_SSE_HEADERS))))
        wire.send(_chunk(_event(chat_chunk("Hel"))))
        ends = time.monotonic() + limit
        while time.monotonic() < ends:
            try:
                wire.send(_chunk(b": keep-alive\n\n"))
            except OSError:
                return False
            if not wire.wait(every):
                return False
        return False

    return behave


def endless_stream(every: float = 0.05, limit: float = 30.0) -> Behaviour:
    """A well-formed event every ``every`` seconds that never reaches ``[DONE]``."""

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_head(200, _with_id(list(_SSE_HEADERS))))
        ends = time.monotonic() + limit
        while time.monotonic() < ends:
            try:
                wire.send(_chunk(_event(chat_chunk("x"))))
            except OSError:
                return False
            if not wire.wait(every):
                return False
        return False

    return behave


def stall_body(seconds: float = 30.0) -> Behaviour:
    """Headers and half of a JSON body, then silence for ``seconds``."""
    payload = json.dumps(chat_completion()).encode()

    def behave(wire: Wire, request: Request) -> bool:
        head = _with_id([("content-type", "application/json")])
        head.append(("content-length", str(len(payload))))
        wire.send(_head(200, head) + payload[: len(payload) // 2])
        if not wire.wait(seconds):
            return False
        wire.send(payload[len(payload) // 2 :])
        return True

    return behave


def oversized(total: int, *, chunked: bool = False, sse: bool = False) -> Behaviour:
    """A valid but huge answer of about ``total`` bytes, sent until done or the client leaves.

    The plain body is JSON whitespace followed by a real completion (it would parse if read
    whole); the ``sse`` body is one endless event line (no line ending until the very end).
    """
    if sse:
        prefix = b'data: {"pad": "'
        suffix = b'"}\n\n' + b"data: [DONE]\n\n"
        filler = b"x"
    else:
        prefix = b""
        suffix = json.dumps(chat_completion()).encode()
        filler = b" "
    pad = max(0, total - len(prefix) - len(suffix))

    def behave(wire: Wire, request: Request) -> bool:
        if sse:
            head = _with_id(list(_SSE_HEADERS))
        elif chunked:
            head = _with_id(
                [("content-type", "application/json"), ("transfer-encoding", "chunked")]
            )
        else:
            head = _with_id([("content-type", "application/json")])
            head.append(("content-length", str(len(prefix) + pad + len(suffix))))
        framed = chunked or sse
        try:
            wire.send(_head(200, head))
            for piece in _pieces(prefix, filler, pad, suffix):
                wire.send(_chunk(piece) if framed else piece)
            if framed:
                wire.send(_LAST_CHUNK)
        except OSError:
            return False  # the client gave up reading: that is the point
        return True

    return behave


def _pieces(prefix: bytes, filler: bytes, pad: int, suffix: bytes) -> Iterable[bytes]:
    block = filler * 65536
    yield prefix
    while pad > 0:
        n = min(pad, len(block))
        yield block[:n]
        pad -= n
    yield suffix


def redirect(location: str, status: int = 307) -> Behaviour:
    """Redirect to ``location`` (307 keeps the method and the body)."""
    return respond(status, b"", headers={"location": location})


def raw(data: bytes, *, then_close: bool = True) -> Behaviour:
    """Write ``data`` verbatim (anything, even not HTTP), then close."""

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(data)
        return not then_close

    return behave


def _default(wire: Wire, request: Request) -> bool:
    try:
        wants_stream = bool((request.json() or {}).get("stream"))
    except (ValueError, AttributeError):
        wants_stream = False
    return (stream() if wants_stream else completion())(wire, request)


def _loading(wire: Wire, request: Request) -> bool:
    body = {"error": "Model org/model is currently loading", "estimated_time": 0.001}
    return respond(503, json_body=body)(wire, request)


#: Faults an ``x-fault`` header can name (soak mode); plain and stream variants where they differ.
NAMED: dict[str, Callable[[Request], Behaviour]] = {
    "429": lambda r: respond(429, json_body={"error": "busy"}, headers={"retry-after-ms": "1"}),
    "500": lambda r: respond(500, json_body={"error": "boom"}),
    "502-html": lambda r: respond(
        502, "<html><body>bad gateway</body></html>", content_type="text/html"
    ),
    "503-loading": lambda r: _loading,
    "reset-before-headers": lambda r: reset_before_headers(),
    "reset-mid-body": lambda r: (
        reset_mid_stream(settle=0.005) if _streams(r) else reset_mid_body(settle=0.005)
    ),
    "no-done": lambda r: stream(PARTIAL_EVENTS, done=False),
    "error-event": lambda r: error_event(),
    "malformed": lambda r: (
        stream([b"data: {oops\n\n"])
        if _streams(r)
        else respond(200, b"{oops", content_type="application/json")
    ),
    "html-200": lambda r: respond(200, "<html>hi</html>", content_type="text/html"),
    "401": lambda r: respond(
        401, json_body={"error": "Invalid credentials in Authorization header"}
    ),
}


def _streams(request: Request) -> bool:
    try:
        return bool((request.json() or {}).get("stream"))
    except (ValueError, AttributeError):
        return False


# --------------------------------------------------------------------------- the server


class FaultServer:
    """The server; use it as a context manager (``with FaultServer() as server``).

    Attributes:
        requests: Every request read, in order (the last 10,000).
        accepted: TCP connections accepted so far.
        errors: Unexpected exceptions in handler threads (tests assert it stays empty).
    """

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self._listener.settimeout(_POLL)  # only a fallback: close() wakes accept() at once
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._script: deque[Behaviour] = deque()
        self._seen_ids: deque[str] = deque(maxlen=4096)
        self._live: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.requests: deque[Request] = deque(maxlen=10_000)
        self.accepted = 0
        self.errors: list[BaseException] = []
        self._acceptor = threading.Thread(
            target=self._accept_loop, name="fault-accept", daemon=True
        )
        self._acceptor.start()

    # -- scripting

    def script(self, *behaviours: Behaviour) -> FaultServer:
        """Queue behaviours: the next requests get them, one each, in order."""
        with self._lock:
            self._script.extend(behaviours)
        return self

    @property
    def unused(self) -> int:
        """Scripted behaviours no request has taken yet."""
        with self._lock:
            return len(self._script)

    @property
    def open_connections(self) -> int:
        """Connections the server still holds open."""
        with self._lock:
            return len(self._live)

    def wait_until_idle(self, timeout: float = 5.0) -> bool:
        """Wait until the server holds no connection (the client closed them all)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.open_connections == 0:
                return True
            time.sleep(0.01)
        return self.open_connections == 0

    # -- lifecycle

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (Linux)
        except OSError:
            pass
        self._acceptor.join(timeout=5)
        self._listener.close()
        with self._lock:
            live = list(self._live)
        for sock in live:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in list(self._threads):
            thread.join(timeout=5)

    # -- internals

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._stop.is_set():
                sock.close()
                return
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.accepted += 1
                serial = self.accepted
                self._live.add(sock)
                self._threads = [t for t in self._threads if t.is_alive()]
                thread = threading.Thread(
                    target=self._serve,
                    args=(sock, serial),
                    name=f"fault-conn-{serial}",
                    daemon=True,
                )
                self._threads.append(thread)
            thread.start()

    def _next(self, request: Request) -> Behaviour:
        with self._lock:
            self.requests.append(request)
            if self._script:
                return self._script.popleft()
            name = request.headers.get("x-fault")
            fault_id = request.headers.get("x-fault-id")
            if name in NAMED and (fault_id is None or fault_id not in self._seen_ids):
                if fault_id is not None:
                    self._seen_ids.append(fault_id)
                return NAMED[name](request)
        return _default

    def _serve(self, sock: socket.socket, serial: int) -> None:
        wire = Wire(sock, self._stop)
        buffer = bytearray()
        try:
            while not self._stop.is_set():
                request = _read_request(sock, buffer, serial)
                if request is None:
                    break
                if not self._next(request)(wire, request):
                    break
        except OSError:
            pass  # the client went away: part of the game
        except BaseException as exc:  # a bug in a behaviour: report it to the test
            self.errors.append(exc)
        finally:
            if wire.reset_on_close:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
            with self._lock:
                self._live.discard(sock)
            sock.close()


def _read_request(sock: socket.socket, buffer: bytearray, serial: int) -> Request | None:
    """Read one request (head + Content-Length body); None when the client closed cleanly."""
    while b"\r\n\r\n" not in buffer:
        if len(buffer) > _MAX_HEAD:
            raise OSError("request head too large")
        data = sock.recv(65536)
        if not data:
            return None
        buffer += data
    end = buffer.index(b"\r\n\r\n")
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    del buffer[: end + 4]
    method, path, _ = head[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length > _MAX_BODY:
        raise OSError("request body too large")
    while len(buffer) < length:
        data = sock.recv(65536)
        if not data:
            return None
        buffer += data
    body = bytes(buffer[:length])
    del buffer[:length]
    return Request(method, path, headers, body, serial)


@dataclass
class RefusedPort:
    """A loopback port that refuses connections: bound (so nobody else takes it), not listening."""

    sock: socket.socket = field(
        default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    )

    def __post_init__(self) -> None:
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RefusedPort:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def refused_port() -> RefusedPort:
    return RefusedPort()


def main() -> None:
    """Serve until stdin closes (so the server dies with its parent)."""
    with FaultServer() as server:
        print(f"PORT {server.port}", flush=True)
        sys.stdin.read()
        if server.errors:
            print(f"ERRORS {server.errors!r}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
