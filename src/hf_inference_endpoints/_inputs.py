"""Media inputs (images, audio, video, documents) as bytes + MIME type (no network I/O).

Every task method that takes a file accepts the same things:

* ``bytes`` / ``bytearray`` / ``memoryview``: the file itself;
* a path (``str`` or ``os.PathLike``) of a local file, read here;
* an ``http(s)://`` URL: returned as :class:`RemoteMedia` ("needs download"); the
  twins download it through the client's transport *without* the token
  (``_async/_task_runner.py``);
* a ``data:<mime>;base64,...`` URL;
* a binary file object (anything with ``read()`` returning bytes);
* a PIL image, when Pillow is installed (encoded as PNG, or in its own format).

The MIME type is sniffed from the first bytes (``_mime.SIGNATURES``: PNG, JPEG, GIF,
WebP, BMP, TIFF, AVIF, HEIC, WAV, FLAC, MP3, AAC, OGG, MP4, WebM, AVI, PDF...), then
guessed from a file name, then defaulted per kind (``_mime.UNRECOGNISED``: image/jpeg,
audio/mpeg, video/mp4; docs/wire.md §4.6). What is found must suit the task
(:func:`media_mime`): a text file, or a PDF sent as an image, is a
:class:`ValidationError` before anything is sent; a ``data:<mime>;base64,...`` URL
declares its type and is sent as declared.

Images larger than ``max_image_size_bytes`` are re-encoded smaller with Pillow when
``auto_optimize_images`` is on (and Pillow is installed), otherwise refused with a
:class:`ValidationError`. WAV audio (PCM, read with the stdlib ``wave`` module) can be
measured and split into chunks no longer than ``max_audio_duration``; audio in other
formats cannot be measured here and passes through unchanged.
"""

from __future__ import annotations

import base64
import binascii
import io
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ._errors import InvalidArgument
from ._mime import SIGNATURES, UNRECOGNISED, sniff_mime

if TYPE_CHECKING:
    import wave

    from ._config import HfInferenceConfig

__all__ = [
    "FileInput",
    "Media",
    "MediaKind",
    "RemoteMedia",
    "audio_chunks",
    "check_media",
    "data_url_bytes",
    "image_url_part",
    "load_media",
    "media_mime",
    "optimize_image",
    "sniff_mime",
    "split_wav",
    "wav_duration",
]

MediaKind = Literal["image", "audio", "video", "document"]

#: A file input: ``bytes``, a path, an ``http(s)://`` or ``data:`` URL, a binary file
#: object, or a PIL image. (Spelled ``Any``: a PIL image has no static type without Pillow.)
FileInput: TypeAlias = Any

#: The MIME types each kind of input may have (prefixes). Audio tasks read the sound
#: of a video container too.
_FAMILIES: Mapping[str, tuple[str, ...]] = {
    "image": ("image/",),
    "audio": ("audio/", "video/"),
    "video": ("video/",),
    "document": ("image/", "application/pdf"),
}
_UNDECLARED = frozenset({"application/octet-stream", "binary/octet-stream"})
_SNIFFED = frozenset(mime for _, _, mime in SIGNATURES)
# Bytes found in text (the `file` command's rule); anything else means binary.
_TEXT_BYTES = bytes({7, 8, 9, 10, 11, 12, 13, 27} | set(range(0x20, 0x100)) - {0x7F})


@dataclass(frozen=True, slots=True)
class Media:
    """A file ready to send: its bytes and MIME type."""

    data: bytes
    mime: str

    def __repr__(self) -> str:
        return f"Media({len(self.data)} bytes, {self.mime!r})"

    def base64(self) -> str:
        """The bytes as standard base64 text (what JSON bodies carry)."""
        return base64.b64encode(self.data).decode("ascii")

    def data_url(self) -> str:
        """``data:<mime>;base64,...`` (what chat ``image_url`` parts carry)."""
        return f"data:{self.mime};base64,{self.base64()}"


@dataclass(frozen=True, slots=True)
class RemoteMedia:
    """An ``http(s)://`` input that must be downloaded (without credentials) first."""

    url: str


def _is_pil_image(value: Any) -> bool:
    module = type(value).__module__ or ""
    if not module.startswith("PIL."):
        return False
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - a PIL object without PIL
        return False
    return isinstance(value, Image.Image)


