"""Emulated third-party providers behind the router, mounted under ``/router/{provider}``.

Each provider answers on its own routes, with the model id the Hub mapping gives for
it (``providerId`` in :mod:`.catalog`); any other model id is a 404 in the OpenAI
error shape. Faults (:mod:`.faults`) are keyed ``"{provider}:{hf model id}"``, e.g.
``emu.set_fault("together:meta-llama/Llama-3.1-8B-Instruct", "503")``, so one provider
can fail while another serves the same model. Output files are served by
:mod:`.provider_files` (``/_emulator/files/...``, which refuses credentials).

Routes (after ``/router/{provider}``):

* chat (OpenAI, streamed or not): together ``/v1/chat/completions``, groq
  ``/openai/v1/chat/completions``, fireworks-ai ``/inference/v1/chat/completions``,
  cerebras / sambanova / nebius ``/v1/chat/completions``;
* together: ``/v1/completions`` (streamed with ``"stream": true``: one completion chunk
  per token, the last with ``finish_reason`` and ``usage``, then ``data: [DONE]``),
  ``/v1/embeddings``, ``/v1/images/generations``
  (``data[0].b64_json``), ``POST /v2/videos`` + ``GET /v2/videos/{id}`` (a video job);
* replicate: ``POST /v1/models/{owner}/{name}/predictions`` and ``POST /v1/predictions``
  (``version`` in the body), ``GET /v1/predictions/{id}``. With ``Prefer: wait`` a job
  that needs no poll answers 201 ``succeeded`` (``Preference-Applied: wait=60``);
  otherwise 202 ``starting`` and the client polls;
* fal-ai: ``POST /{model path}`` runs text-to-image / speech recognition /
  text-to-speech at once; with ``?_subdomain=queue`` it queues (``{request_id,
  response_url, status_url}``), then ``GET /{app}/requests/{id}/status`` and
  ``GET /{app}/requests/{id}`` (``{app}`` is the first two path segments, as on fal).

Jobs finish after a number of status polls, set per request with the header
``X-Emulator-Job: polls=<n>[;fail=1]`` (default ``polls=1``; Replicate defaults to 0,
i.e. done within ``Prefer: wait``) -- deterministic, independent of time.
"""

from __future__ import annotations

import base64
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .catalog import CatalogModel, ProviderMapping
from .embeddings import embed
from .errors import Reject, input_error_response, read_json_object
from .faults import begin, stream_frames
from .generation import Generation, InputError, generate_text, stable_hash
from .handlers import chat_endpoint, emulator_state, request_id, sse_response
from .provider_files import mp4, png, store, wav
from .sse import openai_event

__all__ = ["CHAT_ROUTES", "EMULATED_PROVIDERS", "JOB_HEADER", "PREFIX", "routes"]

#: Providers this module serves; any other ``/router/{x}`` path goes to the router family.
EMULATED_PROVIDERS = (
    "together",
    "groq",
    "fireworks-ai",
    "replicate",
    "fal-ai",
    "cerebras",
    "sambanova",
    "nebius",
)

#: Chat route of each provider that serves OpenAI chat.
CHAT_ROUTES = {
    "together": "v1/chat/completions",
    "groq": "openai/v1/chat/completions",
    "fireworks-ai": "inference/v1/chat/completions",
    "cerebras": "v1/chat/completions",
    "sambanova": "v1/chat/completions",
    "nebius": "v1/chat/completions",
}

JOB_HEADER = "x-emulator-job"
PROVIDER_HEADER = "x-inference-provider"


class _ProviderConvertor(Convertor[str]):
    """Matches only the emulated providers, so ``/router/v1/...`` stays the router's."""

    regex = "|".join(re.escape(p) for p in EMULATED_PROVIDERS)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("emulated_provider", _ProviderConvertor())

PREFIX = "/router/{provider:emulated_provider}"


# ------------------------------------------------------------------------------ jobs


@dataclass
class Job:
    """An emulated async job (fal queue request, Replicate prediction, Together video)."""

    id: str
    provider: str
    task: str
    model: str
    provider_id: str
    polls_left: int
    fail: bool
    result: dict[str, Any] = field(default_factory=dict)
    created: int = field(default_factory=lambda: int(time.time()))

    def poll(self) -> bool:
        """Count one status poll; True while the job is still running at this poll."""
        if self.polls_left > 0:
            self.polls_left -= 1
            return True
        return False


