"""The hardware catalogue of the management API, read and filtered (no I/O).

``GET {api}/v2/provider/{namespace}`` answers vendors -> regions -> computes (docs/wire.md
§6.2), with each compute's price per hour and the namespace's quota where the API gives
them; older API versions say ``items`` instead of ``vendors``. The client flattens it into
one :class:`~hf_inference_endpoints.models.HardwareInstance` per vendor x region x
instance, which is what ``create(vendor=, region=, accelerator=, instance_type=,
instance_size=)`` takes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._config import HfInferenceConfig
from .._errors import ErrorContext, InvalidArgument
from .._request import PreparedRequest
from .._routing.headers import base_headers
from .names import quote_segment

if TYPE_CHECKING:
    from ..models import HardwareInstance

__all__ = ["HardwareFilter", "flatten_catalog", "hardware_request", "parse_hardware"]

_AVAILABLE = "available"


@dataclass(frozen=True)
class HardwareFilter:
    """What ``list_hardware`` keeps: exact matches, case-insensitive; None keeps all.

    Example:
        >>> f = HardwareFilter.checked(vendor="AWS", accelerator="gpu")
        >>> f.vendor, f.accelerator, f.region
        ('aws', 'gpu', None)
    """

    vendor: str | None = None
    region: str | None = None
    accelerator: str | None = None
    instance_type: str | None = None
    available_only: bool = False

    @classmethod
    def checked(
        cls,
        *,
        vendor: Any = None,
        region: Any = None,
        accelerator: Any = None,
        instance_type: Any = None,
        available_only: Any = False,
    ) -> HardwareFilter:
        """The filter, its arguments checked.

        Raises:
            InvalidArgument: A filter is not a non-empty string, or ``available_only``
                is not a bool.
        """
        values: dict[str, str | None] = {}
        for name, value in (
            ("vendor", vendor),
            ("region", region),
            ("accelerator", accelerator),
            ("instance_type", instance_type),
        ):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InvalidArgument(f"{name} must be a non-empty string, got {value!r}")
            values[name] = value.strip().lower() if isinstance(value, str) else None
        if type(available_only) is not bool:
            raise InvalidArgument(f"available_only must be True or False, got {available_only!r}")
        return cls(**values, available_only=available_only)

    def keeps(self, item: HardwareInstance) -> bool:
        """Whether ``item`` passes every filter."""
        for wanted, value in (
            (self.vendor, item.vendor),
            (self.region, item.region),
            (self.accelerator, item.accelerator),
            (self.instance_type, item.instanceType),
        ):
            if wanted is not None and (value or "").lower() != wanted:
                return False
        return item.available or not self.available_only


def hardware_request(config: HfInferenceConfig, namespace: str) -> PreparedRequest:
    """``GET {api}/v2/provider/{namespace}``: the catalogue with the namespace's quota.

    Example:
        >>> hardware_request(HfInferenceConfig(), "acme").url
        'https://api.endpoints.huggingface.cloud/v2/provider/acme'
    """
    url = f"{config.endpoints_api_url}/v2/provider/{quote_segment(namespace)}"
    headers = base_headers(config.token_value, user_agent_extra=config.user_agent)
    headers["accept"] = "application/json"
    return PreparedRequest("GET", url, headers, context=ErrorContext(), task="endpoints")


def parse_hardware(content: bytes) -> Any:
    """The catalogue (``HardwareCatalog``); ``{"items": [...]}`` is read as ``vendors``.

    Raises:
        ValueError: Not JSON, or not the catalogue's shape.
    """
    from ..models import HardwareCatalog

    data = json.loads(content)
    if isinstance(data, dict) and "vendors" not in data and "items" in data:
        data = {**data, "vendors": data["items"]}
    return HardwareCatalog.model_validate(data)


def _ok(status: str | None) -> bool:
    return status is None or status == _AVAILABLE


def flatten_catalog(catalog: Any, keep: HardwareFilter) -> list[HardwareInstance]:
    """One ``HardwareInstance`` per vendor x region x compute that ``keep`` keeps.

    Example:
        >>> from hf_inference_endpoints.models import HardwareCatalog
        >>> catalog = HardwareCatalog.model_validate({"vendors": [{"name": "aws", "regions": [
        ...     {"name": "us-east-1", "computes": [{"instanceType": "nvidia-l4",
        ...      "instanceSize": "x1", "accelerator": "gpu", "pricePerHour": 0.8}]}]}]})
        >>> [(i.vendor, i.region, i.instanceType, i.pricePerHour)
        ...  for i in flatten_catalog(catalog, HardwareFilter())]
        [('aws', 'us-east-1', 'nvidia-l4', 0.8)]
    """
    from ..models import HardwareInstance

    out: list[HardwareInstance] = []
    for vendor in catalog.vendors:
        for region in vendor.regions:
            for compute in region.computes:
                fields = compute.model_dump()
                fields.update(
                    vendor=vendor.name,
                    region=region.name,
                    regionLabel=region.label,
                    available=_ok(vendor.status) and _ok(region.status) and _ok(compute.status),
                )
                item = HardwareInstance.model_validate(fields)
                if keep.keeps(item):
                    out.append(item)
    return out
