"""Dedicated Inference Endpoints, the parts without I/O.

* :mod:`.names` -- endpoint names and namespaces, validated before they reach a URL;
* :mod:`.bodies` -- create / update bodies and image variants (WIRE §f.5);
* :mod:`.requests` -- the management API requests (WIRE §f.2);
* :mod:`.states` -- the state machine decisions of ``wait`` and of inference routing;
* :mod:`.cache` -- the endpoint lookup cache (TTL, injectable clock).

The I/O lives in ``_async/endpoints.py`` (and its generated ``_sync`` twin).
"""

from __future__ import annotations

from .bodies import (
    IMAGE_VARIANTS,
    create_body,
    image_spec,
    image_with_parallelism,
    normalize_image,
    update_body,
)
from .cache import EndpointCache
from .names import (
    EndpointRef,
    parse_endpoint_ref,
    quote_segment,
    validate_endpoint_name,
    validate_namespace,
)
from .requests import endpoint_url, health_request, management_request
from .states import (
    FAILED_STATES,
    STATES,
    PollSchedule,
    Route,
    RouteAction,
    WaitAction,
    WaitProgress,
    failure_message,
    health_route,
    route_decision,
    state_of,
    url_of,
    validate_until,
    wait_decision,
)

__all__ = [
    "FAILED_STATES",
    "IMAGE_VARIANTS",
    "STATES",
    "EndpointCache",
    "EndpointRef",
    "PollSchedule",
    "Route",
    "RouteAction",
    "WaitAction",
    "WaitProgress",
    "create_body",
    "endpoint_url",
    "failure_message",
    "health_request",
    "health_route",
    "image_spec",
    "image_with_parallelism",
    "management_request",
    "normalize_image",
    "parse_endpoint_ref",
    "quote_segment",
    "route_decision",
    "state_of",
    "update_body",
    "url_of",
    "validate_endpoint_name",
    "validate_namespace",
    "validate_until",
    "wait_decision",
]
