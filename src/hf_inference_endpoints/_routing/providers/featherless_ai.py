"""Featherless AI: OpenAI chat and completions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Done, JobContext, ProviderHelper, RawBody, Step
from ._openai import completions_payload, parse_completion

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["FeatherlessAIHelper"]


class FeatherlessAIHelper(ProviderHelper):
    """``featherless-ai``: chat ``/v1/chat/completions``; text-generation ``/v1/completions``.

    text-generation sends ``max_tokens`` for ``max_new_tokens`` and answers
    ``{"generated_text", "details": {"finish_reason", "seed"}}``.
    """

    name: ClassVar[str] = "featherless-ai"
    direct_url: ClassVar[str] = "https://api.featherless.ai"
    routes: ClassVar[Mapping[str, str]] = {
        "conversational": "/v1/chat/completions",
        "text-generation": "/v1/completions",
    }
    text_generation_api = "openai-completions"  # chunks end with [DONE]

    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: MappingEntry | None = None,
    ) -> dict[str, Any] | RawBody:
        if task == "text-generation":
            return completions_payload(model_id, body)
        return super().payload(task, model_id, body, mapping=mapping)

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task == "text-generation":
            return Done(parse_completion(data))
        return Done(data)
