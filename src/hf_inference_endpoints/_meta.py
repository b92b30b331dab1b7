"""Response metadata attached to every result (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ._redact import safe_url

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

    def __repr__(self) -> str:  # the URL without userinfo or query string
        shown = (
            ("status_code", self.status_code),
            ("request_id", self.request_id),
            ("url", safe_url(self.url)),
            ("provider", self.provider),
            ("model", self.model),
            ("elapsed", self.elapsed),
            ("attempts", self.attempts),
            ("cold_start_wait", self.cold_start_wait),
            ("providers_tried", self.providers_tried),
        )
        return f"ResponseMeta({', '.join(f'{name}={value!r}' for name, value in shown)})"
