"""Chat completions (OpenAI-compatible) (written in _async/; the _sync twin is generated)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from .._assemble import ChatFold
from .._call import Answer, Call
from .._errors import ErrorContext, InvalidArgument
from .._generation import chat_body, is_final_chat_chunk, parse_chat_chunk, parse_chat_completion
from .._options import CallOptions
from .._structured import apply_response_format, parse_structured
from ._execute import execute, open_stream
from ._streaming import AsyncParsedChatStream, AsyncStream

if TYPE_CHECKING:
    from .._structured import ParsedChatCompletion
    from ..models import (
        ChatCompletion,
        ChatCompletionChunk,
        ResponseFormatJsonObject,
        ResponseFormatJsonSchema,
        ResponseFormatText,
    )
    from ._client import AsyncHfInferenceClient

    #: A ``response_format`` given as one of the generated request models.
    ResponseFormat = ResponseFormatText | ResponseFormatJsonObject | ResponseFormatJsonSchema

T = TypeVar("T")

__all__ = ["AsyncChat", "AsyncChatCompletions"]


def _chat_events(stream_format: str, context: ErrorContext) -> tuple[Any, bool]:
    """OpenAI chat chunks on every provider (they end with ``[DONE]``)."""
    return partial(parse_chat_chunk, context=context), True


#: A chat answer: OpenAI chat on every provider, read straight from the body.
_COMPLETION = Answer(from_bytes=parse_chat_completion)
#: A chat stream: OpenAI chat chunks, the last one with a finish reason or usage.
_CHUNKS = Answer(events=_chat_events, is_final=is_final_chat_chunk)


class AsyncChat:
    """``client.chat``: chat completions on any target (router, provider, endpoint URL)."""

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client

    @property
    def completions(self) -> AsyncChatCompletions:
        """The openai SDK's shape: ``client.chat.completions.create(..., stream=...)``."""
        return AsyncChatCompletions(self)

    @overload
    async def complete(
        self,
        *,
        model: str | None = None,
        messages: Sequence[Any],
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        response_format: type[T],
        **params: Any,
    ) -> ParsedChatCompletion[T]: ...
    @overload
    async def complete(
        self,
        *,
        model: str | None = None,
        messages: Sequence[Any],
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        response_format: Mapping[str, Any] | ResponseFormat | None = None,
        **params: Any,
    ) -> ChatCompletion: ...
    async def complete(
        self,
        *,
        model: str | None = None,
        messages: Sequence[Any],
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        response_format: Any = None,
        **params: Any,
    ) -> ChatCompletion:
        """Ask a model for a chat completion.

        Args:
            model: ``org/name``, ``org/name:fastest|cheapest|preferred|<provider>``, or the
                URL of a dedicated endpoint / OpenAI-compatible server.
            messages: Dicts (``{"role": "user", "content": "..."}``) or ``ChatMessage`` models;
                content may be a list of text and ``image_url`` parts.
            provider: ``hf-inference`` (default), ``auto`` (the router picks), or a provider
                name (its route through the router, with the model id the Hub maps for it;
                a provider key as token goes straight to the provider's own API).
            endpoint: A dedicated Inference Endpoint, ``"name"`` or ``"namespace/name"``,
                instead of ``model`` (its URL is looked up and cached; a paused one raises
                ``EndpointPaused``, a scaled-to-zero one is woken up). ``model``, if also
                given, is sent as the served model name.
            fallback: Provider failover for this call: ``True`` (any other live mapped
                provider) or providers to try next, in order, after a 429, a 5xx or an
                unavailable model (default: ``config.fallback``, off);
                ``response_meta.providers_tried`` lists them. A URL or ``endpoint`` has no
                provider to fail over to (``ValidationError``); with a router policy
                (``:fastest``, ``provider="auto"``) the router itself chooses.
            bill_to: Organisation billed for this call (``X-HF-Bill-To``, wins over
                ``config.bill_to``; sent with HF tokens only, never a provider's own key).
            timeout: Total seconds for the call, across retries and cold-start waits.
            extra_headers: Headers added to the request (they win over ours).
            extra_body: Fields merged into the JSON body verbatim.
            **params: Any chat parameter: ``max_tokens``, ``temperature``, ``top_p``,
                ``seed``, ``stop``, ``tools``, ``tool_choice``, ``response_format``,
                ``logprobs``, ``top_logprobs``, ... ``response_format`` may be a pydantic
                model class: its JSON schema is sent (``json_schema``, strict) and the reply
                is validated into ``choices[i].message.parsed``.

        Returns:
            The completion; ``.response_meta`` holds status, request id and provider. With
            a ``response_format`` class, a ``ParsedChatCompletion`` (``message.parsed``).

        Raises:
            ValidationError: A parameter has the wrong type (nothing is sent) or the
                server rejected the request.
            StructuredOutputError: The reply does not match the ``response_format`` class
                (``.raw`` holds the text).
            HfError: Any other failure, as a subclass (``RateLimited``, ``ColdStartTimeout``...).

        Example:
            >>> reply = await client.chat.complete(  # doctest: +SKIP
            ...     model="meta-llama/Llama-3.1-8B-Instruct",
            ...     messages=[{"role": "user", "content": "Hello!"}],
            ...     max_tokens=20,
            ... )
            >>> reply.choices[0].message.content  # doctest: +SKIP
        """
        params.pop("stream", None)
        deadline = self._client._deadline(timeout)  # building the body counts too
        if response_format is not None:
            params["response_format"] = response_format
        schema_model = apply_response_format(params) if "response_format" in params else None
        body = chat_body(messages, params)
        call = Call(
            "conversational",
            body,
            deadline,
            model,
            CallOptions.for_call(
                provider=provider,
                endpoint=endpoint,
                fallback=fallback,
                bill_to=bill_to,
                extra_headers=extra_headers,
                extra_body=extra_body,
            ),
            answer=_COMPLETION,
        )
        result: ChatCompletion
        result, meta = await execute(self._client, call)
        result._response_meta = meta
        if schema_model is not None:
            return parse_structured(result, schema_model)
        return result

    @overload
    async def stream(
        self,
        *,
        model: str | None = None,
        messages: Sequence[Any],
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        response_format: type[T],
        **params: Any,
    ) -> AsyncParsedChatStream[T]: ...
    @overload
    async def stream(
        self,
        *,
        model: str | None = None,
        messages: Sequence[Any],
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        response_format: Mapping[str, Any] | ResponseFormat | None = None,
        **params: Any,
    ) -> AsyncStream[ChatCompletionChunk]: ...
    async def stream(
        self,
        *,
        model: str | None = None,
        messages: Sequence[Any],
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> AsyncStream[ChatCompletionChunk]:
        """Stream a chat completion chunk by chunk.

        Takes the same arguments as :meth:`complete`. The stream retries only
        before the first byte; an error mid-stream raises ``StreamInterrupted``.

        Returns:
            An open stream of ``ChatCompletionChunk``; close it (or use ``with``) when
            stopping early. Chunks may have empty ``choices`` (the usage chunk).
            ``await stream.final()`` reads the rest and returns the whole completion;
            with a ``response_format`` class, an ``AsyncParsedChatStream`` whose
            ``final()`` is a ``ParsedChatCompletion`` (``message.parsed``).

        Raises:
            ValidationError: A parameter has the wrong type (nothing is sent).
            HfError: The stream could not be opened.

        Example:
            >>> async with await client.chat.stream(model=m, messages=msgs) as stream:  # doctest: +SKIP
            ...     async for chunk in stream:
            ...         if chunk.choices:
            ...             print(chunk.choices[0].delta.content or "", end="")
        """
        params.pop("stream", None)
        deadline = self._client._deadline(timeout)  # building the body counts too
        schema_model = apply_response_format(params) if "response_format" in params else None
        body = chat_body(messages, params)
        call = Call(
            "conversational",
            body,
            deadline,
            model,
            CallOptions.for_call(
                provider=provider,
                endpoint=endpoint,
                fallback=fallback,
                bill_to=bill_to,
                extra_headers=extra_headers,
                extra_body=extra_body,
            ),
            kind="sse",
            answer=_CHUNKS,
        )
        stream: AsyncStream[ChatCompletionChunk] = await open_stream(self._client, call)
        stream._keep_for(ChatFold(schema_model))
        if schema_model is not None:  # the same stream; final() is typed ParsedChatCompletion
            stream.__class__ = AsyncParsedChatStream
        return stream


class AsyncChatCompletions:
    """``client.chat.completions``: the openai SDK's chat surface over :class:`AsyncChat`.

    ``create`` takes the openai SDK's keywords and returns what ``chat.complete`` (or,
    with ``stream=True``, ``chat.stream``) returns, with this client's routing, retries
    and deadlines underneath. Differences that remain: docs/openai-compat.md.
    """

    def __init__(self, chat: AsyncChat) -> None:
        self._chat = chat

    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Any],
        stream: Literal[False] = False,
        response_format: type[T],
        **params: Any,
    ) -> ParsedChatCompletion[T]: ...
    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Any],
        stream: Literal[False] = False,
        response_format: Mapping[str, Any] | ResponseFormat | None = None,
        **params: Any,
    ) -> ChatCompletion: ...
    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Any],
        stream: Literal[True],
        response_format: type[T],
        **params: Any,
    ) -> AsyncParsedChatStream[T]: ...
    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Any],
        stream: Literal[True],
        **params: Any,
    ) -> AsyncStream[ChatCompletionChunk]: ...
    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Any],
        stream: bool,
        **params: Any,
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]: ...
    async def create(
        self,
        *,
        model: str,
        messages: Sequence[Any],
        stream: bool = False,
        **params: Any,
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]:
        """Create a chat completion, as the openai SDK's method of the same name.

        Args:
            model: A Hub model id (``org/name``, ``org/name:provider``), a URL, or, on a
                client made with a non-router ``base_url``, the name the server serves.
            messages: The conversation.
            stream: Return an open stream of chunks instead of the completion.
            **params: Any keyword of :meth:`AsyncChat.complete` (``timeout``,
                ``extra_headers``, ``extra_body``, ``provider``, ``response_format``,
                ``max_tokens``, ``tools``...).

        Returns:
            A ``ChatCompletion``, or with ``stream=True`` an ``AsyncStream`` of chunks.

        Raises:
            ValidationError: ``stream`` is not a bool, ``extra_query`` was given, or a
                parameter is wrong (nothing is sent).
            HfError: As :meth:`AsyncChat.complete`.

        Example:
            >>> reply = await client.chat.completions.create(  # doctest: +SKIP
            ...     model="meta-llama/Llama-3.1-8B-Instruct",
            ...     messages=[{"role": "user", "content": "Hi"}],
            ... )
        """
        if type(stream) is not bool:
            raise InvalidArgument(f"stream must be True or False, got {stream!r}")
        model, params = self._openai_target(model, params)
        if stream:
            opened: AsyncStream[ChatCompletionChunk] = await self._chat.stream(
                model=model, messages=messages, **params
            )
            return opened
        # the class or dict response_format travels in params: the overloads cannot tell
        completion: ChatCompletion = await self._chat.complete(
            model=model, messages=messages, **params
        )
        return completion

    def _openai_target(self, model: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The openai SDK's words: no ``extra_query``; a served name on a ``base_url`` client.

        Raises:
            InvalidArgument: ``extra_query`` was given.
        """
        if params.get("extra_query"):
            raise InvalidArgument("extra_query is not supported (query strings are not sent)")
        params.pop("extra_query", None)
        base_url = self._chat._client._base_url
        if base_url is not None and isinstance(model, str) and "://" not in model:
            params["extra_body"] = {**(params.get("extra_body") or {}), "model": model}
            model = base_url
        return model, params

    async def parse(
        self, *, model: str, messages: Sequence[Any], response_format: type[T], **params: Any
    ) -> ParsedChatCompletion[T]:
        """The openai SDK's ``parse``: :meth:`create` with a ``response_format`` class.

        Returns:
            A ``ParsedChatCompletion`` (``choices[i].message.parsed``).

        Raises:
            ValidationError: ``response_format`` is not a class (nothing is sent).
            StructuredOutputError: The reply does not match ``response_format``.
        """
        if not isinstance(response_format, type):
            raise InvalidArgument(
                "parse needs a pydantic model class as response_format (create() takes dicts)"
            )
        model, params = self._openai_target(model, params)
        return await self._chat.complete(
            model=model, messages=messages, response_format=response_format, **params
        )
