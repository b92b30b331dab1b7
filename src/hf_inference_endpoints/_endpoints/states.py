"""Endpoint states and the decisions of ``wait`` and of inference routing (no I/O).

States (docs/wire.md §6.4): ``pending``, ``initializing``, ``updating``, ``updateFailed``,
``running``, ``paused``, ``failed``, ``scaledToZero``. No formal state machine is
published; these functions encode the observed transitions::

    create -> pending -> initializing -> running | failed
    running -PUT-> updating -> running | updateFailed
    running -pause-> paused -resume-> pending -> initializing -> running
    running -idle or scale-to-zero-> scaledToZero -traffic-> initializing -> running
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._errors import InvalidArgument

if TYPE_CHECKING:
    from ..models import EndpointInfo

__all__ = [
    "FAILED_STATES",
    "STATES",
    "PollSchedule",
    "Route",
    "RouteAction",
    "WaitAction",
    "WaitProgress",
    "failure_message",
    "health_route",
    "route_decision",
    "state_of",
    "url_of",
    "validate_until",
    "wait_decision",
]

PENDING = "pending"
INITIALIZING = "initializing"
UPDATING = "updating"
UPDATE_FAILED = "updateFailed"
RUNNING = "running"
PAUSED = "paused"
FAILED = "failed"
SCALED_TO_ZERO = "scaledToZero"

STATES = frozenset(
    {PENDING, INITIALIZING, UPDATING, UPDATE_FAILED, RUNNING, PAUSED, FAILED, SCALED_TO_ZERO}
)
FAILED_STATES = frozenset({FAILED, UPDATE_FAILED})


def state_of(info: EndpointInfo) -> str | None:
    """``info.status.state`` (None when the API sent no status)."""
    return info.status.state if info.status is not None else None


def url_of(info: EndpointInfo) -> str | None:
    """``info.status.url`` without a trailing ``/`` (None until first deployed)."""
    url = info.status.url if info.status is not None else None
    return url.rstrip("/") if url else None


def failure_message(info: EndpointInfo) -> str:
    """The server's explanation of a failed state (``errorMessage``, else ``message``)."""
    status = info.status
    if status is None:
        return "no status message"
    return status.errorMessage or status.message or "no status message"


def health_route(info: EndpointInfo) -> str:
    """The readiness path: top-level ``healthRoute``, else the image's, else ``/health``."""
    route = info.healthRoute
    if not route and info.model is not None and info.model.image:
        for settings in info.model.image.values():
            route = route or settings.healthRoute
    route = route or "/health"
    return route if route.startswith("/") else "/" + route


def validate_until(until: str) -> str:
    """Check the target state of ``wait``.

    Raises:
        ValidationError: ``until`` is not an endpoint state, or is a failed state.
    """
    if until not in STATES or until in FAILED_STATES:
        wanted = ", ".join(sorted(STATES - FAILED_STATES))
        raise InvalidArgument(f"until must be one of {wanted}; got {until!r}")
    return until


class WaitAction(enum.Enum):
    """What ``wait`` does after one poll."""

    DONE = "done"  #: the target state is reached (and, for running, nothing more to check)
    CHECK_HEALTH = "check_health"  #: running with a URL: done once the health route says 200
    WAKE = "wake"  #: scaled to zero: send one authenticated request to wake it, keep polling
    POLL = "poll"  #: not there yet: sleep and poll again
    FAIL = "fail"  #: failed / updateFailed: raise EndpointFailed now
    PAUSED = "paused"  #: waiting for running on a paused endpoint: raise EndpointPaused now


def wait_decision(info: EndpointInfo, until: str) -> WaitAction:
    """Decide what ``wait(until=...)`` does with the endpoint as just fetched.

    Example:
        >>> from hf_inference_endpoints.models import EndpointInfo
        >>> info = EndpointInfo.model_validate({"status": {"state": "paused"}})
        >>> wait_decision(info, "running")
        <WaitAction.PAUSED: 'paused'>
    """
    state = state_of(info)
    if state in FAILED_STATES:
        return WaitAction.FAIL
    if until != RUNNING:
        return WaitAction.DONE if state == until else WaitAction.POLL
    if state == PAUSED:
        return WaitAction.PAUSED
    if state == RUNNING:
        return WaitAction.CHECK_HEALTH if url_of(info) else WaitAction.POLL
    if state == SCALED_TO_ZERO and url_of(info):
        return WaitAction.WAKE
    return WaitAction.POLL


class RouteAction(enum.Enum):
    """What an inference call on ``endpoint=`` does with the endpoint's state."""

    SEND = "send"  #: serving: send the request to the URL
    SEND_WAKING = "send_waking"  #: scaled to zero / waking: send, wait out 503s as a cold start
    WAIT = "wait"  #: starting without a URL yet: wait for running first
    PAUSED = "paused"  #: paused: raise EndpointPaused (or resume + wait)
    FAIL = "fail"  #: failed: raise EndpointFailed


