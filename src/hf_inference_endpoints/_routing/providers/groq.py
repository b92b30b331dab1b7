"""Groq: plain OpenAI chat under ``/openai``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["GroqHelper"]


class GroqHelper(ProviderHelper):
    """``groq``: OpenAI chat at ``/openai/v1/chat/completions`` (router ``{router}/groq``, direct ``https://api.groq.com``)."""

    name: ClassVar[str] = "groq"
    direct_url: ClassVar[str] = "https://api.groq.com"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/openai/v1/chat/completions"}
