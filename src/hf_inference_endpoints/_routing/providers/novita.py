"""Novita AI: OpenAI chat and completions, and text-to-video."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import (
    Done,
    JobContext,
    ProviderHelper,
    RawBody,
    Step,
    body_inputs,
    body_parameters,
    download,
    malformed,
)
from ._openai import completions_payload, parse_completion

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["NovitaHelper"]


class NovitaHelper(ProviderHelper):
    """``novita``: chat ``/v3/openai/chat/completions``; text-generation
    ``/v3/openai/completions``; text-to-video ``/v3/hf/{providerId}`` ``{"prompt", ...}``
    answering ``{"video": {"video_url"}}``, which is downloaded without credentials.
    """

    name: ClassVar[str] = "novita"
    direct_url: ClassVar[str] = "https://api.novita.ai"
    routes: ClassVar[Mapping[str, str]] = {
        "conversational": "/v3/openai/chat/completions",
        "text-generation": "/v3/openai/completions",
        "text-to-video": "/v3/hf/{model}",
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
        if task == "text-to-video":
            return {"prompt": body_inputs(body), **body_parameters(body)}
        return super().payload(task, model_id, body, mapping=mapping)

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task == "text-generation":
            return Done(parse_completion(data))
        if task == "text-to-video":
            video = data.get("video") if isinstance(data, Mapping) else None
            url = video.get("video_url") if isinstance(video, Mapping) else None
            if not isinstance(url, str) or not url:
                raise malformed("video.video_url", "a URL")
            return download(url)
        return Done(data)
