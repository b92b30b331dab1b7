"""Nscale: OpenAI chat and images."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._base import ProviderHelper, RawBody, Route, body_inputs, body_parameters, done
from ._openai import b64_image, size_from_width_height

__all__ = ["NscaleHelper"]

_DROPPED = ("num_inference_steps", "cfg_scale")


def _image(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    params = {k: v for k, v in body_parameters(body).items() if k not in _DROPPED}
    size = size_from_width_height(params)
    payload: dict[str, Any] = {
        "response_format": "b64_json",
        "prompt": body_inputs(body),
        **params,
        "model": model_id,
    }
    if size is not None:
        payload["size"] = size
    return payload


class NscaleHelper(ProviderHelper):
    """``nscale``: chat ``/v1/chat/completions``; text-to-image ``/v1/images/generations``
    ``{"response_format": "b64_json", "prompt", ...params, "model", "size": "WxH"}``
    (``num_inference_steps`` and ``cfg_scale`` dropped) -> ``data[0].b64_json``.
    """

    name: ClassVar[str] = "nscale"
    direct_url: ClassVar[str] = "https://inference.api.nscale.com"
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "text-to-image": Route("/v1/images/generations", body=_image, answer=done(b64_image)),
    }
