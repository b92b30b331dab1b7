"""Hostile behaviours for the raw-socket server of ``tests/faults/server.py``.

:class:`HostileServer` is that server (127.0.0.1 only, one thread per connection, every
wait bounded and woken when the peer leaves or the server stops); this module adds the
behaviours of a server that is out to hurt the client rather than merely broken:

* :func:`trickle_headers` / :func:`trickle_body`: a valid answer sent one piece at a time,
  each piece within any per-read timeout, so only a total deadline ends the call;
* :func:`keepalive_only`: an event stream that sends SSE comments (``: ping``) and never an
  event;
* :func:`long_sse_line`: one event whose ``data`` line is megabytes long (a quadratic
  decoder burns seconds of CPU on it);
* :func:`endless_event`: an event that never ends (the per-event cap must stop it);
* :func:`echo` / :func:`echo_event`: an error answer (or an error event in a 200 stream)
  that repeats what the client sent (its ``Authorization`` header, the request target with
  its query string), as a careless proxy does;
* :func:`json_answer`: any JSON with status 200 (wrong-shaped answers).

Use it as a context manager and script one behaviour per request::

    with HostileServer() as server:
        server.script(trickle_body(every=0.2))
        ...
        assert server.requests[0].headers["authorization"] == "Bearer hf_x"

``server.requests`` lists what reached the server: a test that expects a call to be refused
before sending asserts it stays empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..faults.server import (
    Behaviour,
    FaultServer,
    Request,
    Wire,
    chat_completion,
    respond,
)

__all__ = [
    "HostileServer",
    "Request",
    "Wire",
    "echo",
    "echo_event",
    "endless_event",
    "json_answer",
    "keepalive_only",
    "long_sse_line",
    "respond",
    "sse_events",
    "trickle_body",
    "trickle_headers",
]

#: The server itself: the fault server, with the behaviours below to script it.
HostileServer = FaultServer

_SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
    b"transfer-encoding: chunked\r\nx-request-id: hostile-req\r\n\r\n"
)
_LAST_CHUNK = b"0\r\n\r\n"


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _json_head(length: int, status: str = "200 OK") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
        f"content-length: {length}\r\nx-request-id: hostile-req\r\n\r\n"
    ).encode()


def _pieces(data: bytes, size: int) -> Iterable[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def trickle_headers(every: float = 0.2, *, piece: int = 1) -> Behaviour:
    """Send a valid chat completion's status line and headers ``piece`` bytes every ``every`` s."""
    body = json.dumps(chat_completion()).encode()

    def behave(wire: Wire, request: Request) -> bool:
        for part in _pieces(_json_head(len(body)), piece):
            wire.send(part)
            if not wire.wait(every):
                return False
        wire.send(body)
        return True

    return behave


def trickle_body(every: float = 0.2, *, piece: int = 1) -> Behaviour:
    """Send the headers at once, then a chat completion body ``piece`` bytes every ``every`` s."""
    body = json.dumps(chat_completion()).encode()

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_json_head(len(body)))
        for part in _pieces(body, piece):
            wire.send(part)
            if not wire.wait(every):
                return False
        return True

    return behave


def keepalive_only(every: float = 0.2, *, count: int = 1000) -> Behaviour:
    """An event stream of ``count`` keep-alive comments, one every ``every`` s, and no event."""

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_SSE_HEAD)
        for _ in range(count):
            wire.send(_chunk(b": ping\n\n"))
            if not wire.wait(every):
                return False
        wire.send(_LAST_CHUNK)
        return True

    return behave


def sse_events(*frames: bytes) -> Behaviour:
    """A 200 event stream of raw ``frames`` (each one HTTP chunk), then the last chunk."""

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_SSE_HEAD)
        for frame in frames:
            wire.send(_chunk(frame))
        wire.send(_LAST_CHUNK)
        return True

    return behave


def long_sse_line(size: int, *, piece: int = 64 * 1024) -> Behaviour:
    """One chat chunk event whose content is ``size`` bytes on one line, then ``[DONE]``.

    The event is valid: a client must deliver it (when its caps allow) without burning
    CPU on the length of the line.
    """
    head = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"org/model",'
    head += b'"choices":[{"index":0,"delta":{"content":"'
    tail = b'"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_SSE_HEAD + _chunk(head))
        block = b"x" * piece
        left = size
        try:
            while left > 0:
                n = min(left, piece)
                wire.send(_chunk(block[:n]))
                left -= n
            wire.send(_chunk(tail) + _LAST_CHUNK)
        except OSError:
            return False  # the client stopped reading (a cap): fine
        return True

    return behave


def endless_event(*, piece: int = 64 * 1024, limit: int = 256 * 1024 * 1024) -> Behaviour:
    """One ``data`` line that never ends (up to ``limit`` bytes, until the client leaves)."""

    def behave(wire: Wire, request: Request) -> bool:
        wire.send(_SSE_HEAD + _chunk(b'data: {"pad": "'))
        block = _chunk(b"x" * piece)
        sent = 0
        try:
            while sent < limit:
                wire.send(block)
                sent += piece
        except OSError:
            return False
        return False

    return behave


def echo(status: int = 400, *, template: str = "bad request from {auth} for {target}") -> Behaviour:
    """An error answer that repeats the request's ``Authorization`` header and target.

    The body is ``{"error": template}`` with ``{auth}`` (the header value), ``{token}`` (the
    bearer token alone) and ``{target}`` (the request path with its query string) filled in.
    """

    def behave(wire: Wire, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        text = template.format(auth=auth, token=token, target=request.path)
        return respond(status, json_body={"error": text})(wire, request)

    return behave


def echo_event(template: str = "token {token} was refused") -> Behaviour:
    """A 200 event stream whose first event is an error repeating the request's token."""

    def behave(wire: Wire, request: Request) -> bool:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        error = {"error": {"message": template.format(token=token), "http_status_code": 500}}
        frame = b"data: " + json.dumps(error).encode() + b"\n\n"
        return sse_events(frame, b"data: [DONE]\n\n")(wire, request)

    return behave


def json_answer(value: Any, status: int = 200) -> Behaviour:
    """Answer ``status`` with ``value`` as JSON."""
    return respond(status, json_body=value)
