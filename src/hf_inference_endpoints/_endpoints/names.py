"""Endpoint names, namespaces and the URL segments built from them (no I/O).

Every name and namespace is checked *before* it reaches a URL, and every path segment
is percent-escaped anyway, so no input can change which route a request goes to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from .._errors import InvalidArgument

__all__ = [
    "EndpointRef",
    "parse_endpoint_ref",
    "quote_segment",
    "validate_endpoint_name",
    "validate_namespace",
]

#: What the API accepts for a new endpoint's name (docs/wire.md §6.3: lowercase alnum + '-', max 32).
_CREATE_NAME = re.compile(r"[a-z0-9-]{1,32}")
#: What may name an existing endpoint in a URL: ASCII letters, digits, '-', '_', '.'.
_LOOKUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
#: Hub user / organisation names.
_NAMESPACE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?")


def _problem(value: str) -> str | None:
    """The first thing that makes ``value`` unsafe in a URL path, in words."""
    if "/" in value or "\\" in value:
        return "contains '/'"
    if ".." in value:
        return "contains '..'"
    for ch in ("?", "#", "%"):
        if ch in value:
            return f"contains {ch!r}"
    if any(ch.isspace() for ch in value):
        return "contains whitespace"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "contains a control character"
    if not value.isascii():
        return "contains non-ASCII characters"
    return None


def validate_endpoint_name(name: str, *, for_create: bool = False) -> str:
    """Check an endpoint name before it is put in a URL.

    Args:
        name: The endpoint name (without namespace).
        for_create: Apply the API's rule for new endpoints (lowercase letters, digits and
            ``-``, at most 32 characters) instead of the looser lookup rule.

    Returns:
        ``name`` unchanged.

    Raises:
        ValidationError: The name is empty, contains ``/``, ``..``, ``?``, ``#``, ``%``,
            whitespace, control or non-ASCII characters, or breaks the create rule.

    Example:
        >>> validate_endpoint_name("my-endpoint", for_create=True)
        'my-endpoint'
    """
    if not isinstance(name, str) or not name:
        raise InvalidArgument("endpoint name must be a non-empty string such as 'my-endpoint'")
    problem = _problem(name)
    if problem is not None:
        raise InvalidArgument(f"endpoint name {name!r} {problem}; use letters, digits and '-'")
    if for_create:
        if not _CREATE_NAME.fullmatch(name):
            raise InvalidArgument(
                f"endpoint name {name!r} is not accepted by Inference Endpoints: use lowercase "
                "letters, digits and '-' only, at most 32 characters"
            )
    elif not _LOOKUP_NAME.fullmatch(name):
        raise InvalidArgument(
            f"endpoint name {name!r} is not a valid endpoint name (letters, digits, '-', '_', '.')"
        )
    return name


def validate_namespace(namespace: str) -> str:
    """Check a namespace (a Hub user or organisation name) before it is put in a URL.

    Args:
        namespace: The user or organisation name.

    Returns:
        ``namespace`` unchanged.

    Raises:
        ValidationError: Empty, or contains ``/``, ``..``, ``?``, ``#``, whitespace,
            non-ASCII characters, or anything a Hub name cannot hold.

    Example:
        >>> validate_namespace("my-org")
        'my-org'
    """
    if not isinstance(namespace, str) or not namespace:
        raise InvalidArgument("namespace must be a non-empty user or organisation name")
    problem = _problem(namespace)
    if problem is not None:
        raise InvalidArgument(f"namespace {namespace!r} {problem}")
    if not _NAMESPACE.fullmatch(namespace):
        raise InvalidArgument(
            f"namespace {namespace!r} is not a valid user or organisation name "
            "(letters, digits, '-', '_', '.')"
        )
    return namespace


def quote_segment(segment: str) -> str:
    """Percent-escape one URL path segment (``/`` included)."""
    return quote(segment, safe="")


@dataclass(frozen=True, slots=True)
class EndpointRef:
    """An endpoint reference as the caller wrote it.

    Attributes:
        name: The endpoint name.
        namespace: The namespace from ``"namespace/name"`` or ``namespace=``, or None when
            the caller gave none (the client then uses ``default_namespace`` or whoami).
    """

    name: str
    namespace: str | None = None

    def with_namespace(self, namespace: str) -> EndpointRef:
        """The same reference with its namespace filled in (validated)."""
        return EndpointRef(self.name, validate_namespace(namespace))

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


def parse_endpoint_ref(
    ref: str, namespace: str | None = None, *, for_create: bool = False
) -> EndpointRef:
    """Read ``"name"`` or ``"namespace/name"`` (plus an optional ``namespace=``).

    Args:
        ref: The endpoint as the caller wrote it.
        namespace: An explicit namespace; must agree with one written in ``ref``.
        for_create: Validate the name with the stricter rule for new endpoints.

    Returns:
        The validated reference (namespace None when neither form gave one).

    Raises:
        ValidationError: Bad name or namespace, more than one ``/``, or two different
            namespaces.

    Example:
        >>> parse_endpoint_ref("acme/my-endpoint")
        EndpointRef(name='my-endpoint', namespace='acme')
    """
    if not isinstance(ref, str) or not ref:
        raise InvalidArgument("endpoint must be a non-empty string: 'name' or 'namespace/name'")
    written_ns: str | None = None
    name = ref
    if ref.count("/") == 1:
        written_ns, name = ref.split("/")
        if not written_ns:
            raise InvalidArgument(f"endpoint {ref!r} has an empty namespace before '/'")
        validate_namespace(written_ns)
    elif "/" in ref:
        raise InvalidArgument(f"endpoint {ref!r} has more than one '/': use 'namespace/name'")
    validate_endpoint_name(name, for_create=for_create)
    if namespace is not None:
        validate_namespace(namespace)
        if written_ns is not None and written_ns != namespace:
            raise InvalidArgument(
                f"endpoint {ref!r} names namespace {written_ns!r} but namespace={namespace!r} "
                "was also given; pass one of them"
            )
    return EndpointRef(name, written_ns or namespace)
