"""Headers every request carries (no I/O)."""

from __future__ import annotations

import sys
from functools import cache

from .._redact import remember_secret

__all__ = ["base_headers", "user_agent"]

VERSION = "0.1.0"


@cache
def user_agent(extra: str | None = None) -> str:
    """The User-Agent string: library, Python and httpx2 versions."""
    # sys.version's first word is platform.python_version() (platform compiles ~10
    # regexes at import, a few ms of every cold start)
    ua = f"hf-inference-endpoints/{VERSION}; python/{sys.version.split()[0]}"
    return f"{ua}; {extra}" if extra else ua


def base_headers(
    token: str | None, *, bill_to: str | None = None, user_agent_extra: str | None = None
) -> dict[str, str]:
    """Authorization, User-Agent and billing headers.

    Args:
        token: HF token or provider key; omitted when None.
        bill_to: Organisation to bill (``X-HF-Bill-To``); only sent with ``hf_`` tokens.
        user_agent_extra: Text appended to the User-Agent.

    Returns:
        A fresh dict the caller may extend.
    """
    headers = {"user-agent": user_agent(user_agent_extra)}
    if token:
        remember_secret(token)  # a per-call token: errors and logs mask it too
        headers["authorization"] = f"Bearer {token}"
    if bill_to and (token is None or token.startswith("hf_")):
        headers["x-hf-bill-to"] = bill_to
    return headers
