"""The OpenAI SDK (OpenAI / AsyncOpenAI) with ``base_url`` at the fake server; chat only."""

from __future__ import annotations

from typing import Any

from ._common import main

MESSAGES: Any = [{"role": "user", "content": "What is the capital of France?"}]


class SyncOpenAI:
    def __init__(self, base_url: str) -> None:
        from openai import OpenAI

        self.client = OpenAI(base_url=base_url + "/v1", api_key="hf_bench")

    def chat(self) -> int:
        reply = self.client.chat.completions.create(
            model="bench/model", messages=MESSAGES, max_tokens=50
        )
        return 1 if reply.choices[0].message.content else 0

    def stream(self) -> int:
        count = 0
        stream = self.client.chat.completions.create(
            model="bench/model", messages=MESSAGES, max_tokens=50, stream=True
        )
        with stream:
            for _ in stream:
                count += 1
        return count

    def close(self) -> None:
        self.client.close()


class AsyncOpenAI:
    def __init__(self, base_url: str) -> None:
        from openai import AsyncOpenAI as Client

        self.client = Client(base_url=base_url + "/v1", api_key="hf_bench")

    async def chat(self) -> int:
        reply = await self.client.chat.completions.create(
            model="bench/model", messages=MESSAGES, max_tokens=50
        )
        return 1 if reply.choices[0].message.content else 0

    async def stream(self) -> int:
        count = 0
        stream = await self.client.chat.completions.create(
            model="bench/model", messages=MESSAGES, max_tokens=50, stream=True
        )
        async with stream:
            async for _ in stream:
                count += 1
        return count

    async def close(self) -> None:
        await self.client.close()


if __name__ == "__main__":
    main("openai", SyncOpenAI, AsyncOpenAI)
