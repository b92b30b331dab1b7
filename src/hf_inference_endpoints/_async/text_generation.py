"""Native (TGI) text generation (written in _async/; the _sync twin is generated)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from .._assemble import GenerationFold
from .._call import Answer, Call
from .._errors import ValidationError
from .._generation import (
    details_asked,
    is_final_generation_event,
    parse_text_generation,
    text_generation_body,
    text_generation_from_value,
    text_generation_stream_parser,
    unused_model_kwargs,
)
from .._options import CallOptions
from ._execute import execute, open_stream

if TYPE_CHECKING:
    from ..models import TextGenerationOutput, TextGenerationStreamOutput
    from ._client import AsyncHfInferenceClient
    from ._streaming import AsyncStream

__all__ = ["AsyncTextGeneration"]


def _generated(details: bool) -> Answer:
    """A text-generation answer: TGI's read straight from the body; another API's (a
    completions provider) rewritten by its helper, ``details`` kept only when asked."""
    return Answer(
        from_bytes=parse_text_generation,
        from_value=partial(text_generation_from_value, details=details),
    )


class AsyncTextGeneration:
    """``client.text_generation``: TGI's native ``{"inputs", "parameters"}`` API.

    On providers whose text-generation is an OpenAI completions API (Together,
    Nebius, Novita...), the provider's helper rewrites the request, and answers and
    stream chunks come back in TGI's shapes (``TextGenerationOutput``,
    ``TextGenerationStreamOutput``).
    """

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client

    async def generate(
        self,
        *,
        model: str | None = None,
        prompt: str,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
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
            fallback: Provider failover for this call: ``True`` (any other live mapped
                provider serving text-generation) or providers to try next, in order,
                after a 429, a 5xx or an unavailable model (default: ``config.fallback``,
                off); each provider's answer is read in its own format, and
                ``response_meta.providers_tried`` lists them. Streams fail over before
                the first byte only. A URL or ``endpoint`` raises ``ValidationError``.
            bill_to: Organisation billed for this call (``X-HF-Bill-To``, wins over
                ``config.bill_to``; sent with HF tokens only, never a provider's own key).
            timeout: Total seconds for the call, across retries and cold-start waits.
            extra_headers: Headers added to the request.
            extra_body: Fields merged into the JSON body verbatim.
            **params: TGI parameters: ``max_new_tokens``, ``temperature``, ``top_k``,
                ``top_p``, ``seed``, ``stop``, ``details``, ``grammar``, ``best_of``, ...
                Parameters a non-TGI backend says it does not use are dropped and the
                request is sent once more without them.

        Returns:
            ``generated_text`` and, with ``details=True`` (or ``details`` in
            ``extra_body``, which wins), details; on a completions provider
            ``details`` holds ``finish_reason`` (TGI's words), ``generated_tokens``
            and ``seed``.

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
        options = CallOptions.for_call(
            provider=provider,
            endpoint=endpoint,
            fallback=fallback,
            bill_to=bill_to,
            extra_headers=extra_headers,
            extra_body=extra_body,
        )
        call = Call(
            "text-generation",
            body,
            self._client._deadline(timeout),  # one for both tries below
            model,
            options,
            answer=_generated(details_asked(body, extra_body)),
        )
        result: TextGenerationOutput
        try:
            result, meta = await execute(self._client, call)
        except ValidationError as exc:
            unused = unused_model_kwargs(exc)
            if not unused:
                raise
            kept = {k: v for k, v in params.items() if k not in unused}
            body = text_generation_body(prompt, kept)
            call = dataclasses.replace(
                call, body=body, answer=_generated(details_asked(body, extra_body))
            )
            result, meta = await execute(self._client, call)
        result._response_meta = meta
        return result

    async def stream(
        self,
        *,
        model: str | None = None,
        prompt: str,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> AsyncStream[TextGenerationStreamOutput]:
        """Stream generated tokens one event at a time.

        Takes the same arguments as :meth:`generate` (``best_of`` and
        ``decoder_input_details`` are not allowed by TGI when streaming).

        Providers whose text-generation is an OpenAI completions API stream completion
        chunks; each becomes one ``TextGenerationStreamOutput`` (``token.text`` = the
        chunk's text, ``token.id`` 0), and the chunk with the finish reason is the last
        item, with ``generated_text`` and, with ``details=True``,
        ``details.finish_reason`` in TGI's words (``stop`` -> ``eos_token``). When
        ``[DONE]`` comes without any finish reason, one more item (empty token) carries
        ``generated_text`` (and ``details`` with ``finish_reason`` None when asked).
        Such a stream must end with ``[DONE]`` or a finish reason, else iterating
        raises ``StreamInterrupted``.

        Returns:
            An open stream of ``TextGenerationStreamOutput``; the last event carries
            ``generated_text`` (and ``details`` when asked with ``details=True`` or
            ``details`` in ``extra_body``). ``await stream.final()`` reads the rest and
            returns the whole ``TextGenerationOutput``.

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
        # failover may cross formats: each provider's stream gets its own parser, picked
        # by its helper's stream_format; TGI sends details only when asked (keyword or
        # extra_body), and so do completions streams
        details = details_asked(body, extra_body)
        call = Call(
            "text-generation",
            body,
            self._client._deadline(timeout),
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
            answer=Answer(
                events=partial(text_generation_stream_parser, details=details),
                is_final=is_final_generation_event,
            ),
        )
        stream: AsyncStream[TextGenerationStreamOutput] = await open_stream(self._client, call)
        stream._keep_for(GenerationFold())
        return stream
