"""fal.ai: synchronous runs (fal.run) and the request queue (queue.fal.run)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..._errors import ServerError
from ._base import (
    HF_CO,
    AnswerReader,
    BodyBuilder,
    Done,
    Fetch,
    JobContext,
    ProviderHelper,
    RawBody,
    Route,
    Step,
    StepReader,
    as_data_url,
    b64decode,
    body_inputs,
    body_parameters,
    done,
    download,
    malformed,
    url_path,
)

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["FalAIHelper"]

#: The host of fal's request queue, for a direct call with a fal key.
QUEUE_URL = "https://queue.fal.run"
#: Through the router, a queue task's URL (and every poll) carries this query.
QUEUE_QUERY = "?_subdomain=queue"

#: Seconds between two status polls (HUB polls every 0.5 s).
POLL_INTERVAL = 0.5


# ------------------------------------------------------------------------------ bodies


def _speech_recognition(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return {"audio_url": as_data_url(body_inputs(body), "audio/mpeg"), **body_parameters(body)}


def _speech(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return {"text": body_inputs(body), **body_parameters(body)}


def _prompt(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """text-to-video: ``{"prompt", ...params}``."""
    return {"prompt": body_inputs(body), **body_parameters(body)}


def _image(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """text-to-image: ``{"prompt", ...params}``; ``width`` + ``height`` -> ``image_size``."""
    payload = _prompt(model_id, body)
    if "width" in payload and "height" in payload:
        payload["image_size"] = {"width": payload.pop("width"), "height": payload.pop("height")}
    return payload


def _image_input(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """image-to-video: ``{"image_url", ...params}``."""
    return {"image_url": as_data_url(body_inputs(body), "image/jpeg"), **body_parameters(body)}


def _image_edit(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """image-to-image: ``image_url`` and ``image_urls``; ``target_size`` -> ``image_size``."""
    payload = _image_input(model_id, body)
    payload["image_urls"] = [payload["image_url"]]
    size = payload.pop("target_size", None)
    if isinstance(size, Mapping):
        payload["image_size"] = {"width": size.get("width"), "height": size.get("height")}
    return payload


def _segmentation(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """image-segmentation: ``{"image_url", ...params, "sync_mode": true}``."""
    return {**_image_input(model_id, body), "sync_mode": True}


def _add_lora(payload: dict[str, Any], model_id: str, mapping: MappingEntry) -> None:
    """LoRA adapters: fal loads the weights file from the Hub repo."""
    path = mapping.adapter_weights_path
    payload["loras"] = [{"path": f"{HF_CO}/{mapping.hf_model_id}/resolve/main/{path}", "scale": 1}]
    if model_id == "fal-ai/lora":
        # fal's SD-based LoRA runner needs the base model (FLUX-based ones do not)
        payload["model_name"] = "stabilityai/stable-diffusion-xl-base-1.0"


# ----------------------------------------------------------------------------- answers


def _transcription(data: Any) -> dict[str, Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get("text"), str):
        raise malformed("text", "a string")
    out: dict[str, Any] = {"text": data["text"]}
    if isinstance(data.get("chunks"), list):
        out["chunks"] = [
            {"text": c.get("text", ""), "timestamp": c.get("timestamp")}
            for c in data["chunks"]
            if isinstance(c, Mapping)
        ]
    return out


def _download_at(*path: str | int) -> AnswerReader:
    """An answer reader that downloads the file URL at ``path`` of the answer."""

    def answer(data: Any, job: JobContext) -> Step:
        return download(_url_at(data, path))

    return answer


def _queued(data: Any, job: JobContext) -> Step:
    """The queue's submit answer ``{request_id, response_url, status}``: poll the status
    (or fetch the result at once when it is already ``COMPLETED``)."""
    if not isinstance(data, Mapping) or not data.get("request_id"):
        raise malformed("request_id", "present in the queue answer")
    response_url = data.get("response_url")
    if isinstance(response_url, str) and response_url:
        result_url = job.base_url + url_path(response_url).split("?", 1)[0]
    else:  # older answers: rebuild it from the request id
        model_path = url_path(job.request_url).split("?", 1)[0][len(url_path(job.base_url)) :]
        result_url = f"{job.base_url}{model_path}/requests/{data['request_id']}"
    query = job.query
    if data.get("status") == "COMPLETED":
        return Fetch(result_url + query, "result")
    return Fetch(
        f"{result_url}/status{query}",
        "status",
        delay=POLL_INTERVAL,
        state={"result_url": result_url + query},
    )


def _queue_steps(read_result: Callable[[Any], Step]) -> StepReader:
    """The follow-up GETs of a queue job: ``status`` until ``COMPLETED``, then the
    ``result``, read by ``read_result(data) -> Step``."""

    def follow(step: Fetch, data: Any, job: JobContext) -> Step:
        if step.stage == "status":
            status = data.get("status") if isinstance(data, Mapping) else None
            if status == "COMPLETED":
                return Fetch(str(step.state["result_url"]), "result")
            if status in ("FAILED", "ERROR", "CANCELLED"):
                raise ServerError(f"fal-ai job ended with status {status}: {data.get('error')}")
            return step.again()
        if step.stage == "result":
            return read_result(data)
        if step.stage == "mask":
            return Done(_mask(data))
        raise ValueError(f"fal-ai: unexpected job stage {step.stage!r}")

    return follow


def _video_result(data: Any) -> Step:
    return download(_url_at(data, ("video", "url")))


def _image_result(data: Any) -> Step:
    images = data.get("images") if isinstance(data, Mapping) else None
    if isinstance(images, list) and images:
        return download(_url_at(data, ("images", 0, "url")))
    return download(_url_at(data, ("image", "url")))


def _mask_result(data: Any) -> Step:
    url = _url_at(data, ("image", "url"))
    if url.startswith("data:"):
        return Done(_mask(b64decode(url, "image.url")))
    return download(url, "mask")


def _mask(png: bytes) -> list[dict[str, Any]]:
    """An image-segmentation result in the hf-inference shape (base64 PNG mask)."""
    return [{"label": "mask", "mask": base64.b64encode(png).decode("ascii")}]


def _url_at(data: Any, path: tuple[str | int, ...]) -> str:
    value = data
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            value = None
            break
    if not isinstance(value, str) or not value:
        raise malformed(".".join(str(k) for k in path), "a URL")
    return value


def _queue_route(body: BodyBuilder, read_result: Callable[[Any], Step], **kw: Any) -> Route:
    """A task run through fal's queue: submit, poll the status, fetch and read the result."""
    return Route(
        "/{model}",
        body=body,
        answer=_queued,
        follow=_queue_steps(read_result),
        direct_url=QUEUE_URL,
        router_query=QUEUE_QUERY,
        **kw,
    )


