"""``ChatHfInference``: a LangChain chat model over :class:`HfInferenceClient`.

Every call goes through this library's pipeline: its retries (with backoff and
``Retry-After``), cold-start waits, one total ``timeout`` per call, provider routing,
failover and ``bill_to``. LangChain's own retry wrapper is not used (``max_retries``
is ours).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.language_models.base import LangSmithParams
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.base import OutputParserLike
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils import secret_from_env
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import AliasChoices, ConfigDict, Field, SecretStr

from .._fields import AdapterFields
from ._messages import (
    chunk_from_stream_chunk,
    message_from_completion,
    to_wire_messages,
    tool_choice_to_wire,
)

__all__ = ["ChatHfInference"]

#: Keyword arguments of ``client.chat.complete`` that are not part of the request body.
_CALL_OPTIONS = (
    "provider",
    "endpoint",
    "fallback",
    "bill_to",
    "timeout",
    "extra_headers",
    "extra_body",
)
#: LangChain bookkeeping that must not reach the server.
_NOT_SENT = ("stream", "ls_structured_output_format")

StructuredMethod = Literal["function_calling", "json_schema", "json_mode"]


class ChatHfInference(BaseChatModel, AdapterFields):
    """Hugging Face chat models (serverless, the provider router, dedicated endpoints) for LangChain.

    Args:
        model: ``org/name``, ``org/name:fastest|cheapest|<provider>``, or an endpoint URL.
        provider, endpoint, bill_to, fallback, timeout, max_retries, api_key (alias
            ``token``), router_url, hub_url, config, client, async_client: see
            :class:`~hf_inference_endpoints.integrations._fields.AdapterFields`. By
            default a sync client is created on first use and each async call opens its own.
        temperature, max_tokens, top_p, seed, stop, frequency_penalty, presence_penalty:
            Sampling parameters sent with every call (a call's own win).
        model_kwargs: Any other chat parameter to send with every call.
        stream_usage: Ask for token usage at the end of a stream (default true).

    Example:
        >>> from hf_inference_endpoints.integrations.langchain import ChatHfInference
        >>> llm = ChatHfInference(model="meta-llama/Llama-3.1-8B-Instruct", max_tokens=50)
        >>> llm.invoke("What is the capital of France?").content  # doctest: +SKIP
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    model: str = Field(validation_alias=AliasChoices("model", "model_name"))
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("HF_TOKEN", default=None),
        validation_alias=AliasChoices("api_key", "token"),
    )

    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    seed: int | None = None
    stop: list[str] | None = Field(default=None, alias="stop_sequences")
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    streaming: bool = False
    stream_usage: bool = True

    # ------------------------------------------------------------------ plumbing

    @property
    def _llm_type(self) -> str:
        return "hf-inference-chat"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "provider": self.provider,
            "endpoint": self.endpoint,
            **self._default_params,
        }

    @property
    def _default_params(self) -> dict[str, Any]:
        params = {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "top_p": self.top_p,
            "seed": self.seed,
            "frequency_penalty": self.frequency_penalty,
            "presence_penalty": self.presence_penalty,
            **self.model_kwargs,
        }
        return {k: v for k, v in params.items() if v is not None}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="huggingface",
            ls_model_name=str(kwargs.get("model") or self.model),
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            params["ls_temperature"] = temperature
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        stops = stop or kwargs.get("stop") or self.stop
        if stops:
            params["ls_stop"] = list(stops)
        return params

    def _request(
        self, messages: Sequence[BaseMessage], stop: list[str] | None, kwargs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """(model, keyword arguments of ``client.chat.complete/stream``) for one call."""
        params: dict[str, Any] = {**self._default_params}
        options = self.call_options()
        model = self.model
        for key, value in kwargs.items():
            if key == "model":
                model = str(value)
            elif key in _CALL_OPTIONS:
                options[key] = value
            elif key == "tool_choice":
                params[key] = tool_choice_to_wire(value)
            elif key not in _NOT_SENT:
                params[key] = value
        bound_stop = params.pop("stop", None)  # from model_kwargs or .bind(stop=...)
        stops = stop if stop is not None else bound_stop or self.stop
        if stops:
            params["stop"] = list(stops)
        params["messages"] = to_wire_messages(messages)
        return model, {**options, **params}

    # ------------------------------------------------------------------ calls

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        model, call = self._request(messages, stop, kwargs)
        completion = self.clients.sync().chat.complete(model=model, **call)
        return _chat_result(completion, model)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        model, call = self._request(messages, stop, kwargs)
        async with self.clients.async_client() as client:
            completion = await client.chat.complete(model=model, **call)
        return _chat_result(completion, model)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        model, call = self._request(messages, stop, kwargs)
        if self.stream_usage and "stream_options" not in call:
            call["stream_options"] = {"include_usage": True}
        with self.clients.sync().chat.stream(model=model, **call) as stream:
            for raw in stream:
                chunk = _generation_chunk(raw, model)
                if run_manager is not None:
                    run_manager.on_llm_new_token(_token_text(chunk), chunk=chunk)
                yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        model, call = self._request(messages, stop, kwargs)
        if self.stream_usage and "stream_options" not in call:
            call["stream_options"] = {"include_usage": True}
        async with (
            self.clients.async_client() as client,
            await client.chat.stream(model=model, **call) as stream,
        ):
            async for raw in stream:
                chunk = _generation_chunk(raw, model)
                if run_manager is not None:
                    await run_manager.on_llm_new_token(_token_text(chunk), chunk=chunk)
                yield chunk

    # ------------------------------------------------------------------ tools

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (functions, pydantic models, ``@tool``s, JSON schemas) to the model.

        Args:
            tools: The tools the model may call.
            tool_choice: ``"auto"``, ``"any"`` (some tool must be called), ``"none"``, or
                a tool's name (that tool must be called).
            strict: Ask the server to follow each tool's schema exactly.
            **kwargs: Other chat parameters to bind (``parallel_tool_calls``...).

        Returns:
            A runnable that sends the tools with every call.

        Example:
            >>> def get_weather(city: str) -> str:
            ...     '''The weather in a city.'''
            ...     return "sunny"
            >>> llm = ChatHfInference(model="org/model")
            >>> bound = llm.bind_tools([get_weather], tool_choice="get_weather")
        """
        formatted = [convert_to_openai_tool(t, strict=strict) for t in tools]
        if tool_choice is not None:
            kwargs["tool_choice"] = tool_choice
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type,
        *,
        method: StructuredMethod = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """A runnable whose output is ``schema`` filled in by the model.

        Args:
            schema: A pydantic class (the output is an instance), a ``TypedDict``, a JSON
                schema or an OpenAI tool schema (the output is a dict).
            method: ``"function_calling"`` (a forced tool call), ``"json_schema"``
                (``response_format`` with the schema) or ``"json_mode"`` (any JSON
                object; say what you want in the prompt).
            include_raw: Return ``{"raw", "parsed", "parsing_error"}`` instead.
            strict: Ask the server to follow the schema exactly.

        Returns:
            The runnable.

        Raises:
            ValueError: An unknown ``method`` or keyword argument.

        Example:
            >>> from pydantic import BaseModel
            >>> class City(BaseModel):
            ...     name: str
            >>> chain = ChatHfInference(model="org/model").with_structured_output(City)
        """
        if kwargs:
            raise ValueError(f"Received unsupported arguments {kwargs}")
        is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
        tool = convert_to_openai_tool(schema, strict=strict)
        name = tool["function"]["name"]
        trace = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
        llm: Runnable[LanguageModelInput, Any]
        parser: OutputParserLike[Any]
        if method == "function_calling":
            llm = self.bind_tools(
                [schema], tool_choice=name, strict=strict, ls_structured_output_format=trace
            )
            parser = (
                PydanticToolsParser(tools=[schema], first_tool_only=True)  # type: ignore[list-item]
                if is_pydantic
                else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
            )
        elif method in ("json_schema", "json_mode"):
            response_format: dict[str, Any] = {"type": "json_object"}
            if method == "json_schema":
                spec = {
                    "name": name,
                    "description": tool["function"].get("description"),
                    "schema": tool["function"].get("parameters"),
                    "strict": strict,
                }
                response_format = {
                    "type": "json_schema",
                    "json_schema": {k: v for k, v in spec.items() if v is not None},
                }
            llm = self.bind(response_format=response_format, ls_structured_output_format=trace)
            parser = (
                PydanticOutputParser(pydantic_object=schema)  # type: ignore[arg-type]
                if is_pydantic
                else JsonOutputParser()
            )
        else:
            raise ValueError(
                f"method must be 'function_calling', 'json_schema' or 'json_mode', got {method!r}"
            )
        if not include_raw:
            return llm | parser
        parsed = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        )
        failed = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=llm) | parsed.with_fallbacks([failed], exception_key="parsing_error")


def _chat_result(completion: Any, model: str) -> ChatResult:
    message, info = message_from_completion(completion, requested_model=model)
    usage = message.usage_metadata
    llm_output = {"model_name": message.response_metadata.get("model_name"), "token_usage": usage}
    return ChatResult(
        generations=[ChatGeneration(message=message, generation_info=info)], llm_output=llm_output
    )


def _generation_chunk(raw: Any, model: str) -> ChatGenerationChunk:
    message, info = chunk_from_stream_chunk(raw, requested_model=model)
    return ChatGenerationChunk(message=message, generation_info=info)


def _token_text(chunk: ChatGenerationChunk) -> str:
    content = chunk.message.content
    return content if isinstance(content, str) else ""
