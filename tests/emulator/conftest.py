"""Fixtures for the emulator's own tests: an in-process client over ASGITransport."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from hf_inference_endpoints.emulator import EmulatorSettings, create_app

TOKEN = "hf_emulator_test_token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHAT_MODEL = "meta-llama/Llama-3.1-8B-Instruct"


@pytest.fixture
def anyio_backend() -> str:
    """The emulator tests run on asyncio only."""
    return "asyncio"


@pytest.fixture
def settings() -> EmulatorSettings:
    return EmulatorSettings(time_scale=0.01, serve_any_model=True)


@pytest.fixture
def app(settings: EmulatorSettings) -> Starlette:
    return create_app(settings)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://emulator", headers=AUTH
    ) as c:
        yield c


def sse_data(text: str) -> list[str]:
    """Payloads of the ``data:`` lines of an SSE body (optional space stripped)."""
    return [line[5:].lstrip(" ") for line in text.split("\n") if line.startswith("data:")]


def sse_json(text: str) -> list[Any]:
    """JSON payloads of an SSE body, ``[DONE]`` excluded."""
    return [json.loads(d) for d in sse_data(text) if d != "[DONE]"]


def chat_body(content: str = "What is deep learning?", **extra: Any) -> dict[str, Any]:
    return {"model": CHAT_MODEL, "messages": [{"role": "user", "content": content}], **extra}
