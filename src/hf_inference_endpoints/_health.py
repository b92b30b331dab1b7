"""The typed result of ``client.health_check()`` and the requests it sends (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._config import HfInferenceConfig
from ._errors import ErrorContext
from ._request import PreparedRequest
from ._routing.headers import base_headers

__all__ = ["HealthStatus", "target_health_request"]


@dataclass(frozen=True, slots=True)
class HealthStatus:
    """What ``health_check`` found.

    Attributes:
        healthy: Everything checked is fine.
        api_reachable: The Hub API answered (any HTTP answer counts).
        token_valid: The token was accepted by ``whoami`` (False without a token).
        target_healthy: The target answered its health route (an endpoint URL's
            ``/health``, or the router's model list) with 2xx.
        user: The token's user name, when known.
        checked_at: Wall-clock time of the check (epoch seconds).
        elapsed: Seconds the check took.
        problems: One line per failed check, saying what went wrong.
    """

    healthy: bool
    api_reachable: bool
    token_valid: bool
    target_healthy: bool
    user: str | None
    checked_at: float
    elapsed: float
    problems: tuple[str, ...] = field(default=())


def target_health_request(config: HfInferenceConfig, target: str | None) -> PreparedRequest:
    """The GET that tells whether ``target`` serves: ``{url}/health`` or the router's model list."""
    if target and target.startswith(("http://", "https://")):
        url = target.rstrip("/") + "/health"
        context = ErrorContext(endpoint=target)
    else:
        url = f"{config.router_url}/v1/models"
        context = ErrorContext(provider="router", model=target)
    headers = base_headers(config.token_value, user_agent_extra=config.user_agent)
    return PreparedRequest("GET", url, headers, context=context, task="health")