_IDS = itertools.count(1)


def _jobs(request: Request) -> dict[str, Job]:
    state = emulator_state(request)
    jobs = state.extensions.get("provider_jobs")
    if jobs is None:
        jobs = state.extensions["provider_jobs"] = {}
        state.add_reset_hook(jobs.clear)
    assert isinstance(jobs, dict)
    return jobs


def _job_knobs(request: Request, default_polls: int) -> tuple[int, bool]:
    raw = request.headers.get(JOB_HEADER, "")
    polls, fail = default_polls, False
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "polls" and value.isdigit():
            polls = int(value)
        elif key == "fail":
            fail = value.lower() in ("1", "true", "yes")
    return polls, fail


def _new_job(
    request: Request, provider: str, task: str, model: CatalogModel, pid: str, default_polls: int
) -> Job:
    polls, fail = _job_knobs(request, default_polls)
    job_id = f"{provider.replace('-', '')}-{next(_IDS):06d}"
    job = Job(job_id, provider, task, model.id, pid, polls, fail)
    _jobs(request)[job_id] = job
    return job


def _find_job(request: Request, job_id: str, provider: str) -> Job:
    job = _jobs(request).get(job_id)
    if job is None or job.provider != provider:
        raise Reject(_not_found(f"No job with id {job_id}"))
    return job


# ---------------------------------------------------------------------------- helpers


def _not_found(message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": "invalid_request_error", "code": "model_not_found"}},
        status_code=404,
    )


def _lookup(
    request: Request, provider: str, provider_id: Any, tasks: tuple[str, ...]
) -> tuple[CatalogModel, ProviderMapping]:
    """The catalog model mapped on ``provider`` as ``provider_id`` for one of ``tasks``."""
    if isinstance(provider_id, str):
        for model in emulator_state(request).catalog.all():
            mapping = model.providers.get(provider)
            if mapping is None or mapping.task not in tasks:
                continue
            if mapping.provider_id == provider_id or (
                ":" in mapping.provider_id and mapping.provider_id.split(":", 1)[1] == provider_id
            ):
                if mapping.status == "error":
                    raise Reject(
                        JSONResponse(
                            {"error": {"message": f"{provider_id} is unavailable"}},
                            status_code=503,
                        )
                    )
                return model, mapping
    raise Reject(
        _not_found(f"The model `{provider_id}` does not exist on {provider} for {'/'.join(tasks)}")
    )


async def _begin(request: Request, provider: str, model: CatalogModel) -> None:
    await begin(request, model=f"{provider}:{model.id}", style="hf", cold=False)


def _headers(provider: str) -> dict[str, str]:
    return {PROVIDER_HEADER: provider}


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


# ------------------------------------------------------------------------------- chat


async def _chat(request: Request, provider: str) -> Response:
    body = await read_json_object(request, "hf")
    model, mapping = _lookup(request, provider, body.get("model"), ("conversational",))
    return await chat_endpoint(
        request,
        model_key=f"{provider}:{model.id}",
        model_name=mapping.provider_id,
        style="hf",
        completion_id=f"chatcmpl-{request_id(request)}",
        fingerprint=f"emulator-{provider}",
        headers=_headers(provider),
        body=body,
    )


# --------------------------------------------------------------------------- together


#: TGI finish reasons in an OpenAI completions API's words.
_COMPLETION_FINISH = {"eos_token": "stop", "stop_sequence": "stop", "length": "length"}


def _completion_chunks(
    gen: Generation, body: dict[str, Any], *, completion_id: str, created: int, model: str
) -> list[dict[str, Any]]:
    """OpenAI completion chunks, one per token; the last has the finish reason and usage.

    ``logprobs`` in the body adds ``{"tokens", "token_logprobs"}`` to each choice.
    """
    tokens = gen.tokens or ()
    with_logprobs = bool(body.get("logprobs"))
    chunks: list[dict[str, Any]] = []
    count = max(len(tokens), 1)
    for i in range(count):
        last = i == count - 1
        token = tokens[i] if tokens else None
        text = token.text if token is not None else ""
        choice: dict[str, Any] = {"index": 0, "text": text, "finish_reason": None, "logprobs": None}
        if with_logprobs and token is not None:
            choice["logprobs"] = {"tokens": [text], "token_logprobs": [token.logprob]}
        chunk: dict[str, Any] = {
            "id": completion_id,
            "object": "text_completion",
            "created": created,
            "model": model,
            "choices": [choice],
        }
        if last:
            choice["finish_reason"] = _COMPLETION_FINISH.get(gen.finish_reason, gen.finish_reason)
            choice["seed"] = gen.token_seed
            chunk["usage"] = {
                "prompt_tokens": len(gen.input_tokens),
                "completion_tokens": len(gen.tokens),
                "total_tokens": len(gen.input_tokens) + len(gen.tokens),
            }
        chunks.append(chunk)
    return chunks


