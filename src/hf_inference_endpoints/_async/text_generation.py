"""Native (TGI) text generation (written in _async/; the _sync twin is generated)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from .._errors import ValidationError
from .._payloads import (
    is_final_generation_event,
    parse_text_generation,
    parse_text_generation_event,
    text_generation_body,
    unused_model_kwargs,
)
from ._streaming import AsyncStream

if TYPE_CHECKING:
    from ..models import TextGenerationOutput, TextGenerationStreamOutput
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncTextGeneration"]


class AsyncTextGeneration:
    """``client.text_generation``: TGI's native ``{"inputs", "parameters"}`` API."""

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client

    async def generate(
        self,
        *,
        model: str | None = None,
        prompt: str,
        provider: str | None = None,
        endpoint: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> TextGenerationOutput:
        """Generate text from a prompt.

        Args:
            model: ``org/name`` (hf-inference) or the URL of a TGI server / endpoint.
            prompt: The input text.
            provider: ``hf-inference`` (default).
            endpoint: A dedicated Inference Endpoint, ``"name"`` or ``"namespace/name"``,
                instead of ``model`` (its URL is looked up and cached; a paused one raises
                ``EndpointPaused``, a scaled-to-zero one is woken up).
            timeout: Total seconds for the call, across retries and cold-start waits.
            extra_headers: Headers added to the request.
            extra_body: Fields merged into the JSON body verbatim.
            **params: TGI parameters: ``max_new_tokens``, ``temperature``, ``top_k``,
                ``top_p``, ``seed``, ``stop``, ``details``, ``grammar``, ``best_of``, ...
                Parameters a non-TGI backend says it does not use are dropped and the
                request is sent once more without them.

        Returns:
            ``generated_text`` and, with ``details=True``, token details.

        Raises:
            ValidationError: Wrong parameter types (nothing sent) or the server rejected it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.text_generation.generate(  # doctest: +SKIP
            ...     model="http://localhost:8080", prompt="Once upon", max_new_tokens=10
            ... )
            >>> out.generated_text  # doctest: +SKIP
        """
        params.pop("stream", None)
        body = text_generation_body(prompt, params)
        prepared = await self._client._prepare(
            model,
            provider,
            "text-generation",
            body,
            False,
            extra_headers,
            extra_body,
            endpoint=endpoint,
        )
        try:
            result, meta = await self._client._transport.request(
                prepared, parse_text_generation, timeout=timeout
            )
        except ValidationError as exc:
            unused = unused_model_kwargs(exc)
            if not unused:
                raise
            kept = {k: v for k, v in params.items() if k not in unused}
            body = text_generation_body(prompt, kept)
            prepared = await self._client._prepare(
                model,
                provider,
                "text-generation",
                body,
                False,
                extra_headers,
                extra_body,
                endpoint=endpoint,
            )
            result, meta = await self._client._transport.request(
                prepared, parse_text_generation, timeout=timeout
            )
        result._response_meta = meta
        return result

    async def stream(
        self,
        *,
        model: str | None = None,
        prompt: str,
        provider: str | None = None,
        endpoint: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> AsyncStream[TextGenerationStreamOutput]:
        """Stream generated tokens one event at a time.

        Takes the same arguments as :meth:`generate` (``best_of`` and
        ``decoder_input_details`` are not allowed by TGI when streaming).

        Returns:
            An open stream of ``TextGenerationStreamOutput``; the last event carries
            ``generated_text`` (and ``details`` when asked).

        Raises:
            ValidationError: Wrong parameter types (nothing sent).
            HfError: The stream could not be opened; mid-stream failures raise
                ``StreamInterrupted`` while iterating.

        Example:
            >>> async with await client.text_generation.stream(model=url, prompt="Hi") as s:  # doctest: +SKIP
            ...     async for event in s:
            ...         print(event.token.text, end="")
        """
        params.pop("stream", None)
        body = text_generation_body(prompt, params)
        prepared = await self._client._prepare(
            model,
            provider,
            "text-generation",
            body,
            True,
            extra_headers,
            extra_body,
            endpoint=endpoint,
        )
        return await self._client._transport.stream(
            prepared,
            partial(parse_text_generation_event, context=prepared.context),
            is_final=is_final_generation_event,
            needs_done=False,
            timeout=timeout,
        )
