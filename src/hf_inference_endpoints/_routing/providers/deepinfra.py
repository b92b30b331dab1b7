"""DeepInfra: its OpenAI-compatible API for chat, completions, embeddings and audio."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any, ClassVar

from ._base import (
    ProviderHelper,
    RawBody,
    Route,
    body_inputs,
    body_parameters,
    done,
    file_bytes,
    malformed,
    multipart_body,
    sniff_mime,
)
from ._openai import completions_route, embeddings_route

__all__ = ["DeepInfraHelper"]


#: Extensions of the audio types the standard table lacks or spells oddly.
_AUDIO_EXTENSIONS = {
    "audio/wav": ".wav",
    "audio/wave": ".wav",
    "audio/x-wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "audio/webm": ".webm",
    "audio/flac": ".flac",
}


def _audio_filename(mime: str | None) -> str:
    """``audio.<ext>`` for the file part: transcription servers read the format from the
    file name (``.wav`` when the type is unknown, as huggingface_hub does)."""
    base = (mime or "").split(";", 1)[0].strip().lower()
    if not base.startswith("audio/"):
        return "audio.wav"
    return "audio" + (_AUDIO_EXTENSIONS.get(base) or mimetypes.guess_extension(base) or ".wav")


def _transcription_form(model_id: str, body: dict[str, Any] | RawBody) -> RawBody:
    """A multipart form: the ``file`` part (``audio.<ext>``), the parameters as fields,
    ``model`` (the mapped id wins over a caller's parameter)."""
    audio, mime = file_bytes(body_inputs(body), "the audio for deepinfra speech recognition")
    mime = mime or sniff_mime(audio)
    fields = {**body_parameters(body), "model": model_id}
    return multipart_body(fields, "file", audio, _audio_filename(mime), mime)


def _speech(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return {"input": body_inputs(body), **body_parameters(body), "model": model_id}


def _transcription(data: Any) -> dict[str, Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get("text"), str):
        raise malformed("text", "a string")
    out: dict[str, Any] = {"text": data["text"]}
    segments = data.get("segments")
    if isinstance(segments, list):
        out["chunks"] = [
            {"text": seg.get("text", ""), "timestamp": [seg.get("start"), seg.get("end")]}
            for seg in segments
            if isinstance(seg, Mapping)
        ]
    return out


class DeepInfraHelper(ProviderHelper):
    """``deepinfra``: everything under ``/v1/openai``.

    * text-generation: completions (``max_new_tokens`` -> ``max_tokens``), answered as
      ``{"generated_text", "details"}``;
    * feature-extraction: ``{"input", "model"}`` -> ``data[].embedding``;
    * automatic-speech-recognition: multipart form (``file`` part named ``audio.<ext>``,
      the parameters as fields, ``model``); ``text`` + ``segments`` -> ``{"text", "chunks":
      [{"text", "timestamp": [start, end]}]}``;
    * text-to-speech: ``{"input", ...params, "model"}`` -> raw audio bytes.

    ``model`` is always the mapped provider id, whatever the caller's parameters say.
    """

    name: ClassVar[str] = "deepinfra"
    direct_url: ClassVar[str] = "https://api.deepinfra.com"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/openai/chat/completions",
        "text-generation": completions_route("/v1/openai/completions"),
        "feature-extraction": embeddings_route("/v1/openai/embeddings"),
        "automatic-speech-recognition": Route(
            "/v1/openai/audio/transcriptions", body=_transcription_form, answer=done(_transcription)
        ),
        "text-to-speech": Route("/v1/openai/audio/speech", body=_speech, kind="bytes"),
    }
    text_generation_api = "openai-completions"  # chunks end with [DONE]
