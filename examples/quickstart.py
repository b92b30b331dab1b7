"""Sync quick start: chat, a streamed chat, native text generation and a cold start.

Run it against the local emulator with `make demo`, or against Hugging Face with
`HF_TOKEN=hf_... HFIE_TARGET=hf python examples/quickstart.py`.
"""

from __future__ import annotations

import logging
import os

from hf_inference_endpoints import HfError, HfInferenceClient

CHAT_MODEL = os.environ.get("HFIE_DEMO_CHAT_MODEL", "meta-llama/Llama-3.1-8B-Instruct:fastest")
TGI_URL = os.environ.get("HFIE_DEMO_TGI_URL")  # a TGI server or endpoint URL, if you have one
COLD_MODEL = os.environ.get("HFIE_DEMO_COLD_MODEL")  # a model that starts cold (emulator)


def main() -> None:
    # Show the client's own progress lines (cold-start waits, retries); tokens are never logged.
    logging.basicConfig(format="    [%(name)s] %(message)s")
    logging.getLogger("hf_inference_endpoints").setLevel(logging.INFO)

    with HfInferenceClient(retry_max_delay=1.0) as client:
        print(f"1. chat with {CHAT_MODEL}")
        reply = client.chat.complete(
            model=CHAT_MODEL,
            messages=[{"role": "user", "content": "What is the capital of France?"}],
            max_tokens=40,
        )
        meta = reply.response_meta
        print(f"   -> {reply.choices[0].message.content!r}")
        if reply.usage and meta:
            print(
                f"   usage {reply.usage.prompt_tokens}+{reply.usage.completion_tokens} tokens, "
                f"provider {meta.provider}, request id {meta.request_id}, {meta.elapsed * 1000:.0f} ms"
            )

        print("2. streamed chat, printed as it arrives")
        print("   -> ", end="", flush=True)
        with client.chat.stream(
            model=CHAT_MODEL,
            messages=[{"role": "user", "content": "Count from one to ten in words"}],
            max_tokens=40,
        ) as stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    print(chunk.choices[0].delta.content, end="", flush=True)
        print()

        if TGI_URL:
            print(f"3. native text generation on {TGI_URL}")
            out = client.text_generation.generate(
                model=TGI_URL, prompt="The quick brown fox jumps", max_new_tokens=8, details=True
            )
            details = out.details
            print(f"   -> {out.generated_text!r}")
            if details:
                print(
                    f"   {details.generated_tokens} tokens, finish reason {details.finish_reason}"
                )

        if COLD_MODEL:
            print(f"4. a cold start: {COLD_MODEL} is loading; the client waits it out")
            try:
                reply = client.chat.complete(
                    model=COLD_MODEL,
                    provider="hf-inference",
                    messages=[{"role": "user", "content": "Are you awake?"}],
                )
            except HfError as err:
                print(f"   failed: {type(err).__name__}: {err}")
            else:
                assert reply.response_meta is not None
                print(
                    f"   -> {reply.choices[0].message.content!r} after "
                    f"{reply.response_meta.cold_start_wait:.1f} s of cold-start waits "
                    f"({reply.response_meta.attempts} attempts)"
                )


if __name__ == "__main__":
    main()
