"""Rate limits the emulator enforces across all its clients (pure ASGI middleware).

``EmulatorSettings.rate_limits`` gives requests per (simulated) minute per provider:
the provider is the first segment under ``/router/`` (``hf-inference``, ``together``,
...; ``/router/v1/...`` counts as ``router``). A sliding window of ``60 s * time_scale``
accepts at most that many requests; any more answer 429 with ``Retry-After`` (real
seconds until the oldest accepted request leaves the window; the router's
``{"error": ...}`` body). Counters per provider (``accepted``, ``rejected``, ``peak``: the
most accepted in any one window) are the tests' ground truth: ``GET /_emulator/state``
shows them under ``rate_limits``, ``POST /_emulator/rate-limits`` changes a limit at
runtime and ``POST /_emulator/reset`` zeroes them.

``EmulatorSettings.token_limits`` gives tokens per simulated minute per provider, in the
same sliding window. A request is charged up front what it may cost (:func:`request_tokens`:
the words of its prompt -- the emulator's tokens, as in its ``usage`` -- plus
``max_tokens`` times ``n``, or ``max_new_tokens``); a request that does not fit is
answered 429 with ``Retry-After`` (real seconds until enough tokens leave the window).
When the answer is JSON with a ``usage`` object, the charge is corrected to its
``total_tokens`` (streams keep the up-front charge). The counters add ``tokens`` (all
tokens charged) and ``token_peak`` (the most tokens in any one window).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .generation import count_words, message_text
from .state import EmulatorState

__all__ = [
    "ProviderCounters",
    "RateLimitMiddleware",
    "RateLimits",
    "provider_of",
    "request_tokens",
]

ROUTER_PREFIX = "/router/"


def provider_of(path: str) -> str | None:
    """The provider a request path counts against, or None (Hub, control, endpoints).

    Example:
        >>> provider_of("/router/hf-inference/models/x/pipeline/feature-extraction")
        'hf-inference'
        >>> provider_of("/router/v1/chat/completions"), provider_of("/hub/api/models/x")
        ('router', None)
    """
    if not path.startswith(ROUTER_PREFIX):
        return None
    first = path[len(ROUTER_PREFIX) :].split("/", 1)[0]
    if not first:
        return None
    return "router" if first == "v1" else first


def _words(value: Any, depth: int = 0) -> int:
    if isinstance(value, str):
        return count_words(value)
    if depth > 4:
        return 0
    if isinstance(value, Mapping):
        return sum(_words(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return sum(_words(v, depth + 1) for v in value)
    return 0


def _whole(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def request_tokens(body: Any) -> int:
    """The tokens the emulator charges a request up front (its words; see the module doc).

    Example:
        >>> request_tokens({"messages": [{"role": "user", "content": "hi there"}], "max_tokens": 5})
        7
        >>> request_tokens({"inputs": ["one two", "three"]})
        3
    """
    if not isinstance(body, Mapping):
        return 0
    messages = body.get("messages")
    if isinstance(messages, list):
        prompt = sum(count_words(message_text(m)) for m in messages if isinstance(m, Mapping))
        completion = _whole(body.get("max_tokens")) or _whole(body.get("max_completion_tokens"))
        return prompt + completion * max(1, _whole(body.get("n")))
    parameters = body.get("parameters")
    new = _whole(parameters.get("max_new_tokens")) if isinstance(parameters, Mapping) else 0
    return _words(body.get("inputs", body.get("input"))) + new


@dataclass
class ProviderCounters:
    """What one provider saw: the tests read these instead of trusting the client."""

    accepted: int = 0
    rejected: int = 0
    peak: int = 0
    window: deque[float] = field(default_factory=deque)
    tokens: int = 0
    token_peak: int = 0
    token_window: deque[list[Any]] = field(default_factory=deque)  # [time, tokens]
    token_limited: bool = False

    def as_dict(self) -> dict[str, int]:
        counters = {"accepted": self.accepted, "rejected": self.rejected, "peak": self.peak}
        if self.token_limited:
            counters.update(tokens=self.tokens, token_peak=self.token_peak)
        return counters

    def window_tokens(self) -> int:
        return sum(entry[1] for entry in self.token_window)


class RateLimits:
    """Sliding-window request limits per provider, with counters (emulator state).

    Args:
        state: The emulator's state (its clock and ``time_scale``).
        limits: Requests per simulated minute by provider.
    """

    def __init__(
        self,
        state: EmulatorState,
        limits: dict[str, int],
        token_limits: dict[str, int] | None = None,
    ) -> None:
        self.state = state
        self.limits = dict(limits)
        self.token_limits = dict(token_limits or {})
        self.counters: dict[str, ProviderCounters] = {}

    def admit(self, provider: str, tokens: int = 0) -> float | None:
        """Count a request of ``tokens``; None when accepted, else the seconds until one
        would be (see :meth:`last_entry` for correcting its tokens afterwards)."""
        counters = self.counters.setdefault(provider, ProviderCounters())
        limit = self.limits.get(provider)
        token_limit = self.token_limits.get(provider)
        now = self.state.clock()
        window = self.state.settings.scaled(60.0)
        recent = counters.window
        while recent and recent[0] <= now - window:
            recent.popleft()
        spent = counters.token_window
        while spent and spent[0][0] <= now - window:
            spent.popleft()
        if limit is not None and window > 0 and len(recent) >= limit:
            counters.rejected += 1
            return max(0.001, recent[len(recent) - limit] + window - now)
        if token_limit is not None and window > 0:
            counters.token_limited = True
            if tokens > token_limit:  # no window ever holds it
                counters.rejected += 1
                return max(0.001, window)
            total = counters.window_tokens()
            if total + tokens > token_limit:
                counters.rejected += 1
                for at, amount in spent:  # oldest first, until enough have left
                    total -= amount
                    if total + tokens <= token_limit:
                        return max(0.001, float(at) + window - now)
                return max(0.001, window)  # pragma: no cover - the loop always returns
        counters.accepted += 1
        if limit is not None:
            recent.append(now)
            counters.peak = max(counters.peak, len(recent))
        if token_limit is not None and window > 0:
            spent.append([now, tokens])
            counters.tokens += tokens
            counters.token_peak = max(counters.token_peak, counters.window_tokens())
        return None

    def correct(self, provider: str, entry: list[Any], actual: int) -> None:
        """Correct an accepted request's tokens to its answer's ``usage``."""
        counters = self.counters[provider]
        counters.tokens += actual - entry[1]
        entry[1] = actual
        counters.token_peak = max(counters.token_peak, counters.window_tokens())

    def last_entry(self, provider: str) -> list[Any] | None:
        """The token entry of the request :meth:`admit` just accepted."""
        counters = self.counters.get(provider)
        return counters.token_window[-1] if counters and counters.token_window else None

    def reset(self) -> None:
        self.counters.clear()

    def snapshot(self) -> dict[str, Any]:
        return {
            "limits": dict(self.limits),
            "token_limits": dict(self.token_limits),
            "providers": {name: c.as_dict() for name, c in self.counters.items()},
        }


def rate_limits(state: EmulatorState) -> RateLimits:
    """The app's :class:`RateLimits` (created on first use, reset with the app)."""
    limits = state.extensions.get("rate_limits")
    if limits is None:
        limits = state.extensions["rate_limits"] = RateLimits(
            state, state.settings.rate_limits, state.settings.token_limits
        )
        state.add_reset_hook(limits.reset)
    assert isinstance(limits, RateLimits)
    return limits


