"""A dedicated Inference Endpoint's life: create, wait, infer, scale to zero, wake, pause, resume, delete.

`make demo` runs it against the local emulator. Against Hugging Face it creates a real,
billed endpoint, so it refuses to run there unless HFIE_DEMO_ALLOW_BILLING=1 is set:

    HF_TOKEN=hf_... HFIE_DEMO_ALLOW_BILLING=1 python examples/endpoint_lifecycle.py

The demo runner can also call :func:`run` with a client of its own.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from hf_inference_endpoints import EndpointPaused, HfInferenceClient, NotFound
from hf_inference_endpoints._config import DEFAULT_ENDPOINTS_API_URL

NAME = os.environ.get("HFIE_DEMO_ENDPOINT_NAME", "hfie-demo-lifecycle")
REPOSITORY = os.environ.get("HFIE_DEMO_ENDPOINT_REPOSITORY", "HuggingFaceTB/SmolLM2-360M-Instruct")
QUESTION = [{"role": "user", "content": "Name one planet of the solar system."}]


def _ask(client: HfInferenceClient, label: str) -> None:
    started = time.monotonic()
    reply = client.chat.complete(endpoint=NAME, messages=QUESTION, max_tokens=20)
    meta = reply.response_meta
    text = reply.choices[0].message.content if reply.choices and reply.choices[0].message else ""
    waited = (
        f", {meta.cold_start_wait:.1f} s of it waking up" if meta and meta.cold_start_wait else ""
    )
    attempts = f" in {meta.attempts} attempt(s)" if meta else ""
    print(f"   {label}: {text!r} ({time.monotonic() - started:.2f} s{attempts}{waited})")


def run(client: HfInferenceClient) -> None:
    """Walk one endpoint through its whole life, printing what happens.

    Args:
        client: A sync client pointed at Hugging Face or the emulator.
    """
    endpoints = client.endpoints
    try:
        endpoints.get(NAME)
        print(f"0. {NAME} is left over from an earlier run: deleting it")
        endpoints.delete(NAME)
    except NotFound:
        pass

    print(f"1. create {NAME} serving {REPOSITORY} (scales to zero after 15 idle minutes)")
    info = endpoints.create(
        NAME,
        REPOSITORY,
        vendor="aws",
        region="us-east-1",
        accelerator="gpu",
        instance_type="nvidia-t4",
        instance_size="x1",
        task="text-generation",
        min_replica=0,
        max_replica=1,
        scale_to_zero_timeout=15,
        image=endpoints.image(
            "tgi", "ghcr.io/huggingface/text-generation-inference:3.3.6", health_route="/health"
        ),
        tags=["hfie-demo"],
    )
    assert info.status is not None
    print(f"   state {info.status.state}: {info.status.message}")
    try:
        print("2. wait until it runs and answers its health route")
        info = endpoints.wait(NAME, timeout=1800, on_progress=lambda p: print(f"   {p}"))
        assert info.status is not None
        print(f"   ready at {info.status.url}")

        print("3. inference with endpoint=: the URL is looked up once, then cached")
        _ask(client, "answer")

        print("4. scale to zero: no replica, no bill, the URL stays")
        info = endpoints.scale_to_zero(NAME)
        assert info.status is not None
        print(f"   state {info.status.state}")

        print("5. inference again: the request wakes it up (X-Scale-Up-Timeout)")
        _ask(client, "answer after waking")

        print("6. pause: traffic no longer wakes it")
        endpoints.pause(NAME)
        try:
            client.chat.complete(endpoint=NAME, messages=QUESTION, max_tokens=5)
        except EndpointPaused as err:
            print(f"   EndpointPaused, as expected: {err.message}")

        print("7. resume and wait for it")
        endpoints.resume(NAME)
        endpoints.wait(NAME, timeout=1800, on_progress=lambda p: print(f"   {p}"))
        _ask(client, "answer after resuming")
    finally:
        print(f"8. delete {NAME}")
        endpoints.delete(NAME)
        try:
            endpoints.get(NAME)
        except NotFound:
            print("   gone")


def main() -> int:
    logging.basicConfig(format="    [%(name)s] %(message)s")
    logging.getLogger("hf_inference_endpoints").setLevel(logging.INFO)
    api = os.environ.get("HF_ENDPOINTS_API_URL", DEFAULT_ENDPOINTS_API_URL)
    if (
        api.rstrip("/") == DEFAULT_ENDPOINTS_API_URL
        and os.environ.get("HFIE_DEMO_ALLOW_BILLING") != "1"
    ):
        print(
            "this demo creates a real, billed Inference Endpoint; set HFIE_DEMO_ALLOW_BILLING=1 "
            "to run it against Hugging Face, or run `make demo` for the local emulator",
            file=sys.stderr,
        )
        return 2
    with HfInferenceClient(retry_max_delay=2.0) as client:
        run(client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
