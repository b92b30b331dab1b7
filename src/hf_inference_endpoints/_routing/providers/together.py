"""Together AI: chat, completions, images, speech, embeddings and video jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..._errors import ServerError
from ._base import (
    Done,
    Fetch,
    JobContext,
    ProviderHelper,
    RawBody,
    ResponseKind,
    Step,
    as_data_url,
    body_inputs,
    body_parameters,
    download,
    malformed,
)
from ._openai import (
    b64_image,
    completions_payload,
    embeddings_payload,
    parse_completion,
    parse_embeddings,
)

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["TogetherHelper"]

#: Video jobs: poll every 2 s, at most 150 times (about 5 minutes), as HUB does.
VIDEO_POLL_INTERVAL = 2.0
VIDEO_MAX_POLLS = 150

_VIDEO_TASKS = frozenset({"text-to-video", "image-to-video"})


def _takes_image_url(model_id: str) -> bool:
    """FLUX.1 Kontext takes ``image_url``; every other image-to-image model ``reference_images``."""
    lowered = model_id.lower()
    return "kontext" in lowered and "flux.1" in lowered


def _video_parameters(params: dict[str, Any]) -> dict[str, Any]:
    """The task's video options in Together's names: ``steps``, ``width``, ``height``."""
    out = dict(params)
    if "num_inference_steps" in out:
        out["steps"] = out.pop("num_inference_steps")
    size = out.pop("target_size", None)
    if isinstance(size, Mapping):
        for side in ("width", "height"):
            if size.get(side) is not None:
                out[side] = size[side]
    elif size is not None:
        out["target_size"] = size  # not the task's {width, height}: sent as given
    return out


class TogetherHelper(ProviderHelper):
    """``together``: ``https://api.together.xyz``.

    * chat: ``json_schema`` becomes ``{"type": "json_schema", "schema": ...}``;
    * text-generation: completions, answered as ``{"generated_text", "details"}``;
    * text-to-image / image-to-image: ``/v1/images/generations`` with
      ``response_format: "base64"`` (``num_inference_steps`` -> ``steps``); the image is
      ``data[0].b64_json``. image-to-image sends ``image_url`` for FLUX.1 Kontext models,
      else ``reference_images: [url]``, and always a ``prompt`` (``""`` without one);
    * text-to-speech: ``/v1/audio/speech`` ``{"input", "model", ...}`` -> raw audio;
    * feature-extraction: ``/v1/embeddings`` -> ``data[].embedding``;
    * text-to-video / image-to-video: ``/v2/videos`` answers ``{id, status}``; poll
      ``GET /v2/videos/{id}`` every 2 s (max 150) while ``queued``/``in_progress``;
      ``completed`` -> download ``outputs.video_url``; ``failed`` -> ``error.message``.
      image-to-video sends ``frame_images: [{"input_image", "frame": "first"}]``; the
      options go in Together's names (``num_inference_steps`` -> ``steps``,
      ``target_size: {width, height}`` -> ``width``, ``height``).

    The mapped model id is always the body's ``model``, whatever the caller's parameters say.
    """

    name: ClassVar[str] = "together"
    url_input_tasks: ClassVar[frozenset[str]] = frozenset({"image-to-image", "image-to-video"})
    direct_url: ClassVar[str] = "https://api.together.xyz"
    routes: ClassVar[Mapping[str, str]] = {
        "conversational": "/v1/chat/completions",
        "text-generation": "/v1/completions",
        "text-to-image": "/v1/images/generations",
        "image-to-image": "/v1/images/generations",
        "text-to-speech": "/v1/audio/speech",
        "feature-extraction": "/v1/embeddings",
        "text-to-video": "/v2/videos",
        "image-to-video": "/v2/videos",
    }
    text_generation_api = "openai-completions"  # chunks end with [DONE]
    chat_json_schema: ClassVar[str | None] = "json_schema_flat"

    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: MappingEntry | None = None,
    ) -> dict[str, Any] | RawBody:
        inputs = body_inputs(body)
        params = body_parameters(body)
        if task == "text-generation":
            return completions_payload(model_id, body)
        if task == "feature-extraction":
            return embeddings_payload(model_id, body)
        # the mapped model id goes last: a caller's `model` parameter never replaces it
        if task == "text-to-speech":
            return {"input": inputs, **params, "model": model_id}
        if task in ("text-to-image", "image-to-image"):
            if "num_inference_steps" in params:
                params["steps"] = params.pop("num_inference_steps")
            if task == "text-to-image":
                return {"prompt": inputs, "response_format": "base64", **params, "model": model_id}
            image = as_data_url(inputs, "image/jpeg")
            prompt = params.pop("prompt", None)
            payload: dict[str, Any] = {
                "prompt": "" if prompt is None else prompt,  # the API wants one, even empty
                "response_format": "base64",
                **params,
                "model": model_id,
            }
            if _takes_image_url(model_id):
                payload["image_url"] = image
            else:
                payload["reference_images"] = [image]
            return payload
        if task == "text-to-video":
            return {"prompt": inputs, **_video_parameters(params), "model": model_id}
        if task == "image-to-video":
            frame = {"input_image": as_data_url(inputs, "image/jpeg"), "frame": "first"}
            return {**_video_parameters(params), "model": model_id, "frame_images": [frame]}
        return super().payload(task, model_id, body, mapping=mapping)

    def response_kind(self, task: str) -> ResponseKind:
        return "bytes" if task == "text-to-speech" else "json"

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task == "text-generation":
            return Done(parse_completion(data))
        if task == "feature-extraction":
            return Done(parse_embeddings(data))
        if task in ("text-to-image", "image-to-image"):
            return Done(b64_image(data))
        if task in _VIDEO_TASKS:
            if not isinstance(data, Mapping) or not data.get("id"):
                raise malformed("id", "present in the video job answer")
            poll = Fetch(
                f"{job.base_url}/v2/videos/{data['id']}",
                "video",
                delay=VIDEO_POLL_INTERVAL,
                max_attempts=VIDEO_MAX_POLLS,
            )
            return self._video(data, poll)
        return Done(data)

    def advance(self, task: str, step: Fetch, data: Any, job: JobContext) -> Step:
        if step.stage == "video":
            return self._video(data, step.again())
        return super().advance(task, step, data, job)

    def _video(self, data: Any, poll: Fetch) -> Step:
        status = data.get("status") if isinstance(data, Mapping) else None
        if status == "completed":
            outputs = data.get("outputs")
            url = outputs.get("video_url") if isinstance(outputs, Mapping) else None
            if not isinstance(url, str) or not url:
                raise malformed("outputs.video_url", "a URL")
            return download(url)
        if status == "failed":
            error = data.get("error")
            message = error.get("message") if isinstance(error, Mapping) else error
            raise ServerError(f"Together video job {data.get('id')} failed: {message}")
        if status in (None, "queued", "in_progress"):
            return poll
        raise malformed("status", f"a known video job status (got {status!r})")
