"""Response metadata attached to every result (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ResponseMeta"]


@dataclass(frozen=True, slots=True)
class ResponseMeta:
    """What the transport learned while getting a result.

    Attributes:
        status_code: HTTP status of the final answer.
        headers: Its headers (lower-case names).
        request_id: The server's request id, when it sent one.
        url: The URL that answered.
        provider: The provider that served the call (``hf-inference``, ``together``...).
        model: The model id asked for.
        elapsed: Seconds from the first attempt to the final answer's headers.
        attempts: How many attempts the call took (1 = no retry).
        cold_start_wait: Seconds spent waiting for a loading model.
        providers_tried: Providers tried in order, when failover was on.
    """

    status_code: int
    headers: Mapping[str, str] = field(repr=False)
    request_id: str | None
    url: str
    provider: str | None
    model: str | None
    elapsed: float
    attempts: int = 1
    cold_start_wait: float = 0.0
    providers_tried: tuple[str, ...] = ()
