"""Replicate: predictions with ``Prefer: wait``, then polling when the wait ran out."""

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
    body_inputs,
    body_parameters,
    download,
    malformed,
    quote_model,
    url_path,
)

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["ReplicateHelper"]

#: Seconds between two polls of a prediction still running after ``Prefer: wait``.
POLL_INTERVAL = 1.0

_RUNNING = frozenset({"starting", "processing"})
_FAILED = frozenset({"failed", "canceled", "aborted"})


class ReplicateHelper(ProviderHelper):
    """``replicate``: ``/v1/models/{providerId}/predictions``, or ``/v1/predictions`` with a
    ``version`` in the body when the provider id is ``owner/name:version``.

    Every submit sends ``Prefer: wait`` (Replicate holds the answer up to ~60 s). The
    body is ``{"input": {"prompt": inputs, ...params}}``; text-to-speech names the text
    ``text``; speech recognition sends ``input.audio`` (URL or data URL); image-to-image
    sets ``image``, ``images``, ``input_image`` and ``input_images``; a LoRA mapping adds
    ``input.lora_weights``.

    The answer is a prediction. ``output`` (a URL or a list of URLs) is downloaded
    without credentials. When ``output`` is still empty and the status is
    ``starting``/``processing``, ``urls.get`` is polled every second (re-rooted on the
    router as ``{router}/replicate/v1/predictions/{id}``); ``failed``/``canceled`` raise.
    """

    name: ClassVar[str] = "replicate"
    url_input_tasks: ClassVar[frozenset[str]] = frozenset(
        {"automatic-speech-recognition", "image-to-image"}
    )
    direct_url: ClassVar[str] = "https://api.replicate.com"
    routes: ClassVar[Mapping[str, str]] = {
        "automatic-speech-recognition": "/v1/models/{model}/predictions",
        "image-to-image": "/v1/models/{model}/predictions",
        "text-to-image": "/v1/models/{model}/predictions",
        "text-to-speech": "/v1/models/{model}/predictions",
        "text-to-video": "/v1/models/{model}/predictions",
    }

    def route(self, task: str, model_id: str) -> str:
        if ":" in model_id:
            return "/v1/predictions"
        return self.routes[task].replace("{model}", quote_model(model_id))

    def headers(self, task: str, token: str | None, *, direct: bool) -> dict[str, str]:
        return {"prefer": "wait"}

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
            values: dict[str, Any] = {"audio": as_data_url(inputs, "audio/wav"), **params}
        elif task == "image-to-image":
            image = as_data_url(inputs, "image/jpeg")
            values = {
                "image": image,
                "images": [image],
                "input_image": image,
                "input_images": [image],
                **params,
            }
        elif task == "text-to-speech":
            values = {"text": inputs, **params}
        else:
            values = {"prompt": inputs, **params}
        if task == "text-to-image" and mapping is not None and mapping.adapter_weights_path:
            values["lora_weights"] = f"{HF_CO}/{mapping.hf_model_id}"
        payload: dict[str, Any] = {"input": values}
        if ":" in model_id:
            payload["version"] = model_id.split(":", 1)[1]
        return payload

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        return self._from_prediction(task, data, job, None)

    def advance(self, task: str, step: Fetch, data: Any, job: JobContext) -> Step:
        if step.stage == "prediction":
            return self._from_prediction(task, data, job, step)
        if step.stage == "transcript":
            return Done({"text": bytes(data).decode("utf-8", errors="replace")})
        return super().advance(task, step, data, job)

    def _from_prediction(self, task: str, data: Any, job: JobContext, step: Fetch | None) -> Step:
        if not isinstance(data, Mapping):
            raise malformed("the prediction", "a JSON object")
        status = data.get("status")
        output = data.get("output")
        if status in _FAILED:
            raise ServerError(
                f"Replicate prediction {data.get('id')} {status}: {data.get('error') or 'no reason given'}"
            )
        if output is None or (status in _RUNNING and not output):
            if status not in _RUNNING and status is not None:
                raise malformed("output", f"present once the prediction is {status}")
            if step is not None:
                return step.again()
            get = data.get("urls", {}).get("get") if isinstance(data.get("urls"), Mapping) else None
            if not isinstance(get, str) or not get:
                pid = data.get("id")
                if not pid:
                    raise malformed("urls.get", "present on a running prediction")
                get = f"{self.direct_url}/v1/predictions/{pid}"
            return Fetch(job.base_url + url_path(get), "prediction", delay=POLL_INTERVAL)
        if task == "automatic-speech-recognition":
            return _transcription(output)
        url = (
            output
            if isinstance(output, str)
            else (output[0] if isinstance(output, list) and output else None)
        )
        if not isinstance(url, str) or not url:
            raise malformed("output", "a URL or a list of URLs")
        return download(url)


def _transcription(output: Any) -> Step:
    if isinstance(output, list) and output:
        output = output[0]
    if isinstance(output, str):
        return Done({"text": output})
    if isinstance(output, Mapping):
        txt_file = output.get("txt_file")
        for key in ("translation", "transcription"):
            if isinstance(output.get(key), str):
                return Done({"text": output[key]})
        if isinstance(txt_file, str):
            return Fetch(txt_file, "transcript", authenticated=False, expect="bytes")
    raise malformed("output", "a transcription")
