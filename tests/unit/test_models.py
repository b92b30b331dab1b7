"""The generated models (src/hf_inference_endpoints/models/) against real-world wire shapes."""

from __future__ import annotations

import json
import subprocess
import sys

import pydantic
import pytest

from hf_inference_endpoints import models
from hf_inference_endpoints.models import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessage,
    ErrorBody,
    ResponseFormatJsonSchema,
    TextGenerationOutput,
    TextGenerationParameters,
    TextGenerationRequest,
    TextGenerationStreamOutput,
    ToolCall,
    Usage,
)

# Shapes below follow recorded exchanges: TGI's id "", integer tool-call id and object
# arguments (TGI 1.4), together's extra keys, TGI's usage-only final chunk.
TGI_TOOL_REPLY = {
    "id": "",
    "object": "text_completion",
    "created": 1713800152,
    "model": "some/model",
    "system_fingerprint": "1.4.5-native",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": 0,
                        "type": "function",
                        "function": {
                            "description": None,
                            "name": "get_weather",
                            "arguments": {"location": "Paris", "num_days": 3},
                        },
                    }
                ],
            },
            "logprobs": None,
            "finish_reason": "eos_token",
        }
    ],
    "usage": {"prompt_tokens": 246, "completion_tokens": 27, "total_tokens": 273},
}


def test_unknown_response_fields_are_kept() -> None:
    reply = ChatCompletion.model_validate(
        {
            "id": "chatcmpl-1",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "Hi", "refusal": None},
                    "finish_reason": "stop",
                    "seed": 7,
                }
            ],
            "prompt_logprobs": None,
            "service_tier": "default",
            "usage": {"prompt_tokens": 3, "prompt_tokens_details": {"cached_tokens": 0}},
        }
    )
    assert reply.model_extra == {"prompt_logprobs": None, "service_tier": "default"}
    choice = reply.choices[0]
    assert choice.model_extra == {"seed": 7}
    assert choice.message is not None
    assert choice.message.content == "Hi"
    assert choice.message.model_extra == {"refusal": None}
    assert reply.usage is not None
    assert reply.usage.model_extra == {"prompt_tokens_details": {"cached_tokens": 0}}


def test_minimal_and_empty_responses_parse() -> None:
    with pytest.raises(ValueError, match="choices"):  # the task spec requires choices
        ChatCompletion.model_validate({})
    assert ChatCompletion.model_validate({"choices": []}).choices == []
    reply = ChatCompletion.model_validate({"id": "", "choices": [{"message": {"content": "x"}}]})
    assert reply.id == ""
    assert reply.usage is None
    assert reply.choices[0].finish_reason is None


def test_tool_call_arguments_as_object_or_string() -> None:
    as_object = ChatCompletion.model_validate(TGI_TOOL_REPLY)
    message = as_object.choices[0].message
    assert message is not None
    assert message.content is None
    assert message.tool_calls is not None
    call = message.tool_calls[0]
    assert call.id == 0
    assert call.function is not None
    assert call.function.arguments == {"location": "Paris", "num_days": 3}

    as_string = ToolCall.model_validate(
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"location": "Paris"}'},
        }
    )
    assert as_string.function is not None
    assert as_string.function.arguments == '{"location": "Paris"}'


def test_chunk_with_empty_choices_and_usage() -> None:
    chunk = ChatCompletionChunk.model_validate_json(
        '{"id":"","object":"chat.completion.chunk","created":1,"model":"m",'
        '"system_fingerprint":"3.0.0","choices":[],'
        '"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}'
    )
    assert chunk.choices == []
    assert chunk.usage == Usage(prompt_tokens=5, completion_tokens=7, total_tokens=12)