@dataclass(frozen=True, slots=True)
class Route:
    """The routing decision for one endpoint state.

    Attributes:
        action: What to do.
        url: The URL to send to (for SEND/SEND_WAKING).
        cacheable: Whether the URL may be reused from the cache for ``endpoint_cache_ttl``.
    """

    action: RouteAction
    url: str | None = None
    cacheable: bool = False


def route_decision(info: EndpointInfo) -> Route:
    """Decide how an inference call reaches the endpoint.

    * running / updating (old replicas keep serving) -> send; cacheable.
    * scaledToZero, or pending/initializing with a URL (waking up, resuming) -> send with
      ``X-Scale-Up-Timeout`` and treat 503s as a cold start; not cached.
    * pending / initializing without a URL (a new endpoint) -> wait for running.
    * updateFailed with a URL and ready replicas -> the previous version still serves: send.
    * paused -> EndpointPaused; failed (or updateFailed with nothing serving) -> EndpointFailed.
    * an unknown state with a URL -> send (the API may add states); without -> wait.

    Example:
        >>> from hf_inference_endpoints.models import EndpointInfo
        >>> info = EndpointInfo.model_validate(
        ...     {"status": {"state": "scaledToZero", "url": "https://x.endpoints.huggingface.cloud"}})
        >>> route_decision(info).action
        <RouteAction.SEND_WAKING: 'send_waking'>
    """
    state = state_of(info)
    url = url_of(info)
    if state == PAUSED:
        return Route(RouteAction.PAUSED, url)
    if state == FAILED:
        return Route(RouteAction.FAIL, url)
    if state == UPDATE_FAILED:
        ready = info.status.readyReplica if info.status is not None else None
        if url and ready:
            return Route(RouteAction.SEND, url)
        return Route(RouteAction.FAIL, url)
    if url is None:
        return Route(RouteAction.WAIT)
    if state in (RUNNING, UPDATING):
        return Route(RouteAction.SEND, url, cacheable=True)
    if state in (SCALED_TO_ZERO, PENDING, INITIALIZING):
        return Route(RouteAction.SEND_WAKING, url)
    return Route(RouteAction.SEND, url)


@dataclass(frozen=True, slots=True)
class WaitProgress:
    """One state change seen by ``wait``, handed to ``on_progress``.

    Attributes:
        endpoint: ``namespace/name``.
        state: The new state.
        previous: The state before (None on the first poll).
        message: The server's status message.
        elapsed: Seconds since ``wait`` started.
        ready_replica: Replicas ready.
        target_replica: Replicas wanted.
        info: The endpoint as fetched.
    """

    endpoint: str
    state: str | None
    previous: str | None
    message: str | None
    elapsed: float
    ready_replica: int | None
    target_replica: int | None
    info: EndpointInfo

    def __str__(self) -> str:
        arrow = f"{self.previous} -> " if self.previous else ""
        replicas = ""
        if self.target_replica is not None:
            replicas = f" [{self.ready_replica or 0}/{self.target_replica} replicas]"
        said = f": {self.message}" if self.message else ""
        return f"{self.endpoint} {arrow}{self.state}{replicas} after {self.elapsed:.1f} s{said}"


class PollSchedule:
    """Delays between two polls: exponential growth, capped, with jitter.

    The ceiling starts at ``initial`` and grows by ``factor`` per poll up to ``maximum``;
    each delay is the ceiling times a random factor in ``[1 - jitter, 1 + jitter]``.
    :meth:`reset` (called on each state change) starts again from ``initial``.

    Args:
        initial: First delay in seconds.
        maximum: Largest ceiling.
        factor: Growth per poll (> 1).
        jitter: Relative spread of each delay (0 disables it).
        rng: Returns a float in [0, 1) (``random.random`` by default; tests pass their own).

    Example:
        >>> schedule = PollSchedule(initial=1.0, maximum=4.0, factor=2.0, jitter=0.0)
        >>> [schedule.next_delay() for _ in range(4)]
        [1.0, 2.0, 4.0, 4.0]
    """

    def __init__(
        self,
        initial: float = 1.0,
        maximum: float = 15.0,
        factor: float = 1.5,
        jitter: float = 0.1,
        rng: Callable[[], float] | None = None,
    ) -> None:
        if initial <= 0 or maximum < initial or factor < 1 or not 0 <= jitter < 1:
            raise InvalidArgument(
                "poll schedule needs 0 < poll_interval <= max_poll_interval, factor >= 1 and "
                "0 <= jitter < 1"
            )
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        self._rng = rng or random.random
        self._ceiling = initial

    def next_delay(self) -> float:
        """The next delay (and grow the ceiling)."""
        ceiling = self._ceiling
        self._ceiling = min(self.maximum, self._ceiling * self.factor)
        if not self.jitter:
            return ceiling
        return ceiling * (1.0 + self.jitter * (2.0 * self._rng() - 1.0))

    def reset(self) -> None:
        """Start again from ``initial`` (something changed: poll closely again)."""
        self._ceiling = self.initial
