"""The README's feature examples run as written, against the emulator (sync client)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints import HfInferenceClient

from ..conftest import EMULATOR_TOKEN

README = Path(__file__).resolve().parents[2] / "README.md"
SECTIONS = [
    "Structured outputs, reasoning, whole streams",
    "Coming from the openai SDK",
    "Reranking",
    "Tabular tasks",
    "Rotating credentials",
    "Finding models",
]
HF_ROUTER = "https://router.huggingface.co"


def _blocks(heading: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end >= 0 else None]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.mark.parametrize("heading", SECTIONS)
def test_readme_example_runs(
    heading: str, emulator: Any, no_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the examples name the real router; here it is the emulator's, and so is the Hub
    monkeypatch.setenv("HF_TOKEN", EMULATOR_TOKEN)
    monkeypatch.setenv("HF_ROUTER_URL", emulator.router_url)
    monkeypatch.setenv("HF_ENDPOINT", emulator.hub_url)
    blocks = [
        b.replace(HF_ROUTER, emulator.router_url).replace(
            "http://127.0.0.1:8787/tei/my-reranker", emulator.tei_url("reranker")
        )
        for b in _blocks(heading)
    ]
    assert blocks, f"no python example under {heading!r}"
    with HfInferenceClient(
        router_url=emulator.router_url, hub_url=emulator.hub_url, token=EMULATOR_TOKEN
    ) as client:
        for block in blocks:
            names: dict[str, Any] = {"client": client}
            try:
                exec(compile(block, f"README:{heading}", "exec"), names)
            finally:  # clients the example made itself (it leaves them to the process end)
                for value in names.values():
                    if isinstance(value, HfInferenceClient) and value is not client:
                        value.close()
