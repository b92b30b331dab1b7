"""What the task registry puts on the wire for one call, without any I/O.

``wire()`` runs the same steps as a service method (strict parameter check, body from
the registry, routing to hf-inference with the task's Accept header) and returns the
request; ``parse()`` runs a task's answer parser on JSON.
"""

from __future__ import annotations

import json
from typing import Any

from hf_inference_endpoints._config import HfInferenceConfig
from hf_inference_endpoints._request import PreparedRequest
from hf_inference_endpoints._routing import prepare
from hf_inference_endpoints._tasks import answer_parser, build_body, get_task, validate_parameters

TOKEN = "hf_unit_test_token"
CONFIG = HfInferenceConfig(token=TOKEN, default_provider="hf-inference")
ROUTER = "https://router.huggingface.co/hf-inference/models"


def wire(
    task: str, inputs: Any, parameters: dict[str, Any] | None = None, *, model: str = "org/model"
) -> PreparedRequest:
    spec = get_task(task)
    assert spec is not None
    checked = validate_parameters(task, parameters or {})
    body = build_body(task, inputs, checked)
    return prepare(
        CONFIG,
        model,
        None,
        task,
        body,
        False,
        None,
        None,
        accept=spec.accept,
        expect="bytes" if spec.binary_output else "json",
    )


def json_of(request: PreparedRequest) -> Any:
    assert request.headers["content-type"] == "application/json"
    assert request.content is not None
    return json.loads(request.content)


def parse(task: str, data: Any) -> Any:
    return answer_parser(task)(json.dumps(data).encode())
