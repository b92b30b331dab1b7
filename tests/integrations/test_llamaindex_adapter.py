"""HfInferenceLLM / HfInferenceEmbedding against the emulator (real sockets, no token),
and the exact requests they send."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

pytest.importorskip("llama_index.core")

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.llms import ChatMessage
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from hf_inference_endpoints import HfInferenceClient, HfInferenceConfig, ServiceUnavailable
from hf_inference_endpoints.integrations.llamaindex import HfInferenceEmbedding, HfInferenceLLM
from hf_inference_endpoints.integrations.llamaindex._messages import (
    ToolCallAccumulator,
    tool_selections,
)

from ..wire import Wire
from .conftest import CHAT_MODEL, EMBEDDING_MODEL, EmulatorUrls

pytestmark = pytest.mark.anyio

ROUTER = "https://router.test"
CHAT_URL = f"{ROUTER}/hf-inference/models/{CHAT_MODEL}/v1/chat/completions"


@pytest.fixture
def llm() -> Iterator[HfInferenceLLM]:
    model = HfInferenceLLM(model=CHAT_MODEL, **EmulatorUrls.client_params())
    yield model
    model.close()


@pytest.fixture
def embed_model() -> Iterator[HfInferenceEmbedding]:
    model = HfInferenceEmbedding(model_name=EMBEDDING_MODEL, **EmulatorUrls.client_params())
    yield model
    model.close()


def test_chat_and_complete(llm: HfInferenceLLM) -> None:
    reply = llm.chat(
        [
            ChatMessage(role="system", content="Be brief."),
            ChatMessage(role="user", content="hi you"),
        ]
    )
    assert reply.message.role == "assistant"
    assert reply.message.content == "Emulated reply: hi you"
    assert reply.additional_kwargs["prompt_tokens"] == 4
    assert reply.additional_kwargs["completion_tokens"] == 4
    assert reply.additional_kwargs["finish_reason"] == "stop"
    assert reply.additional_kwargs["provider"] == "hf-inference"
    assert llm.complete("once upon").text == "Emulated reply: once upon"


def test_streams_give_deltas_and_the_text_so_far(llm: HfInferenceLLM) -> None:
    chats = list(llm.stream_chat([ChatMessage(role="user", content="a b")]))
    assert "".join(r.delta or "" for r in chats) == "Emulated reply: a b"
    assert chats[-1].message.content == "Emulated reply: a b"
    completions = list(llm.stream_complete("c d"))
    assert [c.text for c in completions][-1] == "Emulated reply: c d"
    assert completions[1].text == "Emulated reply:"


async def test_async_chat_complete_and_streams(llm: HfInferenceLLM) -> None:
    reply = await llm.achat([ChatMessage(role="user", content="async")])
    assert reply.message.content == "Emulated reply: async"
    assert (await llm.acomplete("x y")).text == "Emulated reply: x y"
    chats = await llm.astream_chat([ChatMessage(role="user", content="s")])
    assert [r.delta async for r in chats] == ["Emulated", " reply:", " s"]
    completions = await llm.astream_complete("t")
    assert [c.text async for c in completions][-1] == "Emulated reply: t"
    assert llm.clients._owned is None  # async calls never made a sync client


def test_metadata_describes_a_chat_model() -> None:
    meta = HfInferenceLLM(model=CHAT_MODEL, max_tokens=64, context_window=4096).metadata
    assert (meta.model_name, meta.is_chat_model, meta.num_output, meta.context_window) == (
        CHAT_MODEL,
        True,
        64,
        4096,
    )


@pytest.fixture
def wire() -> Wire:
    answer = {
        "model": CHAT_MODEL,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
        ],
    }
    return Wire().add("POST", CHAT_URL, httpx2.Response(200, json=answer))


@pytest.fixture
def client(wire: Wire) -> Iterator[HfInferenceClient]:
    http = httpx2.Client(transport=httpx2.MockTransport(wire))
    with HfInferenceClient(
        default_provider="hf-inference", token="hf_test", router_url=ROUTER, http_client=http
    ) as c:
        yield c
    http.close()


def test_the_request_carries_the_fields_and_not_llamaindex_flags(
    wire: Wire, client: HfInferenceClient
) -> None:
    llm = HfInferenceLLM(
        model=CHAT_MODEL,
        client=client,
        temperature=0.1,
        max_tokens=9,
        additional_kwargs={"top_p": 0.5},
        bill_to="my-org",
    )
    llm.complete("hello", formatted=True, seed=4)
    assert wire.body(0) == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "hello"}],
        "temperature": 0.1,
        "max_tokens": 9,
        "top_p": 0.5,
        "seed": 4,
    }
    assert wire.bill_to() == ["my-org"]


def test_tool_results_are_sent_with_their_call_id(wire: Wire, client: HfInferenceClient) -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "add", "arguments": "{}"}}
    HfInferenceLLM(model=CHAT_MODEL, client=client).chat(
        [
            ChatMessage(role="user", content="1+2"),
            ChatMessage(role="assistant", content="", additional_kwargs={"tool_calls": [call]}),
            ChatMessage(role="tool", content="3", additional_kwargs={"tool_call_id": "c1"}),
        ]
    )
    sent = wire.body(0)["messages"]
    assert sent[1] == {"role": "assistant", "content": "", "tool_calls": [call]}
    assert sent[2] == {"role": "tool", "content": "3", "tool_call_id": "c1"}


def test_our_retries_and_typed_errors_underneath(emulator: Any) -> None:
    model = "org/li-retry"
    config = HfInferenceConfig(retry_base_delay=0.001, retry_max_delay=0.01)
    emulator.set_fault(model, "503:times=1")
    try:
        none = HfInferenceLLM(
            model=model, config=config, max_retries=0, **EmulatorUrls.client_params()
        )
        with pytest.raises(ServiceUnavailable):
            none.complete("hi")
        none.close()
        emulator.set_fault(model, "503:times=2")
        two = HfInferenceLLM(
            model=model, config=config, max_retries=2, **EmulatorUrls.client_params()
        )
        assert two.complete("hi").text == "Emulated reply: hi"
        two.close()
    finally:
        emulator.clear_faults()


def test_embeddings_sync(embed_model: HfInferenceEmbedding) -> None:
    one = embed_model.get_text_embedding("a cat")
    batch = embed_model.get_text_embedding_batch(["a dog", "a cat"])
    query = embed_model.get_query_embedding("a cat")
    assert len(one) == 384
    assert batch[1] == one == query
    assert batch[0] != one


async def test_embeddings_async_share_the_cache(
    embed_model: HfInferenceEmbedding, emulator: Any
) -> None:
    vectors = embed_model.get_text_embedding_batch(["x", "y"])
    emulator.set_fault(EMBEDDING_MODEL, "500")  # from here on only the cache can answer
    try:
        assert await embed_model.aget_text_embedding_batch(["y", "x"]) == vectors[::-1]
        assert await embed_model.aget_query_embedding("x") == vectors[0]
    finally:
        emulator.clear_faults()


def test_a_query_engine_runs_on_both(
    llm: HfInferenceLLM, embed_model: HfInferenceEmbedding
) -> None:
    docs = [Document(text="Paris is the capital of France."), Document(text="Cats purr.")]
    index = VectorStoreIndex.from_documents(docs, embed_model=embed_model)
    answer = index.as_query_engine(llm=llm, similarity_top_k=1).query("capital of France?")
    assert str(answer).startswith("Emulated reply:")
    assert len(answer.source_nodes) == 1


# ---------------------------------------------------------------------- tools


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


MULTIPLY = FunctionTool.from_defaults(fn=multiply)


def test_predict_and_call_runs_the_tool_the_model_picked(llm: HfInferenceLLM) -> None:
    result = llm.predict_and_call([MULTIPLY], "What is 6 times 7?")
    assert result.response == "42"
    assert result.sources[0].tool_name == "multiply"
    assert result.sources[0].raw_input["kwargs"] == {"a": 6, "b": 7}


def test_streamed_tool_calls_are_joined(llm: HfInferenceLLM) -> None:
    last = list(llm.stream_chat_with_tools([MULTIPLY], "What is 3 times 5?"))[-1]
    (call,) = llm.get_tool_calls_from_response(last)
    assert (call.tool_name, call.tool_kwargs) == ("multiply", {"a": 3, "b": 5})
    assert call.tool_id.startswith("call_")


def test_no_tool_call_is_an_error_only_when_asked(llm: HfInferenceLLM) -> None:
    reply = llm.chat([ChatMessage(role="user", content="hi")])
    assert llm.get_tool_calls_from_response(reply, error_on_no_tool_call=False) == []
    with pytest.raises(ValueError, match="tool call"):
        llm.get_tool_calls_from_response(reply)


def test_tools_and_tool_choice_on_the_wire(wire: Wire, client: HfInferenceClient) -> None:
    llm = HfInferenceLLM(model=CHAT_MODEL, client=client)
    llm.chat_with_tools([MULTIPLY], "6 x 7", tool_required=True)
    llm.chat_with_tools([MULTIPLY], "6 x 7")
    first, second = wire.body(0), wire.body(1)
    assert first["tool_choice"] == "required"
    assert second["tool_choice"] == "auto"
    assert first["tools"][0]["function"]["name"] == "multiply"
    assert set(first["tools"][0]["function"]["parameters"]["properties"]) == {"a", "b"}


# llama-index-workflows inspects the agent with inspect.getmembers, touching pydantic's
# deprecated class attributes on an instance: its warnings, not ours.
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211")
async def test_a_function_agent_calls_the_tool_and_answers(llm: HfInferenceLLM) -> None:
    agent = FunctionAgent(tools=[MULTIPLY], llm=llm)
    out = await agent.run("What is 6 times 7?")
    assert [(c.tool_name, c.tool_kwargs) for c in out.tool_calls] == [
        ("multiply", {"a": 6, "b": 7})
    ]
    assert [c.tool_output.content for c in out.tool_calls] == ["42"]
    assert str(out).startswith("Emulated reply:")


def test_tool_call_fragments_are_joined_per_index() -> None:
    acc = ToolCallAccumulator()
    acc.add([{"index": 1, "id": "c2", "function": {"name": "g", "arguments": ""}}])
    acc.add([{"index": 0, "id": "c1", "function": {"name": "f", "arguments": '{"a":'}}])
    acc.add(
        [
            {"index": 0, "function": {"arguments": " 1}"}},
            {"index": 1, "function": {"arguments": {"b": 2}}},
        ]
    )
    assert acc.calls() == [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}},
        {"id": "c2", "type": "function", "function": {"name": "g", "arguments": '{"b": 2}'}},
    ]
    message = ChatMessage(
        role="assistant", content="", additional_kwargs={"tool_calls": acc.calls()}
    )
    assert [(t.tool_name, t.tool_kwargs) for t in tool_selections(message)] == [
        ("f", {"a": 1}),
        ("g", {"b": 2}),
    ]
    broken = ChatMessage(
        role="assistant",
        additional_kwargs={
            "tool_calls": [{"id": "x", "function": {"name": "f", "arguments": "{oops"}}]
        },
    )
    assert tool_selections(broken)[0].tool_kwargs == {}


class Joke(BaseModel):
    setup: str
    punchline: str


async def test_structured_prediction_goes_through_function_calling(llm: HfInferenceLLM) -> None:
    prompt = PromptTemplate("Tell a joke about {topic}")
    expected = Joke(setup="emulated-setup", punchline="emulated-punchline")
    assert llm.structured_predict(Joke, prompt, topic="cats") == expected
    assert list(llm.stream_structured_predict(Joke, prompt, topic="cats"))[-1] == expected
    assert await llm.astructured_predict(Joke, prompt, topic="dogs") == expected
    reply = llm.as_structured_llm(Joke).chat([ChatMessage(role="user", content="a joke")])
    assert reply.raw == expected
