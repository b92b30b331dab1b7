"""The pure engines: generation helpers and embeddings (no HTTP)."""

from __future__ import annotations

import math

import pytest

from hf_inference_endpoints.emulator.embeddings import cosine, embed, floats_to_base64
from hf_inference_endpoints.emulator.generation import (
    InputError,
    generate_chat,
    generate_text,
    tokenize,
    value_from_schema,
)


@pytest.mark.parametrize("text", ["", "one", " lead", "a  b\tc\n d", "trailing "])
def test_tokenize_round_trips(text: str) -> None:
    assert "".join(tokenize(text)) == text.rstrip()
    assert len(tokenize(text)) == len(text.split())


def test_value_from_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "s": {"type": "string", "minLength": 20},
            "e": {"enum": ["x", "y"]},
            "n": {"type": ["null", "number"], "exclusiveMinimum": 2},
            "i": {"type": "integer", "maximum": 0},
            "a": {"type": "array", "items": {"type": "boolean"}, "minItems": 2},
            "o": {
                "anyOf": [
                    {"type": "null"},
                    {"type": "object", "properties": {"d": {"format": "date"}}},
                ]
            },
            "c": {"const": 5},
        },
    }
    value = value_from_schema(schema)
    assert len(value["s"]) >= 20
    assert value["e"] == "x"
    assert value["n"] == 3.0
    assert value["i"] == 0
    assert value["a"] == [True, True]
    assert value["o"] == {"d": "2025-01-01"}
    assert value["c"] == 5


def test_chat_seed_changes_logprobs_not_text() -> None:
    body = {"messages": [{"role": "user", "content": "hi there"}]}
    a = generate_chat({**body, "seed": 1})
    b = generate_chat({**body, "seed": 2})
    assert a.tokens == b.tokens
    assert a.seed != b.seed


def test_text_generation_truncate_param() -> None:
    gen = generate_text({"inputs": "a b c d", "parameters": {"truncate": 2}})
    assert gen.input_tokens == ("c", "d")
    with pytest.raises(InputError):
        generate_text({"inputs": "a b c", "parameters": {}}, max_input_tokens=2)


def test_embeddings_properties() -> None:
    v = embed("m", "text", dim=64, seed=3)
    assert len(v) == 64
    assert math.isclose(sum(x * x for x in v), 1.0)
    assert v == embed("m", "text", dim=64, seed=3)
    assert v != embed("m", "text", dim=64, seed=4)
    assert v != embed("other", "text", dim=64, seed=3)
    assert cosine(v, v) == pytest.approx(1.0)
    assert isinstance(floats_to_base64(v), str)
    with pytest.raises(ValueError, match="dim"):
        embed("m", "t", dim=0)