async def _together_completions(request: Request, provider: str) -> Response:
    body = await read_json_object(request, "hf")
    model, mapping = _lookup(request, provider, body.get("model"), ("text-generation",))
    stream = bool(body.get("stream"))
    plan = await begin(
        request, model=f"{provider}:{model.id}", style="hf", cold=False, streaming=stream
    )
    max_tokens = body.get("max_tokens")
    params = {"max_new_tokens": max_tokens} if isinstance(max_tokens, int) else {}
    try:
        gen = generate_text(
            {"inputs": body.get("prompt"), "parameters": params},
            seed=emulator_state(request).settings.seed,
        )
    except InputError as exc:
        return input_error_response("hf", exc)
    completion_id, created = f"cmpl-{request_id(request)}", int(time.time())
    if stream:
        chunks = _completion_chunks(
            gen, body, completion_id=completion_id, created=created, model=mapping.provider_id
        )
        frames = [openai_event(chunk) for chunk in chunks]
        return sse_response(
            stream_frames(request, plan, frames, dialect="openai"), _headers(provider)
        )
    return JSONResponse(
        {
            "id": completion_id,
            "object": "text_completion",
            "created": created,
            "model": mapping.provider_id,
            "choices": [
                {
                    "index": 0,
                    "text": gen.generated_text,
                    "finish_reason": _COMPLETION_FINISH.get(gen.finish_reason, gen.finish_reason),
                    "seed": gen.token_seed,
                }
            ],
            "usage": {
                "prompt_tokens": len(gen.input_tokens),
                "completion_tokens": len(gen.tokens),
                "total_tokens": len(gen.input_tokens) + len(gen.tokens),
            },
        },
        headers=_headers(provider),
    )


async def _together_embeddings(request: Request, provider: str) -> Response:
    body = await read_json_object(request, "hf")
    model, mapping = _lookup(request, provider, body.get("model"), ("feature-extraction",))
    await _begin(request, provider, model)
    raw = body.get("input")
    texts = [raw] if isinstance(raw, str) else raw
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return input_error_response("hf", InputError("input: expected a string or strings"))
    settings = emulator_state(request).settings
    dim = settings.embedding_dim(model.id)
    data = [
        {
            "object": "embedding",
            "index": i,
            "embedding": embed(model.id, t, dim=dim, seed=settings.seed),
        }
        for i, t in enumerate(texts)
    ]
    return JSONResponse(
        {"object": "list", "model": mapping.provider_id, "data": data}, headers=_headers(provider)
    )


async def _together_images(request: Request, provider: str) -> Response:
    body = await read_json_object(request, "hf")
    model, mapping = _lookup(
        request, provider, body.get("model"), ("text-to-image", "image-to-image")
    )
    await _begin(request, provider, model)
    image = png((mapping.provider_id, body.get("prompt"), body.get("seed")))
    return JSONResponse(
        {
            "id": f"img-{request_id(request)}",
            "model": mapping.provider_id,
            "object": "list",
            "data": [{"index": 0, "b64_json": base64.b64encode(image).decode("ascii")}],
        },
        headers=_headers(provider),
    )