def test_streamed_tool_call_fragments() -> None:
    chunk = ChatCompletionChunk.model_validate(
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {"index": 0, "id": "c1", "function": {"name": "f", "arguments": ""}}
                        ],
                    },
                    "finish_reason": None,
                    "logprobs": None,
                }
            ]
        }
    )
    delta = chunk.choices[0].delta
    assert delta is not None
    assert delta.tool_calls is not None
    assert delta.tool_calls[0].index == 0
    assert delta.tool_calls[0].function is not None
    assert delta.tool_calls[0].function.name == "f"


def test_provider_chunk_with_extra_keys() -> None:
    # together: extra "text", "seed" on the choice and "token_id" in the delta
    line = (
        '{"id":"91158e6ad8a0ef60","object":"chat.completion.chunk","created":1739457445,'
        '"choices":[{"index":0,"text":"Deep","logprobs":null,"finish_reason":null,"seed":null,'
        '"delta":{"token_id":34564,"role":"assistant","content":"Deep","tool_calls":null}}],'
        '"model":"meta-llama/Meta-Llama-3-8B-Instruct-Turbo","usage":null}'
    )
    chunk = ChatCompletionChunk.model_validate_json(line)
    delta = chunk.choices[0].delta
    assert delta is not None
    assert delta.content == "Deep"
    assert delta.model_extra == {"token_id": 34564}


def test_request_rejects_wrong_types() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        ChatCompletionRequest.model_validate(
            {"messages": [{"role": "user", "content": "hi"}], "max_tokens": "ten"}
        )
    assert info.value.errors()[0]["loc"] == ("max_tokens",)
    with pytest.raises(pydantic.ValidationError):
        ChatCompletionRequest.model_validate({"model": "m"})  # messages is required
    with pytest.raises(pydantic.ValidationError):
        ChatCompletionRequest.model_validate({"messages": [], "tool_choice": "sometimes"})
    with pytest.raises(pydantic.ValidationError):
        TextGenerationRequest.model_validate({"inputs": "x", "parameters": {"top_k": "many"}})
    with pytest.raises(pydantic.ValidationError):
        TextGenerationParameters.model_validate({"max_new_tokens": -1})


def test_full_request_round_trips() -> None:
    body = {
        "model": "meta-llama/Llama-3.1-8B-Instruct",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                ],
            },
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
        ],
        "max_tokens": 32,
        "stop": "END",
        "tools": [
            {
                "type": "function",
                "function": {"name": "f", "description": "d", "parameters": {"type": "object"}},
            }
        ],
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True},
        },
        "stream": True,
        "stream_options": {"include_usage": True},
        "reasoning_effort": "low",
        "provider_specific": {"x": 1},
    }
    request = ChatCompletionRequest.model_validate(body)
    assert isinstance(request.response_format, ResponseFormatJsonSchema)
    assert request.model_extra == {"provider_specific": {"x": 1}}
    assert request.model_dump(mode="json", exclude_none=True, by_alias=True) == body

    for choice in ("auto", "none", "required"):
        assert ChatCompletionRequest(messages=[], tool_choice=choice).tool_choice == choice
    tgi_format = {"type": "json_object", "value": {"type": "object"}}
    request = ChatCompletionRequest.model_validate({"messages": [], "response_format": tgi_format})
    assert request.model_dump(exclude_none=True, by_alias=True)["response_format"] == tgi_format


def test_reply_message_can_be_sent_back() -> None:
    reply = ChatCompletion.model_validate(TGI_TOOL_REPLY)
    message = reply.choices[0].message
    assert isinstance(message, ChatMessage)
    request = ChatCompletionRequest(messages=[ChatMessage(role="user", content="hi"), message])
    assert request.messages[1].tool_calls == message.tool_calls


