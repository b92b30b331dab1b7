"""Response metadata attached to every result (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field

from ._record import Record, record, set_field
from ._redact import safe_url

__all__ = ["ResponseMeta"]


@record
class ResponseMeta(Record):
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

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        request_id: str | None,
        url: str,
        provider: str | None,
        model: str | None,
        elapsed: float,
        attempts: int = 1,
        cold_start_wait: float = 0.0,
        providers_tried: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "status_code", status_code)
        set_field(self, "headers", headers)
        set_field(self, "request_id", request_id)
        set_field(self, "url", url)
        set_field(self, "provider", provider)
        set_field(self, "model", model)
        set_field(self, "elapsed", elapsed)
        set_field(self, "attempts", attempts)
        set_field(self, "cold_start_wait", cold_start_wait)
        set_field(self, "providers_tried", providers_tried)

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
