"""A fast fake inference server for the benchmark (its own process, loopback only).

Every answer is serialised once and cached, so the server spends a few microseconds per
request and never is the bottleneck (``python -m bench.server --check`` measures it).
HTTP/1.1 with keep-alive on a bare :class:`asyncio.Protocol`; SSE bodies are sent with
chunked transfer encoding, one SSE event per HTTP chunk, all at once or one every
``interval_ms`` milliseconds.

Routes (by path suffix, whatever comes before it, so every client's own URL scheme works):

* ``.../chat/completions`` -- an OpenAI-style chat completion; with ``"stream": true`` in
  the body, an SSE stream of ``chunks`` chunks, then a usage chunk and ``data: [DONE]``;
* ``.../generate_stream`` (or ``.../generate`` or ``/`` with ``"stream": true``, as TGI's
  root route does) -- TGI's native stream: ``chunks`` token events, the last one with
  ``generated_text`` and ``details``; ``.../generate`` -- ``{"generated_text": ...}``;
* ``.../pipeline/feature-extraction``, ``.../embed`` (TEI) and bare hf-inference model
  URLs -- one 384-dimension vector per input text;
* ``.../embeddings`` -- OpenAI-style ``{"data": [{"embedding": [...]}, ...]}``.

A path may start with ``/_c<chunks>_i<interval_ms>`` (e.g. ``/_c200_i1``) to choose the
stream length and pacing; the prefix is dropped before routing. Defaults: 200 chunks, 0 ms.

A second port (``control``) answers ``GET /stats`` with the data port's counters
(connections accepted, requests, the server's own CPU seconds) as JSON.

Run it alone: ``python -m bench.server --port 8099 --control-port 8100``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import socket
import sys
import time

__all__ = ["Stats", "main", "serve"]

_PREFIX = re.compile(rb"^/_c(\d+)_i(\d+(?:\.\d+)?)")
_DIM = 384


class Stats:
    """Counters of the data port."""

    accepted = 0
    open = 0
    requests = 0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ----------------------------------------------------------------------------- bodies

_CHAT = json.dumps(
    {
        "id": "chatcmpl-bench-0001",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "bench/model",
        "system_fingerprint": "3.2.1-sha-bench",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "The capital of France is Paris. It is also its largest city, "
                    "home to about two million people.",
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 15, "completion_tokens": 24, "total_tokens": 39},
    },
    separators=(",", ":"),
).encode()


def _chat_chunk(content: str | None, finish: str | None, usage: bool = False) -> bytes:
    chunk = {
        "id": "chatcmpl-bench-0001",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "bench/model",
        "system_fingerprint": "3.2.1-sha-bench",
        "choices": []
        if usage
        else [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 15, "completion_tokens": 200, "total_tokens": 215}
        if usage
        else None,
    }
    return json.dumps(chunk, separators=(",", ":")).encode()


def _tgi_event(index: int, last: bool, chunks: int) -> bytes:
    event = {
        "index": index,
        "token": {"id": 1000 + index % 50, "text": " tok", "logprob": -0.25, "special": False},
        "generated_text": " tok" * chunks if last else None,
        "details": {"finish_reason": "length", "generated_tokens": chunks, "seed": None}
        if last
        else None,
        "top_tokens": None,
    }
    return json.dumps(event, separators=(",", ":")).encode()


def _sse(data: bytes) -> bytes:
    event = b"data: " + data + b"\n\n"
    return b"%x\r\n%s\r\n" % (len(event), event)


_VECTOR = "[" + ",".join(f"{((i * 37) % 200 - 100) / 997:.6f}" for i in range(_DIM)) + "]"


def _head(status: str, content_type: bytes, length: int | None) -> bytes:
    lines = [
        b"HTTP/1.1 " + status.encode(),
        b"content-type: " + content_type,
        b"x-request-id: bench-0001",
        b"x-inference-provider: hf-inference",
    ]
    if length is None:
        lines.append(b"transfer-encoding: chunked")
        lines.append(b"cache-control: no-cache")
    else:
        lines.append(b"content-length: %d" % length)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _json_response(body: bytes) -> bytes:
    return _head("200 OK", b"application/json", len(body)) + body


class Bodies:
    """Pre-serialised responses, built once per shape and kept."""

    def __init__(self) -> None:
        self.chat = _json_response(_CHAT)
        self.tgi = _json_response(b'{"generated_text":" tok tok tok tok"}')
        self.not_found = _json_response(b'{"error":"not found"}').replace(
            b"200 OK", b"404 Not Found", 1
        )
        self._streams: dict[tuple[str, int], list[bytes]] = {}
        self._embeddings: dict[tuple[str, int], bytes] = {}

    def stream_events(self, kind: str, chunks: int) -> list[bytes]:
        """The HTTP chunks of one SSE answer: head first, terminator last."""
        key = (kind, chunks)
        events = self._streams.get(key)
        if events is None:
            events = [_head("200 OK", b"text/event-stream", None)]
            if kind == "chat":
                for i in range(chunks):
                    events.append(_sse(_chat_chunk(" tok", "length" if i == chunks - 1 else None)))
                events.append(_sse(_chat_chunk(None, None, usage=True)))
                events.append(_sse(b"[DONE]"))
            else:
                for i in range(chunks):
                    events.append(_sse(_tgi_event(i + 1, i == chunks - 1, chunks)))
            events.append(b"0\r\n\r\n")
            self._streams[key] = events
        return events

    def stream_whole(self, kind: str, chunks: int) -> bytes:
        key = ("whole-" + kind, chunks)
        whole = self._streams.get(key)
        if whole is None:
            whole = [b"".join(self.stream_events(kind, chunks))]
            self._streams[key] = whole
        return whole[0]

    def embeddings(self, kind: str, count: int) -> bytes:
        key = (kind, count)
        body = self._embeddings.get(key)
        if body is None:
            if kind == "openai":
                items = ",".join(
                    f'{{"object":"embedding","index":{i},"embedding":{_VECTOR}}}'
                    for i in range(count)
                )
                text = (
                    f'{{"object":"list","model":"bench/embed","data":[{items}],'
                    f'"usage":{{"prompt_tokens":{8 * count},"total_tokens":{8 * count}}}}}'
                )
            else:
                text = "[" + ",".join([_VECTOR] * count) + "]"
            body = _json_response(text.encode())
            self._embeddings[key] = body
        return body


BODIES = Bodies()


def _count_inputs(body: bytes) -> int:
    """How many texts an embedding request carries (a string counts as one)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 1
    inputs = payload.get("inputs", payload.get("input")) if isinstance(payload, dict) else None
    if isinstance(inputs, list):
        return len(inputs)
    return 1


