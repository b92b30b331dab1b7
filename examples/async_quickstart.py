"""Async quick start: the same calls with AsyncHfInferenceClient, several at once.

Run it against the local emulator with `make demo`, or against Hugging Face with
`HF_TOKEN=hf_... HFIE_TARGET=hf python examples/async_quickstart.py`.
"""

from __future__ import annotations

import os

import anyio

from hf_inference_endpoints import AsyncHfInferenceClient

CHAT_MODEL = os.environ.get("HFIE_DEMO_CHAT_MODEL", "meta-llama/Llama-3.1-8B-Instruct:fastest")
TGI_URL = os.environ.get("HFIE_DEMO_TGI_URL")


async def main() -> None:
    async with AsyncHfInferenceClient() as client:
        questions = ["Name a colour", "Name a fruit", "Name a planet"]
        answers: dict[str, str] = {}

        async def ask(question: str) -> None:
            reply = await client.chat.complete(
                model=CHAT_MODEL, messages=[{"role": "user", "content": question}], max_tokens=20
            )
            answers[question] = reply.choices[0].message.content or ""

        print(f"1. three chats at once with {CHAT_MODEL} (one connection pool)")
        async with anyio.create_task_group() as group:
            for question in questions:
                group.start_soon(ask, question)
        for question in questions:
            print(f"   {question} -> {answers[question]!r}")

        print("2. async streamed chat")
        print("   -> ", end="", flush=True)
        async with await client.chat.stream(
            model=CHAT_MODEL,
            messages=[{"role": "user", "content": "Say hello in three languages"}],
            max_tokens=30,
        ) as stream:
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    print(chunk.choices[0].delta.content, end="", flush=True)
        print()

        if TGI_URL:
            print(f"3. streamed native text generation on {TGI_URL}")
            print("   -> ", end="", flush=True)
            async with await client.text_generation.stream(
                model=TGI_URL, prompt="Once upon a time", max_new_tokens=6
            ) as events:
                async for event in events:
                    print(event.token.text, end="", flush=True)
            print()


if __name__ == "__main__":
    anyio.run(main)
