"""HF serverless inference (``hf-inference``) through the router."""

from __future__ import annotations

from typing import Any, ClassVar

from ._base import ProviderHelper, quote_model

__all__ = ["HfInferenceHelper"]

_PIPELINE_TASKS = frozenset({"feature-extraction", "sentence-similarity"})


class HfInferenceHelper(ProviderHelper):
    """``{router}/hf-inference/models/{id}`` for tasks, ``.../v1/chat/completions`` for chat.

    The model id is the Hub id: no mapping lookup is needed.
    """

    name: ClassVar[str] = "hf-inference"
    tasks: ClassVar[frozenset[str]] = frozenset({"conversational", "text-generation"})

    def route(self, task: str, model_id: str) -> str:
        path = f"/models/{quote_model(model_id)}"
        if task == "conversational":
            return path + "/v1/chat/completions"
        if task in _PIPELINE_TASKS:
            return f"{path}/pipeline/{task}"
        return path

    def payload(self, task: str, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        payload = super().payload(task, model_id, body)
        if task == "conversational":
            rewrite_json_schema_format(payload)
        return payload


def rewrite_json_schema_format(payload: dict[str, Any]) -> None:
    """TGI-served chat wants ``{"type": "json_object", "value": schema}`` for JSON schemas."""
    fmt = payload.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        schema = spec.get("schema") if isinstance(spec, dict) else None
        payload["response_format"] = {"type": "json_object", "value": schema or {}}
