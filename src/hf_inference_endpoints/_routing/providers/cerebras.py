"""Cerebras: plain OpenAI chat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["CerebrasHelper"]


class CerebrasHelper(ProviderHelper):
    """``cerebras``: OpenAI chat at ``/v1/chat/completions`` (router ``{router}/cerebras``, direct ``https://api.cerebras.ai``)."""

    name: ClassVar[str] = "cerebras"
    direct_url: ClassVar[str] = "https://api.cerebras.ai"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/v1/chat/completions"}
