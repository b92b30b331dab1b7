"""What mypy infers for the chat surface (checked by ``make check``'s mypy, never run).

``assert_type`` fails the type check when an overload stops giving these types: a
``response_format`` class gives ``ParsedChatCompletion[Model]`` whose
``.choices[i].message.parsed`` is the class; ``stream=True`` gives the stream type.
"""

from __future__ import annotations

from typing import assert_type

from pydantic import BaseModel

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AsyncParsedChatStream,
    AsyncStream,
    HfInferenceClient,
    ParsedChatCompletion,
    ParsedChatStream,
    Stream,
)
from hf_inference_endpoints.models import ChatCompletion, ChatCompletionChunk

MESSAGES = [{"role": "user", "content": "Name a city."}]


class City(BaseModel):
    name: str


def sync_calls(client: HfInferenceClient) -> None:
    parsed = client.chat.complete(model="m", messages=MESSAGES, response_format=City)
    assert_type(parsed, ParsedChatCompletion[City])
    message = parsed.choices[0].message
    assert message is not None
    assert_type(message.parsed, City | None)

    plain = client.chat.complete(model="m", messages=MESSAGES)
    assert_type(plain, ChatCompletion)
    as_dict = client.chat.complete(
        model="m", messages=MESSAGES, response_format={"type": "json_object"}
    )
    assert_type(as_dict, ChatCompletion)

    created = client.chat.completions.create(model="m", messages=MESSAGES, response_format=City)
    assert_type(created, ParsedChatCompletion[City])
    assert_type(client.chat.completions.create(model="m", messages=MESSAGES), ChatCompletion)
    streamed = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    assert_type(streamed, Stream[ChatCompletionChunk])
    assert_type(streamed.final(), ChatCompletion)
    assert_type(client.chat.stream(model="m", messages=MESSAGES), Stream[ChatCompletionChunk])
    flag: bool = bool(MESSAGES)
    either = client.chat.completions.create(model="m", messages=MESSAGES, stream=flag)
    assert_type(either, ChatCompletion | Stream[ChatCompletionChunk])

    via_parse = client.chat.completions.parse(model="m", messages=MESSAGES, response_format=City)
    assert_type(via_parse, ParsedChatCompletion[City])

    structured = client.chat.stream(model="m", messages=MESSAGES, response_format=City)
    assert_type(structured, ParsedChatStream[City])
    assert_type(structured.final(), ParsedChatCompletion[City])
    for chunk in structured:
        assert_type(chunk, ChatCompletionChunk)
    as_dict_stream = client.chat.stream(
        model="m", messages=MESSAGES, response_format={"type": "json_object"}
    )
    assert_type(as_dict_stream, Stream[ChatCompletionChunk])
    created_stream = client.chat.completions.create(
        model="m", messages=MESSAGES, stream=True, response_format=City
    )
    assert_type(created_stream, ParsedChatStream[City])


async def async_calls(client: AsyncHfInferenceClient) -> None:
    parsed = await client.chat.complete(model="m", messages=MESSAGES, response_format=City)
    assert_type(parsed, ParsedChatCompletion[City])
    message = parsed.choices[0].message
    assert message is not None
    assert_type(message.parsed, City | None)

    created = await client.chat.completions.create(
        model="m", messages=MESSAGES, response_format=City
    )
    assert_type(created, ParsedChatCompletion[City])
    streamed = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    assert_type(streamed, AsyncStream[ChatCompletionChunk])
    assert_type(await streamed.final(), ChatCompletion)
    plain = await client.chat.completions.create(model="m", messages=MESSAGES, stream=False)
    assert_type(plain, ChatCompletion)

    structured = await client.chat.stream(model="m", messages=MESSAGES, response_format=City)
    assert_type(structured, AsyncParsedChatStream[City])
    assert_type(await structured.final(), ParsedChatCompletion[City])
    async for chunk in structured:
        assert_type(chunk, ChatCompletionChunk)