def test_tgi_generate_details() -> None:
    output = TextGenerationOutput.model_validate(
        {
            "generated_text": "5",
            "details": {
                "finish_reason": "length",
                "generated_tokens": 1,
                "seed": 2835381823020158940,
                "prefill": [{"id": 0, "text": "<pad>", "logprob": None}],
                "tokens": [{"id": 305, "text": "5", "logprob": -0.5, "special": False}],
                "top_tokens": [[{"id": 305, "text": "5", "logprob": -0.5, "special": False}]],
                "best_of_sequences": [
                    {
                        "generated_text": "6",
                        "finish_reason": "eos_token",
                        "generated_tokens": 1,
                        "seed": 1,
                        "prefill": [],
                        "tokens": [{"id": 1, "text": "6", "logprob": -1.0, "special": False}],
                    }
                ],
            },
        }
    )
    details = output.details
    assert details is not None
    assert details.finish_reason == "length"
    assert details.seed == 2835381823020158940
    assert details.prefill is not None
    assert details.prefill[0].logprob is None
    assert details.tokens is not None
    assert details.tokens[0].special is False
    assert details.top_tokens is not None
    assert details.top_tokens[0][0].id == 305
    assert details.best_of_sequences is not None
    assert details.best_of_sequences[0].generated_text == "6"
    assert TextGenerationOutput.model_validate({"generated_text": "x"}).details is None


def test_tgi_stream_events() -> None:
    middle = TextGenerationStreamOutput.model_validate_json(
        '{"index":1,"token":{"id":3,"text":" ","logprob":-2.0,"special":false},'
        '"generated_text":null,"details":null}'
    )
    assert middle.generated_text is None
    assert middle.details is None
    assert middle.token is not None
    assert middle.token.text == " "
    last = TextGenerationStreamOutput.model_validate_json(
        '{"index":2,"token":{"id":4,"text":"!","logprob":-1.0,"special":false},'
        '"generated_text":" !","details":{"finish_reason":"length","generated_tokens":2,'
        '"input_length":3,"seed":null}}'
    )
    assert last.details is not None
    assert last.details.input_length == 3
    assert last.details.finish_reason == "length"


def test_text_generation_request() -> None:
    request = TextGenerationRequest.model_validate(
        {
            "inputs": "Hello",
            "parameters": {
                "max_new_tokens": 5,
                "stop": ["\n"],
                "grammar": {"type": "regex", "value": "[0-9]+"},
                "details": True,
            },
            "stream": False,
        }
    )
    assert request.parameters is not None
    assert request.parameters.grammar is not None
    assert request.parameters.grammar.type == "regex"
    with pytest.raises(pydantic.ValidationError):
        TextGenerationParameters.model_validate({"grammar": {"type": "xml", "value": "x"}})


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ({"error": "Model is loading", "estimated_time": 20.5}, lambda e: e.estimated_time == 20.5),
        (
            {"error": "Input validation error", "error_type": "validation"},
            lambda e: e.error_type == "validation",
        ),
        ({"error": ["a", "b"]}, lambda e: e.error == ["a", "b"]),
        (
            {"error": {"message": "bad", "http_status_code": 422, "code": "x"}},
            lambda e: e.error.message == "bad" and e.error.http_status_code == 422,
        ),
        ({"errors": [{"message": "m"}]}, lambda e: e.errors[0].message == "m"),
        (
            {"message": "batch too large", "code": 413, "type": "Validation"},
            lambda e: e.code == 413 and e.type == "Validation",
        ),
        ({"detail": [{"loc": ["body"], "msg": "x"}]}, lambda e: e.detail[0]["msg"] == "x"),
        (
            {"error": "Unauthorized", "error_description": "bad token"},
            lambda e: e.error_description,
        ),
    ],
)
def test_error_bodies(body: dict[str, object], check: object) -> None:
    parsed = ErrorBody.model_validate(body)
    assert callable(check)
    assert check(parsed)


def test_models_package_exports_lazily() -> None:
    assert "ChatCompletion" in models.__all__
    assert "ChatCompletion" in dir(models)
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018
    code = (
        "import importlib, sys, json; import hf_inference_endpoints.models as m; "
        "before = 'pydantic' in sys.modules; m.ChatCompletion; "
        "print(json.dumps([before, 'pydantic' in sys.modules]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(proc.stdout) == [False, True]
