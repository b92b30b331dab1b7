"""A pydantic class as chat response_format: the wire form, per provider (no I/O)."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel

from hf_inference_endpoints import InvalidArgument, StructuredOutputError
from hf_inference_endpoints._routing.providers import get_helper
from hf_inference_endpoints._structured import apply_response_format, parse_structured
from hf_inference_endpoints.models import ChatCompletion


class City(BaseModel):
    name: Literal["Paris"]
    population: int
    capital: bool


def test_class_becomes_a_strict_json_schema() -> None:
    params: dict[str, Any] = {"response_format": City}
    assert apply_response_format(params) is City
    fmt = params["response_format"]
    assert fmt["type"] == "json_schema"
    spec = fmt["json_schema"]
    assert spec["name"] == "City" and spec["strict"] is True
    assert spec["schema"]["required"] == ["name", "population", "capital"]
    assert spec["schema"]["additionalProperties"] is False


@pytest.mark.parametrize("bad", [dict, 42, "json"])
def test_a_response_format_that_is_not_a_model_is_refused(bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="response_format"):
        apply_response_format({"response_format": bad})


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("groq", "strict"),  # plain OpenAI: the json_schema form, strict
        ("hf-inference", "tgi"),  # TGI: {"type": "json_object", "value": schema}
        ("cohere", "json_object_schema"),
    ],
)
def test_each_provider_gets_its_form(provider: str, expected: str) -> None:
    params: dict[str, Any] = {"response_format": City}
    apply_response_format(params)
    schema = params["response_format"]["json_schema"]["schema"]
    body = {"messages": [{"role": "user", "content": "hi"}], **params}
    sent = get_helper(provider, "conversational").payload("conversational", "m", body)
    assert isinstance(sent, dict)
    fmt = sent["response_format"]
    if expected == "strict":
        assert fmt == {
            "type": "json_schema",
            "json_schema": {"name": "City", "schema": schema, "strict": True},
        }
    elif expected == "tgi":
        assert fmt == {"type": "json_object", "value": schema}
    else:
        assert fmt == {"type": "json_object", "schema": schema}


def test_a_tool_call_reply_has_no_parsed_value_and_no_text_raises() -> None:
    calls = ChatCompletion.model_validate(
        {"choices": [{"index": 0, "message": {"role": "assistant", "tool_calls": [{"id": "c"}]}}]}
    )
    assert parse_structured(calls, City).choices[0].message.parsed is None
    empty = ChatCompletion.model_validate(
        {"choices": [{"index": 1, "message": {"role": "assistant", "content": None}}]}
    )
    with pytest.raises(StructuredOutputError) as caught:
        parse_structured(empty, City)
    assert caught.value.raw is None and caught.value.choice_index == 1
