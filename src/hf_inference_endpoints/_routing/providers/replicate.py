"""Replicate: predictions with ``Prefer: wait``, then polling when the wait ran out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..._errors import ServerError
from ._base import (
    HF_CO,
    Done,
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

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["ReplicateHelper"]

#: Replicate's own API (also where a prediction without ``urls.get`` is polled).
DIRECT_URL = "https://api.replicate.com"
#: Every task submits a prediction of the model (``owner/name``).
PREDICTIONS = "/v1/models/{model}/predictions"

#: Seconds between two polls of a prediction still running after ``Prefer: wait``.
POLL_INTERVAL = 1.0

_RUNNING = frozenset({"starting", "processing"})
_FAILED = frozenset({"failed", "canceled", "aborted"})

#: The task's ``input`` fields: ``(inputs, parameters) -> input``.
InputBuilder = Callable[[Any, "dict[str, Any]"], "dict[str, Any]"]
#: Reads a finished prediction's ``output``.
OutputReader = Callable[[Any], Step]


# ------------------------------------------------------------------------------ bodies


def _prompt_input(inputs: Any, params: dict[str, Any]) -> dict[str, Any]:
    return {"prompt": inputs, **params}


def _speech_input(inputs: Any, params: dict[str, Any]) -> dict[str, Any]:
    return {"text": inputs, **params}


def _audio_input(inputs: Any, params: dict[str, Any]) -> dict[str, Any]:
    return {"audio": as_data_url(inputs, "audio/wav"), **params}


def _image_input(inputs: Any, params: dict[str, Any]) -> dict[str, Any]:
    image = as_data_url(inputs, "image/jpeg")
    return {
        "image": image,
        "images": [image],
        "input_image": image,
        "input_images": [image],
        **params,
    }


def _prediction_body(build_input: InputBuilder) -> Callable[[str, Any], dict[str, Any]]:
    """``{"input": build_input(inputs, parameters)}``, plus ``version`` when the provider id
    is ``owner/name:version``."""

    def body(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
        payload: dict[str, Any] = {"input": build_input(body_inputs(body), body_parameters(body))}
        if ":" in model_id:
            payload["version"] = model_id.split(":", 1)[1]
        return payload

    return body


def _add_lora(payload: dict[str, Any], model_id: str, mapping: MappingEntry) -> None:
    """LoRA adapters: ``input.lora_weights`` names the Hub repo."""
    payload["input"]["lora_weights"] = f"{HF_CO}/{mapping.hf_model_id}"


# ----------------------------------------------------------------------------- answers


def _from_prediction(data: Any, job: JobContext, step: Fetch | None, read: OutputReader) -> Step:
    """A prediction: failed -> error; still running -> poll ``urls.get`` (again); else the
    output, read by ``read``."""
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
            get = f"{DIRECT_URL}/v1/predictions/{pid}"
        return Fetch(job.base_url + url_path(get), "prediction", delay=POLL_INTERVAL)
    return read(output)


def _file_output(output: Any) -> Step:
    """``output``: a URL or a list of URLs; the (first) file is downloaded."""
    url = (
        output
        if isinstance(output, str)
        else (output[0] if isinstance(output, list) and output else None)
    )
    if not isinstance(url, str) or not url:
        raise malformed("output", "a URL or a list of URLs")
    return download(url)


def _transcription_output(output: Any) -> Step:
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


def _prediction_route(build_input: InputBuilder, read: OutputReader, **kw: Any) -> Route:
    """A task as a prediction: submitted with ``Prefer: wait``, polled while it runs."""

    def answer(data: Any, job: JobContext) -> Step:
        return _from_prediction(data, job, None, read)

    def follow(step: Fetch, data: Any, job: JobContext) -> Step:
        if step.stage == "prediction":
            return _from_prediction(data, job, step, read)
        if step.stage == "transcript":
            return Done({"text": bytes(data).decode("utf-8", errors="replace")})
        raise ValueError(f"replicate: unexpected job stage {step.stage!r}")

    return Route(
        PREDICTIONS, body=_prediction_body(build_input), answer=answer, follow=follow, **kw
    )


class ReplicateHelper(ProviderHelper):
    """``replicate``: ``/v1/models/{providerId}/predictions``, or ``/v1/predictions`` with a
    ``version`` in the body when the provider id is ``owner/name:version``.

    Every submit sends ``Prefer: wait`` (Replicate holds the answer up to ~60 s). The
    body is ``{"input": {"prompt": inputs, ...params}}``; text-to-speech names the text
    ``text``; speech recognition sends ``input.audio`` (URL or data URL); image-to-image
    sets ``image``, ``images``, ``input_image`` and ``input_images``; a LoRA mapping adds
    ``input.lora_weights`` (text-to-image).

    The answer is a prediction. ``output`` (a URL or a list of URLs) is downloaded
    without credentials. When ``output`` is still empty and the status is
    ``starting``/``processing``, ``urls.get`` is polled every second (re-rooted on the
    router as ``{router}/replicate/v1/predictions/{id}``); ``failed``/``canceled`` raise.
    """

    name: ClassVar[str] = "replicate"
    url_input_tasks: ClassVar[frozenset[str]] = frozenset(
        {"automatic-speech-recognition", "image-to-image"}
    )
    direct_url: ClassVar[str] = DIRECT_URL
    fixed_headers: ClassVar[Mapping[str, str]] = {"prefer": "wait"}
    routes: ClassVar[Mapping[str, str | Route]] = {
        "automatic-speech-recognition": _prediction_route(_audio_input, _transcription_output),
        "image-to-image": _prediction_route(_image_input, _file_output),
        "text-to-image": _prediction_route(_prompt_input, _file_output, adapter=_add_lora),
        "text-to-speech": _prediction_route(_speech_input, _file_output),
        "text-to-video": _prediction_route(_prompt_input, _file_output),
    }

    def route(self, task: str, model_id: str) -> str:
        """A versioned model (``owner/name:version``) is run through ``/v1/predictions``."""
        if ":" in model_id:
            self.route_of(task)  # KeyError for a task it does not serve
            return "/v1/predictions"
        return super().route(task, model_id)
