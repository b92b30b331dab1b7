"""Fixtures for the framework adapters: the session's emulator, as the frameworks' own
test suites need it (a base URL known before a model is built)."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import EMULATOR_TOKEN

#: A chat model and an embedding model the emulator serves on hf-inference (no Hub lookup).
CHAT_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
OTHER_CHAT_MODEL = "Qwen/Qwen2.5-7B-Instruct"
EMBEDDING_MODEL = "BAAI/bge-small-en-v1.5"


class EmulatorUrls:
    """Where the running emulator is; set by :func:`emulator_urls` before each test."""

    router_url = "http://127.0.0.1:9"  # nothing listens: a test that forgot the fixture fails
    hub_url = "http://127.0.0.1:9"

    @classmethod
    def client_params(cls) -> dict[str, Any]:
        return {
            "api_key": EMULATOR_TOKEN,
            "router_url": cls.router_url,
            "hub_url": cls.hub_url,
            "provider": "hf-inference",  # the models above, without a Hub lookup
        }


@pytest.fixture(autouse=True)
def emulator_urls(emulator: Any) -> type[EmulatorUrls]:
    """Point :class:`EmulatorUrls` at the session's emulator (real sockets, no token)."""
    EmulatorUrls.router_url = emulator.router_url
    EmulatorUrls.hub_url = emulator.hub_url
    return EmulatorUrls


@pytest.fixture
def anyio_backend() -> str:
    """LangChain and LlamaIndex run their async code on asyncio only."""
    return "asyncio"