# ----------------------------------------------------------------------------- protocol


class HttpProtocol(asyncio.Protocol):
    """Minimal HTTP/1.1 server side: Content-Length request bodies, keep-alive."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False  # a paced stream is being written; requests wait in the buffer

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Stats.accepted += 1
        Stats.open += 1

    def connection_lost(self, exc: Exception | None) -> None:
        Stats.open -= 1
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self._process()

    def _process(self) -> None:
        buffer = self.buffer
        while self.transport is not None and not self.busy:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end])
            length = 0
            lower = head.lower()
            at = lower.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = lower.find(b"\r\n", at + 2)
                length = int(lower[at + 17 : stop if stop >= 0 else None].strip())
            elif b"transfer-encoding: chunked" in lower:
                self._reply(b"HTTP/1.1 411 Length Required\r\ncontent-length: 0\r\n\r\n")
                return
            if len(buffer) < end + 4 + length:
                return
            body = bytes(buffer[end + 4 : end + 4 + length])
            del buffer[: end + 4 + length]
            Stats.requests += 1
            self._route(head[: head.find(b"\r\n")], body)

    def _reply(self, data: bytes) -> None:
        if self.transport is not None:
            self.transport.write(data)

    def _route(self, request_line: bytes, body: bytes) -> None:
        parts = request_line.split(b" ")
        path = parts[1].split(b"?", 1)[0] if len(parts) > 1 else b"/"
        chunks, interval = 200, 0.0
        match = _PREFIX.match(path)
        if match:
            chunks, interval = int(match.group(1)), float(match.group(2))
            path = path[match.end() :] or b"/"
        stream = b'"stream":true' in body or b'"stream": true' in body
        if path.endswith(b"/chat/completions"):
            if stream:
                self._stream("chat", chunks, interval)
            else:
                self._reply(BODIES.chat)
        elif path.endswith(b"/generate_stream") or (
            stream and (path.endswith(b"/generate") or path == b"/")
        ):
            self._stream("tgi", chunks, interval)
        elif path.endswith(b"/generate") or (path == b"/" and b'"parameters"' in body):
            self._reply(BODIES.tgi)
        elif path.endswith(b"/embeddings"):
            self._reply(BODIES.embeddings("openai", _count_inputs(body)))
        elif (
            path.endswith(b"/feature-extraction")
            or path.endswith(b"/embed")
            or b"/models/" in path
            or path == b"/"
        ):
            self._reply(BODIES.embeddings("list", _count_inputs(body)))
        else:
            self._reply(BODIES.not_found)

    def _stream(self, kind: str, chunks: int, interval_ms: float) -> None:
        if interval_ms <= 0:
            self._reply(BODIES.stream_whole(kind, chunks))
            return
        self.busy = True
        asyncio.get_running_loop().create_task(
            self._paced(BODIES.stream_events(kind, chunks), interval_ms / 1000)
        )

    async def _paced(self, events: list[bytes], interval: float) -> None:
        loop = asyncio.get_running_loop()
        self._reply(events[0] + events[1])
        next_at = loop.time()
        for event in events[2:-1]:
            next_at += interval
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.transport is None:
                return
            self._reply(event)
        self._reply(events[-1])
        self.busy = False
        if self.buffer:
            self._process()


class ControlProtocol(asyncio.Protocol):
    """``GET /stats`` (counters as JSON) on the control port; one request per connection."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if b"\r\n\r\n" not in self.buffer:
            return
        body = json.dumps(
            {
                "accepted": Stats.accepted,
                "open": Stats.open,
                "requests": Stats.requests,
                "cpu": _cpu(),
                "pid": os.getpid(),
            }
        ).encode()
        self.transport.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(body), body)
        )
        self.transport.close()


