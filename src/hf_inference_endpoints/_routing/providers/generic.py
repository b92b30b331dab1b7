"""Chat on a provider the Hub mapping names but this client has no helper for."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["GenericChatHelper", "generic_chat_helper"]


class GenericChatHelper(ProviderHelper):
    """``{router}/{provider}/v1/chat/completions`` with the mapped ``providerId``.

    One subclass per provider name (see :func:`generic_chat_helper`); chat only
    (other tasks of an unknown provider are skipped with a clear message) and router
    only (its own API base is unknown, so a provider key cannot reach it).
    """

    routes: ClassVar[Mapping[str, str]] = {"conversational": "/v1/chat/completions"}


@cache
def generic_chat_helper(name: str) -> GenericChatHelper:
    """The generic OpenAI-compatible chat helper for provider ``name``."""
    cls: type[GenericChatHelper] = type(
        f"GenericChatHelper_{name}", (GenericChatHelper,), {"name": name}
    )
    return cls()
