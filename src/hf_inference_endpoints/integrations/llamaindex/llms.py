"""``HfInferenceLLM``: a LlamaIndex LLM over ``client.chat`` (our retries and deadlines).

``complete`` sends the prompt as one user message; every call is a chat completion.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Sequence
from typing import Any

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
from llama_index.core.llms.llm import LLM
from pydantic import Field

from .._fields import AdapterFields

__all__ = ["HfInferenceLLM"]


class HfInferenceLLM(LLM, AdapterFields):
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
            text = ""
            with self.clients.sync().chat.stream(**call) as stream:
                for chunk in stream:
                    delta = _delta_text(chunk)
                    text += delta
                    yield ChatResponse(
                        message=ChatMessage(role=MessageRole.ASSISTANT, content=text),
                        delta=delta,
                        raw=chunk.model_dump(),
                    )

        return gen()

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        call = self._call(messages, kwargs)

        async def gen() -> AsyncGenerator[ChatResponse, None]:
            text = ""
            async with (
                self.clients.async_client() as client,
                await client.chat.stream(**call) as stream,
            ):
                async for chunk in stream:
                    delta = _delta_text(chunk)
                    text += delta
                    yield ChatResponse(
                        message=ChatMessage(role=MessageRole.ASSISTANT, content=text),
                        delta=delta,
                        raw=chunk.model_dump(),
                    )

        return gen()

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


def to_wire_message(message: ChatMessage) -> dict[str, Any]:
    """One LlamaIndex message as a chat ``messages`` entry (text content).

    ``additional_kwargs`` may carry ``tool_calls`` (assistant), ``tool_call_id`` and
    ``name`` (tool results), which are sent along.

    Example:
        >>> to_wire_message(ChatMessage(role="user", content="hi"))
        {'role': 'user', 'content': 'hi'}
    """
    out: dict[str, Any] = {
        "role": MessageRole(message.role).value,
        "content": message.content or "",
    }
    for key in ("tool_calls", "tool_call_id", "name"):
        if message.additional_kwargs.get(key) is not None:
            out[key] = message.additional_kwargs[key]
    return out


def chat_response(completion: Any) -> ChatResponse:
    """A LlamaIndex ``ChatResponse`` from a ``ChatCompletion`` (first choice)."""
    choice = completion.choices[0]
    message = choice.message
    extra: dict[str, Any] = {}
    if message.tool_calls:
        extra["tool_calls"] = [call.model_dump(exclude_none=True) for call in message.tool_calls]
    content = message.content if isinstance(message.content, str) else ""
    usage = completion.usage
    meta = completion.response_meta
    return ChatResponse(
        message=ChatMessage(role=MessageRole.ASSISTANT, content=content, additional_kwargs=extra),
        raw=completion.model_dump(),
        additional_kwargs={
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "total_tokens": usage.total_tokens if usage else None,
            "finish_reason": choice.finish_reason,
            "model": completion.model,
            "provider": meta.provider if meta is not None else None,
            "request_id": meta.request_id if meta is not None else None,
        },
    )


def _delta_text(chunk: Any) -> str:
    if not chunk.choices or chunk.choices[0].delta is None:
        return ""
    return str(chunk.choices[0].delta.content or "")


def _prompt(prompt: str) -> list[ChatMessage]:
    return [ChatMessage(role=MessageRole.USER, content=prompt)]


def _completion(response: ChatResponse) -> CompletionResponse:
    return CompletionResponse(
        text=response.message.content or "",
        delta=response.delta,
        raw=response.raw,
        additional_kwargs=response.additional_kwargs,
    )
