"""Which request headers may follow a redirect to another origin (no I/O).

The transport follows redirects itself on the pool it owns (see
``AsyncTransport._next_hop``); this module holds the decision, so that it is tested
without a server. The rule is an allowlist: on a hop that changes origin, only the
headers in :data:`CROSS_ORIGIN_HEADERS` go on. Everything else is dropped:
``Authorization`` (an HF token, or a provider key in any scheme: ``Bearer``, fal's
``Key``...), ``X-HF-Bill-To``, ``Cookie``, whatever header a provider helper adds
(``x-api-key``-style keys included, today's and tomorrow's) and every header the caller
passed as ``extra_headers`` (we cannot know that they are safe to give to a host the
caller never named). A denylist would have to know every credential header of every
provider; an allowlist fails safe.

Example:
    >>> hop = (("https", "router.huggingface.co", 443), ("https", "cdn.example", 443))
    >>> headers_to_drop(["authorization", "user-agent", "x-hf-bill-to"], *hop)
    ['authorization', 'x-hf-bill-to']
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CROSS_ORIGIN_HEADERS", "MAX_REDIRECTS", "Origin", "crosses_origin", "headers_to_drop"]

#: Redirects the transport follows for one attempt, as httpx2's ``max_redirects=5``.
MAX_REDIRECTS = 5

#: ``(scheme, host, port)`` with the effective port (443 for https, 80 for http), as
#: ``httpx2.URL.origin`` gives it.
Origin = tuple[str, str, int | None]

#: Headers (lower-case) that carry no credential and keep a redirected request what it
#: was: who is asking, what it accepts, and how its body (a 307/308 resends it) is framed.
#: ``host`` is rewritten for the new origin by httpx2.
CROSS_ORIGIN_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "connection",
        "content-encoding",
        "content-length",
        "content-type",
        "host",
        "transfer-encoding",
        "user-agent",
    }
)


def crosses_origin(source: Origin, target: Origin) -> bool:
    """Whether a redirect from ``source`` to ``target`` leaves the origin.

    The origin rule httpx2 applies to ``Authorization``: scheme, host and port must all
    match. A same-host upgrade from ``http`` on port 80 to ``https`` on port 443 does
    not count as leaving (the headers already went to that host, now they are
    encrypted); a downgrade from ``https`` to ``http`` does.

    Args:
        source: Origin of the request that was redirected.
        target: Origin of the ``Location`` it was redirected to.

    Returns:
        True when the hop goes to another origin.

    Example:
        >>> crosses_origin(("https", "a.example", 443), ("http", "a.example", 80))
        True
        >>> crosses_origin(("http", "a.example", 80), ("https", "a.example", 443))
        False
    """
    if source == target:
        return False
    upgrade = (
        source[1] == target[1]
        and (source[0], source[2]) == ("http", 80)
        and (target[0], target[2]) == ("https", 443)
    )
    return not upgrade


def headers_to_drop(names: Iterable[str], source: Origin, target: Origin) -> list[str]:
    """The header names to remove before following a redirect from ``source`` to ``target``.

    Args:
        names: The names of the headers the next request would carry (any case).
        source: Origin of the request that was redirected.
        target: Origin of the ``Location``.

    Returns:
        The names (as given) of every header outside :data:`CROSS_ORIGIN_HEADERS` when
        the hop leaves the origin; an empty list for a same-origin hop (it keeps all).

    Example:
        >>> same = ("https", "router.huggingface.co", 443)
        >>> headers_to_drop(["authorization", "x-hf-bill-to"], same, same)
        []
    """
    if not crosses_origin(source, target):
        return []
    return [name for name in names if name.lower() not in CROSS_ORIGIN_HEADERS]
