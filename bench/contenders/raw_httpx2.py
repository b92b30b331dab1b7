"""The floor: httpx2 and ``json.loads`` by hand, no models, no retries, no checks.

What any client must at least do: serialise the JSON body (``json.dumps`` per call, as a
real caller's messages change every time), read the answer, decode the SSE events (split on
blank lines, strip ``data:``), and ``json.loads`` each one.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2

from ._common import main

MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
HEADERS = {"authorization": "Bearer hf_bench", "content-type": "application/json"}
EMBED_PATH = "/hf-inference/models/bench/embed/pipeline/feature-extraction"


def _chat_body(stream: bool) -> bytes:
    body: dict[str, Any] = {"model": "bench/model", "messages": MESSAGES, "max_tokens": 50}
    if stream:
        body["stream"] = True
    return json.dumps(body, separators=(",", ":")).encode()


def _tgi_body() -> bytes:
    body = {"inputs": "Once upon a time", "parameters": {"max_new_tokens": 200}, "stream": True}
    return json.dumps(body, separators=(",", ":")).encode()


class _Events:
    """Minimal SSE: events end at a blank line; ``data:`` lines only; stops at [DONE]."""

    __slots__ = ("buffer", "count", "done")

    def __init__(self) -> None:
        self.buffer = b""
        self.count = 0
        self.done = False

    def feed(self, chunk: bytes) -> None:
        buffer = self.buffer + chunk
        *events, self.buffer = buffer.split(b"\n\n")
        for event in events:
            if not event.startswith(b"data:"):
                continue
            data = event[5:].strip()
            if data == b"[DONE]":
                self.done = True
                return
            json.loads(data)
            self.count += 1


class SyncRaw:
    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.client = httpx2.Client()
        self.chat_url = base_url + "/v1/chat/completions"

    def chat(self) -> int:
        response = self.client.post(self.chat_url, content=_chat_body(False), headers=HEADERS)
        response.raise_for_status()
        data = json.loads(response.content)
        return 1 if data["choices"][0]["message"]["content"] else 0

    def _stream(self, url: str, body: bytes) -> int:
        events = _Events()
        with self.client.stream("POST", url, content=body, headers=HEADERS) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                events.feed(chunk)
        return events.count

    def stream(self) -> int:
        return self._stream(self.chat_url, _chat_body(True))

    def tgi_stream(self) -> int:
        return self._stream(self.base + "/generate_stream", _tgi_body())

    def embed(self, texts: list[str]) -> int:
        body = json.dumps({"inputs": texts}).encode()
        response = self.client.post(self.base + EMBED_PATH, content=body, headers=HEADERS)
        response.raise_for_status()
        return len(json.loads(response.content))

    def close(self) -> None:
        self.client.close()


class AsyncRaw:
    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.client = httpx2.AsyncClient(limits=httpx2.Limits(max_keepalive_connections=64))
        self.chat_url = base_url + "/v1/chat/completions"

    async def chat(self) -> int:
        response = await self.client.post(self.chat_url, content=_chat_body(False), headers=HEADERS)
        response.raise_for_status()
        data = json.loads(response.content)
        return 1 if data["choices"][0]["message"]["content"] else 0

    async def _stream(self, url: str, body: bytes) -> int:
        events = _Events()
        async with self.client.stream("POST", url, content=body, headers=HEADERS) as response:
            response.raise_for_status()
            async for chunk in response.aiter_bytes():
                events.feed(chunk)
        return events.count

    async def stream(self) -> int:
        return await self._stream(self.chat_url, _chat_body(True))

    async def tgi_stream(self) -> int:
        return await self._stream(self.base + "/generate_stream", _tgi_body())

    async def embed(self, texts: list[str]) -> int:
        body = json.dumps({"inputs": texts}).encode()
        response = await self.client.post(self.base + EMBED_PATH, content=body, headers=HEADERS)
        response.raise_for_status()
        return len(json.loads(response.content))

    async def close(self) -> None:
        await self.client.aclose()


if __name__ == "__main__":
    main("raw_httpx2", SyncRaw, AsyncRaw)
