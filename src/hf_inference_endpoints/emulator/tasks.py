"""Emulated hf-inference tasks: one deterministic handler per pipeline tag.

Importing this module registers a handler in :data:`.router.TASK_HANDLERS` for every
task the client types (``POST /router/hf-inference/models/{id}`` dispatches on the
model's pipeline tag) and adds a catalog model per tag (so ``/hub/api/tasks`` has a
``widgetModels[0]`` for each, the client's default model).

Requests are read the way hf-inference reads them (docs/wire.md §4.1): the task envelope
``{"inputs", "parameters"}``, or for file tasks the raw file as the body (any
``Content-Type`` but JSON) or base64 in ``inputs``; a body of the wrong shape gets a
400 ``{"error": ...}``. Answers are deterministic functions of the input (hashes,
image sizes, audio durations), and files are real: PNG (``zlib``/``struct``), WAV
(``wave``) and an MP4-shaped ``ftyp``+``mdat`` file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import struct
import wave
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .catalog import DEFAULT_MODELS, CatalogModel, ProviderMapping
from .errors import Reject, error_response
from .faults import begin
from .router import PROVIDER_HEADER, TASK_HANDLERS

__all__ = [
    "TASK_MODELS",
    "Envelope",
    "image_size",
    "mp4_bytes",
    "png_bytes",
    "sniff",
    "wav_bytes",
    "wav_info",
]

HEADERS = {PROVIDER_HEADER: "hf-inference"}

# ------------------------------------------------------------------------ files


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid one-colour RGB PNG."""
    width, height = max(1, min(width, 512)), max(1, min(height, 512))
    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


