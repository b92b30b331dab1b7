"""Storage URLs: ``memory://``, ``disk:///path``, ``redis://host:port/db`` (no I/O)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .._errors import ConfigurationError
from .._record import Record, record_with_dict, set_field

__all__ = ["SCHEMES", "StorageURL", "open_storage", "parse_storage_url"]

SCHEMES = ("memory", "disk", "redis", "rediss", "unix")


@record_with_dict
class StorageURL(Record):
    """A parsed storage URL.

    Attributes:
        scheme: ``memory``, ``disk`` or ``redis`` (``rediss``/``unix`` count as redis).
        location: The disk folder, or the Redis URL as given.
    """

    scheme: str
    location: str

    def __init__(
        self,
        scheme: str,
        location: str,
    ) -> None:
        set_field(self, "scheme", scheme)
        set_field(self, "location", location)

    @property
    def is_redis(self) -> bool:
        """Whether this URL names a Redis server."""
        return self.scheme in ("redis", "rediss", "unix")

    def __repr__(self) -> str:  # never show a password
        shown = self.location
        parts = urlsplit(shown) if self.is_redis else None
        if parts is not None and parts.password:
            shown = shown.replace(f":{parts.password}@", ":***@")
        return f"StorageURL({self.scheme!r}, {shown!r})"


def parse_storage_url(url: str) -> StorageURL:
    """Check a storage URL and split it.

    Raises:
        ConfigurationError: The URL is not a string or names no known backend.

    Example:
        >>> parse_storage_url("disk:///tmp/hfie-cache")
        StorageURL('disk', '/tmp/hfie-cache')
        >>> parse_storage_url("redis://localhost:6379/0").is_redis
        True
    """
    if not isinstance(url, str) or "://" not in url:
        raise ConfigurationError(
            f"a storage URL looks like memory://, disk:///path or redis://host:port/db; got {url!r}"
        )
    scheme = url.split("://", 1)[0].lower()
    if scheme not in SCHEMES:
        raise ConfigurationError(
            f"unknown storage scheme {scheme!r} in a storage URL "
            f"(known: memory://, disk:///path, redis://, rediss://, unix://)"
        )
    if scheme == "memory":
        return StorageURL("memory", "")
    if scheme == "disk":
        path = url.split("://", 1)[1]
        if not path.startswith(("/", "~")):
            raise ConfigurationError(
                f"disk:// needs an absolute folder, e.g. disk:///tmp/x; got {url!r}"
            )
        return StorageURL("disk", path)
    return StorageURL(scheme, url)


def open_storage(url: str, *, namespace: str = "hfie") -> Any:
    """The storage a URL names (``None`` for ``memory://``: the caller's in-memory default).

    Args:
        url: ``memory://``, ``disk:///path`` or ``redis://...``.
        namespace: Prefix of every key (Redis) or sub-folder (disk).

    Raises:
        ConfigurationError: Bad URL, or the backend's package is not installed (the
            message names the extra to install).
    """
    parsed = parse_storage_url(url)
    if parsed.scheme == "memory":
        return None
    if parsed.scheme == "disk":
        from .disk import DiskStorage

        return DiskStorage(parsed.location, namespace=namespace)
    from .redis import RedisStorage

    return RedisStorage(parsed.location, namespace=namespace)
