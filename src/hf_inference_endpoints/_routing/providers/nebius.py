"""Nebius AI Studio: OpenAI chat, completions, images and embeddings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Done, JobContext, ProviderHelper, RawBody, Step, body_inputs, body_parameters
from ._openai import (
    b64_image,
    completions_payload,
    embeddings_payload,
    parse_completion,
    parse_embeddings,
)

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = ["NebiusHelper"]


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
    routes: ClassVar[Mapping[str, str]] = {
        "conversational": "/v1/chat/completions",
        "text-generation": "/v1/completions",
        "text-to-image": "/v1/images/generations",
        "feature-extraction": "/v1/embeddings",
    }
    text_generation_api = "openai-completions"  # chunks end with [DONE]

    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: MappingEntry | None = None,
    ) -> dict[str, Any] | RawBody:
        if task == "text-generation":
            return completions_payload(model_id, body)
        if task == "feature-extraction":
            return embeddings_payload(model_id, body, with_parameters=False)
        if task == "text-to-image":
            params = body_parameters(body)
            params.pop("guidance_scale", None)
            if params.get("response_format") not in ("b64_json", "url"):
                params["response_format"] = "b64_json"
            return {"prompt": body_inputs(body), **params, "model": model_id}
        payload = super().payload(task, model_id, body, mapping=mapping)
        if task == "conversational" and isinstance(payload, dict):
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

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        if task == "text-generation":
            return Done(parse_completion(data))
        if task == "feature-extraction":
            return Done(parse_embeddings(data))
        if task == "text-to-image":
            return Done(b64_image(data))
        return Done(data)