def _from_pil(image: Any) -> Media:
    fmt = (getattr(image, "format", None) or "PNG").upper()
    if fmt not in ("PNG", "JPEG", "WEBP", "GIF"):
        fmt = "PNG"
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return Media(buffer.getvalue(), f"image/{fmt.lower()}")


def _decode_data_url(value: str) -> Media:
    header, sep, payload = value.partition(",")
    if not sep or not header.endswith(";base64"):
        raise InvalidArgument("a data: URL input must be base64 (data:<mime>;base64,...)")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidArgument("the data: URL does not hold valid base64") from None
    mime = header[len("data:") : -len(";base64")] or "application/octet-stream"
    return Media(data, mime)


def data_url_bytes(url: str) -> bytes:
    """The bytes a ``data:<mime>;base64,...`` URL holds (an answer's file, decoded locally).

    Raises:
        ValueError: ``url`` is not a base64 ``data:`` URL or its payload is not base64.

    Example:
        >>> data_url_bytes("data:image/png;base64,iVBORw==")
        b'\\x89PNG'
    """
    if not url.startswith("data:"):
        raise ValueError("not a data: URL")
    try:
        return _decode_data_url(url).data
    except InvalidArgument as exc:
        raise ValueError(exc.message) from None


def _describe(kind: str) -> str:
    return (
        f"{kind} must be bytes, a file path, an http(s) URL, a data: URL, a binary file "
        "object, or a PIL image (with Pillow installed)"
    )


def media_mime(
    data: bytes, kind: MediaKind, *, name: str | None = None, declared: str | None = None
) -> str:
    """The MIME type to send a file with, checked against what the task takes.

    Sniffed from the first bytes (``_mime.SIGNATURES``), else the type a server declared
    for a download, else guessed from ``name`` (a file name or URL), else the kind's
    default for binary data (``_mime.UNRECOGNISED``, docs/wire.md §4.6). A declared or guessed type whose signature is in the table
    but not in the bytes (``photo.png`` holding an HTML page) is not believed.

    Args:
        data: The file.
        kind: What the task takes: ``image``, ``audio``, ``video`` or ``document``.
        name: A file name or URL, when known.
        declared: The ``Content-Type`` a download came with (``application/octet-stream``
            counts as none).

    Returns:
        The MIME type.

    Raises:
        InvalidArgument: The file is of another kind (a PDF or a WAV sent as an image,
            ``notes.txt``...), or is text while the task takes a binary file.

    Example:
        >>> media_mime(b"\x89PNG\r\n\x1a\n", "image")
        'image/png'
        >>> media_mime(b"hello, world", "image")
        Traceback (most recent call last):
        ...
        hf_inference_endpoints._errors.InvalidArgument: the image is not an image: ...
    """
    mime = sniff_mime(data)
    found = "its first bytes"
    # A type whose signature we know, claimed for bytes without it, is not believed.
    if mime is None and declared and declared not in _UNDECLARED and declared not in _SNIFFED:
        mime, found = declared, "its Content-Type"
    if mime is None and name:
        guessed, _ = mimetypes.guess_type(name)
        if guessed not in _SNIFFED:
            mime, found = guessed, f"its name {name[-60:]!r}"
    if mime is None:
        if data[:512].translate(None, _TEXT_BYTES):  # a byte text never holds: binary
            return UNRECOGNISED[kind]  # sent, with huggingface_hub's default (§4.6)
        mime, found = "text/plain", "its bytes (text)"
    if mime.startswith(_FAMILIES[kind]):
        return mime
    raise InvalidArgument(
        f"the {kind} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind}: {found} say "
        f"{mime}. Pass the right file, or a data:<mime>;base64,... URL to send it with "
        "the content type you choose (nothing was sent)"
    )