async def serve(host: str, port: int, control_port: int) -> None:
    """Serve until SIGTERM/SIGINT; print ``ready <port> <control_port>`` once listening."""
    loop = asyncio.get_running_loop()
    data = await loop.create_server(HttpProtocol, host, port, backlog=1024, reuse_address=True)
    control = await loop.create_server(ControlProtocol, host, control_port, reuse_address=True)
    data_port = data.sockets[0].getsockname()[1]
    ctl_port = control.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"ready {data_port} {ctl_port}", flush=True)
    await stop.wait()
    data.close()
    control.close()


# ----------------------------------------------------------------------------- self check


def check(seconds: float = 3.0, connections: int = 2) -> dict[str, float]:
    """How many chat requests per second the server answers (raw sockets, keep-alive).

    Starts the server in a child process and sends pre-built requests from this one over
    ``connections`` sockets, one request in flight on each, parsing only Content-Length.
    """
    import subprocess

    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server", "--port", "0", "--control-port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        _, port, _ = proc.stdout.readline().split()
        results = {}
        for name, path, body in (
            ("chat", b"/v1/chat/completions", b'{"messages":[]}'),
            ("stream_200", b"/_c200_i0/v1/chat/completions", b'{"stream":true}'),
        ):
            request = (
                b"POST %s HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (path, len(body), body)
            )
            socks = [socket.create_connection(("127.0.0.1", int(port))) for _ in range(connections)]
            done = 0
            started = time.perf_counter()
            while time.perf_counter() - started < seconds:
                for sock in socks:
                    sock.sendall(request)
                for sock in socks:
                    _read_response(sock)
                done += len(socks)
            elapsed = time.perf_counter() - started
            for sock in socks:
                sock.close()
            results[name + "_per_s"] = done / elapsed
        return results
    finally:
        proc.terminate()
        proc.wait()


def _read_response(sock: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, rest = data.partition(b"\r\n\r\n")
    lower = head.lower()
    if b"content-length:" in lower:
        at = lower.find(b"content-length:")
        length = int(lower[at + 15 :].split(b"\r\n", 1)[0])
        while len(rest) < length:
            rest += sock.recv(65536)
    else:
        while not rest.endswith(b"0\r\n\r\n"):
            rest += sock.recv(65536)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="measure the server's throughput")
    args = parser.parse_args(argv)
    if args.check:
        print(json.dumps(check()))
        return
    asyncio.run(serve(args.host, args.port, args.control_port))


if __name__ == "__main__":
    main()
