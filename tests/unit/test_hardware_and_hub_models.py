"""The hardware catalogue reader and the Hub model reader (no I/O)."""

from __future__ import annotations

import json

import pytest

from hf_inference_endpoints import HfInferenceConfig, InvalidArgument, ServerError
from hf_inference_endpoints._endpoints.hardware import (
    HardwareFilter,
    flatten_catalog,
    hardware_request,
    parse_hardware,
)
from hf_inference_endpoints._hub_models import hub_model, parse_models_page

CATALOG = {
    "vendors": [
        {
            "name": "aws",
            "status": "available",
            "regions": [
                {
                    "name": "us-east-1",
                    "label": "N. Virginia",
                    "status": "available",
                    "computes": [
                        {
                            "instanceType": "nvidia-l4",
                            "instanceSize": "x1",
                            "accelerator": "gpu",
                            "pricePerHour": 0.8,
                            "status": "available",
                            "extraField": 1,
                        },
                        {
                            "instanceType": "intel-spr",
                            "instanceSize": "x2",
                            "accelerator": "cpu",
                            "status": "notAvailable",
                        },
                    ],
                }
            ],
        }
    ]
}


def test_the_catalogue_is_flattened_with_vendor_region_and_availability() -> None:
    catalog = parse_hardware(json.dumps(CATALOG).encode())
    items = flatten_catalog(catalog, HardwareFilter())
    assert [(i.vendor, i.region, i.regionLabel, i.instanceType, i.available) for i in items] == [
        ("aws", "us-east-1", "N. Virginia", "nvidia-l4", True),
        ("aws", "us-east-1", "N. Virginia", "intel-spr", False),
    ]
    assert items[0].pricePerHour == 0.8 and items[1].pricePerHour is None  # not given
    assert items[0].model_extra == {"extraField": 1}  # unknown fields are kept


def test_the_older_items_shape_is_read_as_vendors() -> None:
    older = json.dumps({"items": CATALOG["vendors"]}).encode()
    assert len(flatten_catalog(parse_hardware(older), HardwareFilter())) == 2


@pytest.mark.parametrize(
    ("keep", "types"),
    [
        (HardwareFilter.checked(accelerator="GPU"), ["nvidia-l4"]),
        (HardwareFilter.checked(available_only=True), ["nvidia-l4"]),
        (HardwareFilter.checked(vendor="gcp"), []),
        (HardwareFilter.checked(region="us-east-1", instance_type="intel-spr"), ["intel-spr"]),
    ],
)
def test_filters(keep: HardwareFilter, types: list[str]) -> None:
    items = flatten_catalog(parse_hardware(json.dumps(CATALOG).encode()), keep)
    assert [i.instanceType for i in items] == types


@pytest.mark.parametrize("bad", [{"vendor": ""}, {"region": 3}, {"available_only": 1}])
def test_bad_filters(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        HardwareFilter.checked(**bad)  # type: ignore[arg-type]


def test_hardware_request_escapes_the_namespace() -> None:
    request = hardware_request(HfInferenceConfig(token="hf_x"), "acme")
    assert request.method == "GET"
    assert request.url == "https://api.endpoints.huggingface.cloud/v2/provider/acme"
    assert request.headers["authorization"] == "Bearer hf_x"


def test_a_hub_model_reads_both_mapping_shapes_in_order() -> None:
    as_object = hub_model(
        {
            "id": "org/m",
            "inferenceProviderMapping": {
                "groq": {"providerId": "m", "status": "live", "task": "conversational"},
                "together": {"providerId": "t/m", "status": "staging", "task": "conversational"},
            },
        }
    )
    as_list = hub_model(
        {
            "id": "org/m",
            "inferenceProviderMapping": [
                {"provider": "groq", "providerId": "m", "status": "live", "task": "conversational"},
                {
                    "provider": "together",
                    "providerId": "t/m",
                    "status": "staging",
                    "task": "conversational",
                },
            ],
        }
    )
    assert as_object.inferenceProviderMapping == as_list.inferenceProviderMapping
    assert [(e.provider, e.status) for e in as_list.inferenceProviderMapping] == [
        ("groq", "live"),
        ("together", "staging"),
    ]


@pytest.mark.parametrize("page", [b"{}", b"not json", b'[{"id": 3}]', b'["org/m"]'])
def test_an_unreadable_models_page(page: bytes) -> None:
    with pytest.raises(ServerError):
        parse_models_page(page)