def _video_json(request: Request, job: Job, running: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": job.id, "object": "video", "model": job.provider_id}
    if running:
        out["status"] = "in_progress"
    elif job.fail:
        out["status"] = "failed"
        out["error"] = {"message": "emulated video generation failure"}
    else:
        out["status"] = "completed"
        out["outputs"] = {
            "video_url": store(request, mp4((job.id, job.model)), "video/mp4", ".mp4")
        }
    return out


async def _together_video_submit(request: Request, provider: str) -> Response:
    body = await read_json_object(request, "hf")
    model, mapping = _lookup(
        request, provider, body.get("model"), ("text-to-video", "image-to-video")
    )
    await _begin(request, provider, model)
    job = _new_job(request, provider, mapping.task, model, mapping.provider_id, 1)
    return JSONResponse(
        {"id": job.id, "object": "video", "model": job.provider_id, "status": "queued"},
        headers=_headers(provider),
    )


async def _together_video_get(request: Request, provider: str, job_id: str) -> Response:
    job = _find_job(request, job_id, provider)
    return JSONResponse(_video_json(request, job, job.poll()), headers=_headers(provider))


# -------------------------------------------------------------------------- replicate


def _replicate_output(request: Request, job: Job) -> Any:
    if job.task == "automatic-speech-recognition":
        return {"transcription": f"emulated transcription by {job.provider_id}"}
    if job.task == "text-to-speech":
        return store(request, wav((job.id, job.model)), "audio/wav", ".wav")
    if job.task == "text-to-video":
        return store(request, mp4((job.id, job.model)), "video/mp4", ".mp4")
    url = store(request, png((job.id, job.model)), "image/png", ".png")
    return [url]


def _prediction(request: Request, job: Job, running: bool) -> dict[str, Any]:
    done = not running
    status = ("failed" if job.fail else "succeeded") if done else "starting"
    get = f"https://api.replicate.com/v1/predictions/{job.id}"
    return {
        "id": job.id,
        "model": job.provider_id.split(":", 1)[0],
        "version": job.provider_id.split(":", 1)[1] if ":" in job.provider_id else "hidden",
        "input": job.result.get("input", {}),
        "status": status,
        "output": _replicate_output(request, job) if done and not job.fail else None,
        "error": "emulated prediction failure" if done and job.fail else None,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(job.created)),
        "urls": {"get": get, "cancel": f"{get}/cancel", "stream": None},
    }


_REPLICATE_TASKS = (
    "text-to-image",
    "image-to-image",
    "text-to-speech",
    "text-to-video",
    "automatic-speech-recognition",
)


async def _replicate_submit(request: Request, provider: str, model_path: str | None) -> Response:
    body = await read_json_object(request, "hf")
    wanted = model_path if model_path is not None else body.get("version")
    model, mapping = _lookup(request, provider, wanted, _REPLICATE_TASKS)
    if not isinstance(body.get("input"), dict):
        return JSONResponse({"detail": "input is required", "status": 422}, status_code=422)
    await _begin(request, provider, model)
    job = _new_job(request, provider, mapping.task, model, mapping.provider_id, 0)
    job.result["input"] = body["input"]
    headers = _headers(provider)
    if request.headers.get("prefer", "").startswith("wait"):
        headers["preference-applied"] = "wait=60"
    running = job.polls_left > 0
    return JSONResponse(
        _prediction(request, job, running), status_code=202 if running else 201, headers=headers
    )


async def _replicate_get(request: Request, provider: str, job_id: str) -> Response:
    job = _find_job(request, job_id, provider)
    return JSONResponse(_prediction(request, job, job.poll()), headers=_headers(provider))


# ----------------------------------------------------------------------------- fal-ai

_FAL_SYNC = ("text-to-image", "automatic-speech-recognition", "text-to-speech")
_FAL_QUEUE = ("text-to-video", "image-to-video", "image-to-image", "image-segmentation")
_FAL_JOB = re.compile(r"^(?P<app>[^/]+/[^/]+)/requests/(?P<id>[^/]+)(?P<status>/status)?$")


def _fal_result(request: Request, job: Job) -> dict[str, Any]:
    if job.task in ("text-to-video", "image-to-video"):
        return {"video": {"url": store(request, mp4((job.id, job.model)), "video/mp4", ".mp4")}}
    if job.task == "image-segmentation":
        mask = base64.b64encode(png(("mask", job.id))).decode("ascii")
        return {"image": {"url": f"data:image/png;base64,{mask}"}}
    url = store(request, png((job.id, job.model)), "image/png", ".png")
    return {"images": [{"url": url, "width": 4, "height": 4, "content_type": "image/png"}]}