def wav_bytes(seconds: float, *, rate: int = 8000, level: int = 0) -> bytes:
    """A valid mono 16-bit PCM WAV of constant ``level``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(struct.pack("<h", level) * max(1, round(seconds * rate)))
    return buffer.getvalue()


def mp4_bytes(payload: bytes) -> bytes:
    """An MP4-shaped file: an ``ftyp`` box, then an ``mdat`` box holding ``payload``."""
    ftyp = struct.pack(">I", 20) + b"ftypisom" + struct.pack(">I", 512) + b"isom"
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF8", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"BM", 0, "image/bmp"),
    (b"WAVE", 8, "audio/wav"),
    (b"fLaC", 0, "audio/flac"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\xff\xfb", 0, "audio/mpeg"),
    (b"OggS", 0, "audio/ogg"),
    (b"ftyp", 4, "video/mp4"),
    (b"\x1aE\xdf\xa3", 0, "video/webm"),
)


def sniff(data: bytes) -> str | None:
    """The MIME type of a file from its signature, or None."""
    for magic, offset, mime in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return mime
    return None


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG; (1, 1) for other images."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 1, 1


def wav_info(data: bytes) -> tuple[float, int] | None:
    """(seconds, peak absolute sample) of a 16-bit PCM WAV, or None."""
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            params = reader.getparams()
            frames = reader.readframes(params.nframes)
    except (wave.Error, EOFError, ValueError):
        return None
    if not params.framerate:
        return None
    peak = 0
    if params.sampwidth == 2 and frames:
        count = len(frames) // 2
        peak = max(abs(v) for v in struct.unpack(f"<{count}h", frames[: count * 2]))
    return params.nframes / params.framerate, peak


def _digest(*parts: Any) -> bytes:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, tuple):
            h.update(_digest(*part))
        elif isinstance(part, bytes):
            h.update(part)
        else:
            h.update(json.dumps(part, sort_keys=True).encode())
        h.update(b"\x00")
    return h.digest()


def _unit(*parts: Any) -> float:
    """A deterministic number in [0, 1) from ``parts``."""
    return int.from_bytes(_digest(*parts)[:6], "big") / float(1 << 48)


def _colour(*parts: Any) -> tuple[int, int, int]:
    d = _digest(*parts)
    return d[0], d[1], d[2]


def _round(x: float) -> float:
    return round(x, 6)


# --------------------------------------------------------------------- requests


def _bad(message: str) -> Reject:
    return Reject(error_response("hf", 400, message))


@dataclass
class Envelope:
    """A task request as hf-inference reads it."""

    inputs: Any
    parameters: dict[str, Any]
    body: dict[str, Any]
    raw: bytes | None = None  # the body itself, when a file was sent raw

    def file(self, kinds: tuple[str, ...], what: str) -> tuple[bytes, str]:
        """The file of a file task: the raw body, or base64 ``inputs``; checked by type."""
        if self.raw is not None:
            data = self.raw
        elif isinstance(self.inputs, str):
            data = _b64(self.inputs, "inputs")
        else:
            raise _bad(f"inputs: expected the {what} as raw bytes or a base64 string")
        mime = sniff(data)
        if mime is None or not mime.startswith(kinds):
            raise _bad(
                f"cannot identify {what} file (got {len(data)} bytes of {mime or 'unknown'})"
            )
        return data, mime

    def text(self) -> str:
        if not isinstance(self.inputs, str):
            raise _bad(
                "Failed to deserialize the JSON body into the target type: inputs: "
                f"invalid type: {type(self.inputs).__name__}, expected a string"
            )
        return self.inputs

    def texts(self) -> list[str] | None:
        """The batch of a ``{"inputs": [str, ...]}`` body (None for a single string)."""
        batch = self.inputs
        if isinstance(batch, list) and batch and all(isinstance(i, str) for i in batch):
            return list(batch)
        return None

    def param(self, name: str, default: Any = None) -> Any:
        value = self.parameters.get(name)
        return default if value is None else value


def _b64(value: str, where: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(f"{where}: not valid base64") from None


async def _envelope(request: Request, model_id: str) -> Envelope:
    raw = await request.body()
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    await begin(request, model=model_id, style="hf")
    if ctype != "application/json":
        if not raw:
            raise _bad("empty request body")
        return Envelope(None, {}, {}, raw=raw)
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise _bad(f"Failed to parse the request body as JSON: {exc}") from None
    if not isinstance(body, dict):
        raise _bad("Failed to deserialize the JSON body into the target type: expected an object")
    params = body.get("parameters") or {}
    if not isinstance(params, dict):
        raise _bad("parameters: expected an object")
    return Envelope(body.get("inputs"), params, body)


def _json(value: Any) -> Response:
    return JSONResponse(value, headers=HEADERS)


def _file_response(content: bytes, media_type: str) -> Response:
    return Response(content, media_type=media_type, headers=HEADERS)


def _top_k(items: list[dict[str, Any]], env: Envelope) -> list[dict[str, Any]]:
    k = env.param("top_k")
    return items[:k] if isinstance(k, int) and k > 0 else items


def _labels(env: Envelope) -> list[str]:
    labels = env.parameters.get("candidate_labels")
    if isinstance(labels, str):  # the pre-2025 comma-joined form
        labels = [s.strip() for s in labels.split(",") if s.strip()]
    if not (isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels)):
        raise _bad("parameters.candidate_labels: expected a non-empty list of strings")
    return list(labels)


def _ranked(labels: list[str], seed: Any, *, normalise: bool = True) -> list[dict[str, Any]]:
    raw = [0.05 + _unit(seed, label) for label in labels]
    total = sum(raw)
    scores = [r / total for r in raw] if normalise else [min(r, 0.999) for r in raw]
    pairs = sorted(zip(labels, scores, strict=True), key=lambda p: -p[1])
    return [{"label": label, "score": _round(score)} for label, score in pairs]


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")

# ------------------------------------------------------------------------- text


async def text_classification(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    text = env.text()
    p = 0.5 + _unit(model_id, text) / 2
    first, second = ("POSITIVE", "NEGATIVE") if _unit(text) >= 0.5 else ("NEGATIVE", "POSITIVE")
    ranked = [{"label": first, "score": _round(p)}, {"label": second, "score": _round(1 - p)}]
    return _json([_top_k(ranked, env)])


_ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")


async def token_classification(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    text = env.text()
    strategy = env.param("aggregation_strategy", "simple")
    ignore = set(env.param("ignore_labels", []))
    out: list[dict[str, Any]] = []
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        if len(word) < 2 or not word[0].isupper() or match.start() == 0:
            continue
        group = _ENTITY_TYPES[int(_unit(word) * len(_ENTITY_TYPES))]
        item: dict[str, Any] = {"score": _round(0.9 + _unit(model_id, word) / 10)}
        if strategy == "none":
            item.update(entity=f"B-{group}", index=index + 1)
            label = item["entity"]
        else:
            item["entity_group"] = group
            label = group
        if label in ignore:
            continue
        item.update(word=word, start=match.start(), end=match.end())
        out.append(item)
    return _json(out)


async def zero_shot_classification(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    text = env.text()
    multi = bool(env.param("multi_label", False))
    return _json(_ranked(_labels(env), (model_id, text), normalise=not multi))


_FILLERS = ("happiness", "love", "life", "peace", "freedom", "knowledge", "balance")


async def fill_mask(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    text = env.text()
    mask = next((m for m in ("[MASK]", "<mask>") if m in text), None)
    if mask is None:
        raise _bad("No mask_token ([MASK] or <mask>) found on the input")
    targets = env.param("targets")
    words = list(targets) if isinstance(targets, list) and targets else list(_FILLERS)
    ranked = _ranked(words, (model_id, text))
    out = [
        {
            "score": item["score"],
            "token": int.from_bytes(_digest(item["label"])[:2], "big"),
            "token_str": f" {item['label']}",
            "sequence": text.replace(mask, item["label"], 1),
        }
        for item in ranked
    ]
    return _json(out[: int(env.param("top_k", 5))])


async def question_answering(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    inputs = env.inputs
    if not (
        isinstance(inputs, dict)
        and isinstance(inputs.get("question"), str)
        and isinstance(inputs.get("context"), str)
    ):
        raise _bad("inputs: expected {question: str, context: str}")
    question, context = inputs["question"], inputs["context"]
    asked = {w.lower() for w in _WORD.findall(question)}
    # the context's words the question does not use, last first ("... is 42" -> "42")
    spans = [m for m in _WORD.finditer(context) if m.group().lower() not in asked][::-1]
    spans = spans or list(_WORD.finditer(context))
    k = max(1, int(env.param("top_k", 1)))
    answers = [
        {
            "score": _round(0.9 / (rank + 1) * (0.5 + _unit(model_id, question) / 2)),
            "start": m.start(),
            "end": m.end(),
            "answer": m.group(),
        }
        for rank, m in enumerate(spans[:k])
    ] or [{"score": 0.0, "start": 0, "end": 0, "answer": ""}]
    return _json(answers[0] if k == 1 else answers)


async def table_question_answering(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    inputs = env.inputs
    table = inputs.get("table") if isinstance(inputs, dict) else None
    query = inputs.get("query") if isinstance(inputs, dict) else None
    if not (
        isinstance(query, str)
        and isinstance(table, dict)
        and table
        and all(isinstance(v, list) and all(isinstance(c, str) for c in v) for v in table.values())
    ):
        raise _bad("inputs: expected {query: str, table: {column: [str, ...]}}")
    columns = list(table)
    col = next((i for i, name in enumerate(columns) if name.lower() in query.lower()), 0)
    cells = table[columns[col]]
    cell = cells[0] if cells else ""
    return _json({"answer": cell, "coordinates": [[0, col]], "cells": [cell], "aggregator": "NONE"})


def _rows(env: Envelope) -> list[list[Any]]:
    """The rows of a tabular request ``{"inputs": {"data": {column: [values]}}}``."""
    data = env.inputs.get("data") if isinstance(env.inputs, dict) else None
    if not (
        isinstance(data, dict)
        and data
        and all(isinstance(v, list) and v for v in data.values())
        and len({len(v) for v in data.values()}) == 1
    ):
        raise _bad("inputs: expected {data: {column: [values]}} with columns of equal length")
    return [list(row) for row in zip(*data.values(), strict=True)]


async def tabular_classification(request: Request, model_id: str) -> Response:
    """A label per row: ``"1"`` when the row's numbers add up to more than 10, else ``"0"``."""
    rows = _rows(await _envelope(request, model_id))
    return _json(["1" if _row_total(row) > 10 else "0" for row in rows])


