"""The MIME type of a file from its first bytes: one table for inputs, bodies and answers (no I/O)."""

from __future__ import annotations

from typing import overload

__all__ = ["sniff_mime"]

#: (signature, offset, MIME type), first match wins.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"BM", 0, "image/bmp"),
    (b"WAVE", 8, "audio/wav"),
    (b"fLaC", 0, "audio/flac"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\xff\xfb", 0, "audio/mpeg"),
    (b"\xff\xf3", 0, "audio/mpeg"),
    (b"\xff\xf2", 0, "audio/mpeg"),
    (b"OggS", 0, "audio/ogg"),
    (b"ftyp", 4, "video/mp4"),
    (b"\x1aE\xdf\xa3", 0, "video/webm"),
    (b"%PDF-", 0, "application/pdf"),
)


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
        ``image/png``, ``image/jpeg``, ``image/gif``, ``image/webp``, ``image/bmp``,
        ``audio/wav``, ``audio/flac``, ``audio/mpeg``, ``audio/ogg``, ``video/mp4``,
        ``video/webm``, ``application/pdf``, or ``default``.

    Example:
        >>> sniff_mime(b"\\x89PNG\\r\\n\\x1a\\n....")
        'image/png'
        >>> sniff_mime(b"RIFF\\x00\\x00\\x00\\x00WAVEfmt ")
        'audio/wav'
        >>> sniff_mime(b"hello", "text/plain")
        'text/plain'
    """
    for magic, offset, mime in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return mime
    return default
