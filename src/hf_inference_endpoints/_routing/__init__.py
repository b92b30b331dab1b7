"""Routing: (target, task, payload) -> :class:`PreparedRequest`, with no I/O.

``parse_target`` reads what the caller passed as ``model``/``provider``;
``build_request`` asks the target's provider helper for URL, headers and body.
hf-inference and URL targets never need a Hub lookup.
"""

from __future__ import annotations

from .build import build_request, dumps, prepare
from .headers import base_headers
from .targets import Target, parse_target, validate_model_id

__all__ = [
    "Target",
    "base_headers",
    "build_request",
    "dumps",
    "parse_target",
    "prepare",
    "validate_model_id",
]
