"""The emulator's hardware catalogue: ``GET /endpoints-api/v2/provider/{namespace}``.

A made-up but plausible offer in the management API's shape (docs/wire.md §6.2):
vendors -> regions -> computes, each compute with an hourly price and the namespace's
accelerator quota. ``usedAccelerators`` counts the accelerators of the namespace's
endpoints on that instance type that are not paused (what the real quota counts, per the
IE docs). The prices and sizes are illustrative, not HF's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CATALOG", "Offer", "catalog_json"]


@dataclass(frozen=True)
class Offer:
    """One instance type a region offers, in the sizes it comes in."""

    instance_type: str
    accelerator: str
    architecture: str
    sizes: tuple[int, ...]  # accelerators (or vCPU groups) per replica: x1, x2, x4...
    price_per_unit: float  # USD per hour for x1; a size costs its multiple
    memory_gb_per_unit: int
    gpu_memory_gb: int | None = None
    cpus_per_unit: int = 4
    max_accelerators: int = 8
    status: str = "available"


_CPU = Offer("intel-spr", "cpu", "Intel Sapphire Rapids", (1, 2, 4, 8), 0.033, 2, None, 1, 64)
_T4 = Offer("nvidia-t4", "gpu", "NVIDIA T4", (1, 4), 0.5, 16, 16, 4, 4)
_L4 = Offer("nvidia-l4", "gpu", "NVIDIA L4", (1, 4), 0.8, 30, 24, 8, 8)
_L40S = Offer("nvidia-l40s", "gpu", "NVIDIA L40S", (1, 4, 8), 1.8, 62, 48, 8, 8)
_A100 = Offer("nvidia-a100", "gpu", "NVIDIA A100", (1, 2, 4, 8), 2.5, 142, 80, 12, 8)
_H100 = Offer("nvidia-h100", "gpu", "NVIDIA H100", (1, 2, 4, 8), 4.5, 234, 80, 24, 8)
_INF2 = Offer("inf2", "neuron", "AWS Inferentia2", (1, 12), 0.75, 32, 32, 4, 12)

#: vendor -> (vendor status, [(region, label, region status, offers)]).
CATALOG: dict[str, tuple[str, list[tuple[str, str, str, tuple[Offer, ...]]]]] = {
    "aws": (
        "available",
        [
            ("us-east-1", "N. Virginia", "available", (_CPU, _T4, _L4, _L40S, _A100, _H100, _INF2)),
            ("eu-west-1", "Ireland", "available", (_CPU, _T4, _L4)),
        ],
    ),
    "gcp": (
        "available",
        [("us-east4", "N. Virginia", "available", (_CPU, _L4, _H100))],
    ),
    "azure": (
        "notAvailable",
        [("eastus", "Virginia", "notAvailable", (_CPU, _A100))],
    ),
}


def _size_name(units: int) -> str:
    return f"x{units}"


def catalog_json(
    vendor_region_used: dict[tuple[str, str, str], int] | None = None,
) -> dict[str, Any]:
    """The catalogue as the API answers it.

    Args:
        vendor_region_used: ``(vendor, region, instanceType)`` -> accelerators the
            namespace uses there.
    """
    used = vendor_region_used or {}
    vendors = []
    for vendor, (vendor_status, regions) in CATALOG.items():
        out_regions = []
        for region, label, region_status, offers in regions:
            computes = []
            for offer in offers:
                for units in offer.sizes:
                    is_cpu = offer.accelerator == "cpu"
                    computes.append(
                        {
                            "id": f"{vendor}-{region}-{offer.instance_type}-{_size_name(units)}",
                            "accelerator": offer.accelerator,
                            "numAccelerators": units,
                            "numCpus": offer.cpus_per_unit * units if not is_cpu else 2 * units,
                            "memoryGb": offer.memory_gb_per_unit * units,
                            "gpuMemoryGb": offer.gpu_memory_gb,
                            "instanceType": offer.instance_type,
                            "instanceSize": _size_name(units),
                            "architecture": offer.architecture,
                            "status": offer.status,
                            "pricePerHour": round(offer.price_per_unit * units, 4),
                            "quota": {
                                "maxAccelerators": offer.max_accelerators,
                                "usedAccelerators": used.get(
                                    (vendor, region, offer.instance_type), 0
                                ),
                            },
                        }
                    )
            out_regions.append(
                {"name": region, "label": label, "status": region_status, "computes": computes}
            )
        vendors.append({"name": vendor, "status": vendor_status, "regions": out_regions})
    return {"vendors": vendors}
