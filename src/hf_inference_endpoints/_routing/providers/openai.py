"""OpenAI, called directly with an OpenAI key (never through the router)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["OpenAIHelper"]


class OpenAIHelper(ProviderHelper):
    """``openai``: ``https://api.openai.com/v1/chat/completions``.

    Client-side only: it needs an OpenAI key (an ``hf_`` token is refused when the
    call is prepared), needs no mapping lookup, and the model id is sent as given.
    """

    name: ClassVar[str] = "openai"
    direct_url: ClassVar[str] = "https://api.openai.com"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/v1/chat/completions"}
    needs_mapping: ClassVar[bool] = False
    on_hub: ClassVar[bool] = False
    accepts_hf_token: ClassVar[bool] = False
    key_name: ClassVar[str] = "an OpenAI API key"

    def base_url(self, router_url: str, task: str = "", *, direct: bool = False) -> str:
        """Always the OpenAI API: the router does not serve ``openai``."""
        return self.direct_url
