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
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_response
from .state import EmulatorState

__all__ = ["ProviderCounters", "RateLimitMiddleware", "RateLimits", "provider_of"]

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


@dataclass
class ProviderCounters:
    """What one provider saw: the tests read these instead of trusting the client."""

    accepted: int = 0
    rejected: int = 0
    peak: int = 0
    window: deque[float] = field(default_factory=deque)

    def as_dict(self) -> dict[str, int]:
        return {"accepted": self.accepted, "rejected": self.rejected, "peak": self.peak}


class RateLimits:
    """Sliding-window request limits per provider, with counters (emulator state).

    Args:
        state: The emulator's state (its clock and ``time_scale``).
        limits: Requests per simulated minute by provider.
    """

    def __init__(self, state: EmulatorState, limits: dict[str, int]) -> None:
        self.state = state
        self.limits = dict(limits)
        self.counters: dict[str, ProviderCounters] = {}

    def admit(self, provider: str) -> float | None:
        """Count a request; None when accepted, else the seconds until one would be."""
        counters = self.counters.setdefault(provider, ProviderCounters())
        limit = self.limits.get(provider)
        now = self.state.clock()
        window = self.state.settings.scaled(60.0)
        recent = counters.window
        while recent and recent[0] <= now - window:
            recent.popleft()
        if limit is not None and window > 0 and len(recent) >= limit:
            counters.rejected += 1
            return max(0.001, recent[len(recent) - limit] + window - now)
        counters.accepted += 1
        if limit is not None:
            recent.append(now)
            counters.peak = max(counters.peak, len(recent))
        return None

    def reset(self) -> None:
        self.counters.clear()

    def snapshot(self) -> dict[str, Any]:
        return {
            "limits": dict(self.limits),
            "providers": {name: c.as_dict() for name, c in self.counters.items()},
        }


def rate_limits(state: EmulatorState) -> RateLimits:
    """The app's :class:`RateLimits` (created on first use, reset with the app)."""
    limits = state.extensions.get("rate_limits")
    if limits is None:
        limits = state.extensions["rate_limits"] = RateLimits(state, state.settings.rate_limits)
        state.add_reset_hook(limits.reset)
    assert isinstance(limits, RateLimits)
    return limits


class RateLimitMiddleware:
    """Answer 429 (with ``Retry-After``) to requests over a provider's limit."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.limits = rate_limits(state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        provider = provider_of(scope["path"]) if scope["type"] == "http" else None
        if provider is not None:
            wait = self.limits.admit(provider)
            if wait is not None:
                refusal = error_response(
                    "hf",
                    429,
                    "Rate limit reached. Please retry later.",
                    headers={"retry-after": f"{wait:.3f}"},
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
