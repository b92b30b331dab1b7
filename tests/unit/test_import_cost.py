"""What importing the client loads: only what a call needs, when it needs it (issue 17)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _modules_after(code: str) -> set[str]:
    probe = textwrap.dedent(code) + "\nimport sys\nprint('\\n'.join(sys.modules))\n"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


def _tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_importing_the_clients_loads_no_connection_pool_telemetry_or_audio() -> None:
    loaded = _tops(
        _modules_after(
            "from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceClient"
        )
    )
    # httpcore2 (and the trio/anyio/h11 stack it imports) comes with the first client
    assert not loaded & {"httpcore2", "trio", "h11", "opentelemetry", "orjson", "pydantic"}
    assert not loaded & {"wave", "uuid", "platform"}


def test_a_client_loads_its_pool_but_not_telemetry_nobody_set_up() -> None:
    loaded = _tops(
        _modules_after(
            """
            from hf_inference_endpoints import HfInferenceClient
            HfInferenceClient(token="hf_x").close()
            """
        )
    )
    assert "httpcore2" in loaded
    assert "opentelemetry" not in loaded
