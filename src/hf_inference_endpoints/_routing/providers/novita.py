"""Novita AI: OpenAI chat and completions, and text-to-video."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._base import (
    JobContext,
    ProviderHelper,
    RawBody,
    Route,
    Step,
    body_inputs,
    body_parameters,
    download,
    malformed,
)
from ._openai import completions_route

__all__ = ["NovitaHelper"]


def _video(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return {"prompt": body_inputs(body), **body_parameters(body)}


def _video_answer(data: Any, job: JobContext) -> Step:
    """``{"video": {"video_url"}}``: the video is downloaded without credentials."""
    video = data.get("video") if isinstance(data, Mapping) else None
    url = video.get("video_url") if isinstance(video, Mapping) else None
    if not isinstance(url, str) or not url:
        raise malformed("video.video_url", "a URL")
    return download(url)


class NovitaHelper(ProviderHelper):
    """``novita``: chat ``/v3/openai/chat/completions``; text-generation
    ``/v3/openai/completions``; text-to-video ``/v3/hf/{providerId}`` ``{"prompt", ...}``
    answering ``{"video": {"video_url"}}``, which is downloaded without credentials.
    """

    name: ClassVar[str] = "novita"
    direct_url: ClassVar[str] = "https://api.novita.ai"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v3/openai/chat/completions",
        "text-generation": completions_route("/v3/openai/completions"),
        "text-to-video": Route("/v3/hf/{model}", body=_video, answer=_video_answer),
    }
    text_generation_api = "openai-completions"  # chunks end with [DONE]
