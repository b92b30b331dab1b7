"""Tiny real media files for tests, built with the standard library (PNG, WAV, MP4-ish)."""

from __future__ import annotations

import io
import struct
import wave
import zlib

__all__ = ["mp4", "png", "wav"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    """A valid RGB PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


def wav(seconds: float = 0.01, rate: int = 8000, *, level: int = 0) -> bytes:
    """A valid mono 16-bit PCM WAV of constant ``level``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(struct.pack("<h", level) * round(seconds * rate))
    return buffer.getvalue()


def mp4(payload: bytes = b"") -> bytes:
    """An MP4-looking file: an ``ftyp`` box then an ``mdat`` box holding ``payload``."""
    ftyp = struct.pack(">I", 20) + b"ftypisom" + struct.pack(">I", 512) + b"isom"
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload
