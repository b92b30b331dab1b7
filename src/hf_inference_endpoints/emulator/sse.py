"""Server-sent-event framing for the two stream dialects the emulator speaks (no Starlette).

* OpenAI style (``/v1/chat/completions``): ``data: {json}\\n\\n`` per chunk, one space
  after the colon, terminated by ``data: [DONE]\\n\\n``.
* TGI native style (``/generate_stream``, ``POST /`` with ``stream``): ``data:{json}\\n\\n``
  with no space and no ``[DONE]``; the stream just ends after the event carrying
  ``generated_text``/``details``.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "OPENAI_DONE",
    "SSE_HEADERS",
    "SSE_MEDIA_TYPE",
    "dumps",
    "openai_event",
    "tgi_event",
]

SSE_MEDIA_TYPE = "text/event-stream"
SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
OPENAI_DONE = b"data: [DONE]\n\n"


def dumps(payload: Any) -> bytes:
    """Compact JSON, as TGI and the router emit it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def openai_event(payload: Any) -> bytes:
    return b"data: " + dumps(payload) + b"\n\n"


def tgi_event(payload: Any) -> bytes:
    return b"data:" + dumps(payload) + b"\n\n"
