"""``HfInferenceLLM``: a LlamaIndex LLM over ``client.chat`` (our retries and deadlines).

``complete`` sends the prompt as one user message; every call is a chat completion.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from pydantic import Field

from .._fields import AdapterFields
from ._messages import ToolCallAccumulator, chat_response, to_wire_message, tool_selections

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool

__all__ = ["HfInferenceLLM"]


class HfInferenceLLM(FunctionCallingLLM, AdapterFields):
    """Hugging Face chat models for LlamaIndex: ``chat``, ``complete``, their streams, async.

    Args:
        model: ``org/name``, ``org/name:fastest|cheapest|<provider>``, or an endpoint URL.
        provider, endpoint, bill_to, fallback, timeout, max_retries, api_key, router_url,
            hub_url, config, client, async_client: see
            :class:`~hf_inference_endpoints.integrations._fields.AdapterFields`.
        temperature, max_tokens: Sampling parameters; ``additional_kwargs`` any other.
        context_window: What ``metadata`` reports (LlamaIndex sizes prompts with it).

    Example:
        >>> from hf_inference_endpoints.integrations.llamaindex import HfInferenceLLM
        >>> llm = HfInferenceLLM(model="meta-llama/Llama-3.1-8B-Instruct", max_tokens=50)
        >>> llm.complete("The capital of France is").text  # doctest: +SKIP
    """

    model: str
    temperature: float | None = None
    max_tokens: int | None = None
    additional_kwargs: dict[str, Any] = Field(default_factory=dict)
    context_window: int = 8192

    @classmethod
    def class_name(cls) -> str:
        return "HfInferenceLLM"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens or -1,
            is_chat_model=True,
            is_function_calling_model=True,
            model_name=self.model,
        )

    def _call(self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Keyword arguments of ``client.chat.complete/stream`` for one call."""
        kwargs.pop("formatted", None)  # LlamaIndex's own flag for complete()
        params = {"temperature": self.temperature, "max_tokens": self.max_tokens}
        call: dict[str, Any] = {
            "model": self.model,
            **self.call_options(),
            **{k: v for k, v in params.items() if v is not None},
            **self.additional_kwargs,
            **kwargs,
        }
        call["messages"] = [to_wire_message(m) for m in messages]
        return call

    # ---------------------------------------------------------------- chat

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        completion = self.clients.sync().chat.complete(**self._call(messages, kwargs))
        return chat_response(completion)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        async with self.clients.async_client() as client:
            completion = await client.chat.complete(**self._call(messages, kwargs))
        return chat_response(completion)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        call = self._call(messages, kwargs)

        def gen() -> Generator[ChatResponse, None, None]:
            so_far = _StreamState()
            with self.clients.sync().chat.stream(**call) as stream:
                for chunk in stream:
                    yield so_far.add(chunk)

        return gen()

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        call = self._call(messages, kwargs)

        async def gen() -> AsyncGenerator[ChatResponse, None]:
            so_far = _StreamState()
            async with (
                self.clients.async_client() as client,
                await client.chat.stream(**call) as stream,
            ):
                async for chunk in stream:
                    yield so_far.add(chunk)

        return gen()

    # ---------------------------------------------------------------- tools

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """``chat`` arguments that offer ``tools`` (OpenAI function specs).

        ``tool_required`` sends ``tool_choice="required"``, else ``"auto"``.
        """
        messages = list(chat_history or [])
        if isinstance(user_msg, str):
            messages.append(ChatMessage(role=MessageRole.USER, content=user_msg))
        elif user_msg is not None:
            messages.append(user_msg)
        prepared: dict[str, Any] = {"messages": messages, **kwargs}
        if tools:
            prepared["tools"] = [tool.metadata.to_openai_tool() for tool in tools]
            prepared["tool_choice"] = "required" if tool_required else "auto"
        return prepared

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """Keep only the first tool call unless parallel calls are allowed."""
        calls = response.message.additional_kwargs.get("tool_calls")
        if not allow_parallel_tool_calls and calls and len(calls) > 1:
            response.message.additional_kwargs["tool_calls"] = calls[:1]
        return response

    def get_tool_calls_from_response(
        self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
    ) -> list[ToolSelection]:
        """The tool calls of a (possibly streamed) chat response.

        Raises:
            ValueError: There are none and ``error_on_no_tool_call`` is true.
        """
        selections = tool_selections(response.message)
        if not selections and error_on_no_tool_call:
            raise ValueError(
                f"Expected at least one tool call, got none: {response.message.content!r}"
            )
        return selections

    # ---------------------------------------------------------------- complete

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return _completion(self.chat(_prompt(prompt), **kwargs))

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        return _completion(await self.achat(_prompt(prompt), **kwargs))

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        chats = self.stream_chat(_prompt(prompt), **kwargs)
        return (_completion(r) for r in chats)

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        chats = await self.astream_chat(_prompt(prompt), **kwargs)

        async def gen() -> AsyncGenerator[CompletionResponse, None]:
            async for response in chats:
                yield _completion(response)

        return gen()


class _StreamState:
    """The text and tool calls of a stream so far; each chunk gives the next ChatResponse."""

    def __init__(self) -> None:
        self.text = ""
        self.tool_calls = ToolCallAccumulator()

    def add(self, chunk: Any) -> ChatResponse:
        delta = ""
        if chunk.choices and chunk.choices[0].delta is not None:
            wire = chunk.choices[0].delta
            delta = str(wire.content or "")
            if wire.tool_calls:
                self.tool_calls.add(
                    [call.model_dump(exclude_none=True) for call in wire.tool_calls]
                )
        self.text += delta
        calls = self.tool_calls.calls()
        return ChatResponse(
            message=ChatMessage(
                role=MessageRole.ASSISTANT,
                content=self.text,
                additional_kwargs={"tool_calls": calls} if calls else {},
            ),
            delta=delta,
            raw=chunk.model_dump(),
        )


def _prompt(prompt: str) -> list[ChatMessage]:
    return [ChatMessage(role=MessageRole.USER, content=prompt)]


def _completion(response: ChatResponse) -> CompletionResponse:
    return CompletionResponse(
        text=response.message.content or "",
        delta=response.delta,
        raw=response.raw,
        additional_kwargs=response.additional_kwargs,
    )