class FalAIHelper(ProviderHelper):
    """``fal-ai``: ``/{providerId}`` on https://fal.run (sync) or https://queue.fal.run.

    Direct calls authenticate with ``Authorization: Key <fal key>``. Through the router,
    queue tasks add ``?_subdomain=queue`` and every poll keeps the ``/fal-ai`` prefix
    and that query.

    Flows:
        * sync (ASR, text-to-image, text-to-speech): one POST; images and audio come
          back as URLs that are downloaded without credentials.
        * queue (text-to-video, image-to-video, image-to-image, image-segmentation):
          POST -> ``{request_id, response_url, ...}``; GET ``{base}{path(response_url)}/status``
          every 0.5 s until ``COMPLETED``; GET ``{base}{path(response_url)}`` for the
          result; download ``video.url`` / ``images[0].url`` / ``image.url``.
    """

    name: ClassVar[str] = "fal-ai"
    url_input_tasks: ClassVar[frozenset[str]] = frozenset(
        {"automatic-speech-recognition", "image-to-image", "image-to-video", "image-segmentation"}
    )
    direct_url: ClassVar[str] = "https://fal.run"
    key_scheme: ClassVar[str] = "Key"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "automatic-speech-recognition": Route(
            "/{model}", body=_speech_recognition, answer=done(_transcription)
        ),
        "text-to-image": Route(
            "/{model}", body=_image, answer=_download_at("images", 0, "url"), adapter=_add_lora
        ),
        "text-to-speech": Route("/{model}", body=_speech, answer=_download_at("audio", "url")),
        "text-to-video": _queue_route(_prompt, _video_result, adapter=_add_lora),
        "image-to-video": _queue_route(_image_input, _video_result),
        "image-to-image": _queue_route(_image_edit, _image_result, adapter=_add_lora),
        "image-segmentation": _queue_route(_segmentation, _mask_result),
    }
