"""The public names: every one resolves, and the service classes annotate the client's attributes."""

from __future__ import annotations

import subprocess
import sys

import hf_inference_endpoints as hfie

SERVICES = {
    "audio": "Audio",
    "chat": "Chat",
    "documents": "Documents",
    "embeddings": "Embeddings",
    "endpoints": "Endpoints",
    "hub": "Hub",
    "images": "Images",
    "text": "Text",
    "text_generation": "TextGeneration",
    "video": "Video",
}


def test_every_exported_name_resolves() -> None:
    missing = [name for name in hfie.__all__ if getattr(hfie, name, None) is None]
    assert missing == []


def test_service_classes_are_the_types_of_the_client_attributes() -> None:
    sync_client = hfie.HfInferenceClient(default_provider="hf-inference", token="hf_x")
    async_client = hfie.AsyncHfInferenceClient(default_provider="hf-inference", token="hf_x")
    try:
        for attribute, name in SERVICES.items():
            assert type(getattr(sync_client, attribute)) is getattr(hfie, name), attribute
            assert type(getattr(async_client, attribute)) is getattr(hfie, "Async" + name)
    finally:
        sync_client.close()


def test_health_status_is_exported() -> None:
    from hf_inference_endpoints._health import HealthStatus

    assert hfie.HealthStatus is HealthStatus


def test_exports_stay_lazy() -> None:
    code = (
        "import sys, hf_inference_endpoints as h; "
        "loaded = [m for m in ('httpx2', 'pydantic', 'hf_inference_endpoints._sync.images') "
        "if m in sys.modules]; print(loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
