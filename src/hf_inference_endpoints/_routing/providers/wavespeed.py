"""WaveSpeed AI: image and video jobs polled until their outputs are ready."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..._errors import ServerError
from ._base import (
    Fetch,
    JobContext,
    ProviderHelper,
    RawBody,
    Step,
    as_data_url,
    body_inputs,
    body_parameters,
    download,
    malformed,
    url_path,
)

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["WavespeedHelper"]

#: Seconds between two polls of a job (HUB polls every 0.5 s).
POLL_INTERVAL = 0.5

_IMAGE_INPUT = frozenset({"image-to-image", "image-to-video"})


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
    routes: ClassVar[Mapping[str, str]] = {
        "text-to-image": "/api/v3/{model}",
        "text-to-video": "/api/v3/{model}",
        "image-to-image": "/api/v3/{model}",
        "image-to-video": "/api/v3/{model}",
    }

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
        if task in _IMAGE_INPUT:
            prompt = params.pop("prompt", None)
            payload: dict[str, Any] = {"image": as_data_url(inputs, "image/jpeg"), **params}
            if prompt is not None:
                payload["prompt"] = prompt
            return payload
        return {"prompt": inputs, **params}

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        inner = data.get("data") if isinstance(data, Mapping) else None
        urls = inner.get("urls") if isinstance(inner, Mapping) else None
        get = urls.get("get") if isinstance(urls, Mapping) else None
        if not isinstance(get, str) or not get:
            raise malformed("data.urls.get", "a URL")
        poll = Fetch(job.base_url + url_path(get), "result", delay=POLL_INTERVAL)
        assert isinstance(inner, Mapping)
        return self._result(inner, poll) if inner.get("status") == "completed" else poll

    def advance(self, task: str, step: Fetch, data: Any, job: JobContext) -> Step:
        if step.stage == "result":
            inner = data.get("data") if isinstance(data, Mapping) else None
            return self._result(inner, step.again())
        return super().advance(task, step, data, job)

    def _result(self, inner: Any, poll: Fetch) -> Step:
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
