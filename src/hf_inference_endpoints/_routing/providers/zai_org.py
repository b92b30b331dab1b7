"""Z.ai (``zai-org``): chat, and text-to-image as an async job."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..._errors import ServerError
from ._base import (
    Fetch,
    JobContext,
    ProviderHelper,
    RawBody,
    Route,
    Step,
    body_inputs,
    body_parameters,
    download,
    malformed,
)
from ._openai import size_from_width_height

__all__ = ["ZaiOrgHelper"]

#: Text-to-image jobs: poll every 5 s, at most 60 times, as HUB does.
POLL_INTERVAL = 5.0
MAX_POLLS = 60


def _image(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """``{model, prompt, size: "WxH", ...params}``."""
    params = body_parameters(body)
    size = size_from_width_height(params)
    payload: dict[str, Any] = {"model": model_id, "prompt": body_inputs(body)}
    if size is not None:
        payload["size"] = size
    payload.update(params)
    return payload


def _image_job(data: Any, job: JobContext) -> Step:
    """The submit answer ``{id, task_status}``: poll ``/api/paas/v4/async-result/{id}``."""
    if not isinstance(data, Mapping) or not data.get("id"):
        raise malformed("id", "present in the job answer")
    poll = Fetch(
        f"{job.base_url}/api/paas/v4/async-result/{data['id']}",
        "result",
        delay=POLL_INTERVAL,
        max_attempts=MAX_POLLS,
    )
    return _result(data, poll)


def _image_poll(step: Fetch, data: Any, job: JobContext) -> Step:
    if step.stage == "result":
        return _result(data, step.again())
    raise ValueError(f"zai-org: unexpected job stage {step.stage!r}")


def _result(data: Any, poll: Fetch) -> Step:
    status = data.get("task_status") if isinstance(data, Mapping) else None
    if status == "SUCCESS":
        results = data.get("image_result")
        url = results[0].get("url") if isinstance(results, list) and results else None
        if not isinstance(url, str) or not url:
            raise malformed("image_result[0].url", "a URL")
        return download(url)
    if status == "FAIL":
        raise ServerError(f"Z.ai image job {data.get('id')} failed")
    if status == "PROCESSING":
        return poll
    raise malformed("task_status", f"a known job status (got {status!r})")


class ZaiOrgHelper(ProviderHelper):
    """``zai-org``: ``https://api.z.ai``; every request adds ``Accept-Language: en-US,en``
    and ``x-source-channel: hugging_face``.

    * chat: ``/api/paas/v4/chat/completions``;
    * text-to-image: ``/api/paas/v4/async/images/generations`` ``{model, prompt,
      size: "WxH"}`` -> ``{id, task_status}``; while ``PROCESSING`` poll
      ``/api/paas/v4/async-result/{id}`` every 5 s (max 60); ``SUCCESS`` -> download
      ``image_result[0].url``; ``FAIL`` raises.
    """

    name: ClassVar[str] = "zai-org"
    direct_url: ClassVar[str] = "https://api.z.ai"
    fixed_headers: ClassVar[Mapping[str, str]] = {
        "accept-language": "en-US,en",
        "x-source-channel": "hugging_face",
    }
    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/api/paas/v4/chat/completions",
        "text-to-image": Route(
            "/api/paas/v4/async/images/generations",
            body=_image,
            answer=_image_job,
            follow=_image_poll,
        ),
    }
