"""Scaleway Generative APIs: OpenAI chat and embeddings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Done, JobContext, ProviderHelper, RawBody, Step
from ._openai import embeddings_payload, parse_embeddings

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["ScalewayHelper"]


class ScalewayHelper(ProviderHelper):
    """``scaleway``: chat ``/v1/chat/completions``; feature-extraction ``/v1/embeddings``."""

    name: ClassVar[str] = "scaleway"
    direct_url: ClassVar[str] = "https://api.scaleway.ai"
    routes: ClassVar[Mapping[str, str]] = {
        "conversational": "/v1/chat/completions",
        "feature-extraction": "/v1/embeddings",
    }

    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: MappingEntry | None = None,
    ) -> dict[str, Any] | RawBody:
        if task == "feature-extraction":
            return embeddings_payload(model_id, body)
        return super().payload(task, model_id, body, mapping=mapping)

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task == "feature-extraction":
            return Done(parse_embeddings(data))
        return Done(data)