def load_media(value: Any, kind: MediaKind) -> Media | RemoteMedia:
    """Turn any supported input into bytes + MIME type, or a URL to download.

    Args:
        value: bytes, a path, a URL, a ``data:`` URL, a binary file object or a PIL image.
        kind: What the task expects (picks the default MIME type and the error wording).

    Returns:
        A :class:`Media`, or a :class:`RemoteMedia` for ``http(s)://`` URLs.

    Raises:
        ValidationError: The value is of no supported type, names a missing file, or is
            an empty file.

    Example:
        >>> load_media(b"\\x89PNG\\r\\n\\x1a\\n", "image")
        Media(8 bytes, 'image/png')
        >>> load_media("https://example.com/cat.png", "image")
        RemoteMedia(url='https://example.com/cat.png')
    """
    name: str | None = None
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        return RemoteMedia(value)
    elif isinstance(value, str) and value.startswith("data:"):
        media = _decode_data_url(value)
        if not media.data:
            raise InvalidArgument(f"the {kind} is empty")
        return media
    elif isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if not path.is_file():
            shown = str(value) if len(str(value)) <= 80 else str(value)[:77] + "..."
            raise InvalidArgument(f"{_describe(kind)}; {shown!r} is not an existing file")
        data = path.read_bytes()
        name = path.name
    elif hasattr(value, "read"):
        content = value.read()
        if isinstance(content, str):
            raise InvalidArgument(f"the {kind} file object is in text mode; open it with 'rb'")
        if not isinstance(content, (bytes, bytearray, memoryview)):
            raise InvalidArgument(f"{_describe(kind)}; read() returned {type(content).__name__}")
        data = bytes(content)
        raw_name = getattr(value, "name", None)
        name = raw_name if isinstance(raw_name, str) else None
    elif _is_pil_image(value):
        return _from_pil(value)
    else:
        raise InvalidArgument(f"{_describe(kind)}; got {type(value).__name__}")
    if not data:
        raise InvalidArgument(f"the {kind} is empty")
    return Media(data, media_mime(data, kind, name=name))


def check_media(media: Media, kind: MediaKind, config: HfInferenceConfig) -> Media:
    """Apply the size rules of ``config`` to a loaded input.

    Images (and document images) above ``max_image_size_bytes`` are re-encoded with
    :func:`optimize_image` when ``auto_optimize_images`` is on and Pillow is installed.

    Raises:
        ValidationError: The image is still too large (with how to fix it).
    """
    if kind not in ("image", "document") or not media.mime.startswith("image/"):
        return media
    limit = config.max_image_size_bytes
    if len(media.data) <= limit:
        return media
    if config.auto_optimize_images:
        smaller = optimize_image(media, limit)
        if smaller is not None:
            return smaller
    hint = (
        "install Pillow (pip install 'hf-inference-endpoints[images]') so it can be re-encoded"
        if config.auto_optimize_images and not _has_pillow()
        else "resize it, or raise max_image_size_bytes"
        if not config.auto_optimize_images
        else "it could not be re-encoded small enough; resize it"
    )
    raise InvalidArgument(
        f"the image is {len(media.data)} bytes, above max_image_size_bytes={limit}: {hint}"
    )


def _has_pillow() -> bool:
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True


