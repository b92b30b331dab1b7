"""Text tasks on the wire (WIRE.md §d.1): exact bodies and headers, and real answer shapes."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import ValidationError
from hf_inference_endpoints.models import (
    FillMaskOutputElement,
    QuestionAnsweringOutputElement,
    SummarizationOutput,
    TableQuestionAnsweringOutputElement,
    TextClassificationOutputElement,
    TokenClassificationOutputElement,
    TranslationOutput,
    ZeroShotClassificationOutputElement,
)

from .task_wire import ROUTER, TOKEN, json_of, parse, wire


def test_text_classification_request() -> None:
    request = wire("text-classification", "I like you", {"top_k": 2, "function_to_apply": None})
    assert request.method == "POST"
    assert request.url == f"{ROUTER}/org/model"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "accept" not in request.headers
    assert request.expect == "json"
    assert json_of(request) == {"inputs": "I like you", "parameters": {"top_k": 2}}


def test_text_classification_without_options_sends_no_parameters() -> None:
    assert json_of(wire("text-classification", "I like you")) == {"inputs": "I like you"}


def test_text_classification_answers_nested_and_flat() -> None:
    nested = [
        [
            {"label": "POSITIVE", "score": 0.9998695850372314},
            {"label": "NEGATIVE", "score": 0.0001304351753788069},
        ]
    ]
    out = parse("text-classification", nested)
    assert out == [
        TextClassificationOutputElement(label="POSITIVE", score=0.9998695850372314),
        TextClassificationOutputElement(label="NEGATIVE", score=0.0001304351753788069),
    ]
    assert parse("text-classification", nested[0]) == out


def test_token_classification() -> None:
    request = wire(
        "token-classification",
        "My name is Sarah and I live in London",
        {"aggregation_strategy": "simple", "ignore_labels": ["O"], "stride": 0},
    )
    assert json_of(request) == {
        "inputs": "My name is Sarah and I live in London",
        "parameters": {"aggregation_strategy": "simple", "ignore_labels": ["O"], "stride": 0},
    }
    answer = [
        {"entity_group": "PER", "score": 0.9985, "word": "Sarah", "start": 11, "end": 16},
        {"entity_group": "LOC", "score": 0.9993, "word": "London", "start": 31, "end": 37},
    ]
    out = parse("token-classification", answer)
    assert out == [TokenClassificationOutputElement(**a) for a in answer]
    assert [(e.entity_group, e.start, e.end) for e in out] == [("PER", 11, 16), ("LOC", 31, 37)]


def test_zero_shot_classification_request() -> None:
    request = wire(
        "zero-shot-classification",
        "The rocket reached orbit.",
        {"candidate_labels": ["space", "cooking"], "multi_label": False},
    )
    assert json_of(request) == {
        "inputs": "The rocket reached orbit.",
        "parameters": {"candidate_labels": ["space", "cooking"], "multi_label": False},
    }


def test_zero_shot_classification_requires_labels() -> None:
    with pytest.raises(ValidationError, match="candidate_labels"):
        wire("zero-shot-classification", "text", {})
    with pytest.raises(ValidationError, match="candidate_labels"):
        wire("zero-shot-classification", "text", {"candidate_labels": []})


@pytest.mark.parametrize(
    "answer",
    [
        [{"label": "space", "score": 0.98}, {"label": "cooking", "score": 0.02}],
        {
            "sequence": "The rocket reached orbit.",
            "labels": ["space", "cooking"],
            "scores": [0.98, 0.02],
        },
        [
            {
                "sequence": "The rocket reached orbit.",
                "labels": ["space", "cooking"],
                "scores": [0.98, 0.02],
            }
        ],
    ],
    ids=["current", "legacy", "legacy-wrapped"],
)
def test_zero_shot_classification_both_answer_shapes(answer: Any) -> None:
    assert parse("zero-shot-classification", answer) == [
        ZeroShotClassificationOutputElement(label="space", score=0.98),
        ZeroShotClassificationOutputElement(label="cooking", score=0.02),
    ]


def test_zero_shot_classification_legacy_with_uneven_lists_is_refused() -> None:
    with pytest.raises(ValueError, match="labels and scores"):
        parse("zero-shot-classification", {"labels": ["a", "b"], "scores": [1.0]})


def test_fill_mask() -> None:
    request = wire(
        "fill-mask", "The goal of life is <mask>.", {"top_k": 2, "targets": ["happiness"]}
    )
    assert json_of(request) == {
        "inputs": "The goal of life is <mask>.",
        "parameters": {"top_k": 2, "targets": ["happiness"]},
    }
    one = {
        "score": 0.069,
        "token": 11098,
        "token_str": " happiness",
        "sequence": "The goal of life is happiness.",
    }
    two = {
        "score": 0.065,
        "token": 45075,
        "token_str": " immortality",
        "sequence": "The goal of life is immortality.",
    }
    assert parse("fill-mask", [one, two]) == [
        FillMaskOutputElement(**one),
        FillMaskOutputElement(**two),
    ]
    # several masks: one list per mask, flattened mask by mask
    assert parse("fill-mask", [[one], [two]]) == [
        FillMaskOutputElement(**one),
        FillMaskOutputElement(**two),
    ]


def test_question_answering() -> None:
    request = wire(
        "question-answering",
        {"question": "What is the meaning of life?", "context": "42"},
        {"top_k": 1, "handle_impossible_answer": False},
    )
    assert json_of(request) == {
        "inputs": {"question": "What is the meaning of life?", "context": "42"},
        "parameters": {"top_k": 1, "handle_impossible_answer": False},
    }
    answer = {"score": 1.4291124728060822e-08, "start": 0, "end": 2, "answer": "42"}
    assert parse("question-answering", answer) == [QuestionAnsweringOutputElement(**answer)]
    assert parse("question-answering", [answer, {**answer, "score": 0.0}]) == [
        QuestionAnsweringOutputElement(**answer),
        QuestionAnsweringOutputElement(**{**answer, "score": 0.0}),
    ]


def test_question_answering_checks_its_inputs() -> None:
    with pytest.raises(ValidationError, match="context"):
        wire("question-answering", {"question": "Why?"})
    with pytest.raises(ValidationError, match="inputs must be a mapping"):
        wire("question-answering", "Why?")


def test_table_question_answering() -> None:
    table = {"Repository": ["Transformers", "Datasets"], "Stars": ["36542", "4512"]}
    request = wire(
        "table-question-answering",
        {"query": "How many stars does transformers have?", "table": table},
        {"truncation": True},
    )
    assert json_of(request) == {
        "inputs": {"query": "How many stars does transformers have?", "table": table},
        "parameters": {"truncation": True},
    }
    answer = {
        "answer": "AVERAGE > 36542",
        "coordinates": [[0, 1]],
        "cells": ["36542"],
        "aggregator": "AVERAGE",
    }
    expected = TableQuestionAnsweringOutputElement(**answer)
    assert parse("table-question-answering", answer) == expected
    assert parse("table-question-answering", [answer]) == expected


def test_table_cells_must_be_strings() -> None:
    with pytest.raises(ValidationError, match="table"):
        wire("table-question-answering", {"query": "q", "table": {"Stars": [36542]}})


def test_summarization() -> None:
    request = wire(
        "summarization",
        "The tower is 324 metres tall.",
        {"generate_parameters": {"max_length": 20}, "truncation": "only_first"},
    )
    assert json_of(request) == {
        "inputs": "The tower is 324 metres tall.",
        "parameters": {"generate_parameters": {"max_length": 20}, "truncation": "only_first"},
    }
    assert parse("summarization", [{"summary_text": "A tall tower."}]) == SummarizationOutput(
        summary_text="A tall tower."
    )


def test_translation() -> None:
    request = wire("translation", "Hello world", {"src_lang": "en_XX", "tgt_lang": "fr_XX"})
    assert json_of(request) == {
        "inputs": "Hello world",
        "parameters": {"src_lang": "en_XX", "tgt_lang": "fr_XX"},
    }
    assert parse("translation", [{"translation_text": "Hallo Welt"}]) == TranslationOutput(
        translation_text="Hallo Welt"
    )


def test_empty_one_element_list_is_refused() -> None:
    with pytest.raises(ValueError, match="empty list"):
        parse("translation", [])


@pytest.mark.parametrize(
    ("task", "params", "field"),
    [
        ("text-classification", {"top_k": "5"}, "top_k"),
        ("text-classification", {"function_to_apply": "relu"}, "function_to_apply"),
        ("token-classification", {"stride": -1}, "stride"),
        ("translation", {"src_lang": 1}, "src_lang"),
        ("question-answering", {"max_answer_len": 0}, "max_answer_len"),
    ],
)
def test_options_are_checked_strictly(task: str, params: dict[str, Any], field: str) -> None:
    inputs: Any = {"question": "q", "context": "c"} if task == "question-answering" else "text"
    with pytest.raises(ValidationError, match=f"nothing was sent.*{field}"):
        wire(task, inputs, params)


def test_text_input_must_be_a_string() -> None:
    with pytest.raises(ValidationError, match="must be a string"):
        wire("token-classification", ["a", "b"])  # a task the service runs on one text
    with pytest.raises(ValidationError, match="item 1 is int"):
        wire("summarization", ["a", 1])
    with pytest.raises(ValidationError, match="must not be empty"):
        wire("translation", [])


@pytest.mark.parametrize(
    "task", ["text-classification", "fill-mask", "summarization", "translation"]
)
def test_a_batch_of_texts_is_sent_as_one_list(task: str) -> None:
    assert json_of(wire(task, ["first", "second"])) == {"inputs": ["first", "second"]}


def _batch_parse(task: str, data: Any) -> Any:
    from hf_inference_endpoints._tasks import get_task

    spec = get_task(task)
    assert spec is not None and spec.parse_batch is not None
    return spec.parse_batch(data)


def test_batch_answers_give_one_result_per_text() -> None:
    labels = [[{"label": "POSITIVE", "score": 0.9}], [{"label": "NEGATIVE", "score": 0.8}]]
    assert _batch_parse("text-classification", labels) == [
        [TextClassificationOutputElement(label="POSITIVE", score=0.9)],
        [TextClassificationOutputElement(label="NEGATIVE", score=0.8)],
    ]
    assert _batch_parse("translation", [{"translation_text": "a"}, {"translation_text": "b"}]) == [
        TranslationOutput(translation_text="a"),
        TranslationOutput(translation_text="b"),
    ]
    assert _batch_parse("summarization", [{"summary_text": "x"}]) == [
        SummarizationOutput(summary_text="x")
    ]
    one = {"sequence": "a b", "score": 0.5, "token": 1, "token_str": "b"}
    two = {"sequence": "c d", "score": 0.4, "token": 2, "token_str": "d"}
    # text 1 has one mask, text 2 has two masks (a list per mask)
    out = _batch_parse("fill-mask", [[one], [[two], [one]]])
    assert [[c.token_str for c in text] for text in out] == [["b"], ["d", "b"]]
    with pytest.raises(ValueError, match="a batch answer is a list"):
        _batch_parse("translation", {"translation_text": "a"})
