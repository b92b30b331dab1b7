"""The no-I/O side of text-generation on completions providers (docs/wire.md §3, §4.3, §4.4).

Which stream format each provider's helper declares, the OpenAI completion-chunk parser
that yields TGI stream items, and the finish-reason mapping shared with non-streamed
answers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from hf_inference_endpoints._answers import answer_reader
from hf_inference_endpoints._call import Answer
from hf_inference_endpoints._errors import ErrorContext, StreamInterrupted
from hf_inference_endpoints._generation import (
    CompletionStreamParser,
    details_asked,
    parse_text_generation,
    text_generation_from_value,
    text_generation_stream_parser,
    tgi_finish_reason,
)
from hf_inference_endpoints._request import PreparedRequest
from hf_inference_endpoints._routing.providers import (
    answer_helper,
    get_helper,
    known_providers,
    registered,
)
from hf_inference_endpoints._routing.providers._openai import parse_completion
from hf_inference_endpoints._sse import SkipEvent
from hf_inference_endpoints.models import TextGenerationStreamOutput

COMPLETIONS_PROVIDERS = {"deepinfra", "featherless-ai", "nebius", "novita", "together"}
CONTEXT = ErrorContext(provider="together", model="org/m")


def chunk(text: Any = "", finish: Any = None, usage: Any = None, **choice: Any) -> str:
    """One completion chunk's data; ``choice`` adds fields to ``choices[0]``."""
    body: dict[str, Any] = {
        "id": "cmpl-1",
        "object": "text_completion",
        "choices": [{"index": 0, "text": text, "finish_reason": finish, **choice}],
    }
    if usage is not None:
        body["usage"] = usage
    return json.dumps(body)


# ------------------------------------------------------------------ stream formats


def test_each_text_generation_provider_declares_its_stream_format() -> None:
    helpers = {name: registered(name) for name in known_providers()}
    serving = {name for name, h in helpers.items() if h and "text-generation" in h.tasks}
    # a new provider with text-generation must be added to one side or the other
    assert serving == COMPLETIONS_PROVIDERS | {"hf-inference"}
    for name in COMPLETIONS_PROVIDERS:
        helper = get_helper(name, "text-generation")
        assert helper.stream_format("text-generation") == "openai-completions", name
        assert helper.stream_format("conversational") == "openai-chat", name
    assert get_helper("hf-inference", "text-generation").stream_format("text-generation") == "tgi"


def test_endpoints_urls_and_unknown_targets_stream_tgi_events() -> None:
    # a dedicated endpoint or a URL target answers like hf-inference (TGI)
    assert answer_helper("endpoint", "text-generation").stream_format("text-generation") == "tgi"
    assert answer_helper(None, "text-generation").stream_format("text-generation") == "tgi"


def test_the_stream_parser_follows_the_format() -> None:
    parse, needs_done = text_generation_stream_parser("tgi", CONTEXT)
    assert needs_done is False
    event = parse('{"index":1,"token":{"id":3,"text":"a","logprob":-1.0,"special":false}}')
    assert event.token is not None and event.token.id == 3
    parse, needs_done = text_generation_stream_parser("openai-completions", CONTEXT)
    assert needs_done is True
    assert isinstance(parse, CompletionStreamParser)
    # one parser per stream: the text so far is not shared
    other, _ = text_generation_stream_parser("openai-completions", CONTEXT)
    assert other is not parse
    # details only when the caller asked, as TGI sends them
    assert other(chunk("a", "stop")).details is None
    asked, _ = text_generation_stream_parser("openai-completions", CONTEXT, details=True)
    last = asked(chunk("a", "stop"))
    assert last.details is not None and last.details.finish_reason == "eos_token"


def sent_to(provider: str) -> PreparedRequest:
    """A text-generation request as sent to ``provider`` (its helper reads the answer)."""
    return PreparedRequest(
        "POST",
        f"https://r/{provider}/x",
        {},
        context=ErrorContext(provider=provider, model="org/m"),
        task="text-generation",
    )


def generated(details: bool = False) -> Answer:
    """The Answer client.text_generation.generate reads with."""
    return Answer(
        from_bytes=parse_text_generation,
        from_value=lambda value: text_generation_from_value(value, details=details),
    )


def read(provider: str, body: bytes, *, details: bool = False) -> Any:
    return answer_reader(sent_to(provider), generated(details))(body)


