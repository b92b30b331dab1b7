"""Ours: ``hf_inference_endpoints`` (HfInferenceClient / AsyncHfInferenceClient), as shipped.

The client runs with its default configuration (retries, telemetry switches, pool size);
only the token and the router URL are set. Chat and TGI go to the server as a URL target
(a dedicated endpoint); embeddings (``client.embeddings.create``, its cache on by default,
every text distinct) through the hf-inference pipeline route of the router.
"""

from __future__ import annotations

from ._common import main

MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]


class SyncOurs:
    def __init__(self, base_url: str) -> None:
        from hf_inference_endpoints import HfInferenceClient

        self.base = base_url
        self.client = HfInferenceClient(token="hf_bench", router_url=base_url)

    def chat(self) -> int:
        reply = self.client.chat.complete(model=self.base, messages=MESSAGES, max_tokens=50)
        message = reply.choices[0].message
        return 1 if message and message.content else 0

    def stream(self) -> int:
        count = 0
        with self.client.chat.stream(model=self.base, messages=MESSAGES, max_tokens=50) as stream:
            for _ in stream:
                count += 1
        return count

    def tgi_stream(self) -> int:
        count = 0
        with self.client.text_generation.stream(
            model=self.base, prompt="Once upon a time", max_new_tokens=200
        ) as stream:
            for _ in stream:
                count += 1
        return count

    def embed(self, texts: list[str]) -> int:
        return len(
            self.client.embeddings.create(
                model="bench/embed", inputs=texts, provider="hf-inference"
            )
        )

    def embed_nocache(self, texts: list[str]) -> int:
        return len(
            self.client.embeddings.create(
                model="bench/embed", inputs=texts, provider="hf-inference", cache=False
            )
        )

    def close(self) -> None:
        self.client.close()


class AsyncOurs:
    def __init__(self, base_url: str) -> None:
        from hf_inference_endpoints import AsyncHfInferenceClient

        self.base = base_url
        self.client = AsyncHfInferenceClient(token="hf_bench", router_url=base_url)

    async def chat(self) -> int:
        reply = await self.client.chat.complete(model=self.base, messages=MESSAGES, max_tokens=50)
        message = reply.choices[0].message
        return 1 if message and message.content else 0

    async def stream(self) -> int:
        count = 0
        async with await self.client.chat.stream(
            model=self.base, messages=MESSAGES, max_tokens=50
        ) as stream:
            async for _ in stream:
                count += 1
        return count

    async def tgi_stream(self) -> int:
        count = 0
        async with await self.client.text_generation.stream(
            model=self.base, prompt="Once upon a time", max_new_tokens=200
        ) as stream:
            async for _ in stream:
                count += 1
        return count

    async def embed(self, texts: list[str]) -> int:
        return len(
            await self.client.embeddings.create(
                model="bench/embed", inputs=texts, provider="hf-inference"
            )
        )

    async def embed_nocache(self, texts: list[str]) -> int:
        return len(
            await self.client.embeddings.create(
                model="bench/embed", inputs=texts, provider="hf-inference", cache=False
            )
        )

    async def close(self) -> None:
        await self.client.aclose()


if __name__ == "__main__":
    main("hfie", SyncOurs, AsyncOurs)
