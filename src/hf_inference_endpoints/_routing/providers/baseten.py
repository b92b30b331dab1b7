"""Baseten: plain OpenAI chat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["BasetenHelper"]


class BasetenHelper(ProviderHelper):
    """``baseten``: OpenAI chat at ``/v1/chat/completions`` (router ``{router}/baseten``, direct ``https://inference.baseten.co``)."""

    name: ClassVar[str] = "baseten"
    direct_url: ClassVar[str] = "https://inference.baseten.co"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/v1/chat/completions"}
