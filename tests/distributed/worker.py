"""A worker process for the distributed tests: embeds texts with the sync client.

Usage: ``python tests/distributed/worker.py '<json config>'``; prints one JSON line
``{"ok": n, "failed": n}``.
"""

from __future__ import annotations

import json
import sys

from hf_inference_endpoints import HfError, HfInferenceClient


def main() -> None:
    spec = json.loads(sys.argv[1])
    ok = failed = 0
    with HfInferenceClient(**spec["config"]) as client:
        for text in spec["texts"]:
            try:
                client.embeddings.create(spec["model"], text)
                ok += 1
            except HfError:
                failed += 1
    print(json.dumps({"ok": ok, "failed": failed}))


if __name__ == "__main__":
    main()
