"""PublicAI: plain OpenAI chat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["PublicaiHelper"]


class PublicaiHelper(ProviderHelper):
    """``publicai``: OpenAI chat at ``/v1/chat/completions`` (router ``{router}/publicai``, direct ``https://api.publicai.co``)."""

    name: ClassVar[str] = "publicai"
    direct_url: ClassVar[str] = "https://api.publicai.co"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/v1/chat/completions"}
