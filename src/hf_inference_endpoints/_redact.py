"""Keep credentials out of errors, reprs and log lines (no I/O).

Two kinds of secret can reach text the library shows:

* a URL's userinfo (``https://user:password@host/...``) and query string
  (``?api_key=...``): :func:`safe_url` keeps scheme, host, port and path, and
  :func:`scrub` does that for every URL inside a text;
* the client's token or a provider key, echoed back by a server in an error body or
  header: the values are remembered (:func:`remember_secret`, called for every
  :class:`~hf_inference_endpoints.Secret` and every token a request carries) and
  :func:`scrub` replaces any occurrence with ``***``.

:class:`~hf_inference_endpoints.HfError` scrubs its message, server message, body and
endpoint when they are set, so every error is clean whoever builds it.
"""

from __future__ import annotations

import re
import threading
from typing import Any

__all__ = ["MASK", "remember_secret", "safe_url", "scrub", "scrub_value"]

MASK = "***"

#: The remembered secrets (insertion-ordered; the oldest go first past the cap).
_SECRETS: dict[str, None] = {}
#: The same, longest first: a secret that contains another is masked whole.
_LONGEST_FIRST: tuple[str, ...] = ()
_MAX_SECRETS = 64
_LOCK = threading.Lock()  # taken only to add a new secret (sync clients share threads)
#: Shorter values are not remembered: masking them would mangle ordinary words.
_MIN_SECRET = 8

# scheme://[userinfo@]rest-of-authority-and-path[?query][#fragment], inside any text
_URL = re.compile(
    r"(?i)\b(?P<scheme>[a-z][a-z0-9+.\-]*://)"
    r"(?:[^\s/?#'\"<>]*@)?"  # userinfo, up to the last @ of the authority
    r"(?P<rest>[^\s?#'\"<>]*)"
    r"(?:[?#][^\s'\"<>]*)?"
)


def remember_secret(value: str | None) -> None:
    """Remember ``value`` as a secret that :func:`scrub` masks wherever it appears.

    Args:
        value: A token or key; empty or very short values are ignored.
    """
    global _LONGEST_FIRST
    if not value or len(value) < _MIN_SECRET or value in _SECRETS:
        return  # the usual call: a token already known
    with _LOCK:
        _SECRETS[value] = None
        if len(_SECRETS) > _MAX_SECRETS:
            del _SECRETS[next(iter(_SECRETS))]
        _LONGEST_FIRST = tuple(sorted(_SECRETS, key=len, reverse=True))


def safe_url(url: str) -> str:
    """``url`` without userinfo, query string or fragment.

    Example:
        >>> safe_url("https://user:pw@host:8443/v1/models?api_key=abc#x")
        'https://host:8443/v1/models'
    """
    if "@" not in url and "?" not in url and "#" not in url:  # the usual URL: as is
        return url
    return _URL.sub(_strip_url, url)


def _strip_url(match: re.Match[str]) -> str:
    return match.group("scheme") + match.group("rest")


def scrub(text: str) -> str:
    """Mask remembered secrets and strip userinfo/query strings from URLs in ``text``.

    Example:
        >>> remember_secret("hf_secret_for_the_doctest")
        >>> scrub("GET http://me:pw@h/x?token=1 said hf_secret_for_the_doctest")
        'GET http://h/x said ***'
    """
    for secret in _LONGEST_FIRST:
        if secret in text:
            text = text.replace(secret, MASK)
    if "://" in text:
        text = _URL.sub(_strip_url, text)
    return text


def scrub_value(value: Any) -> Any:
    """:func:`scrub` every string in a decoded JSON value (dicts, lists; keys too)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub_value(k): scrub_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(scrub_value(v) for v in value)
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).decode("utf-8", "replace")
        clean = scrub(text)
        return value if clean == text else clean.encode("utf-8")
    return value
