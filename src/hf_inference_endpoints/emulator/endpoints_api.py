"""Emulated Inference Endpoints management API, mounted under ``/endpoints-api``.

Routes (relative to the mount; docs/wire.md §6.2):

* ``GET /v2/endpoint/{ns}`` -- one page ``{"items": [...], "nextCursor": str | null}``;
  query ``cursor`` and ``limit`` (default :attr:`EndpointStore.page_size`, 20).
* ``POST /v2/endpoint/{ns}`` -- create (202 + the object; 409 if the name exists; 400 on
  a body the real API would refuse, e.g. ``scaleToZeroTimeout`` outside 15..2880).
* ``GET|PUT|DELETE /v2/endpoint/{ns}/{name}`` -- get (404 unknown), partial update,
  delete.
* ``POST /v2/endpoint/{ns}/{name}/pause|resume|scale-to-zero`` -- resume answers 400
  "already running" on a running endpoint.
* ``GET /v2/provider/{ns}`` -- the hardware catalogue (:mod:`.hardware`), with the
  namespace's quota: ``usedAccelerators`` counts its endpoints that are not paused.

Namespaces: the emulated user (``emulator-user``) and its organisation
(``emulator-org``); any other namespace is a 403 (also ``emulator-readers``, an
organisation whoami lists in which the user may only read).

State machine (simulated seconds from :class:`EndpointTimings`, times
``EmulatorSettings.time_scale``; evaluated lazily on every request, no background task)::

    create -> pending -> initializing -> running | failed
    PUT -> updating -> running | updateFailed        pause -> paused
    resume -> pending -> initializing -> running       scale-to-zero -> scaledToZero
    running, minReplica 0, idle >= scaleToZeroTimeout minutes -> scaledToZero
    scaledToZero -first data-plane request-> initializing (wake) -> running

Failures on demand: ``model.env["EMULATOR_FAIL"]`` makes a deployment end ``failed``
(an update carrying it ends ``updateFailed``) with that text as the status message.

Data plane: every endpoint's ``status.url`` is this emulator's own ``/tgi/{name}`` (or
``/tei/{name}`` for an embeddings image/task), so inference on it works. The
:class:`DataPlaneGate` middleware sits in front of those routes: a paused endpoint
answers 400 ``{"error": "Bad Request: The endpoint is paused, ...", "code":
"BAD_REQUEST"}``; a scaled-to-zero one starts waking up and answers 503
``{"error": "503 Service Unavailable", "code": "SERVICE_UNAVAILABLE"}`` -- unless the
request carries ``X-Scale-Up-Timeout: <s>``, in which case it is held until the endpoint
runs (or the timeout passes). The bearer-token check runs first, so a 401 (a dedicated
endpoint's ``{"error": "401 Unauthorized", "code": "UNAUTHORIZED"}``) never wakes an
endpoint (docs/wire.md §5.2).

Security ``type`` (docs/wire.md §6.3): a ``public`` endpoint's data plane takes calls without
``Authorization`` (any token sent is not checked; traffic wakes it like any other);
``authenticated`` (the default when the body has no ``type``), the legacy
``protected`` and ``private`` need a valid token (the emulator has no private link: its
caller counts as being on it). See :func:`public_data_plane`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import Reject, read_json_object
from .handlers import emulator_state
from .hardware import catalog_json
from .hub import EMULATOR_ORG, EMULATOR_USER
from .state import EmulatorState

__all__ = [
    "PAUSED_BODY",
    "PREFIX",
    "WAKING_BODY",
    "DataPlaneGate",
    "EmulatedEndpoint",
    "EndpointStore",
    "EndpointTimings",
    "is_data_plane",
    "public_data_plane",
    "routes",
    "store_of",
]

PREFIX = "/endpoints-api"
EXTENSION_KEY = "endpoints"
FAIL_ENV = "EMULATOR_FAIL"
NAMESPACES = frozenset({EMULATOR_USER, EMULATOR_ORG})
_DATA_PLANE = re.compile(r"^/(tgi|tei)/([^/]+)(?:/.*)?$")
_SERVER_ROOT = re.compile(r"^/(tgi|tei)/[^/]+$")
#: What ``compute.instanceSize`` and ``compute.accelerator`` may be (docs/wire.md §6.3).
_INSTANCE_SIZE = re.compile(r"^x[1-8]$")
ACCELERATORS = ("cpu", "gpu", "neuron")
_EPSILON = 1e-9  # clock readings this close to a transition count as having reached it
_EMBEDDING_TASKS = frozenset(
    {"sentence-embeddings", "feature-extraction", "sentence-similarity", "sentence-ranking"}
)

PAUSED_BODY = {
    "error": "Bad Request: The endpoint is paused, ask a maintainer to restart it",
    "code": "BAD_REQUEST",
}
WAKING_BODY = {"error": "503 Service Unavailable", "code": "SERVICE_UNAVAILABLE"}

MESSAGES = {
    "pending": "Endpoint waiting to be scheduled",
    "initializing": "Endpoint is initializing",
    "running": "Endpoint is ready",
    "updating": "Endpoint waiting for the update",
    "paused": "Endpoint is paused",
    "scaledToZero": "Endpoint is scaled to zero",
    "failed": "Endpoint failed to deploy",
    "updateFailed": "Endpoint update failed",
}


@dataclass
class EndpointTimings:
    """Simulated seconds each transient state lasts (multiplied by ``time_scale``).

    Attributes:
        pending: pending -> initializing.
        initializing: initializing -> running (new deployment or resume).
        updating: updating -> running.
        waking: initializing -> running after a scaled-to-zero endpoint got traffic
            (docs/wire.md §6.6 saw 40-60 s for a small model).
    """

    pending: float = 2.0
    initializing: float = 8.0
    updating: float = 5.0
    waking: float = 45.0


@dataclass
class EmulatedEndpoint:
    """One endpoint: its configuration (the object without ``status``) and its clock."""

    namespace: str
    name: str
    config: dict[str, Any]
    state: str = "pending"
    phase_started: float = 0.0
    phase_duration: float | None = None
    next_state: str | None = None
    has_url: bool = False
    last_used: float = 0.0
    message: str = MESSAGES["pending"]
    created_at: str = ""
    updated_at: str = ""
    update_fails: str | None = None
    last_used_at: str | None = None

    @property
    def engine(self) -> str:
        model = self.config.get("model") or {}
        image = model.get("image") or {}
        if "tei" in image or model.get("task") in _EMBEDDING_TASKS:
            return "tei"
        return "tgi"

    @property
    def scaling(self) -> dict[str, Any]:
        scaling: dict[str, Any] = (self.config.get("compute") or {}).get("scaling") or {}
        return scaling

    @property
    def replicas(self) -> int:
        return max(1, int(self.scaling.get("minReplica") or 0))

    @property
    def security(self) -> str:
        """The endpoint's ``type``: ``public``, ``authenticated`` (default), ``private``..."""
        return str(self.config.get("type") or "authenticated")

    def fail_message(self) -> str | None:
        env = (self.config.get("model") or {}).get("env") or {}
        value = env.get(FAIL_ENV)
        return str(value) if value else None


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EndpointStore:
    """All emulated endpoints of one emulator app (``state.extensions["endpoints"]``)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.timings = EndpointTimings()
        self.page_size = 20
        self.endpoints: dict[tuple[str, str], EmulatedEndpoint] = {}
        self.deleted: set[str] = set()  # names whose data-plane URL now answers 404

    # -- clock ---------------------------------------------------------------------------
    def _scaled(self, seconds: float) -> float:
        return self.state.settings.scaled(seconds)

    def enter(
        self,
        ep: EmulatedEndpoint,
        state: str,
        at: float,
        *,
        lasts: float | None = None,
        then: str | None = None,
        message: str | None = None,
    ) -> None:
        """Put ``ep`` in ``state`` from clock time ``at`` (for ``lasts`` simulated seconds)."""
        ep.state = state
        ep.phase_started = at
        ep.phase_duration = None if lasts is None else self._scaled(lasts)
        ep.next_state = then
        ep.message = message or MESSAGES.get(state, state)
        ep.updated_at = _now_iso()

    def advance(self, ep: EmulatedEndpoint, now: float | None = None) -> None:
        """Apply every transition due by ``now`` (the app clock by default)."""
        now = self.state.clock() if now is None else now
        for _ in range(16):
            if ep.phase_duration is not None and ep.next_state is not None:
                ends = ep.phase_started + ep.phase_duration
                if now + _EPSILON < ends:
                    return
                self._finish_phase(ep, ends)
                continue
            if ep.state == "running" and self._idle_limit(ep) is not None:
                limit = self._idle_limit(ep)
                assert limit is not None
                if now + _EPSILON - ep.last_used >= limit:
                    self.enter(ep, "scaledToZero", ep.last_used + limit)
                    continue
            return

    def _idle_limit(self, ep: EmulatedEndpoint) -> float | None:
        minutes = ep.scaling.get("scaleToZeroTimeout")
        if ep.scaling.get("minReplica") != 0 or not minutes:
            return None
        return self._scaled(float(minutes) * 60.0)

    def _finish_phase(self, ep: EmulatedEndpoint, at: float) -> None:
        nxt = ep.next_state
        if nxt == "initializing":
            self.enter(ep, "initializing", at, lasts=self.timings.initializing, then="running")
        elif nxt == "running":
            if ep.state == "updating" and ep.update_fails:
                message = ep.update_fails
                ep.update_fails = None
                self.enter(ep, "updateFailed", at, message=message)
                return
            failure = ep.fail_message() if ep.state == "initializing" else None
            if failure:
                self.enter(ep, "failed", at, message=failure)
                return
            ep.has_url = True
            ep.last_used = at
            self.enter(ep, "running", at)
        else:  # pragma: no cover - every phase names its successor
            self.enter(ep, nxt or "running", at)

    # -- lookups -------------------------------------------------------------------------
    def get(self, namespace: str, name: str) -> EmulatedEndpoint:
        ep = self.endpoints.get((namespace, name))
        if ep is None:
            raise Reject(_error(404, f"Endpoint {name} not found in namespace {namespace}"))
        self.advance(ep)
        return ep

    def by_name(self, name: str) -> EmulatedEndpoint | None:
        for (_, ep_name), ep in self.endpoints.items():
            if ep_name == name:
                return ep
        return None

    def in_namespace(self, namespace: str) -> Iterator[EmulatedEndpoint]:
        for (ns, _), ep in self.endpoints.items():
            if ns == namespace:
                self.advance(ep)
                yield ep

    # -- rendering -----------------------------------------------------------------------
    def render(self, ep: EmulatedEndpoint, base_url: str) -> dict[str, Any]:
        """The endpoint object as the API returns it (docs/wire.md §6.3)."""
        state = ep.state
        serving = state in ("running", "updating", "updateFailed")
        target = ep.replicas if state in ("pending", "initializing") or serving else 0
        image = (ep.config.get("model") or {}).get("image") or {}
        route = "/health"
        for settings in image.values():
            if isinstance(settings, dict) and settings.get("healthRoute"):
                route = str(settings["healthRoute"])
        user = {"id": "000000000000000000000001", "name": EMULATOR_USER}
        out = {
            "name": ep.name,
            "accountId": None,
            "healthRoute": route,
            "tags": [],
            **ep.config,
        }
        out["status"] = {
            "createdAt": ep.created_at,
            "createdBy": user,
            "updatedAt": ep.updated_at,
            "updatedBy": user,
            "private": None,
            "state": state,
            "message": ep.message,
            "url": f"{base_url}/{ep.engine}/{ep.name}" if ep.has_url else None,
            "readyReplica": ep.replicas if serving else 0,
            "targetReplica": target,
        }
        if ep.last_used_at is not None:
            out["status"]["lastUsedAt"] = ep.last_used_at
        return out

    def reset(self) -> None:
        self.endpoints.clear()
        self.deleted.clear()
        self.timings = EndpointTimings()
        self.page_size = 20


def store_of(state: EmulatorState) -> EndpointStore:
    """The endpoint store of an emulator app (created on first use)."""
    store = state.extensions.get(EXTENSION_KEY)
    if not isinstance(store, EndpointStore):
        store = EndpointStore(state)
        state.extensions[EXTENSION_KEY] = store
        state.add_reset_hook(store.reset)
    return store


def is_data_plane(path: str) -> bool:
    """Whether ``path`` is on a ``/tgi/{name}`` or ``/tei/{name}`` data plane."""
    return _DATA_PLANE.match(path) is not None


def public_data_plane(state: EmulatorState, path: str) -> bool:
    """Whether ``path`` is on the data plane of an emulated endpoint of type ``public``.

    Such a request needs no token (the auth middleware lets it through). Plain
    emulated TGI/TEI servers (a name with no endpoint) and every other type need one.
    """
    store = state.extensions.get(EXTENSION_KEY)
    match = _DATA_PLANE.match(path)
    if match is None or not isinstance(store, EndpointStore):
        return False
    ep = store.by_name(match.group(2))
    return ep is not None and ep.security == "public"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _base_url(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _store(request: Request) -> EndpointStore:
    return store_of(emulator_state(request))


def _namespace(request: Request) -> str:
    namespace: str = request.path_params["namespace"]
    if namespace not in NAMESPACES:
        raise Reject(_error(403, f"You don't have the rights to manage endpoints of {namespace}"))
    return namespace


def _target(request: Request) -> tuple[EndpointStore, EmulatedEndpoint]:
    namespace = _namespace(request)
    store = _store(request)
    return store, store.get(namespace, request.path_params["name"])


def _answer(request: Request, ep: EmulatedEndpoint, status: int = 200) -> JSONResponse:
    return JSONResponse(_store(request).render(ep, _base_url(request)), status_code=status)


# --------------------------------------------------------------------------- validation


def _validate_create(body: dict[str, Any]) -> None:
    from pydantic import ValidationError as PydanticValidationError

    from ..models import EndpointCreateRequest

    try:
        EndpointCreateRequest.model_validate(body)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Reject(_error(400, f"Invalid endpoint: {where}: {first['msg']}")) from None
    _validate_common(body)


def _validate_common(body: dict[str, Any]) -> None:
    compute = body.get("compute") or {}
    size = compute.get("instanceSize")
    if size is not None and not (isinstance(size, str) and _INSTANCE_SIZE.match(size)):
        raise Reject(_error(400, f"Invalid instanceSize {size!r}: one of x1 .. x8"))
    accelerator = compute.get("accelerator")
    if accelerator is not None and accelerator not in ACCELERATORS:
        raise Reject(
            _error(400, f"Invalid accelerator {accelerator!r}: one of {', '.join(ACCELERATORS)}")
        )
    scaling = compute.get("scaling") or {}
    timeout = scaling.get("scaleToZeroTimeout")
    if timeout is not None and not (
        isinstance(timeout, int) and not isinstance(timeout, bool) and 15 <= timeout <= 2880
    ):
        raise Reject(_error(400, "scaleToZeroTimeout must be between 15 and 2880 minutes"))
    low, high = scaling.get("minReplica"), scaling.get("maxReplica")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        raise Reject(_error(400, "minReplica must be lower than or equal to maxReplica"))
    image = (body.get("model") or {}).get("image")
    if image is not None and (not isinstance(image, dict) or len(image) != 1):
        raise Reject(_error(400, "model.image must hold exactly one image variant"))


def _merge(base: dict[str, Any], change: dict[str, Any], replace: frozenset[str]) -> None:
    for key, value in change.items():
        if key in replace or not isinstance(value, dict) or not isinstance(base.get(key), dict):
            base[key] = value
        else:
            _merge(base[key], value, replace)


_REPLACED = frozenset({"image", "env", "secrets", "command", "args", "tags", "measure"})


# ------------------------------------------------------------------------------- routes


async def list_endpoints(request: Request) -> Response:
    namespace = _namespace(request)
    store = _store(request)
    items = list(store.in_namespace(namespace))
    try:
        start = int(request.query_params.get("cursor") or 0)
        limit = int(request.query_params.get("limit") or store.page_size)
    except ValueError:
        return _error(400, "cursor and limit must be integers")
    page = items[start : start + max(1, limit)]
    after = start + len(page)
    base = _base_url(request)
    return JSONResponse(
        {
            "items": [store.render(ep, base) for ep in page],
            "nextCursor": str(after) if after < len(items) else None,
        }
    )


async def create_endpoint(request: Request) -> Response:
    namespace = _namespace(request)
    body = await read_json_object(request, "hf")
    _validate_create(body)
    name = body["name"]
    store = _store(request)
    if (namespace, name) in store.endpoints:
        return _error(409, f"Endpoint {name} already exists in namespace {namespace}")
    other = store.by_name(name)
    if other is not None:  # the emulator's data-plane routes are per name
        return _error(
            409, f"Endpoint name {name} is taken in namespace {other.namespace} (emulator)"
        )
    config = {k: v for k, v in body.items() if k not in ("name", "status")}
    ep = EmulatedEndpoint(namespace=namespace, name=name, config=config, created_at=_now_iso())
    store.deleted.discard(name)
    store.enter(
        ep, "pending", store.state.clock(), lasts=store.timings.pending, then="initializing"
    )
    store.endpoints[(namespace, name)] = ep
    return _answer(request, ep, 202)


async def get_endpoint(request: Request) -> Response:
    _, ep = _target(request)
    return _answer(request, ep)


async def update_endpoint(request: Request) -> Response:
    store, ep = _target(request)
    body = await read_json_object(request, "hf")
    _validate_common(body)
    change = {k: v for k, v in body.items() if k not in ("name", "status")}
    _merge(ep.config, change, _REPLACED)
    now = store.state.clock()
    env = ((change.get("model") or {}).get("env")) or {}
    if ep.state in ("running", "updateFailed", "scaledToZero", "updating"):
        ep.update_fails = str(env[FAIL_ENV]) if env.get(FAIL_ENV) else None
        store.enter(ep, "updating", now, lasts=store.timings.updating, then="running")
    elif ep.state == "failed":
        store.enter(ep, "pending", now, lasts=store.timings.pending, then="initializing")
    else:
        ep.updated_at = _now_iso()
    return _answer(request, ep)


async def delete_endpoint(request: Request) -> Response:
    store, ep = _target(request)
    del store.endpoints[(ep.namespace, ep.name)]
    store.deleted.add(ep.name)
    return Response(status_code=200)


async def pause_endpoint(request: Request) -> Response:
    store, ep = _target(request)
    store.enter(ep, "paused", store.state.clock())
    return _answer(request, ep)


async def resume_endpoint(request: Request) -> Response:
    store, ep = _target(request)
    if ep.state == "running":
        return _error(400, f"Endpoint {ep.name} is already running")
    if ep.state in ("paused", "failed", "updateFailed", "scaledToZero"):
        store.enter(
            ep, "pending", store.state.clock(), lasts=store.timings.pending, then="initializing"
        )
    return _answer(request, ep)


async def list_hardware(request: Request) -> Response:
    namespace = _namespace(request)
    store = _store(request)
    used: dict[tuple[str, str, str], int] = {}
    for ep in store.in_namespace(namespace):
        if ep.state in ("paused", "failed"):
            continue
        provider = ep.config.get("provider") or {}
        compute = ep.config.get("compute") or {}
        size = str(compute.get("instanceSize") or "x1")
        units = int(size[1:]) if _INSTANCE_SIZE.match(size) else 1
        key = (
            str(provider.get("vendor")),
            str(provider.get("region")),
            str(compute.get("instanceType")),
        )
        used[key] = used.get(key, 0) + units * ep.replicas
    return JSONResponse(catalog_json(used))


async def scale_to_zero_endpoint(request: Request) -> Response:
    store, ep = _target(request)
    if ep.state in ("paused", "failed", "pending"):
        return _error(400, f"Endpoint {ep.name} is {ep.state} and cannot be scaled to zero")
    store.enter(ep, "scaledToZero", store.state.clock())
    return _answer(request, ep)


routes: list[BaseRoute] = [
    Route("/v2/endpoint/{namespace}", list_endpoints, methods=["GET"]),
    Route("/v2/endpoint/{namespace}", create_endpoint, methods=["POST"]),
    Route("/v2/endpoint/{namespace}/{name}", get_endpoint, methods=["GET"]),
    Route("/v2/endpoint/{namespace}/{name}", update_endpoint, methods=["PUT"]),
    Route("/v2/endpoint/{namespace}/{name}", delete_endpoint, methods=["DELETE"]),
    Route("/v2/endpoint/{namespace}/{name}/pause", pause_endpoint, methods=["POST"]),
    Route("/v2/endpoint/{namespace}/{name}/resume", resume_endpoint, methods=["POST"]),
    Route(
        "/v2/endpoint/{namespace}/{name}/scale-to-zero", scale_to_zero_endpoint, methods=["POST"]
    ),
    Route("/v2/provider/{namespace}", list_hardware, methods=["GET"]),
]


# --------------------------------------------------------------------------- data plane


def _scale_up_timeout(scope: Scope) -> float | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == b"x-scale-up-timeout":
            try:
                seconds = float(value.decode("latin-1"))
            except ValueError:
                return None
            return seconds if seconds > 0 else None
    return None


class DataPlaneGate:
    """ASGI middleware in front of ``/tgi/{name}`` and ``/tei/{name}``: endpoint states.

    Requests to a name that is not an emulated endpoint pass through untouched (plain
    emulated TGI/TEI servers), except the name of a deleted endpoint: its URL answers
    404 until an endpoint of that name is created again. Install it *inside* the auth
    middleware.
    """

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if _SERVER_ROOT.match(scope["path"]):
                # an endpoint URL is a server root: POST {url} is POST {url}/ (TGI's compat
                # route), not a redirect from the mount
                scope = {**scope, "path": scope["path"] + "/"}
                if scope.get("raw_path"):
                    scope["raw_path"] = scope["raw_path"] + b"/"
            match = _DATA_PLANE.match(scope["path"])
            store = self.state.extensions.get(EXTENSION_KEY)
            if match and isinstance(store, EndpointStore):
                name = match.group(2)
                ep = store.by_name(name)
                if ep is None and name in store.deleted:
                    gone = JSONResponse({"error": "Not Found"}, status_code=404)
                    await gone(scope, receive, send)
                    return
                if ep is not None:
                    refusal = await self._gate(store, ep, _scale_up_timeout(scope))
                    if refusal is not None:
                        await refusal(scope, receive, send)
                        return
        await self.app(scope, receive, send)

    async def _gate(
        self, store: EndpointStore, ep: EmulatedEndpoint, hold: float | None
    ) -> Response | None:
        now = store.state.clock()
        store.advance(ep, now)
        if ep.state == "paused":
            return JSONResponse(PAUSED_BODY, status_code=400)
        if ep.state == "scaledToZero":  # traffic wakes it
            store.enter(ep, "initializing", now, lasts=store.timings.waking, then="running")
        if ep.state in ("pending", "initializing") and hold is not None:
            # Hold the request until the endpoint runs or X-Scale-Up-Timeout passes.
            deadline = now + store._scaled(hold)
            for _ in range(8):  # a timer may fire a hair early: sleep the rest again
                ends = ep.phase_started + (ep.phase_duration or 0.0)
                if ep.state == "pending":
                    ends += store._scaled(store.timings.initializing)
                wait = min(ends, deadline) - now
                if wait <= 0 or ep.state not in ("pending", "initializing"):
                    break
                await anyio.sleep(wait + 0.0005)
                now = store.state.clock()
                store.advance(ep, now)
        if ep.state in ("running", "updating", "updateFailed"):
            ep.last_used = now
            ep.last_used_at = _now_iso()
            return None
        return JSONResponse(WAKING_BODY, status_code=503)
