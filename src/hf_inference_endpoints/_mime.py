"""The MIME type of a file from its first bytes: one table for inputs, bodies and answers (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import overload

__all__ = ["SIGNATURES", "UNRECOGNISED", "sniff_mime"]

#: The one table of file signatures: (bytes, offset, MIME type), first match wins, so
#: specific ``ftyp`` brands come before the generic MP4 container.
SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"BM", 0, "image/bmp"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"ftypavif", 4, "image/avif"),
    (b"ftypheic", 4, "image/heic"),
    (b"ftypheix", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heif"),
    (b"\x00\x00\x01\x00", 0, "image/x-icon"),
    (b"WAVE", 8, "audio/wav"),
    (b"AIFF", 8, "audio/aiff"),
    (b"fLaC", 0, "audio/flac"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\xff\xfb", 0, "audio/mpeg"),
    (b"\xff\xf3", 0, "audio/mpeg"),
    (b"\xff\xf2", 0, "audio/mpeg"),
    (b"\xff\xf1", 0, "audio/aac"),
    (b"\xff\xf9", 0, "audio/aac"),
    (b"#!AMR", 0, "audio/amr"),
    (b"OggS", 0, "audio/ogg"),
    (b"ftypM4A ", 4, "audio/mp4"),
    (b"ftyp", 4, "video/mp4"),
    (b"\x1aE\xdf\xa3", 0, "video/webm"),
    (b"AVI ", 8, "video/x-msvideo"),
    (b"%PDF-", 0, "application/pdf"),
)

#: The type a binary file is sent with when no signature, declared type or file name
#: tells (docs/wire.md §4.6): sent, not refused, because the servers decode the content
#: itself (ffmpeg, Pillow) and the header is a hint; huggingface_hub's defaults, so a
#: provider sees what the incumbent sends; MPEG audio frames without an ID3 tag are the
#: commonest audio our table misses. Text is refused before this (``_inputs``).
UNRECOGNISED: Mapping[str, str] = {
    "image": "image/jpeg",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "document": "image/jpeg",
}


@overload
def sniff_mime(data: bytes) -> str | None: ...
@overload
def sniff_mime(data: bytes, default: str) -> str: ...
@overload
def sniff_mime(data: bytes, default: str | None) -> str | None: ...


def sniff_mime(data: bytes, default: str | None = None) -> str | None:
    """The MIME type of a file from its first bytes, or ``default`` when unknown.

    Args:
        data: The file (only the first 16 bytes are looked at).
        default: What to return for an unknown signature.

    Returns:
        The type of the first matching :data:`SIGNATURES` entry (PNG, JPEG, GIF, WebP,
        BMP, TIFF, AVIF, HEIC, ICO, WAV, AIFF, FLAC, MP3, AAC, AMR, OGG, M4A, MP4, WebM,
        AVI, PDF), or ``default``.

    Example:
        >>> sniff_mime(b"\\x89PNG\\r\\n\\x1a\\n....")
        'image/png'
        >>> sniff_mime(b"RIFF\\x00\\x00\\x00\\x00WAVEfmt ")
        'audio/wav'
        >>> sniff_mime(b"hello", "text/plain")
        'text/plain'
    """
    for magic, offset, mime in SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return mime
    return default
