"""Binary task results: images, audio and video as bytes with their type (no network I/O)."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._inputs import sniff_mime

if TYPE_CHECKING:
    from ._meta import ResponseMeta

__all__ = ["BinaryResult"]

#: What a wrong ``save`` path raises: the caller's argument, so an InvalidArgument.
_PATH_ERRORS = (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/flac": ".flac",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "application/pdf": ".pdf",
}
_UNSPECIFIC = frozenset({"", "application/octet-stream", "binary/octet-stream"})


class BinaryResult:
    """The answer of a task that returns a file (text-to-image, text-to-speech, video...).

    Attributes:
        content: The file's bytes.
        content_type: Its MIME type: the server's ``Content-Type`` (without parameters),
            or sniffed from the bytes when the server sent none or a generic one.

    Example:
        >>> result = BinaryResult(b"\\x89PNG\\r\\n\\x1a\\n...")
        >>> result.content_type, result.extension
        ('image/png', '.png')
        >>> result.save("astronaut.png")  # doctest: +SKIP
        >>> result.to_pil().size  # doctest: +SKIP
    """

    __slots__ = ("_response_meta", "content", "content_type")

    def __init__(self, content: bytes, content_type: str | None = None) -> None:
        self.content = bytes(content)
        declared = (content_type or "").split(";", 1)[0].strip().lower()
        if declared in _UNSPECIFIC:
            declared = sniff_mime(self.content, "application/octet-stream") or declared
        self.content_type = declared
        self._response_meta: ResponseMeta | None = None

    @property
    def response_meta(self) -> ResponseMeta | None:
        """Status, headers, request id, provider and timing of the answer."""
        return self._response_meta

    @property
    def extension(self) -> str:
        """A file extension for :attr:`content_type` (``.png``, ``.wav``...; ``.bin`` if unknown)."""
        known = _EXTENSIONS.get(self.content_type)
        if known:
            return known
        return mimetypes.guess_extension(self.content_type) or ".bin"

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the bytes to ``path`` (a directory gets ``output<extension>`` inside it).

        Args:
            path: Where to write; parent folders must exist.

        Returns:
            The path written.

        Raises:
            InvalidArgument: ``path`` cannot be written: its folder does not exist, a part
                of it is a file, or permission is denied (the message names the path).
            HfError: Any other failure to write (a full disk...), naming the path.

        Example:
            >>> image = client.images.generate(model=m, prompt="a red fox")  # doctest: +SKIP
            >>> image.save("fox.png")  # doctest: +SKIP
        """
        target = Path(path)
        try:
            if target.is_dir():
                target = target / f"output{self.extension}"
            target.write_bytes(self.content)
        except OSError as exc:
            from ._errors import HfError, InvalidArgument

            kind = InvalidArgument if isinstance(exc, _PATH_ERRORS) else HfError
            reason = exc.strerror or type(exc).__name__
            raise kind(f"Cannot save the result to {str(target)!r}: {reason}") from exc
        return target

    def to_pil(self) -> Any:
        """The image as a ``PIL.Image.Image`` (needs Pillow).

        Raises:
            ImportError: Pillow is not installed (``pip install 'hf-inference-endpoints[images]'``).
            ValueError: The bytes are not an image Pillow can read.

        Example:
            >>> client.images.generate(model=m, prompt="a fox").to_pil().size  # doctest: +SKIP
        """
        try:
            from PIL import Image, UnidentifiedImageError
        except ImportError:
            raise ImportError(
                "to_pil() needs Pillow: pip install 'hf-inference-endpoints[images]'"
            ) from None
        import io

        try:
            image = Image.open(io.BytesIO(self.content))
            image.load()
        except UnidentifiedImageError:
            raise ValueError(
                f"the {self.content_type} result is not an image Pillow reads"
            ) from None
        return image

    def __bytes__(self) -> bytes:
        return self.content

    def __len__(self) -> int:
        return len(self.content)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BinaryResult):
            return NotImplemented
        return (self.content, self.content_type) == (other.content, other.content_type)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BinaryResult({len(self.content)} bytes, {self.content_type!r})"
