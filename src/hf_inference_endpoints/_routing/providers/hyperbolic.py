"""Hyperbolic: OpenAI chat and images (in HUB's older provider set, not in docs/wire.md §3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._base import (
    ProviderHelper,
    RawBody,
    Route,
    b64decode,
    body_inputs,
    body_parameters,
    done,
    malformed,
)

__all__ = ["HyperbolicHelper"]


def _image(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    params = body_parameters(body)
    if "num_inference_steps" in params:
        params["steps"] = params.pop("num_inference_steps")
    if "guidance_scale" in params:
        params["cfg_scale"] = params.pop("guidance_scale")
    params.setdefault("width", 512)
    params.setdefault("height", 512)
    return {"prompt": body_inputs(body), **params, "model_name": model_id}  # the mapped name wins


def _image_answer(data: Any) -> bytes:
    """``images[0].image``, base64."""
    try:
        value = data["images"][0]["image"]
    except (KeyError, IndexError, TypeError):
        raise malformed("images[0].image", "present") from None
    return b64decode(value, "images[0].image")


class HyperbolicHelper(ProviderHelper):
    """``hyperbolic``: chat ``/v1/chat/completions``; text-to-image
    ``/v1/images/generations`` ``{"prompt", "model_name", ...}`` (``num_inference_steps`` ->
    ``steps``, ``guidance_scale`` -> ``cfg_scale``, width/height default to 512) ->
    ``images[0].image`` (base64).
    """

    name: ClassVar[str] = "hyperbolic"
    direct_url: ClassVar[str] = "https://api.hyperbolic.xyz"
    routed: ClassVar[bool] = False  # removed from HF routing on 2026-07-01
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "text-to-image": Route("/v1/images/generations", body=_image, answer=done(_image_answer)),
    }
