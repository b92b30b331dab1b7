"""Nscale: OpenAI chat and images."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Done, JobContext, ProviderHelper, RawBody, Step, body_inputs, body_parameters
from ._openai import b64_image, size_from_width_height

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["NscaleHelper"]

_DROPPED = ("num_inference_steps", "cfg_scale")


class NscaleHelper(ProviderHelper):
    """``nscale``: chat ``/v1/chat/completions``; text-to-image ``/v1/images/generations``
    ``{"response_format": "b64_json", "prompt", ...params, "model", "size": "WxH"}``
    (``num_inference_steps`` and ``cfg_scale`` dropped) -> ``data[0].b64_json``.
    """

    name: ClassVar[str] = "nscale"
    direct_url: ClassVar[str] = "https://inference.api.nscale.com"
    routes: ClassVar[Mapping[str, str]] = {
        "conversational": "/v1/chat/completions",
        "text-to-image": "/v1/images/generations",
    }

    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: MappingEntry | None = None,
    ) -> dict[str, Any] | RawBody:
        if task == "text-to-image":
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
        return super().payload(task, model_id, body, mapping=mapping)

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task == "text-to-image":
            return Done(b64_image(data))
        return Done(data)