def test_the_answer_parser_follows_the_format() -> None:
    # TGI's own shape: hf-inference answers it as is (no parse_response on the way)
    assert get_helper("hf-inference", "text-generation").answers_as_hf("text-generation")
    out = read("hf-inference", b'[{"generated_text": "hi"}]')
    assert out.generated_text == "hi"
    # a completions provider: its helper rewrites choices[0].text into TGI's shape
    assert not get_helper("together", "text-generation").answers_as_hf("text-generation")
    answer = b'{"choices":[{"index":0,"text":"hey","finish_reason":"length"}]}'
    out = read("together", answer, details=True)
    assert out.generated_text == "hey"
    assert out.details is not None and out.details.finish_reason == "length"


def test_a_completion_answer_keeps_details_only_when_the_caller_asked() -> None:
    answer = json.dumps(
        {
            "choices": [{"index": 0, "text": "hey", "finish_reason": "stop", "seed": 5}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1},
        }
    ).encode()
    plain = read("together", answer)
    assert (plain.generated_text, plain.details) == ("hey", None)  # as TGI
    asked = read("together", answer, details=True)
    assert asked.details is not None
    assert asked.details.model_dump(exclude_none=True) == {
        "finish_reason": "eos_token",
        "generated_tokens": 1,
        "seed": 5,
    }


@pytest.mark.parametrize(
    ("parameters", "extra_body", "asked"),
    [
        ({}, None, False),
        ({"details": True}, None, True),
        ({"details": False}, None, False),
        ({}, {"details": True}, True),
        ({"details": True}, {"details": False}, False),  # extra_body wins over ours
        ({}, {"parameters": {"details": True}}, True),
        ({"details": True}, {"parameters": {"max_new_tokens": 2}}, False),  # replaced
        ({}, {"seed": 1}, False),
    ],
)
def test_details_asked_reads_the_body_sent(
    parameters: dict[str, Any], extra_body: dict[str, Any] | None, asked: bool
) -> None:
    body = {"inputs": "x", "parameters": parameters}
    assert details_asked(body, extra_body) is asked


# ---------------------------------------------------------------- the chunk parser


def test_chunks_become_tgi_items_and_the_finish_chunk_carries_the_whole_text() -> None:
    parse = CompletionStreamParser(CONTEXT, details=True)
    first = parse(chunk("Once"))
    second = parse(chunk(" upon", logprobs={"tokens": [" upon"], "token_logprobs": [-0.25]}))
    last = parse(chunk(" a", "length", seed=3, usage={"prompt_tokens": 2, "completion_tokens": 3}))
    assert all(isinstance(i, TextGenerationStreamOutput) for i in (first, second, last))
    assert [i.index for i in (first, second, last)] == [1, 2, 3]
    assert first.token is not None and second.token is not None and last.token is not None
    assert (first.token.id, first.token.text, first.token.logprob, first.token.special) == (
        0,
        "Once",
        None,
        False,
    )
    assert second.token.logprob == -0.25
    assert first.generated_text is None and first.details is None
    assert last.generated_text == "Once upon a"
    assert last.details is not None
    assert last.details.model_dump(exclude_none=True) == {
        "finish_reason": "length",
        "generated_tokens": 3,
        "input_length": 2,
        "seed": 3,
    }


@pytest.mark.parametrize(
    ("logprobs", "expected"),
    [
        ({"tokens": ["a", "b"], "token_logprobs": [-0.5, -0.25]}, -0.75),  # the chunk's text
        ({"tokens": ["a"], "token_logprobs": [None]}, None),
        ({"tokens": [], "token_logprobs": []}, None),
        ({"content": "unknown shape"}, None),
        (-1.5, -1.5),
        ("nope", None),
    ],
)
def test_the_token_logprob_comes_from_logprobs(logprobs: Any, expected: float | None) -> None:
    item = CompletionStreamParser()(chunk("ab", logprobs=logprobs))
    assert item.token is not None and item.token.logprob == expected


@pytest.mark.parametrize(
    ("reason", "tgi"),
    [("stop", "eos_token"), ("length", "length"), ("content_filter", "content_filter")],
)
def test_finish_reasons_in_tgis_words(reason: str, tgi: str) -> None:
    assert tgi_finish_reason(reason) == tgi
    item = CompletionStreamParser(details=True)(chunk("", reason))
    assert item.details is not None and item.details.finish_reason == tgi
    assert item.generated_text == ""
    answer = parse_completion({"choices": [{"text": "x", "finish_reason": reason}]})
    assert answer["details"]["finish_reason"] == tgi


def test_tgi_finish_reason_leaves_non_strings_alone() -> None:
    assert tgi_finish_reason(None) is None


