"""Emulated Hugging Face Hub API, mounted under ``/hub``.

Routes (paths relative to the mount):

* ``GET /api/whoami-v2`` -- the token's user: ``{"type": "user", "name":
  "emulator-user", "orgs": [...], "auth": {...}}`` (401 without a valid token). Its
  organisations: ``emulator-org`` (admin) and ``emulator-readers`` (read only: the
  endpoints API answers 403 there).
* ``GET /api/models/{model_id}`` -- model info from :mod:`.catalog`; with
  ``expand``/``expand[]`` (repeatable or comma-separated) only ``_id``, ``id`` and the
  expanded fields, e.g. ``inferenceProviderMapping`` keyed by provider.
  Unknown model -> 404 ``X-Error-Code: RepoNotFound``.
* ``GET /api/models`` -- listing, filters ``inference_provider`` (comma list or
  ``all``), ``pipeline_tag``, ``search``, ``limit``; mappings come as an array of
  entries with a ``provider`` key, as on the real listing. Pages of ``limit`` models
  (default 1000); when more match, a ``Link: <...&cursor=N>; rel="next"`` header points
  to the next page (``cursor`` is the offset, opaque to clients).
* ``GET /api/tasks`` -- ``{task: {"id", "label", "widgetModels": [...], "models": [{"id"}]}}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .catalog import CatalogModel
from .faults import begin
from .handlers import emulator_state

__all__ = ["EMULATOR_ORG", "EMULATOR_READ_ORG", "EMULATOR_USER", "PREFIX", "routes"]

PREFIX = "/hub"
EMULATOR_USER = "emulator-user"
EMULATOR_ORG = "emulator-org"
#: An organisation the user only reads: the endpoints API refuses it (403).
EMULATOR_READ_ORG = "emulator-readers"


def _expand_fields(request: Request) -> list[str]:
    values = request.query_params.getlist("expand") + request.query_params.getlist("expand[]")
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


async def whoami(request: Request) -> Response:
    await begin(request, model="", style="hf", cold=False)
    return JSONResponse(
        {
            "type": "user",
            "id": "000000000000000000000001",
            "name": EMULATOR_USER,
            "fullname": "Emulator User",
            "email": "emulator-user@example.com",
            "emailVerified": True,
            "canPay": True,
            "isPro": False,
            "periodEnd": None,
            "orgs": [
                {
                    "type": "org",
                    "id": "000000000000000000000002",
                    "name": EMULATOR_ORG,
                    "fullname": "Emulator Org",
                    "roleInOrg": "admin",
                    "canPay": True,
                    "isEnterprise": False,
                },
                {
                    "type": "org",
                    "id": "000000000000000000000003",
                    "name": EMULATOR_READ_ORG,
                    "fullname": "Emulator Readers",
                    "roleInOrg": "read",
                    "canPay": False,
                    "isEnterprise": False,
                },
            ],
            "auth": {
                "type": "access_token",
                "accessToken": {
                    "displayName": "emulator",
                    "role": "fineGrained",
                    "fineGrained": {
                        "canReadGatedRepos": True,
                        "global": ["inference.serverless.write"],
                        "scoped": [
                            {
                                "entity": {"type": "user", "name": EMULATOR_USER},
                                "permissions": [
                                    "inference.endpoints.infer.write",
                                    "inference.endpoints.write",
                                ],
                            }
                        ],
                    },
                    "createdAt": "2025-01-01T00:00:00.000Z",
                },
            },
        }
    )


def _not_found(model_id: str) -> JSONResponse:
    return JSONResponse(
        {"error": "Repository Not Found"},
        status_code=404,
        headers={"x-error-code": "RepoNotFound", "x-error-message": "Repository Not Found"},
    )


async def model_info(request: Request) -> Response:
    model_id: str = request.path_params["model_id"]
    await begin(request, model=model_id, style="hf", cold=False)
    model = emulator_state(request).catalog.get(model_id)
    if model is None:
        return _not_found(model_id)
    return JSONResponse(model.to_hub_json(_expand_fields(request) or None))


def _listing_entry(model: CatalogModel, expand: list[str]) -> dict[str, Any]:
    out = model.to_hub_json(expand or None)
    if "inferenceProviderMapping" in out:
        out["inferenceProviderMapping"] = [
            {"provider": name, **entry} for name, entry in out["inferenceProviderMapping"].items()
        ]
    return out


async def list_models(request: Request) -> Response:
    await begin(request, model="", style="hf", cold=False)
    params = request.query_params
    wanted = {p.strip() for p in params.get("inference_provider", "").split(",") if p.strip()}
    tag = params.get("pipeline_tag")
    search = params.get("search", "").lower()
    try:
        limit = int(params.get("limit", "1000"))
    except ValueError:
        return JSONResponse({"error": "limit must be an integer"}, status_code=400)
    expand = _expand_fields(request)
    out: list[dict[str, Any]] = []
    for model in emulator_state(request).catalog.all():
        if tag and model.pipeline_tag != tag:
            continue
        if search and search not in model.id.lower():
            continue
        if wanted and "all" not in wanted and not wanted & set(model.providers):
            continue
        if wanted and "all" in wanted and not model.providers:
            continue
        out.append(_listing_entry(model, expand))
    try:
        start = int(params.get("cursor", "0"))
    except ValueError:
        return JSONResponse({"error": "bad cursor"}, status_code=400)
    page = out[start : start + max(limit, 0)]
    headers = {}
    if limit > 0 and start + limit < len(out):
        query = [(k, v) for k, v in params.multi_items() if k != "cursor"]
        query.append(("cursor", str(start + limit)))
        next_url = request.url.replace(query=urlencode(query, safe="[],"))
        headers["Link"] = f'<{next_url}>; rel="next"'
    return JSONResponse(page, headers=headers)


async def tasks(request: Request) -> Response:
    await begin(request, model="", style="hf", cold=False)
    widgets = emulator_state(request).catalog.widget_models()
    return JSONResponse(
        {
            task: {
                "id": task,
                "label": task.replace("-", " ").capitalize(),
                "widgetModels": ids,
                "models": [{"id": i} for i in ids],
            }
            for task, ids in widgets.items()
        }
    )


routes: list[BaseRoute] = [
    Route("/api/whoami-v2", whoami, methods=["GET"]),
    Route("/api/tasks", tasks, methods=["GET"]),
    Route("/api/models", list_models, methods=["GET"]),
    Route("/api/models/{model_id:path}", model_info, methods=["GET"]),
]
