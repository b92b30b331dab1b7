"""`make demo`: run the quick starts against the local emulator (default) or Hugging Face.

With no HFIE_TARGET (or HFIE_TARGET=emulator) it starts the emulator on a free loopback
port, points the examples at it with the usual environment variables, runs them as a
user would (fresh processes), and stops the emulator. With HFIE_TARGET=hf and HF_TOKEN
set, the same scripts run against the real service.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("quickstart.py", "async_quickstart.py")
DEMO_TOKEN = "hf_demo_token_for_the_emulator"


def run_scripts(env: dict[str, str]) -> int:
    failures = 0
    for script in SCRIPTS:
        print(f"\n=== {script} ===", flush=True)
        result = subprocess.run([sys.executable, str(HERE / script)], env=env, check=False)
        if result.returncode != 0:
            print(f"!!! {script} exited with {result.returncode}")
            failures += 1
    return failures


def run_endpoint_lifecycle(env: dict[str, str]) -> int:
    script = HERE / "endpoint_lifecycle.py"
    if not script.exists():
        return 0
    print("\n=== endpoint_lifecycle.py ===", flush=True)
    return (
        0
        if subprocess.run([sys.executable, str(script)], env=env, check=False).returncode == 0
        else 1
    )


def main() -> int:
    target = os.environ.get("HFIE_TARGET", "emulator")
    if target == "hf":
        if not os.environ.get("HF_TOKEN"):
            print("HFIE_TARGET=hf needs HF_TOKEN", file=sys.stderr)
            return 2
        failures = run_scripts(dict(os.environ))
        print(f"\ndemo finished against Hugging Face: {failures} script(s) failed")
        return 1 if failures else 0

    from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator
    from hf_inference_endpoints.emulator.catalog import chat_model

    demo_models = {m: chat_model(m) for m in ("demo/chat-model", "demo/cold-model")}
    settings = EmulatorSettings(
        time_scale=0.05, cold_models={"demo/cold-model": 4.0}, extra_models=demo_models
    )
    with running_emulator(settings) as emu:
        print(f"emulator running on {emu.base_url} (no token, no network needed)")
        env = {
            **os.environ,
            "HF_TOKEN": DEMO_TOKEN,
            "HF_ENDPOINT": emu.hub_url,
            "HF_ROUTER_URL": emu.router_url,
            "HF_ENDPOINTS_API_URL": emu.endpoints_api_url,
            "HFIE_DEMO_CHAT_MODEL": "meta-llama/Llama-3.1-8B-Instruct",
            "HFIE_DEMO_TGI_URL": emu.tgi_url("demo-llm"),
            "HFIE_DEMO_COLD_MODEL": "demo/cold-model",
        }
        failures = run_scripts(env) + run_endpoint_lifecycle(env)
    print(f"\nemulator stopped; demo finished: {failures} script(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
