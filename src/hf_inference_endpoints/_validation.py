"""Argument checks a request needs before anything is sent (no I/O).

What the HTTP stack would otherwise reject late, with its own exception types
(``httpx2.InvalidURL``, ``h11.LocalProtocolError``, ``UnicodeEncodeError``,
``TypeError``), or not at all (``NaN`` in a JSON body): here it is a
:class:`~hf_inference_endpoints.ValidationError` (``ConfigurationError`` for a config
URL) that names the argument, raised before the first byte goes out and never retried.
Caller's arguments raise :class:`~hf_inference_endpoints.InvalidArgument`; a Hub
mapping's ``providerId`` (the Hub's data, not the caller's) a plain ``ValidationError``.

Every check costs nothing on a normal request: URLs are checked once per distinct value,
headers only when the caller passes some, and the JSON body is checked by the encoder
that serialises it anyway (``allow_nan=False``), walking the body only to name the
culprit once the encoder refused it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ._errors import ConfigurationError, HfError, InvalidArgument, ValidationError
from ._redact import remember_secret, safe_url

__all__ = [
    "check_call_args",
    "check_headers",
    "check_provider_id",
    "check_url",
    "encode_json",
]

# RFC 9110 token: the characters a header name may hold
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# visible ASCII, with single spaces or tabs inside (not at either end), or empty
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?")
# header names whose values are credentials: errors and logs mask them if echoed
_CREDENTIAL_HEADER = re.compile(r"auth|key|token|secret|cookie|signature|password", re.I)
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")  # controls (CR, LF, NUL...) and spaces
# A provider's model id: path segments like a Hub id's (``accounts/fireworks/models/x``,
# ``fal-ai/flux/dev``), with an optional ``:version`` (Replicate's ``owner/name:sha``).
_ID_SEGMENT = r"[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?"
_PROVIDER_ID = re.compile(rf"{_ID_SEGMENT}(?:/{_ID_SEGMENT}){{0,7}}(?::[A-Za-z0-9._-]+)?")

# One encoder for every request: json.dumps() with non-default options builds a new
# JSONEncoder per call. allow_nan=False: NaN and infinities are not JSON.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def check_headers(headers: Any, what: str = "extra_headers") -> None:
    """Refuse headers the HTTP layer cannot send as given.

    Names must be RFC 9110 tokens; values strings of visible ASCII, without CR, LF or
    other control characters, and without spaces at either end. Values of credential
    headers (``Authorization``, ``*-Key``, ``*-Token``...) are remembered, so an error
    body that echoes them is masked.

    Args:
        headers: The caller's headers (a mapping of str to str).
        what: The argument's name, for the message.

    Raises:
        InvalidArgument: A name or value is not sendable; the message names it.

    Example:
        >>> check_headers({"X-Trace": "abc"})
        >>> check_headers({"X-Trace": "a\\r\\nInjected: 1"})
        Traceback (most recent call last):
        ...
        hf_inference_endpoints._errors.InvalidArgument: extra_headers['X-Trace'] ...
    """
    if type(headers) is not dict and not isinstance(headers, Mapping):
        raise InvalidArgument(f"{what} must be a mapping of header names to strings")
    for name, value in headers.items():
        credential = _header_name(name)
        if credential is None:
            raise InvalidArgument(
                f"{what} has an invalid header name {name!r}: use letters, digits and "
                "!#$%&'*+-.^_`|~ only (nothing was sent)"
            )
        if not isinstance(value, str):
            raise InvalidArgument(
                f"{what}[{name!r}] must be a string, got {type(value).__name__} (nothing was sent)"
            )
        # fast path: visible ASCII and inner spaces; the regex only for tabs and refusals
        if not (
            value.isascii()
            and value.isprintable()
            and (not value or (value[0] != " " and value[-1] != " "))
        ) and not _HEADER_VALUE.fullmatch(value):
            raise InvalidArgument(
                f"{what}[{name!r}] holds characters a header cannot carry (CR, LF, control "
                "or non-ASCII characters, or spaces at either end); nothing was sent"
            )
        if credential:
            remember_secret(value.partition(" ")[2] or value)  # "Bearer <token>": the token


@lru_cache(maxsize=256)
def _header_name(name: Any) -> bool | None:
    """None: not a valid header name; else whether its value is a credential."""
    if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
        return None
    return _CREDENTIAL_HEADER.search(name) is not None


def check_call_args(extra_headers: Any, extra_body: Any, bill_to: Any) -> None:
    """Check a call's ``extra_headers``, ``extra_body`` and ``bill_to`` (``X-HF-Bill-To``).

    Raises:
        InvalidArgument: A header cannot be sent, or ``extra_body`` is not a mapping.
    """
    if extra_headers is not None:
        check_headers(extra_headers)
    if extra_body is not None and not isinstance(extra_body, Mapping):
        raise InvalidArgument(
            f"extra_body must be a mapping of fields to merge into the body, got "
            f"{type(extra_body).__name__} (nothing was sent)"
        )
    if bill_to is not None:
        if not isinstance(bill_to, str) or not bill_to:
            raise InvalidArgument("bill_to must be an organisation name (a non-empty string)")
        check_headers({"X-HF-Bill-To": bill_to}, "bill_to")


def check_provider_id(provider_id: str, provider: str, model: str) -> None:
    """Check a provider model id from the Hub's mapping before it goes into a URL.

    The Hub's ``providerId`` is put in request paths (``/models/{id}``, ``/{id}``): one
    like ``../../admin/x`` would send the request, with the token, elsewhere on the host.

    Args:
        provider_id: The mapped id.
        provider: The provider it is for.
        model: The Hub model id the mapping belongs to.

    Raises:
        ValidationError: The id has ``..``, an empty or dot segment, or characters other
            than letters, digits, ``._-``, ``/`` and one ``:version`` suffix.

    Example:
        >>> check_provider_id("fal-ai/flux/dev", "fal-ai", "black-forest-labs/FLUX.1-dev")
    """
    if _provider_id_ok(provider_id):
        return
    raise ValidationError(
        f"The Hub's provider mapping gives {provider} the model id {provider_id[:100]!r} "
        f"for {model}, which is not a valid model id; nothing was sent",
        provider=provider,
        model=model,
    )


@lru_cache(maxsize=512)
def _provider_id_ok(provider_id: str) -> bool:
    return ".." not in provider_id and _PROVIDER_ID.fullmatch(provider_id) is not None


def check_url(url: Any, what: str, *, config: bool = False) -> str:
    """Check that ``url`` is an absolute http(s) URL the HTTP layer can send to.

    Args:
        url: The URL.
        what: The argument's name, for the message.
        config: Raise ``ConfigurationError`` (a config field) instead of ``InvalidArgument``.

    Returns:
        ``url`` unchanged.

    Raises:
        InvalidArgument: (or ``ConfigurationError``) not a string, not http(s), no host,
            a bad port, or whitespace/control characters (CR, LF...) inside.

    Example:
        >>> check_url("https://router.huggingface.co", "router_url")
        'https://router.huggingface.co'
    """
    problem = _url_problem(url) if isinstance(url, str) else "it is not a string"
    if problem is not None:
        shown = safe_url(url) if isinstance(url, str) else type(url).__name__
        kind = ConfigurationError if config else InvalidArgument
        raise kind(f"{what} {shown!r} is not a valid http(s) URL: {problem}")
    return str(url)


@lru_cache(maxsize=256)
def _url_problem(url: str) -> str | None:
    if _URL_FORBIDDEN.search(url):
        return "it contains whitespace or control characters (CR, LF, NUL...)"
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number in 0-65535 raises here
        host = parts.hostname
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return "the scheme must be http or https"
    if not host:
        return "it has no host"
    if port == 0:
        return "port 0 is not a port"
    try:
        host.encode("idna")  # what the HTTP layer does to a non-ASCII host
    except UnicodeError:
        return "the host name is not valid"
    return None


def encode_json(payload: Any) -> bytes:
    """The compact JSON bytes of a request body; refuses what JSON cannot hold.

    Args:
        payload: The body (dicts, lists, strings, numbers, booleans, None).

    Returns:
        UTF-8 JSON.

    Raises:
        InvalidArgument: A float is NaN or infinite, or a value is not JSON-serialisable;
            the message names where (``parameters.temperature``, ``extra_body['x']``...).

    Example:
        >>> encode_json({"temperature": float("nan")})
        Traceback (most recent call last):
        ...
        hf_inference_endpoints._errors.InvalidArgument: temperature is nan: ...
    """
    try:
        return _ENCODER.encode(payload).encode("utf-8")
    except HfError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        where, problem = _find_unencodable(payload, "")
        if where is None:
            raise InvalidArgument(f"The request body is not valid JSON: {exc}") from None
        raise InvalidArgument(f"{where or 'the request body'} {problem}") from None


def _find_unencodable(value: Any, path: str, depth: int = 0) -> tuple[str | None, str]:
    """The path of the first value JSON cannot hold, and what is wrong with it."""
    if isinstance(value, float):
        if math.isfinite(value):
            return None, ""
        return path, f"is {value!r}: NaN and infinity are not valid JSON (nothing was sent)"
    if value is None or isinstance(value, (str, int, bool)):
        return None, ""
    if depth > 200:
        return path, "is nested too deeply (or contains itself); nothing was sent"
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                return path, f"has a key of type {type(key).__name__}: JSON keys are strings"
            found = _find_unencodable(item, f"{path}.{key}" if path else str(key), depth + 1)
            if found[0] is not None:
                return found
        return None, ""
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _find_unencodable(item, f"{path}[{index}]", depth + 1)
            if found[0] is not None:
                return found
        return None, ""
    return path, (
        f"is of type {type(value).__name__}, which is not JSON-serialisable (use strings, "
        "numbers, booleans, None, lists and dicts); nothing was sent"
    )
