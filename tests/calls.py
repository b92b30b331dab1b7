"""Describe an inference call in tests as a service method would (both twins).

``client._prepare`` takes one :class:`~hf_inference_endpoints._call.Call`; tests that
look at the request a call resolves to (or run it through ``_execute``) describe the
call with :func:`describe`, in the words the services use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hf_inference_endpoints._call import Answer, Call
from hf_inference_endpoints._options import CallOptions
from hf_inference_endpoints._request import RawBody, ResponseKind

__all__ = ["describe"]


def describe(
    client: Any,
    model: str | None,
    provider: str | None,
    task: str,
    body: dict[str, Any] | RawBody,
    stream: bool = False,
    extra_headers: Mapping[str, str] | None = None,
    extra_body: Mapping[str, Any] | None = None,
    *,
    accept: str | None = None,
    expect: ResponseKind | None = None,
    endpoint: str | None = None,
    fallback: bool | Sequence[str] | None = None,
    bill_to: str | None = None,
    timeout: float | None = None,
    answer: Answer | None = None,
) -> Call:
    """The :class:`Call` of ``task`` on ``model``, its deadline started now on ``client``'s clock."""
    return Call(
        task,
        body,
        client._deadline(timeout),
        model,
        CallOptions.for_call(
            provider=provider,
            endpoint=endpoint,
            fallback=fallback,
            bill_to=bill_to,
            extra_headers=extra_headers,
            extra_body=extra_body,
        ),
        kind="sse" if stream else expect,
        accept=accept,
        answer=answer,
    )
