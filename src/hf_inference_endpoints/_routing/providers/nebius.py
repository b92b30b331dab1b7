"""Nebius AI Studio: OpenAI chat, completions, images and embeddings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._base import ProviderHelper, RawBody, Route, body_inputs, body_parameters, done
from ._openai import b64_image, completions_route, embeddings_route

__all__ = ["NebiusHelper"]


def _image(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """``{"prompt", ...params, "model"}``: ``guidance_scale`` dropped, ``b64_json`` by default."""
    params = body_parameters(body)
    params.pop("guidance_scale", None)
    if params.get("response_format") not in ("b64_json", "url"):
        params["response_format"] = "b64_json"
    return {"prompt": body_inputs(body), **params, "model": model_id}


class NebiusHelper(ProviderHelper):
    """``nebius`` (in SPEC.md §2.2, not in docs/wire.md §3; routes from HUB ``nebius.py``).

    * chat ``/v1/chat/completions``; a ``json_schema`` response format is also sent as
      ``guided_json`` (the schema);
    * text-generation ``/v1/completions``;
    * text-to-image ``/v1/images/generations`` ``{"prompt", ...params, "model"}``
      (``guidance_scale`` dropped, ``response_format`` defaults to ``b64_json``) ->
      ``data[0].b64_json``;
    * feature-extraction ``/v1/embeddings`` ``{"input", "model"}``.
    """

    name: ClassVar[str] = "nebius"
    direct_url: ClassVar[str] = "https://api.studio.nebius.ai"
    routed: ClassVar[bool] = False  # removed from HF routing on 2026-07-01
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "text-generation": completions_route("/v1/completions"),
        "text-to-image": Route("/v1/images/generations", body=_image, answer=done(b64_image)),
        "feature-extraction": embeddings_route("/v1/embeddings", with_parameters=False),
    }
    text_generation_api = "openai-completions"  # chunks end with [DONE]

    def chat_payload(self, model_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """The template's chat body; a ``json_schema`` response format is also sent as
        ``guided_json`` (the schema)."""
        payload = super().chat_payload(model_id, body)
        fmt = payload.get("response_format")
        spec = fmt.get("json_schema") if isinstance(fmt, Mapping) else None
        if (
            isinstance(fmt, Mapping)
            and fmt.get("type") == "json_schema"
            and isinstance(spec, Mapping)
            and "schema" in spec
        ):
            payload["guided_json"] = spec["schema"]
        return payload
