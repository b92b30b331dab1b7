"""A worker process for the distributed tests: embeds texts (or chats) with the sync client.

Usage: ``python tests/distributed/worker.py '<json config>'``; prints one JSON line
``{"ok": n, "failed": n}``. With ``"chat": {"max_tokens": n}`` in the spec, each text is
a chat message instead of a text to embed. With ``"barrier": path``, the worker creates
``path.<pid>`` once its client is ready and starts only when ``path`` exists, so that
all workers send at the same time however long each took to start.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from hf_inference_endpoints import HfError, HfInferenceClient


def main() -> None:
    spec = json.loads(sys.argv[1])
    ok = failed = 0
    with HfInferenceClient(**spec["config"]) as client:
        if "barrier" in spec:
            barrier = Path(spec["barrier"])
            Path(f"{barrier}.{os.getpid()}").touch()
            deadline = time.monotonic() + 60
            while not barrier.exists() and time.monotonic() < deadline:
                time.sleep(0.005)
        for text in spec["texts"]:
            try:
                if "chat" in spec:
                    client.chat.complete(
                        model=spec["model"],
                        messages=[{"role": "user", "content": text}],
                        max_tokens=spec["chat"]["max_tokens"],
                    )
                else:
                    client.embeddings.create(spec["model"], text)
                ok += 1
            except HfError:
                failed += 1
    print(json.dumps({"ok": ok, "failed": failed}))


if __name__ == "__main__":
    main()
