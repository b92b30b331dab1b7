"""The emulator's model fills tool arguments and schema-less JSON from the prompt."""

from __future__ import annotations

import json

from hf_inference_endpoints.emulator.generation import (
    generate_chat,
    json_without_schema,
    tool_arguments,
)

ADDER = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}


def test_numeric_parameters_take_the_numbers_of_the_prompt_in_order() -> None:
    assert tool_arguments(ADDER, "What is 12 + -3?") == {"a": 12, "b": -3}


def test_string_parameters_take_the_quoted_phrases_in_order() -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "note": {"type": "string"}},
    }
    got = tool_arguments(schema, "Create a customer named '你好啊集团' (Hello Group)")
    assert got == {"name": "你好啊集团", "note": "emulated-note"}


def test_a_number_outside_the_schema_bounds_is_not_used() -> None:
    schema = {
        "type": "object",
        "properties": {
            "input": {"type": "integer", "exclusiveMinimum": -10, "exclusiveMaximum": 10}
        },
    }
    assert tool_arguments(schema, "magic_function(3)") == {"input": 3}
    assert tool_arguments(schema, "magic_function(30)") == {"input": -9}  # schema's own value
    assert tool_arguments(schema, "magic_function(2.5)") == {"input": -9}  # not an integer


def test_parameters_without_a_match_get_the_schema_value() -> None:
    assert tool_arguments(ADDER, "no numbers here") == {"a": 1, "b": 1}
    assert tool_arguments({"type": "object", "properties": {}}, "7") == {}


def test_a_forced_tool_call_carries_the_prompt_arguments() -> None:
    body = {
        "messages": [{"role": "user", "content": "What is 1 + 2"}],
        "tools": [{"type": "function", "function": {"name": "add", "parameters": ADDER}}],
        "tool_choice": "required",
    }
    result = generate_chat(body)
    assert result.finish_reason == "tool_calls"
    assert json.loads(result.tool_calls[0].arguments) == {"a": 1, "b": 2}


def test_json_mode_without_schema_uses_the_keys_the_prompt_quotes() -> None:
    assert json_without_schema("JSON with 'setup' and \"punchline\" keys", "r") == {
        "setup": "emulated-setup",
        "punchline": "emulated-punchline",
    }
    assert json_without_schema("just JSON please", "the reply") == {"reply": "the reply"}
    body = {
        "messages": [{"role": "user", "content": "Answer as JSON with 'city'."}],
        "response_format": {"type": "json_object"},
    }
    assert json.loads(generate_chat(body).content or "") == {"city": "emulated-city"}
