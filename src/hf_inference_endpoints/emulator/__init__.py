"""Local emulator of the Hugging Face inference wire contract (optional extra ``emulator``).

Serves the Hub API (``/hub``), the inference router (``/router``), TGI (``/tgi/{name}``)
and TEI (``/tei/{name}``) servers with deterministic outputs, fault injection and
cold-model loading, for the demo, the CLI and integration tests.  Needs Starlette
and uvicorn; nothing outside this package imports it.

    from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator

    with running_emulator(EmulatorSettings(time_scale=0.01)) as emu:
        ...  # point a client at emu.router_url / emu.tgi_url("my-llm")
"""

from __future__ import annotations

from .app import create_app
from .server import EmulatorHandle, run, running_emulator
from .settings import EmulatorSettings

__all__ = ["EmulatorHandle", "EmulatorSettings", "create_app", "run", "running_emulator"]