def optimize_image(media: Media, max_bytes: int) -> Media | None:
    """Re-encode an image to at most ``max_bytes`` with Pillow, or None.

    Tries, in order: the same pixels as an optimised PNG (lossless, when the input is a
    PNG), then JPEG at falling quality, then halving-ish downscales (3/4 per step).

    Returns:
        The smaller image, or None when Pillow is missing, the bytes are not an image
        Pillow reads, or nothing fit.
    """
    try:
        from PIL import Image
    except ImportError:
        return None
    try:
        image: Any = Image.open(io.BytesIO(media.data))
        image.load()
    except Exception:
        return None
    if media.mime == "image/png":
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        if buffer.tell() <= max_bytes:
            return Media(buffer.getvalue(), "image/png")
    rgb = image.convert("RGB")
    for _ in range(12):
        for quality in (85, 70, 50):
            buffer = io.BytesIO()
            rgb.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return Media(buffer.getvalue(), "image/jpeg")
        width, height = rgb.size
        if width <= 16 or height <= 16:
            return None
        rgb = rgb.resize((max(1, width * 3 // 4), max(1, height * 3 // 4)))
    return None


# ----------------------------------------------------------------------------- audio


def _read_wav(data: bytes) -> tuple[wave._wave_params, bytes] | None:
    if sniff_mime(data) != "audio/wav":
        return None
    import wave  # on first use: the chat path imports this module, not audio

    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            params = reader.getparams()
            frames = reader.readframes(params.nframes)
    except (wave.Error, EOFError, ValueError):
        return None
    return params, frames


def wav_duration(data: bytes) -> float | None:
    """Seconds of audio in a PCM WAV file, or None for anything else.

    Example:
        >>> wav_duration(b"fLaC...") is None
        True
    """
    read = _read_wav(data)
    if read is None:
        return None
    params, _ = read
    return params.nframes / params.framerate if params.framerate else None


def split_wav(data: bytes, max_seconds: float) -> list[bytes]:
    """Split a PCM WAV file into consecutive WAV files of at most ``max_seconds`` each.

    Args:
        data: The WAV file.
        max_seconds: Longest chunk (> 0).

    Returns:
        The chunks in order (the input itself when it is short enough).

    Raises:
        ValidationError: ``data`` is not a PCM WAV file or ``max_seconds`` is not positive.
    """
    if max_seconds <= 0:
        raise InvalidArgument("max_audio_duration must be > 0 to split audio")
    read = _read_wav(data)
    if read is None:
        raise InvalidArgument("only PCM WAV audio can be split into chunks")
    params, frames = read
    frame_size = params.nchannels * params.sampwidth
    per_chunk = max(1, int(max_seconds * params.framerate))
    if params.nframes <= per_chunk:
        return [data]
    import wave

    chunks: list[bytes] = []
    for start in range(0, params.nframes, per_chunk):
        piece = frames[start * frame_size : (start + per_chunk) * frame_size]
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as writer:
            writer.setnchannels(params.nchannels)
            writer.setsampwidth(params.sampwidth)
            writer.setframerate(params.framerate)
            writer.writeframes(piece)
        chunks.append(buffer.getvalue())
    return chunks


def audio_chunks(media: Media, config: HfInferenceConfig) -> list[tuple[float, Media]]:
    """The pieces to transcribe, each with its start offset in seconds.

    A WAV longer than ``max_audio_duration`` is split (``auto_chunk_long_audio``) or
    refused; audio that cannot be measured (FLAC, MP3, ...) passes through whole.

    Raises:
        ValidationError: A WAV is too long and ``auto_chunk_long_audio`` is off.
    """
    duration = wav_duration(media.data)
    limit = config.max_audio_duration
    if duration is None or duration <= limit:
        return [(0.0, media)]
    if not config.auto_chunk_long_audio:
        raise InvalidArgument(
            f"the audio lasts {duration:.1f} s, above max_audio_duration={limit:g} s: turn on "
            "auto_chunk_long_audio to transcribe it in pieces, or trim it"
        )
    out: list[tuple[float, Media]] = []
    offset = 0.0
    for chunk in split_wav(media.data, limit):
        out.append((offset, Media(chunk, "audio/wav")))
        offset += wav_duration(chunk) or 0.0
    return out


# ------------------------------------------------------------------------------ chat


def image_url_part(image: Any, *, detail: str | None = None) -> dict[str, Any]:
    """A chat content part showing an image (image-text-to-text through ``client.chat``).

    Local images (bytes, a path, a file object, a PIL image) become a ``data:`` URL;
    an ``http(s)://`` URL is passed as is (the server fetches it).

    Args:
        image: bytes, a path, a URL, a ``data:`` URL, a binary file object or a PIL image.
        detail: Optional OpenAI ``detail`` hint (``"low"``, ``"high"``, ``"auto"``).

    Returns:
        ``{"type": "image_url", "image_url": {"url": ...}}``.

    Raises:
        ValidationError: The image cannot be read.

    Example:
        >>> from hf_inference_endpoints import image_url_part
        >>> image_url_part("https://example.com/cat.png")
        {'type': 'image_url', 'image_url': {'url': 'https://example.com/cat.png'}}
        >>> reply = client.chat.complete(  # doctest: +SKIP
        ...     model="Qwen/Qwen2.5-VL-7B-Instruct",
        ...     messages=[{"role": "user", "content": [
        ...         {"type": "text", "text": "What is in this picture?"},
        ...         image_url_part("cat.png"),
        ...     ]}],
        ... )
    """
    loaded = load_media(image, "image")
    url = loaded.url if isinstance(loaded, RemoteMedia) else loaded.data_url()
    spec: dict[str, Any] = {"url": url}
    if detail is not None:
        spec["detail"] = detail
    return {"type": "image_url", "image_url": spec}
