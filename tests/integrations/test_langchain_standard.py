"""LangChain's own standard test suites (``langchain-tests``) for our chat model and
embeddings: the unit suites, and the integration suites against the local emulator.

Skipped standard tests (the suites skip them themselves from the capability flags below):

* ``test_serdes`` (chat unit): "Model is not serializable." ``langchain_core.load`` only
  loads classes on its own allowlist of LangChain partner packages (even with
  ``allowed_objects="all"``), so no third-party model can pass the round trip; the model
  does not opt into ``is_lc_serializable``.
* ``test_stream_time`` (chat integration): "VCR not set up." A benchmark over recorded
  cassettes; our suite runs against the emulator instead.
* ``test_pdf_inputs``, ``test_audio_inputs``, ``test_image_tool_message``,
  ``test_pdf_tool_message`` (chat integration): PDF and audio parts, and images inside
  tool results, are not part of the chat API that HF's providers share (images in user
  messages are, for vision models: ``test_image_inputs`` runs, with the image it would
  download served from this repository's test media, as tests here have no network).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("langchain_tests")

from langchain_tests.integration_tests import (
    ChatModelIntegrationTests,
    EmbeddingsIntegrationTests,
)
from langchain_tests.integration_tests import chat_models as chat_model_tests
from langchain_tests.unit_tests import ChatModelUnitTests, EmbeddingsUnitTests

from hf_inference_endpoints.integrations.langchain import (
    ChatHfInference,
    HfInferenceEmbeddings,
)

from .. import media
from .conftest import CHAT_MODEL, EMBEDDING_MODEL, OTHER_CHAT_MODEL, EmulatorUrls

pytestmark = pytest.mark.anyio


class _OfflineMedia:
    """Stands in for the ``httpx`` the standard suite downloads its test image with."""

    @staticmethod
    def get(url: str, **_: Any) -> Any:
        if not url.endswith(".png"):
            raise AssertionError(f"the standard suite asked for {url}: no network in tests")
        return SimpleNamespace(content=media.png(4, 4, (30, 90, 200)))


@pytest.fixture(autouse=True)
def offline_media(monkeypatch: pytest.MonkeyPatch) -> None:
    """The image the standard image tests download comes from tests/media.py instead."""
    monkeypatch.setattr(chat_model_tests, "httpx", _OfflineMedia)


class TestChatHfInferenceUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[ChatHfInference]:
        return ChatHfInference

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": CHAT_MODEL}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return {"HF_TOKEN": "hf_from_env"}, {"model": CHAT_MODEL}, {"api_key": "hf_from_env"}

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return OTHER_CHAT_MODEL


class TestChatHfInferenceIntegration(ChatModelIntegrationTests):
    """Structured output through tool calling (the default ``method``)."""

    @property
    def chat_model_class(self) -> type[ChatHfInference]:
        return ChatHfInference

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": CHAT_MODEL, **EmulatorUrls.client_params()}

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True  # histories from Anthropic models: tool_use folded, thinking dropped

    @property
    def supports_image_inputs(self) -> bool:
        return True  # image_url parts, as HF's vision models take them

    @property
    def supports_image_urls(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return OTHER_CHAT_MODEL


class TestChatHfInferenceJsonSchemaIntegration(TestChatHfInferenceIntegration):
    """The whole suite again with structured output through ``response_format`` JSON schemas."""

    @property
    def structured_output_kwargs(self) -> dict[str, Any]:
        return {"method": "json_schema"}


class TestHfInferenceEmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[HfInferenceEmbeddings]:
        return HfInferenceEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": EMBEDDING_MODEL}


class TestHfInferenceEmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[HfInferenceEmbeddings]:
        return HfInferenceEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": EMBEDDING_MODEL, **EmulatorUrls.client_params()}