@pytest.mark.parametrize(
    "data",
    [
        '{"id":"c","object":"text_completion","choices":[],"usage":{"completion_tokens":3}}',
        '{"id":"c","choices":null}',
        '{"choices":[{"index":1,"text":"second sequence","finish_reason":null}]}',
    ],
)
def test_chunks_without_choice_zero_give_no_item(data: str) -> None:
    parse = CompletionStreamParser()
    with pytest.raises(SkipEvent):
        parse(data)
    # and they do not count as text or as an item
    item = parse(chunk("x", "stop"))
    assert (item.index, item.generated_text) == (1, "x")


def test_a_missing_or_null_text_is_empty() -> None:
    parse = CompletionStreamParser()
    item = parse(json.dumps({"choices": [{"index": 0, "finish_reason": None}]}))
    assert item.token is not None and item.token.text == ""
    assert parse(chunk(None, "stop")).generated_text == ""


def test_an_empty_finish_reason_is_not_the_end() -> None:
    item = CompletionStreamParser()(chunk("a", ""))
    assert item.generated_text is None and item.details is None


@pytest.mark.parametrize(
    ("data", "what"),
    [
        ('{"index":1,"token":{"id":1,"text":"tgi"}}', "choices"),
        ('{"choices":"nope"}', "choices"),
        ('{"choices":["nope"]}', "choices"),
        ('["a list"]', "choices"),
        (chunk(5), "not a string"),
        ("{not json", "line 1"),
    ],
)
def test_malformed_chunks_raise_value_error(data: str, what: str) -> None:
    with pytest.raises(ValueError, match=what):
        CompletionStreamParser()(data)


@pytest.mark.parametrize(
    "data",
    [
        '{"error":{"message":"the model crashed","http_status_code":500}}',
        '{"error":"the model crashed"}',
    ],
)
def test_error_events_raise_stream_interrupted_with_the_context(data: str) -> None:
    with pytest.raises(StreamInterrupted, match="the model crashed") as info:
        CompletionStreamParser(CONTEXT)(data)
    assert (info.value.provider, info.value.model) == ("together", "org/m")


def test_text_that_mentions_error_is_not_an_error() -> None:
    item = CompletionStreamParser()(chunk('"error"', None, note={"error": None}))
    assert item.token is not None and item.token.text == '"error"'


# ------------------------------------------------------------- details and [DONE]


def test_the_last_item_carries_details_only_when_the_caller_asked() -> None:
    usage = {"prompt_tokens": 2, "completion_tokens": 1}
    plain = CompletionStreamParser()(chunk("a", "length", seed=3, usage=usage))
    assert plain.generated_text == "a"
    assert plain.details is None  # TGI sends details only with `details: true`
    asked = CompletionStreamParser(details=True)(chunk("a", "length", seed=3, usage=usage))
    assert asked.details is not None
    assert asked.details.model_dump() == {
        "finish_reason": "length",
        "generated_tokens": 1,
        "input_length": 2,
        "seed": 3,
    }


def test_done_without_a_finish_reason_gives_a_last_item_with_the_whole_text() -> None:
    parse = CompletionStreamParser(CONTEXT)
    items = [parse(chunk("One")), parse(chunk(" two"))]
    assert [i.generated_text for i in items] == [None, None]
    last = parse.at_done()
    assert last is not None
    assert last.index == 3
    assert last.token is not None
    assert (last.token.id, last.token.text, last.token.logprob, last.token.special) == (
        0,
        "",
        None,
        False,
    )
    assert last.generated_text == "One two"
    assert last.details is None
    assert parse.at_done() is None  # only one last item


def test_done_without_a_finish_reason_gives_details_without_one_when_asked() -> None:
    parse = CompletionStreamParser(details=True)
    parse(chunk("Hi"))
    usage_only = '{"id":"c","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":1}}'
    with pytest.raises(SkipEvent):
        parse(usage_only)
    last = parse.at_done()
    assert last is not None and last.generated_text == "Hi"
    assert last.details is not None
    assert last.details.model_dump() == {
        "finish_reason": None,
        "generated_tokens": 1,
        "input_length": 4,
        "seed": None,
    }


def test_done_after_the_finish_chunk_gives_nothing_more() -> None:
    parse = CompletionStreamParser(details=True)
    assert parse(chunk("Hi", "stop")).generated_text == "Hi"
    assert parse.at_done() is None


def test_done_before_any_chunk_gives_an_empty_text() -> None:
    last = CompletionStreamParser().at_done()
    assert last is not None and (last.index, last.generated_text) == (1, "")
