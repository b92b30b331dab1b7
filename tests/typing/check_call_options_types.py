"""The call options keep their names and types on every shape of a method (``make check``'s
mypy, never run).

``CallKeywords`` (what overloads share through ``**options: Unpack[CallKeywords]``) must
build a ``CallOptions``: a key with another name or a wider type fails here. The chat
overloads spell the options out (they also take ``**params: Any``, and mypy has no
TypedDict with extra items yet), so their choice with every option given is checked too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_type

from pydantic import BaseModel

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    HfInferenceClient,
    ParsedChatCompletion,
    Stream,
)
from hf_inference_endpoints._options import CallOptions
from hf_inference_endpoints.models import (
    ChatCompletion,
    ChatCompletionChunk,
    TextClassificationOutputElement,
)

if TYPE_CHECKING:
    from hf_inference_endpoints._options import CallKeywords

MESSAGES = [{"role": "user", "content": "Name a city."}]


class City(BaseModel):
    name: str


def options_of(keywords: CallKeywords) -> CallOptions:
    return CallOptions(**keywords)


def sync_calls(client: HfInferenceClient) -> None:
    parsed = client.chat.complete(
        model="m",
        messages=MESSAGES,
        provider="together",
        fallback=["groq"],
        bill_to="acme",
        timeout=5.0,
        extra_headers={"X-Trace": "1"},
        extra_body={"seed": 1},
        response_format=City,
        max_tokens=10,
    )
    assert_type(parsed, ParsedChatCompletion[City])
    plain = client.chat.complete(
        model="m", messages=MESSAGES, endpoint="my-ep", fallback=True, temperature=0.1
    )
    assert_type(plain, ChatCompletion)
    streamed = client.chat.stream(model="m", messages=MESSAGES, bill_to="acme", timeout=1)
    assert_type(streamed, Stream[ChatCompletionChunk])
    many = client.text.classify(
        "m",
        ["a", "b"],
        top_k=1,
        provider="hf-inference",
        endpoint=None,
        fallback=None,
        bill_to="acme",
        timeout=2.0,
        extra_headers={"X-Trace": "1"},
        extra_body={"seed": 1},
    )
    assert_type(many, list[list[TextClassificationOutputElement]])


async def async_calls(client: AsyncHfInferenceClient) -> None:
    parsed = await client.chat.complete(
        model="m", messages=MESSAGES, extra_body={"seed": 1}, timeout=3, response_format=City
    )
    assert_type(parsed, ParsedChatCompletion[City])
    one = await client.text.classify("m", "a", fallback=["groq"], extra_headers={"a": "b"})
    assert_type(one, list[TextClassificationOutputElement])
