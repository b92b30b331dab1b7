"""``huggingface_hub`` InferenceClient / AsyncInferenceClient pointed at the fake server.

Chat goes to ``base_url`` (``{base}/v1/chat/completions``); TGI to the server URL as the
model (TGI's root route with ``"stream": true``); embeddings to the hf-inference pipeline
URL as the model (``feature_extraction`` answers a numpy array).
"""

from __future__ import annotations

from ._common import main

MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
EMBED_PATH = "/hf-inference/models/bench/embed/pipeline/feature-extraction"


class SyncHub:
    def __init__(self, base_url: str) -> None:
        from huggingface_hub import InferenceClient

        self.base = base_url
        self.client = InferenceClient(base_url=base_url, token="hf_bench")
        self.tgi = InferenceClient(model=base_url, token="hf_bench")

    def chat(self) -> int:
        reply = self.client.chat_completion(MESSAGES, max_tokens=50)
        return 1 if reply.choices[0].message.content else 0

    def stream(self) -> int:
        count = 0
        for _ in self.client.chat_completion(MESSAGES, max_tokens=50, stream=True):
            count += 1
        return count

    def tgi_stream(self) -> int:
        count = 0
        for _ in self.tgi.text_generation(
            "Once upon a time", max_new_tokens=200, stream=True, details=True
        ):
            count += 1
        return count

    def embed(self, texts: list[str]) -> int:
        return len(self.tgi.feature_extraction(texts, model=self.base + EMBED_PATH))

    def close(self) -> None:
        self.client.close()
        self.tgi.close()


class AsyncHub:
    def __init__(self, base_url: str) -> None:
        from huggingface_hub import AsyncInferenceClient

        self.base = base_url
        self.client = AsyncInferenceClient(base_url=base_url, token="hf_bench")
        self.tgi = AsyncInferenceClient(model=base_url, token="hf_bench")

    async def chat(self) -> int:
        reply = await self.client.chat_completion(MESSAGES, max_tokens=50)
        return 1 if reply.choices[0].message.content else 0

    async def stream(self) -> int:
        count = 0
        async for _ in await self.client.chat_completion(MESSAGES, max_tokens=50, stream=True):
            count += 1
        return count

    async def tgi_stream(self) -> int:
        count = 0
        async for _ in await self.tgi.text_generation(
            "Once upon a time", max_new_tokens=200, stream=True, details=True
        ):
            count += 1
        return count

    async def embed(self, texts: list[str]) -> int:
        return len(await self.tgi.feature_extraction(texts, model=self.base + EMBED_PATH))

    async def close(self) -> None:
        await self.client.close()
        await self.tgi.close()


if __name__ == "__main__":
    main("hf_hub", SyncHub, AsyncHub)