class RateLimitMiddleware:
    """Answer 429 (with ``Retry-After``) to requests over a provider's limits."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.limits = rate_limits(state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        provider = provider_of(scope["path"]) if scope["type"] == "http" else None
        if provider is None:
            await self.app(scope, receive, send)
            return
        tokens = 0
        counting = provider in self.limits.token_limits
        if counting:
            body, receive = await _buffered(receive)
            try:
                tokens = request_tokens(json.loads(body)) if body else 0
            except ValueError:
                tokens = 0
        wait = self.limits.admit(provider, tokens)
        if wait is not None:
            refusal = error_response(
                "hf",
                429,
                "Rate limit reached. Please retry later.",
                headers={"retry-after": f"{wait:.3f}"},
            )
            await refusal(scope, receive, send)
            return
        entry = self.limits.last_entry(provider) if counting else None
        if entry is None:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _usage_reader(send, self.limits, provider, entry))


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The request body, and a ``receive`` that hands it to the app again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _usage_reader(send: Send, limits: RateLimits, provider: str, entry: list[Any]) -> Send:
    """A ``send`` that corrects the request's tokens from a JSON answer's ``usage``."""
    chunks: list[bytes] = []
    reading = [False]

    async def reading_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers") or [])
            kind = headers.get(b"content-type", b"").split(b";")[0].strip()
            reading[0] = message["status"] < 300 and kind == b"application/json"
        elif message["type"] == "http.response.body" and reading[0]:
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                actual = _usage_total(b"".join(chunks))
                if actual is not None:
                    limits.correct(provider, entry, actual)
        await send(message)

    return reading_send


def _usage_total(body: bytes) -> int | None:
    if b'"usage"' not in body:
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    usage = answer.get("usage") if isinstance(answer, Mapping) else None
    total = usage.get("total_tokens") if isinstance(usage, Mapping) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else None
