"""WaveSpeed AI: image and video jobs polled until their outputs are ready."""

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
    download,
    malformed,
    url_path,
)

__all__ = ["WavespeedHelper"]

#: Seconds between two polls of a job (HUB polls every 0.5 s).
POLL_INTERVAL = 0.5


def _prompt(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """text-to-image, text-to-video: ``{"prompt", ...params}``."""
    return {"prompt": body_inputs(body), **body_parameters(body)}


def _image_input(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """image-to-image, image-to-video: ``{"image", ...params, "prompt"}``."""
    params = body_parameters(body)
    prompt = params.pop("prompt", None)
    payload: dict[str, Any] = {"image": as_data_url(body_inputs(body), "image/jpeg"), **params}
    if prompt is not None:
        payload["prompt"] = prompt
    return payload


def _submitted(data: Any, job: JobContext) -> Step:
    """``{"data": {"id", "status", "urls": {"get"}}}``: poll the path of ``urls.get``."""
    inner = data.get("data") if isinstance(data, Mapping) else None
    urls = inner.get("urls") if isinstance(inner, Mapping) else None
    get = urls.get("get") if isinstance(urls, Mapping) else None
    if not isinstance(get, str) or not get:
        raise malformed("data.urls.get", "a URL")
    poll = Fetch(job.base_url + url_path(get), "result", delay=POLL_INTERVAL)
    assert isinstance(inner, Mapping)
    return _result(inner, poll) if inner.get("status") == "completed" else poll


def _poll(step: Fetch, data: Any, job: JobContext) -> Step:
    if step.stage == "result":
        inner = data.get("data") if isinstance(data, Mapping) else None
        return _result(inner, step.again())
    raise ValueError(f"wavespeed: unexpected job stage {step.stage!r}")


def _result(inner: Any, poll: Fetch) -> Step:
    status = inner.get("status") if isinstance(inner, Mapping) else None
    if status == "completed":
        outputs = inner.get("outputs")
        if not isinstance(outputs, list) or not outputs or not isinstance(outputs[0], str):
            raise malformed("data.outputs[0]", "a URL")
        return download(outputs[0])
    if status == "failed":
        raise ServerError(f"WaveSpeed job failed: {inner.get('error') or 'no reason given'}")
    if status in ("created", "processing"):
        return poll
    raise malformed("data.status", f"a known job status (got {status!r})")


_TEXT_JOB = Route("/api/v3/{model}", body=_prompt, answer=_submitted, follow=_poll)
_IMAGE_JOB = Route("/api/v3/{model}", body=_image_input, answer=_submitted, follow=_poll)


class WavespeedHelper(ProviderHelper):
    """``wavespeed``: ``/api/v3/{providerId}`` for text-to-image, text-to-video,
    image-to-image and image-to-video.

    The submit answers ``{"data": {"id", "status", "urls": {"get": ...}}}``. The *path*
    of ``data.urls.get`` is polled on the same base (the router keeps its ``/wavespeed``
    prefix) every 0.5 s: ``created``/``processing`` keep polling, ``completed`` downloads
    ``data.outputs[0]`` without credentials, ``failed`` raises ``data.error``. Image
    inputs go as ``image`` (URL or ``data:image/...;base64``).
    """

    name: ClassVar[str] = "wavespeed"
    direct_url: ClassVar[str] = "https://api.wavespeed.ai"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "text-to-image": _TEXT_JOB,
        "text-to-video": _TEXT_JOB,
        "image-to-image": _IMAGE_JOB,
        "image-to-video": _IMAGE_JOB,
    }