async def _fal_run(request: Request, provider: str, model_path: str) -> Response:
    body = await read_json_object(request, "hf")
    queued = request.query_params.get("_subdomain") == "queue"
    model, mapping = _lookup(request, provider, model_path, _FAL_QUEUE if queued else _FAL_SYNC)
    await _begin(request, provider, model)
    headers = _headers(provider)
    if queued:
        job = _new_job(request, provider, mapping.task, model, mapping.provider_id, 1)
        app = "/".join(model_path.split("/")[:2])
        base = f"https://queue.fal.run/{app}/requests/{job.id}"
        return JSONResponse(
            {
                "request_id": job.id,
                "status": "IN_QUEUE",
                "response_url": base,
                "status_url": f"{base}/status",
                "cancel_url": f"{base}/cancel",
                "queue_position": 0,
            },
            headers=headers,
        )
    seed = stable_hash(model.id, _text_of(body.get("prompt") or body.get("text"))) % 2**31
    if mapping.task == "automatic-speech-recognition":
        audio = body.get("audio_url")
        if not isinstance(audio, str) or not audio.startswith(("http", "data:")):
            return JSONResponse({"detail": "audio_url is required"}, status_code=422)
        text = f" emulated transcription of {len(audio)} characters of audio"
        return JSONResponse(
            {"text": text, "chunks": [{"timestamp": [0.0, 1.5], "text": text}]}, headers=headers
        )
    if mapping.task == "text-to-speech":
        url = store(request, wav(seed), "audio/wav", ".wav")
        return JSONResponse({"audio": {"url": url, "content_type": "audio/wav"}}, headers=headers)
    url = store(request, png(seed), "image/png", ".png")
    return JSONResponse(
        {
            "images": [{"url": url, "width": 4, "height": 4, "content_type": "image/png"}],
            "seed": seed,
            "prompt": body.get("prompt"),
        },
        headers=headers,
    )


async def _fal_queue_get(request: Request, provider: str, path: str) -> Response:
    match = _FAL_JOB.match(path)
    if match is None or request.query_params.get("_subdomain") != "queue":
        raise Reject(_not_found(f"Unknown fal path {path}"))
    job = _find_job(request, match["id"], provider)
    if match["status"]:
        running = job.poll()
        status = "IN_PROGRESS" if running else "COMPLETED"
        return JSONResponse({"status": status, "request_id": job.id}, headers=_headers(provider))
    if job.polls_left > 0:
        return JSONResponse({"detail": "Request is still in progress"}, status_code=400)
    if job.fail:
        return JSONResponse({"detail": "emulated fal job failure"}, status_code=500)
    return JSONResponse(_fal_result(request, job), headers=_headers(provider))


# ---------------------------------------------------------------------------- dispatch

Handler = Callable[[], Awaitable[Response]]

_VIDEO = re.compile(r"^v2/videos/(?P<id>[^/]+)$")
_PREDICTION = re.compile(r"^v1/predictions/(?P<id>[^/]+)$")
_MODEL_PREDICTIONS = re.compile(r"^v1/models/(?P<model>[^/]+/[^/]+)/predictions$")


async def dispatch(request: Request) -> Response:
    provider: str = request.path_params["provider"]
    path: str = request.path_params["path"]
    post = request.method == "POST"
    if post and CHAT_ROUTES.get(provider) == path:
        return await _chat(request, provider)
    if provider == "together":
        if post and path == "v1/completions":
            return await _together_completions(request, provider)
        if post and path == "v1/embeddings":
            return await _together_embeddings(request, provider)
        if post and path == "v1/images/generations":
            return await _together_images(request, provider)
        if post and path == "v2/videos":
            return await _together_video_submit(request, provider)
        match = _VIDEO.match(path)
        if match and not post:
            return await _together_video_get(request, provider, match["id"])
    if provider == "replicate":
        match = _MODEL_PREDICTIONS.match(path)
        if match and post:
            return await _replicate_submit(request, provider, match["model"])
        if post and path == "v1/predictions":
            return await _replicate_submit(request, provider, None)
        match = _PREDICTION.match(path)
        if match and not post:
            return await _replicate_get(request, provider, match["id"])
    if provider == "fal-ai":
        return await (
            _fal_run(request, provider, path) if post else _fal_queue_get(request, provider, path)
        )
    return JSONResponse(
        {"error": f"{request.method} /{path} is not a route of the emulated {provider} API"},
        status_code=404,
    )


routes: list[BaseRoute] = [Route("/{path:path}", dispatch, methods=["GET", "POST"])]