async def tabular_regression(request: Request, model_id: str) -> Response:
    """A number per row: the sum of the row's numeric cells."""
    rows = _rows(await _envelope(request, model_id))
    return _json([_round(_row_total(row)) for row in rows])


def _row_total(row: list[Any]) -> float:
    total = 0.0
    for cell in row:
        try:
            total += float(cell)
        except (TypeError, ValueError):
            continue
    return total


def _summary(text: str) -> dict[str, str]:
    first = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
    return {"summary_text": " ".join(first.split()[:30])}


async def summarization(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    batch = env.texts()  # the service takes a list of texts: one answer each, in order
    if batch is not None:
        return _json([_summary(text) for text in batch])
    return _json([_summary(env.text())])


async def translation(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    target = env.param("tgt_lang", "xx")
    batch = env.texts()
    texts = batch if batch is not None else [env.text()]
    return _json([{"translation_text": f"[{target}] {text}"} for text in texts])


# ----------------------------------------------------------------------- images


async def text_to_image(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    prompt = env.text()
    width, height = int(env.param("width", 8)), int(env.param("height", 8))
    colour = _colour(model_id, prompt, env.param("seed", 0))
    return _file_response(png_bytes(width, height, colour), "image/png")


async def image_to_image(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    if env.raw is None and env.inputs is None:
        width, height, data = 8, 8, b""  # image-text-to-image with a prompt only
    else:
        data, _ = env.file(("image/",), "image")
        width, height = image_size(data)
    size = env.param("target_size")
    if isinstance(size, dict):
        width, height = int(size.get("width", width)), int(size.get("height", height))
    colour = _colour(model_id, data, env.param("prompt", ""))
    return _file_response(png_bytes(width, height, colour), "image/png")


def _image_labels(data: bytes, mime: str) -> list[str]:
    width, height = image_size(data)
    return [f"{mime.split('/')[1]} {width}x{height}", "checkerboard", "noise"]


async def image_classification(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, mime = env.file(("image/",), "image")
    labels = _image_labels(data, mime)
    scores = [0.9, 0.07, 0.03]
    return _json(
        _top_k([{"label": lbl, "score": s} for lbl, s in zip(labels, scores, strict=True)], env)
    )


async def image_segmentation(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, _ = env.file(("image/",), "image")
    width, height = image_size(data)
    mask = base64.b64encode(png_bytes(width, height, (255, 255, 255))).decode()
    empty = base64.b64encode(png_bytes(width, height, (0, 0, 0))).decode()
    threshold = float(env.param("threshold", 0.0))
    segments = [("foreground", 0.99, mask), ("background", 0.6, empty)]
    return _json(
        [{"label": lbl, "score": s, "mask": m} for lbl, s, m in segments if s >= threshold]
    )


async def object_detection(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, _ = env.file(("image/",), "image")
    width, height = image_size(data)
    threshold = float(env.param("threshold", 0.5))
    score = 0.95
    box = {"xmin": 0, "ymin": 0, "xmax": width, "ymax": height}
    return _json([{"score": score, "label": "object", "box": box}] if score >= threshold else [])


async def zero_shot_image_classification(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, _ = env.file(("image/",), "image")
    return _json(_ranked(_labels(env), (model_id, data)))


async def zero_shot_object_detection(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, _ = env.file(("image/",), "image")
    width, height = image_size(data)
    labels = _labels(env)
    step = max(1, width // len(labels))
    return _json(
        [
            {
                "label": label,
                "score": _round(0.5 + _unit(model_id, data, label) / 2),
                "box": {
                    "xmin": i * step,
                    "ymin": 0,
                    "xmax": min(width, (i + 1) * step),
                    "ymax": height,
                },
            }
            for i, label in enumerate(labels)
        ]
    )


async def image_to_text(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, mime = env.file(("image/",), "image")
    width, height = image_size(data)
    kind = mime.split("/")[1]
    return _json([{"generated_text": f"a {kind} image of {width}x{height} pixels"}])


async def depth_estimation(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, _ = env.file(("image/",), "image")
    width, height = image_size(data)
    w, h = min(width, 16), min(height, 16)
    depth = [[_round((x + y) / (w + h)) for x in range(w)] for y in range(h)]
    picture = base64.b64encode(png_bytes(width, height, (128, 128, 128))).decode()
    return _json({"predicted_depth": depth, "depth": picture})


def _image_and_question(env: Envelope) -> tuple[bytes, str, str]:
    inputs = env.inputs
    if isinstance(inputs, dict):  # the task spec's shape
        image, question = inputs.get("image"), inputs.get("question")
    else:  # what huggingface_hub sends: inputs = image, question/image at the top level
        image, question = env.body.get("image", inputs), env.body.get("question")
    if not isinstance(image, str) or not isinstance(question, str):
        raise _bad("expected a base64 image and a question")
    data = _b64(image, "image")
    mime = sniff(data)
    if mime is None or not mime.startswith("image/"):
        raise _bad("cannot identify image file")
    return data, mime, question


async def visual_question_answering(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    if env.raw is not None:
        raise _bad("visual-question-answering needs JSON: {inputs: image, question}")
    data, mime, question = _image_and_question(env)
    yes = _unit(model_id, data, question)
    answers = [
        {"answer": mime.split("/")[1], "score": _round(0.5 + yes / 2)},
        {"answer": "yes", "score": _round((1 - yes) / 4)},
        {"answer": "no", "score": _round((1 - yes) / 8)},
    ]
    return _json(_top_k(answers, env))


async def document_question_answering(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    inputs = env.inputs
    if not isinstance(inputs, dict):
        raise _bad("inputs: expected {image: base64, question: str}")
    data, _, question = _image_and_question(env)
    words = _WORD.findall(question) or ["?"]
    longest = max(words, key=len)
    score = _round(0.5 + _unit(model_id, data, question) / 2)
    return _json(_top_k([{"answer": longest, "score": score, "start": 0, "end": 0}], env))


# ------------------------------------------------------------------------ audio


def _transcript(data: bytes, mime: str) -> str:
    info = wav_info(data) if mime == "audio/wav" else None
    if info is None:
        return f"{mime.split('/')[1]} audio of {len(data)} bytes"
    return f"audio of {info[0]:.2f} seconds"


async def automatic_speech_recognition(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, mime = env.file(("audio/",), "audio")
    text = _transcript(data, mime)
    out: dict[str, Any] = {"text": text}
    if env.param("return_timestamps"):
        info = wav_info(data) if mime == "audio/wav" else None
        end = info[0] if info else None
        out["chunks"] = [{"text": text, "timestamp": [0.0, end]}]
    return _json(out)


async def audio_classification(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, mime = env.file(("audio/",), "audio")
    info = wav_info(data) if mime == "audio/wav" else None
    silent = info is not None and info[1] == 0
    labels = ["silence", "speech", "music"] if silent else ["speech", "music", "silence"]
    ranked = [{"label": lbl, "score": s} for lbl, s in zip(labels, (0.8, 0.15, 0.05), strict=True)]
    return _json(_top_k(ranked, env))


async def audio_to_audio(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, mime = env.file(("audio/",), "audio")
    info = wav_info(data) if mime == "audio/wav" else None
    seconds = info[0] if info else 0.01
    blob = base64.b64encode(wav_bytes(seconds)).decode()
    return _json([{"label": "enhanced", "blob": blob, "content-type": "audio/wav"}])


async def text_to_speech(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    text = env.text()
    words = max(1, len(text.split()))
    level = int(_unit(model_id, text) * 1000)
    return _file_response(wav_bytes(0.05 * words, level=level), "audio/wav")


# ------------------------------------------------------------------------ video


async def text_to_video(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    prompt = env.text()
    frames = int(env.param("num_frames", 4))
    return _file_response(mp4_bytes(_digest(model_id, prompt) * max(1, frames)), "video/mp4")


async def image_to_video(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data = b""
    if env.raw is not None or env.inputs is not None:
        data, _ = env.file(("image/",), "image")
    frames = int(env.param("num_frames", 4))
    payload = _digest(model_id, data, env.param("prompt", ""))
    return _file_response(mp4_bytes(payload * max(1, frames)), "video/mp4")


_ACTIONS = ("surfing", "skiing", "cooking", "dancing")


async def video_classification(request: Request, model_id: str) -> Response:
    env = await _envelope(request, model_id)
    data, _ = env.file(("video/",), "video")
    return _json(_top_k(_ranked(list(_ACTIONS), (model_id, data)), env))


# --------------------------------------------------------------------- register

TaskHandler = Callable[[Request, str], Awaitable[Response]]

HANDLERS: dict[str, TaskHandler] = {
    "text-classification": text_classification,
    "token-classification": token_classification,
    "zero-shot-classification": zero_shot_classification,
    "fill-mask": fill_mask,
    "question-answering": question_answering,
    "table-question-answering": table_question_answering,
    "tabular-classification": tabular_classification,
    "tabular-regression": tabular_regression,
    "summarization": summarization,
    "translation": translation,
    "text-to-image": text_to_image,
    "image-to-image": image_to_image,
    "image-text-to-image": image_to_image,
    "image-classification": image_classification,
    "image-segmentation": image_segmentation,
    "object-detection": object_detection,
    "zero-shot-image-classification": zero_shot_image_classification,
    "zero-shot-object-detection": zero_shot_object_detection,
    "image-to-text": image_to_text,
    "depth-estimation": depth_estimation,
    "visual-question-answering": visual_question_answering,
    "document-question-answering": document_question_answering,
    "automatic-speech-recognition": automatic_speech_recognition,
    "audio-classification": audio_classification,
    "audio-to-audio": audio_to_audio,
    "text-to-speech": text_to_speech,
    "text-to-audio": text_to_speech,
    "text-to-video": text_to_video,
    "image-to-video": image_to_video,
    "image-text-to-video": image_to_video,
    "video-classification": video_classification,
}

#: pipeline tag -> the catalog model the emulator recommends for it (``widgetModels[0]``).
TASK_MODELS: dict[str, str] = {
    "text-classification": "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
    "token-classification": "dslim/bert-base-NER",
    "zero-shot-classification": "facebook/bart-large-mnli",
    "fill-mask": "distilbert/distilroberta-base",
    "question-answering": "deepset/roberta-base-squad2",
    "table-question-answering": "google/tapas-base-finetuned-wtq",
    "tabular-classification": "julien-c/wine-quality",
    "tabular-regression": "scikit-learn/Fish-Weight",
    "summarization": "facebook/bart-large-cnn",
    "translation": "google-t5/t5-small",
    "text-to-image": "black-forest-labs/FLUX.1-dev",
    "image-to-image": "timbrooks/instruct-pix2pix",
    "image-text-to-image": "Qwen/Qwen-Image-Edit",
    "image-classification": "google/vit-base-patch16-224",
    "image-segmentation": "nvidia/segformer-b0-finetuned-ade-512-512",
    "object-detection": "facebook/detr-resnet-50",
    "zero-shot-image-classification": "openai/clip-vit-large-patch14",
    "zero-shot-object-detection": "google/owlvit-base-patch32",
    "image-to-text": "Salesforce/blip-image-captioning-large",
    "depth-estimation": "Intel/dpt-large",
    "visual-question-answering": "dandelin/vilt-b32-finetuned-vqa",
    "document-question-answering": "impira/layoutlm-document-qa",
    "automatic-speech-recognition": "openai/whisper-large-v3",
    "audio-classification": "MIT/ast-finetuned-audioset-10-10-0.4593",
    "audio-to-audio": "speechbrain/sepformer-wham",
    "text-to-speech": "espnet/kan-bayashi_ljspeech_vits",
    "text-to-audio": "facebook/musicgen-small",
    "text-to-video": "Wan-AI/Wan2.1-T2V-14B",
    "image-to-video": "Wan-AI/Wan2.1-I2V-14B-720P",
    "image-text-to-video": "Wan-AI/Wan2.2-TI2V-5B",
    "video-classification": "MCG-NJU/videomae-base-finetuned-kinetics",
    "image-text-to-text": "Qwen/Qwen2.5-VL-7B-Instruct",
}


def _register() -> None:
    for task, handler in HANDLERS.items():
        TASK_HANDLERS.setdefault(task, handler)
    for task, model_id in TASK_MODELS.items():
        if model_id in DEFAULT_MODELS:
            continue
        mapping_task = "conversational" if task == "image-text-to-text" else task
        DEFAULT_MODELS[model_id] = CatalogModel(
            id=model_id,
            pipeline_tag=task,
            tags=("transformers", task),
            providers={"hf-inference": ProviderMapping(model_id, mapping_task)},
        )


_register()
