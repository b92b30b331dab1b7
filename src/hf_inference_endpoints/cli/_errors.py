"""How ``hfie`` reports a failure: one line, an ``hfie`` hint, a documented exit code.

The library's messages are written for Python callers ("resume it
(client.endpoints.resume) or set auto_resume_paused=True"); on the command line the
Python advice is cut and a ``hint:`` line names the ``hfie`` command to run instead.
"""

from __future__ import annotations

import re

from .._errors import (
    AuthenticationError,
    ConfigurationError,
    EndpointFailed,
    EndpointPaused,
    HfError,
    ModelNotAvailableOnProvider,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
)

__all__ = [
    "EXIT_CODES",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "exit_code",
    "explain",
]

EXIT_OK = 0
#: The call failed: the service refused or failed it, the network, a timeout; or
#: ``hfie health`` found something unhealthy.
EXIT_ERROR = 1
#: Bad usage or input: an unknown option, a missing argument, a bad value or path,
#: a request the client refused before sending it or the server refused (400/413/422).
EXIT_USAGE = 2
#: Interrupted (Ctrl-C).
EXIT_INTERRUPTED = 130

#: Exit code -> meaning, as ``hfie --help`` and the docs print them.
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_ERROR: "the call failed (service, network, timeout) or hfie health found a problem",
    EXIT_USAGE: "bad usage or input (options, arguments, paths; values hfie or the server refused)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}

#: Python advice inside library messages, cut on the command line (the hint replaces it).
_PYTHON_ADVICE = re.compile(
    r"(?:[;.,]\s*|\s+)(?:[Rr]esume it\b|set auto_resume_paused|\(client\.).*$", re.DOTALL
)


#: Python keyword spellings in library messages -> the hfie option saying the same.
_PYTHON_TO_CLI: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(provider|endpoint)=\.\.\."), r"--\1 NAME"),
    (re.compile(r"\b(provider|endpoint|timeout)=(['\"])([^'\"]*)\2"), r"--\1 \3"),
)


def exit_code(err: BaseException) -> int:
    """The exit code for an error (``ValueError``-based library errors are bad input)."""
    if isinstance(err, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(err, ValueError):
        return EXIT_USAGE
    return EXIT_ERROR


def _message(err: HfError) -> str:
    """``str(err)`` (message and where), without the Python advice the hint replaces."""
    text = str(err)
    cleaned = _PYTHON_ADVICE.sub("", err.message)
    for pattern, option in _PYTHON_TO_CLI:
        cleaned = pattern.sub(option, cleaned)
    return text.replace(err.message, cleaned, 1) if cleaned != err.message else text


def _hint(err: HfError) -> str | None:
    endpoint = err.endpoint or "NAME"
    if isinstance(err, EndpointPaused):
        return f"resume it with: hfie endpoints resume {endpoint}"
    if isinstance(err, EndpointFailed):
        return f"see why with: hfie endpoints get {endpoint}"
    if isinstance(err, AuthenticationError):
        return "set HF_TOKEN or pass --token; hfie health checks a token"
    if isinstance(err, PermissionDenied):
        return "the token lacks a permission for this; hfie health shows whose token it is"
    if isinstance(err, ModelNotAvailableOnProvider):
        if err.available_on:
            return (
                f"try --provider {err.available_on[0]} (serves it: {', '.join(err.available_on)})"
            )
        return "try --provider auto"
    if isinstance(err, NotFound) and err.endpoint:
        return "list your endpoints with: hfie endpoints list"
    if isinstance(err, RateLimited):
        wait = f" in {err.retry_after:g} s" if err.retry_after else " later"
        return f"rate limited: run it again{wait}"
    if isinstance(err, RequestTimeout):
        return "allow more time with --timeout SECONDS"
    if isinstance(err, NetworkError):
        return "check the address (HF_ROUTER_URL, HF_ENDPOINT, the URL given); hfie health tests it"
    if isinstance(err, ConfigurationError):
        return "check the HF_* environment variables (hfie --help lists them)"
    return None


def explain(err: HfError) -> list[str]:
    """The lines ``hfie`` prints on standard error for ``err``."""
    lines = [f"error: {type(err).__name__}: {_message(err)}"]
    hint = _hint(err)
    if hint:
        lines.append(f"hint: {hint}")
    return lines
