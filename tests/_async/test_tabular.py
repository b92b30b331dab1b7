"""Typed tabular tasks (classify_table / regress_table) against the emulator (both twins)."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, InvalidArgument

from ..conftest import EMULATOR_TOKEN

TABLE = {"fixed_acidity": ["7.4", "2.0"], "alcohol": [9.4, 1.5], "colour": ["red", "white"]}


def client_for(emulator: Any) -> AsyncHfInferenceClient:
    return AsyncHfInferenceClient(
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        token=EMULATOR_TOKEN,
        default_provider="hf-inference",
    )


@pytest.mark.anyio
async def test_classify_table(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        labels = await client.text.classify_table("julien-c/wine-quality", TABLE)
        default = await client.text.classify_table(table=TABLE)  # the Hub's default model
    # the emulator labels a row "1" when its numbers add up to more than 10
    assert labels == ["1", "0"]
    assert default == labels


@pytest.mark.anyio
async def test_regress_table(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        values = await client.text.regress_table("scikit-learn/Fish-Weight", TABLE)
    assert values == [pytest.approx(16.8), pytest.approx(3.5)]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("table", "match"),
    [
        ({}, "at least one column"),
        ({"a": ["1", "2"], "b": ["1"]}, "same number"),
        ({"a": [["nested"]]}, "tabular-classification"),
        ("a,b\n1,2", "mapping"),
    ],
)
async def test_bad_tables_are_refused_before_sending(
    emulator: Any, no_env: None, table: Any, match: str
) -> None:
    before = emulator.state.request_count
    async with client_for(emulator) as client:
        with pytest.raises(InvalidArgument, match=match):
            await client.text.classify_table("julien-c/wine-quality", table)
    assert emulator.state.request_count == before
