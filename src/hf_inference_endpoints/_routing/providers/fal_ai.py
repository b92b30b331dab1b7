"""fal.ai: synchronous runs (fal.run) and the request queue (queue.fal.run)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..._errors import ServerError
from ._base import (
    HF_CO,
    Done,
    Fetch,
    JobContext,
    ProviderHelper,
    RawBody,
    Step,
    as_data_url,
    b64decode,
    body_inputs,
    body_parameters,
    download,
    malformed,
    url_path,
)

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["FalAIHelper"]

#: Tasks run through fal's queue (submit, poll the status, fetch the result).
QUEUE_TASKS = frozenset({"text-to-video", "image-to-video", "image-to-image", "image-segmentation"})

#: Seconds between two status polls (HUB polls every 0.5 s).
POLL_INTERVAL = 0.5


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
    queue_url: ClassVar[str] = "https://queue.fal.run"
    routes: ClassVar[Mapping[str, str]] = {
        "automatic-speech-recognition": "/{model}",
        "text-to-image": "/{model}",
        "text-to-speech": "/{model}",
        "text-to-video": "/{model}",
        "image-to-video": "/{model}",
        "image-to-image": "/{model}",
        "image-segmentation": "/{model}",
    }

    def base_url(self, router_url: str, task: str = "", *, direct: bool = False) -> str:
        if direct:
            return self.queue_url if task in QUEUE_TASKS else self.direct_url
        return super().base_url(router_url, task)

    def url(self, router_url: str, task: str, model_id: str, *, direct: bool = False) -> str:
        url = super().url(router_url, task, model_id, direct=direct)
        return url + "?_subdomain=queue" if task in QUEUE_TASKS and not direct else url

    def headers(self, task: str, token: str | None, *, direct: bool) -> dict[str, str]:
        return {"authorization": f"Key {token}"} if direct and token else {}

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
        if task == "automatic-speech-recognition":
            return {"audio_url": as_data_url(inputs, "audio/mpeg"), **params}
        if task == "text-to-speech":
            return {"text": inputs, **params}
        if task in ("text-to-image", "text-to-video"):
            payload: dict[str, Any] = {"prompt": inputs, **params}
            if task == "text-to-image" and "width" in payload and "height" in payload:
                payload["image_size"] = {
                    "width": payload.pop("width"),
                    "height": payload.pop("height"),
                }
            _add_lora(payload, model_id, mapping)
            return payload
        # image inputs: image-to-image, image-to-video, image-segmentation
        image_url = as_data_url(inputs, "image/jpeg")
        payload = {"image_url": image_url, **params}
        if task == "image-to-image":
            payload["image_urls"] = [image_url]
            size = payload.pop("target_size", None)
            if isinstance(size, Mapping):
                payload["image_size"] = {"width": size.get("width"), "height": size.get("height")}
            _add_lora(payload, model_id, mapping)
        elif task == "image-segmentation":
            payload["sync_mode"] = True
        return payload

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task in QUEUE_TASKS:
            return self._after_submit(data, job)
        if task == "automatic-speech-recognition":
            if not isinstance(data, Mapping) or not isinstance(data.get("text"), str):
                raise malformed("text", "a string")
            out: dict[str, Any] = {"text": data["text"]}
            if isinstance(data.get("chunks"), list):
                out["chunks"] = [
                    {"text": c.get("text", ""), "timestamp": c.get("timestamp")}
                    for c in data["chunks"]
                    if isinstance(c, Mapping)
                ]
            return Done(out)
        if task == "text-to-speech":
            return download(_url_at(data, ("audio", "url")))
        return download(_url_at(data, ("images", 0, "url")))  # text-to-image

    def _after_submit(self, data: Any, job: JobContext) -> Step:
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

    def advance(self, task: str, step: Fetch, data: Any, job: JobContext) -> Step:
        if step.stage == "status":
            status = data.get("status") if isinstance(data, Mapping) else None
            if status == "COMPLETED":
                return Fetch(str(step.state["result_url"]), "result")
            if status in ("FAILED", "ERROR", "CANCELLED"):
                raise ServerError(f"fal-ai job ended with status {status}: {data.get('error')}")
            return step.again()
        if step.stage == "result":
            if task == "text-to-video" or task == "image-to-video":
                return download(_url_at(data, ("video", "url")))
            if task == "image-segmentation":
                url = _url_at(data, ("image", "url"))
                if url.startswith("data:"):
                    return Done(_mask(b64decode(url, "image.url")))
                return download(url, "mask")
            images = data.get("images") if isinstance(data, Mapping) else None
            if isinstance(images, list) and images:
                return download(_url_at(data, ("images", 0, "url")))
            return download(_url_at(data, ("image", "url")))
        if step.stage == "mask":
            return Done(_mask(data))
        return super().advance(task, step, data, job)


def _mask(png: bytes) -> list[dict[str, Any]]:
    """An image-segmentation result in the hf-inference shape (base64 PNG mask)."""
    import base64

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


def _add_lora(payload: dict[str, Any], model_id: str, mapping: MappingEntry | None) -> None:
    """LoRA adapters: fal loads the weights file from the Hub repo."""
    if mapping is None or not mapping.adapter_weights_path:
        return
    path = mapping.adapter_weights_path
    payload["loras"] = [{"path": f"{HF_CO}/{mapping.hf_model_id}/resolve/main/{path}", "scale": 1}]
    if model_id == "fal-ai/lora":
        # fal's SD-based LoRA runner needs the base model (FLUX-based ones do not)
        payload["model_name"] = "stabilityai/stable-diffusion-xl-base-1.0"
