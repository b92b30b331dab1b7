"""Together AI: chat, completions, images, speech, embeddings and video jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..._errors import ServerError
from ._base import (
    Fetch,
    JobContext,
    ProviderHelper,
    RawBody,
    Route,
    Step,
    as_data_url,
    body_inputs,
    body_parameters,
    done,
    download,
    malformed,
)
from ._openai import b64_image, completions_route, embeddings_route

__all__ = ["TogetherHelper"]

#: Video jobs: poll every 2 s, at most 150 times (about 5 minutes), as HUB does.
VIDEO_POLL_INTERVAL = 2.0
VIDEO_MAX_POLLS = 150


def _image_parameters(body: dict[str, Any] | RawBody) -> dict[str, Any]:
    params = body_parameters(body)
    if "num_inference_steps" in params:
        params["steps"] = params.pop("num_inference_steps")
    return params


def _image(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """text-to-image: ``{"prompt", "response_format": "base64", ...}``."""
    params = _image_parameters(body)
    return {"prompt": body_inputs(body), "response_format": "base64", **params, "model": model_id}


def _takes_image_url(model_id: str) -> bool:
    """FLUX.1 Kontext takes ``image_url``; every other image-to-image model ``reference_images``."""
    lowered = model_id.lower()
    return "kontext" in lowered and "flux.1" in lowered


def _image_edit(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """image-to-image: ``image_url`` for FLUX.1 Kontext models, else ``reference_images``;
    always a ``prompt`` (``""`` without one: the API wants the field)."""
    params = _image_parameters(body)
    image = as_data_url(body_inputs(body), "image/jpeg")
    prompt = params.pop("prompt", None)
    payload: dict[str, Any] = {
        "prompt": "" if prompt is None else prompt,
        "response_format": "base64",
        **params,
        "model": model_id,
    }
    if _takes_image_url(model_id):
        payload["image_url"] = image
    else:
        payload["reference_images"] = [image]
    return payload


def _speech(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return {"input": body_inputs(body), **body_parameters(body), "model": model_id}


def _video_parameters(body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """The task's video options in Together's names: ``steps``, ``width``, ``height``."""
    out = body_parameters(body)
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


def _video(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return {"prompt": body_inputs(body), **_video_parameters(body), "model": model_id}


def _image_video(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    frame = {"input_image": as_data_url(body_inputs(body), "image/jpeg"), "frame": "first"}
    return {**_video_parameters(body), "model": model_id, "frame_images": [frame]}


def _video_job(data: Any, job: JobContext) -> Step:
    """The submit answer ``{id, status}``: poll ``/v2/videos/{id}`` until it is done."""
    if not isinstance(data, Mapping) or not data.get("id"):
        raise malformed("id", "present in the video job answer")
    poll = Fetch(
        f"{job.base_url}/v2/videos/{data['id']}",
        "video",
        delay=VIDEO_POLL_INTERVAL,
        max_attempts=VIDEO_MAX_POLLS,
    )
    return _video_step(data, poll)


def _video_poll(step: Fetch, data: Any, job: JobContext) -> Step:
    if step.stage == "video":
        return _video_step(data, step.again())
    raise ValueError(f"together: unexpected job stage {step.stage!r}")


def _video_step(data: Any, poll: Fetch) -> Step:
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
    text_generation_api = "openai-completions"  # chunks end with [DONE]
    chat_json_schema: ClassVar[str | None] = "json_schema_flat"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "text-generation": completions_route("/v1/completions"),
        "text-to-image": Route("/v1/images/generations", body=_image, answer=done(b64_image)),
        "image-to-image": Route("/v1/images/generations", body=_image_edit, answer=done(b64_image)),
        "text-to-speech": Route("/v1/audio/speech", body=_speech, kind="bytes"),
        "feature-extraction": embeddings_route("/v1/embeddings"),
        "text-to-video": Route("/v2/videos", body=_video, answer=_video_job, follow=_video_poll),
        "image-to-video": Route(
            "/v2/videos", body=_image_video, answer=_video_job, follow=_video_poll
        ),
    }
