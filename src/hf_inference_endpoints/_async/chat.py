"""Chat completions (OpenAI-compatible) (written in _async/; the _sync twin is generated)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from .._generation import chat_body, is_final_chat_chunk, parse_chat_chunk, parse_chat_completion
from ._failover import request_with_failover, stream_with_failover
from ._streaming import AsyncStream

if TYPE_CHECKING:
    from ..models import ChatCompletion, ChatCompletionChunk
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncChat"]


class AsyncChat:
    """``client.chat``: chat completions on any target (router, provider, endpoint URL)."""

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client

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
                ``logprobs``, ``top_logprobs``, ...

        Returns:
            The completion; ``.response_meta`` holds status, request id and provider.

        Raises:
            ValidationError: A parameter has the wrong type (nothing is sent) or the
                server rejected the request.
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
        body = chat_body(messages, params)
        prepared = await self._client._prepare(
            model,
            provider,
            "conversational",
            body,
            False,
            extra_headers,
            extra_body,
            endpoint=endpoint,
            fallback=fallback,
            bill_to=bill_to,
            timeout=deadline,
        )
        transport = self._client._transport
        if prepared.fallbacks:  # provider failover, above the transport
            result, meta = await request_with_failover(
                transport, prepared, parse_chat_completion, timeout=timeout
            )
        else:  # the usual call: straight to the transport, no extra step
            result, meta = await transport.request(prepared, parse_chat_completion, timeout=timeout)
        result._response_meta = meta
        return result

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
        body = chat_body(messages, params)
        prepared = await self._client._prepare(
            model,
            provider,
            "conversational",
            body,
            True,
            extra_headers,
            extra_body,
            endpoint=endpoint,
            fallback=fallback,
            bill_to=bill_to,
            timeout=deadline,
        )
        transport = self._client._transport
        parse = partial(parse_chat_chunk, context=prepared.context)
        if prepared.fallbacks:  # provider failover, before the first byte
            return await stream_with_failover(
                transport,
                prepared,
                parse,
                is_final=is_final_chat_chunk,
                needs_done=True,
                timeout=timeout,
            )
        return await transport.stream(
            prepared, parse, is_final=is_final_chat_chunk, needs_done=True, timeout=timeout
        )
