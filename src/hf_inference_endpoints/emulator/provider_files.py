"""Output files of emulated provider jobs, mounted under ``/_emulator/files`` (a fake CDN).

Providers answer images, audio and video as URLs the client downloads (fal.media,
replicate.delivery...). The emulator stores each generated file and serves it at
``GET /_emulator/files/{name}``, outside the bearer-auth check like a real CDN --
and it refuses a download that carries an ``Authorization`` (or ``X-HF-Bill-To``)
header with 400, because a client must never send its token to a file host.

:func:`store` keeps a file and returns its absolute URL; :func:`png`, :func:`wav`
and :func:`mp4` make small deterministic files.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .handlers import emulator_state

__all__ = ["PREFIX", "mp4", "png", "routes", "store", "wav"]

PREFIX = "/_emulator/files"
_KEY = "provider_files"


def _files(request: Request) -> dict[str, tuple[bytes, str]]:
    state = emulator_state(request)
    files = state.extensions.get(_KEY)
    if files is None:
        files = state.extensions[_KEY] = {}
        state.add_reset_hook(files.clear)
    assert isinstance(files, dict)
    return files


def store(request: Request, data: bytes, content_type: str, suffix: str) -> str:
    """Keep ``data`` and return the absolute URL it is served at."""
    name = hashlib.sha1(data).hexdigest()[:20] + suffix
    _files(request)[name] = (data, content_type)
    return f"{str(request.base_url).rstrip('/')}{PREFIX}/{name}"


def png(seed: Any, size: int = 4) -> bytes:
    """A valid ``size`` x ``size`` RGB PNG whose colour depends on ``seed``."""
    digest = hashlib.sha256(repr(seed).encode()).digest()
    row = b"\x00" + bytes(digest[:3]) * size
    raw = row * size

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def wav(seed: Any, samples: int = 32) -> bytes:
    """A valid mono 16-bit PCM WAV of ``samples`` samples derived from ``seed``."""
    digest = hashlib.sha256(repr(seed).encode()).digest()
    data = bytes(digest[i % len(digest)] for i in range(samples * 2))
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


def mp4(seed: Any) -> bytes:
    """A few bytes starting like an MP4 file (``ftyp`` box), derived from ``seed``."""
    return (
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
        + hashlib.sha256(repr(seed).encode()).digest()
    )


async def get_file(request: Request) -> Response:
    if "authorization" in request.headers or "x-hf-bill-to" in request.headers:
        return JSONResponse(
            {"error": "output downloads must not carry credentials or billing headers"},
            status_code=400,
        )
    found = _files(request).get(request.path_params["name"])
    if found is None:
        return JSONResponse({"error": "file not found"}, status_code=404)
    data, content_type = found
    return Response(data, media_type=content_type)


routes: list[BaseRoute] = [Route("/{name}", get_file, methods=["GET"])]
