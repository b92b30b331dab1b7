"""ChatHfInference / HfInferenceEmbeddings beyond the standard suites: the exact
requests they send, our retries and deadlines underneath, the clients' lifetimes."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

pytest.importorskip("langchain_core")

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    HfInferenceClient,
    HfInferenceConfig,
    InvalidArgument,
    RequestTimeout,
    ServiceUnavailable,
)
from hf_inference_endpoints.integrations.langchain import ChatHfInference, HfInferenceEmbeddings
from hf_inference_endpoints.integrations.langchain._messages import tool_choice_to_wire

from ..wire import Wire
from .conftest import CHAT_MODEL, EMBEDDING_MODEL, EmulatorUrls

pytestmark = pytest.mark.anyio

ROUTER = "https://router.test"
CHAT_URL = f"{ROUTER}/hf-inference/models/{CHAT_MODEL}/v1/chat/completions"


def completion(message: dict[str, Any], finish: str = "stop") -> httpx2.Response:
    return httpx2.Response(
        200,
        json={
            "id": "chatcmpl-1",
            "model": CHAT_MODEL,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        },
        headers={"x-request-id": "req-1"},
    )


@pytest.fixture
def wire() -> Wire:
    return Wire().add("POST", CHAT_URL, completion({"role": "assistant", "content": "Hi there"}))


@pytest.fixture
def client(wire: Wire) -> Iterator[HfInferenceClient]:
    http = httpx2.Client(transport=httpx2.MockTransport(wire))
    with HfInferenceClient(
        default_provider="hf-inference", token="hf_test", router_url=ROUTER, http_client=http
    ) as c:
        yield c
    http.close()


def chat(client: HfInferenceClient, **fields: Any) -> ChatHfInference:
    return ChatHfInference(model=CHAT_MODEL, client=client, **fields)


# ---------------------------------------------------------------------- requests


def test_invoke_sends_the_messages_and_sampling_fields(
    wire: Wire, client: HfInferenceClient
) -> None:
    llm = chat(client, temperature=0.2, max_tokens=7, seed=3, model_kwargs={"top_k": 5})
    reply = llm.invoke([HumanMessage("hello", name="ann")])
    assert wire.urls() == [f"POST {CHAT_URL}"]
    assert wire.body(0) == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "hello", "name": "ann"}],
        "temperature": 0.2,
        "max_tokens": 7,
        "seed": 3,
        "top_k": 5,
    }
    assert reply.content == "Hi there"
    assert reply.usage_metadata == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    assert reply.response_metadata["model_name"] == CHAT_MODEL
    assert reply.response_metadata["provider"] == "hf-inference"
    assert reply.response_metadata["request_id"] == "req-1"


def test_stop_of_the_call_wins_over_the_field_and_an_empty_one_is_not_sent(
    wire: Wire, client: HfInferenceClient
) -> None:
    llm = chat(client, stop=["END"])
    llm.invoke("a")
    llm.invoke("b", stop=["halt"])
    chat(client, stop=[]).invoke("c")
    assert wire.body(0)["stop"] == ["END"]
    assert wire.body(1)["stop"] == ["halt"]
    assert "stop" not in wire.body(2)


def test_call_options_reach_the_client(wire: Wire, client: HfInferenceClient) -> None:
    chat(client, bill_to="my-org").invoke("a", extra_headers={"x-trace": "t1"})
    assert wire.bill_to() == ["my-org"]
    assert wire.requests[0].headers["x-trace"] == "t1"


def test_a_per_call_model_goes_to_that_models_route(client: HfInferenceClient) -> None:
    other = f"{ROUTER}/hf-inference/models/org/other/v1/chat/completions"
    wire2 = Wire().add("POST", other, completion({"role": "assistant", "content": "x"}))
    http = httpx2.Client(transport=httpx2.MockTransport(wire2))
    with HfInferenceClient(
        default_provider="hf-inference", token="hf_test", router_url=ROUTER, http_client=http
    ) as c:
        chat(c).invoke("a", model="org/other")
    http.close()
    assert wire2.urls() == [f"POST {other}"]


def test_a_dedicated_endpoint_by_name() -> None:
    api = "https://api.endpoints.huggingface.cloud/v2/endpoint/acme/my-ep"
    url = "https://abc.us-east-1.aws.endpoints.huggingface.cloud"
    running = {
        "name": "my-ep",
        "model": {"repository": CHAT_MODEL, "task": "text-generation"},
        "status": {"state": "running", "url": url, "readyReplica": 1, "targetReplica": 1},
    }
    wire = Wire().add("GET", api, httpx2.Response(200, json=running))
    wire.add(
        "POST", f"{url}/v1/chat/completions", completion({"role": "assistant", "content": "ep"})
    )
    http = httpx2.Client(transport=httpx2.MockTransport(wire))
    with HfInferenceClient(default_provider="hf-inference", token="hf_test", http_client=http) as c:
        llm = ChatHfInference(model="tgi", endpoint="acme/my-ep", client=c)
        assert llm.invoke("hi").content == "ep"
        assert llm.invoke("again").content == "ep"  # the endpoint's URL is cached
    http.close()
    assert wire.urls() == [
        f"GET {api}",
        f"POST {url}/v1/chat/completions",
        f"POST {url}/v1/chat/completions",
    ]
    assert wire.body(1)["model"] == "tgi"


@pytest.mark.parametrize(
    ("choice", "sent"),
    [
        ("any", "required"),
        ("auto", "auto"),
        ("none", "none"),
        ("add", {"type": "function", "function": {"name": "add"}}),
    ],
)
def test_bind_tools_sends_openai_tools_and_tool_choice(
    wire: Wire, client: HfInferenceClient, choice: str, sent: Any
) -> None:
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    chat(client).bind_tools([add], tool_choice=choice).invoke("1 + 2")
    body = wire.body(0)
    assert body["tool_choice"] == sent
    assert body["tools"][0]["type"] == "function"
    assert body["tools"][0]["function"]["name"] == "add"
    assert body["tools"][0]["function"]["parameters"]["properties"] == {
        "a": {"type": "integer"},
        "b": {"type": "integer"},
    }


def test_a_tool_conversation_is_sent_as_openai_messages(
    wire: Wire, client: HfInferenceClient
) -> None:
    history = [
        HumanMessage("1 + 2?"),
        AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1, "b": 2}, "id": "c1"}]),
        ToolMessage("3", tool_call_id="c1"),
    ]
    chat(client).invoke(history)
    messages = wire.body(0)["messages"]
    assert messages[1]["role"] == "assistant"
    assert messages[1]["content"] == ""
    call = messages[1]["tool_calls"][0]
    assert call["id"] == "c1"
    assert call["function"]["name"] == "add"
    assert json.loads(call["function"]["arguments"]) == {"a": 1, "b": 2}
    assert messages[2] == {"role": "tool", "content": "3", "tool_call_id": "c1"}


def test_image_blocks_are_sent_as_image_url_parts(wire: Wire, client: HfInferenceClient) -> None:
    message = HumanMessage(
        content=[
            {"type": "text", "text": "What is this?"},
            {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ]
    )
    chat(client).invoke([message])
    parts = wire.body(0)["messages"][0]["content"]
    assert parts[0] == {"type": "text", "text": "What is this?"}
    assert parts[1]["type"] == "image_url"
    assert parts[1]["image_url"]["url"] == "data:image/png;base64,iVBORw0KGgo="
    assert parts[2] == {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}


def test_an_anthropic_history_is_sent_in_openai_form(wire: Wire, client: HfInferenceClient) -> None:
    history = [
        HumanMessage([{"type": "text", "text": "Hi", "cache_control": {"type": "ephemeral"}}]),
        AIMessage(
            [
                {"type": "thinking", "thinking": "A greeting.", "signature": "sig"},
                {"type": "text", "text": "Hello"},
                {"type": "tool_use", "id": "t1", "name": "wave", "input": {"hand": "left"}},
            ],
            tool_calls=[{"name": "wave", "args": {"hand": "left"}, "id": "t1"}],
        ),
        ToolMessage("waved", tool_call_id="t1"),
    ]
    chat(client).invoke(history)
    sent = wire.body(0)["messages"]
    assert sent[0] == {"role": "user", "content": "Hi"}
    assert sent[1]["content"] == "Hello"  # the thinking block is not sent back
    assert [c["function"]["name"] for c in sent[1]["tool_calls"]] == ["wave"]
    assert sent[2] == {"role": "tool", "content": "waved", "tool_call_id": "t1"}


def test_tool_calls_with_bad_json_arguments_become_invalid_tool_calls(
    wire: Wire, client: HfInferenceClient
) -> None:
    calls = [
        {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1'}},
        {"id": "c2", "type": "function", "function": {"name": "add", "arguments": {"a": 2}}},
    ]
    wire.routes[f"POST {CHAT_URL}"] = [
        completion({"role": "assistant", "content": None, "tool_calls": calls}, "tool_calls")
    ]
    reply = chat(client).invoke("x")
    assert [c["args"] for c in reply.tool_calls] == [{"a": 2}]  # an object from older TGI
    assert [c["id"] for c in reply.invalid_tool_calls] == ["c1"]


def test_structured_output_json_schema_sends_the_schema(
    wire: Wire, client: HfInferenceClient
) -> None:
    class City(BaseModel):
        """A city."""

        name: str

    routed = f"{ROUTER}/v1/chat/completions"  # the router takes json_schema as it is
    wire.add("POST", routed, completion({"role": "assistant", "content": '{"name": "Paris"}'}))
    llm = ChatHfInference(model=f"{CHAT_MODEL}:fastest", client=client)
    out = llm.with_structured_output(City, method="json_schema", strict=True).invoke("x")
    assert out == City(name="Paris")
    assert wire.urls() == [f"POST {routed}"]
    fmt = wire.body(0)["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "City"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["properties"] == {"name": {"type": "string"}}
    assert "ls_structured_output_format" not in wire.body(0)


def test_structured_output_json_mode_parses_the_reply(
    wire: Wire, client: HfInferenceClient
) -> None:
    wire.routes[f"POST {CHAT_URL}"] = [completion({"role": "assistant", "content": '{"a": 1}'})]
    schema = {"title": "Thing", "type": "object", "properties": {"a": {"type": "integer"}}}
    chain = chat(client).with_structured_output(schema, method="json_mode", include_raw=True)
    out = chain.invoke("x")
    assert out["parsed"] == {"a": 1}
    assert out["parsing_error"] is None
    assert isinstance(out["raw"], AIMessage)
    assert wire.body(0)["response_format"] == {"type": "json_object"}


def test_structured_output_rejects_an_unknown_method(client: HfInferenceClient) -> None:
    with pytest.raises(ValueError, match="method"):
        chat(client).with_structured_output({"title": "x", "type": "object"}, method="xml")  # type: ignore[arg-type]


def test_a_bad_parameter_is_refused_before_anything_is_sent(
    wire: Wire, client: HfInferenceClient
) -> None:
    with pytest.raises(InvalidArgument):
        chat(client, model_kwargs={"max_tokens": "5"}).invoke("x")
    assert wire.requests == []


def test_stream_asks_for_usage_and_yields_it_once(emulator: Any) -> None:
    llm = ChatHfInference(model=CHAT_MODEL, **EmulatorUrls.client_params())
    chunks = list(llm.stream("one two three"))
    llm.close()
    assert sum(1 for c in chunks if c.usage_metadata) == 1
    assert [c.response_metadata.get("model_name") for c in chunks].count(CHAT_MODEL) == 1
    full = chunks[0]
    for c in chunks[1:]:
        full = full + c
    assert full.content == "Emulated reply: one two three"
    assert full.usage_metadata == {"input_tokens": 3, "output_tokens": 5, "total_tokens": 8}


# ---------------------------------------------------------------------- our retries


def fast_retries(**fields: Any) -> ChatHfInference:
    config = HfInferenceConfig(retry_base_delay=0.001, retry_max_delay=0.01)
    return ChatHfInference(config=config, **EmulatorUrls.client_params(), **fields)


def test_our_retries_run_underneath(emulator: Any) -> None:
    model = "org/lc-retry-ok"
    emulator.set_fault(model, "503:times=2")
    try:
        llm = fast_retries(model=model, max_retries=2)
        assert llm.invoke("hi").content == "Emulated reply: hi"
        llm.close()
    finally:
        emulator.clear_faults()


def test_max_retries_is_ours_and_errors_are_typed(emulator: Any) -> None:
    model = "org/lc-retry-none"
    emulator.set_fault(model, "503:times=1")
    try:
        llm = fast_retries(model=model, max_retries=0)
        with pytest.raises(ServiceUnavailable) as caught:
            llm.invoke("hi")
        llm.close()
    finally:
        emulator.clear_faults()
    assert caught.value.status_code == 503
    assert caught.value.model == model


def test_timeout_is_one_deadline_per_call(emulator: Any) -> None:
    model = "org/lc-slow"
    emulator.set_fault(model, "latency:ms=200000")  # the answer would take 2 s at time_scale 0.01
    try:
        llm = fast_retries(model=model, timeout=0.1)
        started = time.monotonic()
        with pytest.raises(RequestTimeout) as caught:
            llm.invoke("hi")
        assert time.monotonic() - started < 1.5
        assert caught.value.model == model
        llm.close()
    finally:
        emulator.clear_faults()


async def test_async_calls_use_our_async_client_and_leave_nothing_open(emulator: Any) -> None:
    llm = ChatHfInference(model=CHAT_MODEL, **EmulatorUrls.client_params())
    reply = await llm.ainvoke("async hello")
    streamed = [c.content async for c in llm.astream("one two")]
    assert reply.content == "Emulated reply: async hello"
    assert "".join(str(c) for c in streamed) == "Emulated reply: one two"
    assert llm.clients._owned is None  # no sync client was needed


async def test_an_async_client_of_your_own_is_used_and_left_open(emulator: Any) -> None:
    async with AsyncHfInferenceClient(
        default_provider="hf-inference",
        token=EmulatorUrls.client_params()["api_key"],
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
    ) as mine:
        llm = ChatHfInference(model=CHAT_MODEL, async_client=mine)
        await llm.ainvoke("a")
        await llm.ainvoke("b")
        assert (
            await mine.chat.complete(model=CHAT_MODEL, messages=[{"role": "user", "content": "c"}])
        ).choices


@pytest.mark.usefixtures("no_env")
async def test_async_calls_take_the_config_of_the_client_you_gave(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ROUTER_URL", "http://127.0.0.1:9")  # where a config from env points
    params = EmulatorUrls.client_params()
    with HfInferenceClient(
        default_provider="hf-inference",
        token=params["api_key"],
        router_url=params["router_url"],
        hub_url=params["hub_url"],
    ) as mine:
        llm = ChatHfInference(model=CHAT_MODEL, client=mine)
        assert (await llm.ainvoke("via mine")).content == "Emulated reply: via mine"
        embedder = HfInferenceEmbeddings(model=EMBEDDING_MODEL, client=mine)
        vector = await embedder.aembed_query("shared cache")
        emulator.set_fault(EMBEDDING_MODEL, "500")  # only your client's cache can answer now
        try:
            assert embedder.embed_query("shared cache") == vector
        finally:
            emulator.clear_faults()


def test_close_closes_the_owned_sync_client_only(client: HfInferenceClient) -> None:
    owned = ChatHfInference(model=CHAT_MODEL, api_key="hf_x", router_url=ROUTER)
    sync = owned.clients.sync()
    owned.close()
    assert sync._transport._client.is_closed
    mine = chat(client)
    mine.invoke("x")
    mine.close()
    assert mine.clients.sync() is client


def test_the_owned_sync_client_is_closed_when_the_model_is_collected(wire: Wire) -> None:
    llm = ChatHfInference(model=CHAT_MODEL, api_key="hf_x", router_url=ROUTER)
    sync = llm.clients.sync()
    assert llm.clients.sync() is sync  # one client for every sync call
    del llm
    gc.collect()
    assert sync._transport._client.is_closed


def test_tool_choice_spellings() -> None:
    assert tool_choice_to_wire(True) == "required"
    assert tool_choice_to_wire(False) == "none"
    assert tool_choice_to_wire(None) is None
    named = {"type": "function", "function": {"name": "f"}}
    assert tool_choice_to_wire(named) is named
    with pytest.raises(ValueError, match="tool_choice"):
        tool_choice_to_wire(3)


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("client", "HfInferenceClient"),
        ("async_client", "AsyncHfInferenceClient"),
        ("config", "HfInferenceConfig"),
    ],
)
def test_clients_of_the_wrong_type_are_refused_at_construction(field: str, kind: str) -> None:
    with pytest.raises(PydanticValidationError, match=f"{field} must be an {kind}"):
        ChatHfInference(model=CHAT_MODEL, **{field: "nope"})


def test_importing_the_package_or_the_adapter_module_loads_no_langchain() -> None:
    code = (
        "import sys, hf_inference_endpoints, hf_inference_endpoints.integrations.langchain\n"
        "import hf_inference_endpoints.integrations.llamaindex\n"
        "print(sorted(m for m in sys.modules if m.startswith(('langchain', 'llama_index'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------- embeddings


def embeddings_wire() -> Wire:
    url = f"{ROUTER}/hf-inference/models/{EMBEDDING_MODEL}/pipeline/feature-extraction"

    def answer(request: httpx2.Request) -> httpx2.Response:
        texts = json.loads(request.content)["inputs"]
        return httpx2.Response(200, json=[[float(len(t)), 1.0] for t in texts])

    return Wire().add("POST", url, answer)


def test_embeddings_batch_and_cache() -> None:
    wire = embeddings_wire()
    http = httpx2.Client(transport=httpx2.MockTransport(wire))
    with HfInferenceClient(
        default_provider="hf-inference", token="hf_test", router_url=ROUTER, http_client=http
    ) as c:
        embedder = HfInferenceEmbeddings(
            model=EMBEDDING_MODEL, client=c, batch_size=2, normalize=False
        )
        first = embedder.embed_documents(["a", "bb", "ccc", "a"])
        again = embedder.embed_query("bb")
    http.close()
    assert first == [[1.0, 1.0], [2.0, 1.0], [3.0, 1.0], [1.0, 1.0]]
    assert again == [2.0, 1.0]
    assert [wire.body(i)["inputs"] for i in range(len(wire.requests))] == [["a", "bb"], ["ccc"]]
    assert wire.body(0)["normalize"] is False


async def test_async_embeddings_share_the_cache_of_the_sync_ones(emulator: Any) -> None:
    embedder = HfInferenceEmbeddings(model=EMBEDDING_MODEL, **EmulatorUrls.client_params())
    vectors = embedder.embed_documents(["cat", "dog"])
    cache = embedder.clients.embedding_cache()
    assert cache is not None
    emulator.set_fault(EMBEDDING_MODEL, "500")  # any request now fails: answers must be cached
    try:
        assert await embedder.aembed_documents(["dog", "cat"]) == vectors[::-1]
        assert await embedder.aembed_query("cat") == vectors[0]
    finally:
        emulator.clear_faults()
        embedder.close()
    assert len(vectors[0]) == 384
