"""Audio tasks: speech recognition, speech/audio synthesis, classification, audio-to-audio.

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from .._errors import InvalidArgument
from .._inputs import FileInput, Media, RemoteMedia, audio_chunks
from .._tasks import need, validate_parameters
from ._task_runner import AsyncTaskService

if TYPE_CHECKING:
    from .._binary import BinaryResult
    from .._meta import ResponseMeta
    from ..models import (
        AudioClassificationOutputElement,
        AudioToAudioOutputElement,
        AutomaticSpeechRecognitionOutput,
    )

__all__ = ["AsyncAudio"]

_ASR = "automatic-speech-recognition"


class AsyncAudio(AsyncTaskService):
    """``client.audio``: audio tasks.

    ``audio`` arguments accept bytes, a path, an ``http(s)://`` URL (downloaded without
    your token), a ``data:`` URL or a binary file object; without options the raw file
    is sent (``Content-Type`` sniffed: WAV, FLAC, MP3, OGG), with options base64 in JSON.

    The main arguments may be given by position, in the order of the signatures
    (``model`` first: ``classify(model, text)``); a missing one raises ``ValidationError``.
    Every method also takes these keyword arguments:

    * ``model``: ``org/name``, ``org/name:<provider>``, or an endpoint URL. When omitted
      (and no ``endpoint``), the Hub's recommended model for the task is used.
    * ``provider``: ``hf-inference`` (default) or another provider name.
    * ``endpoint``: a dedicated Inference Endpoint (``"name"`` or ``"namespace/name"``).
    * ``fallback``: provider failover for this call: ``True`` (any other live mapped
      provider) or provider names to try next, in order, after a 429, a 5xx or an
      unavailable model (default: ``config.fallback``, off). It applies to Hub model ids
      routed to a provider (a provider job fails over at its submit);
      ``response_meta.providers_tried`` lists the providers tried. A URL or an
      ``endpoint`` has no provider to fail over to: passing it there raises
      ``ValidationError``.
    * ``bill_to``: the organisation billed for this call (``X-HF-Bill-To``; wins over
      ``config.bill_to``). Sent with an HF token only, never with a provider's own key.
    * ``timeout``: total seconds for the whole call (for chunked audio: for all the
      chunks together), across downloads, lookups, retries and cold-start waits; each
      step gets what is left, and ``RequestTimeout`` says which step it ran out in.
    * ``extra_headers`` / ``extra_body``: sent as given (they win over ours).
    """

    async def transcribe(
        self,
        model: str | None = None,
        audio: FileInput = None,
        *,
        return_timestamps: bool | None = None,
        generation_parameters: Mapping[str, Any] | None = None,
        max_concurrency: int = 4,  # unasync: remove
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AutomaticSpeechRecognitionOutput:
        """Turn speech into text: automatic-speech-recognition.

        A PCM WAV longer than ``max_audio_duration`` is split into chunks of at most
        that length when ``auto_chunk_long_audio`` is on (the default), the chunks are
        transcribed, and the texts are joined with a space in chunk order; ``chunks``
        timestamps are shifted to the whole recording. ``timeout`` covers all the
        chunks: a chunk gets what is left of it when it is sent, and none is sent once
        it has run out (``RequestTimeout``). The first chunk that fails ends the call
        with its error: the chunks in flight are cancelled and no other is started.
        With the switch off such audio is refused. Audio that cannot be measured (FLAC,
        MP3...) is sent whole.

        (async client only) Up to ``max_concurrency`` chunks are sent at once.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            audio: The recording (see the class docstring).
            return_timestamps: Also return ``chunks`` with ``[start, end]`` seconds.
            generation_parameters: Decoding settings (``GenerationParameters`` fields).
            max_concurrency: (async client only) Most chunks of a long recording sent at
                once (an int >= 1, default 4).
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            ``text`` and, with ``return_timestamps``, ``chunks``. ``response_meta`` is the
            last chunk's request's.

        Raises:
            ValidationError: Unreadable audio, too long with chunking off or a wrong
                option type (nothing sent), or the server refused it.
            HfError: Any other failure, as a subclass (for chunked audio: the first
                failing chunk's error).

        Example:
            >>> out = await client.audio.transcribe(  # doctest: +SKIP
            ...     model="openai/whisper-large-v3", audio="meeting.wav"
            ... )
            >>> out.text  # doctest: +SKIP
        """
        audio = need(audio, "audio")
        from ..models import AutomaticSpeechRecognitionOutput, AutomaticSpeechRecognitionOutputChunk

        # unasync: remove-begin
        if (
            isinstance(max_concurrency, bool)
            or not isinstance(max_concurrency, int)
            or max_concurrency < 1
        ):
            raise InvalidArgument(f"max_concurrency must be an int >= 1, got {max_concurrency!r}")
        # unasync: remove-end
        runner = self._client._task_runner
        parameters = validate_parameters(
            _ASR,
            {
                "return_timestamps": return_timestamps,
                "generation_parameters": dict(generation_parameters)
                if generation_parameters is not None
                else None,
            },
        )
        self._client._check_key(model, provider, _ASR, endpoint=endpoint, fallback=fallback)
        deadline = self._client._deadline(timeout)  # one for the download and every chunk
        # a provider that fetches URLs itself gets the URL: no download, no chunking here
        keep_url = endpoint is None and runner.provider_fetches(model, provider, _ASR, fallback)
        media = await runner.file_input(audio, "audio", deadline, keep_url)
        if model is None and endpoint is None:
            model = await runner.default_model(_ASR, deadline)

        async def send(piece: Media | RemoteMedia) -> tuple[Any, ResponseMeta]:
            return await runner.call(
                _ASR,
                model=model,
                inputs=piece,
                parameters=parameters,
                provider=provider,
                endpoint=endpoint,
                deadline=deadline,
                extra_headers=extra_headers,
                extra_body=extra_body,
                fallback=fallback,
                bill_to=bill_to,
            )

        if isinstance(media, RemoteMedia):
            out, _ = await send(media)
            return cast("AutomaticSpeechRecognitionOutput", out)
        pieces = audio_chunks(media, self._client.config)
        if len(pieces) == 1:
            out, _ = await send(pieces[0][1])
            return cast("AutomaticSpeechRecognitionOutput", out)
        # every chunk, in chunk order; the first failing chunk's error ends the call
        answers: list[tuple[Any, ResponseMeta] | None] = [None] * len(pieces)
        # unasync: remove-begin
        if max_concurrency > 1:
            import anyio
            import anyio.abc

            failures: list[Exception] = []
            pending = iter(enumerate(pieces))

            async def worker(group: anyio.abc.TaskGroup) -> None:
                for index, (_, piece) in pending:  # shared: each chunk is taken by one worker
                    if failures:
                        return
                    try:
                        answers[index] = await send(piece)
                    except Exception as exc:  # cancel the chunks in flight, start no other
                        if not failures:
                            failures.append(exc)
                        group.cancel_scope.cancel()
                        return

            async with anyio.create_task_group() as group:
                for _ in range(min(max_concurrency, len(pieces))):
                    group.start_soon(worker, group)
            if failures:
                raise failures[0]
        # unasync: remove-end
        for index, (_, piece) in enumerate(pieces):  # the sync client: one after the other
            if answers[index] is None:
                answers[index] = await send(piece)
        texts: list[str] = []
        chunks: list[AutomaticSpeechRecognitionOutputChunk] = []
        any_chunks = False
        meta: ResponseMeta | None = None
        for (offset, _), answer in zip(pieces, answers, strict=True):
            out, meta = cast("tuple[Any, ResponseMeta]", answer)
            if out.text and out.text.strip():
                texts.append(out.text.strip())
            if out.chunks is not None:
                any_chunks = True
                for chunk in out.chunks:
                    stamp = chunk.timestamp
                    shifted = (
                        None
                        if stamp is None
                        else [None if t is None else t + offset for t in stamp]
                    )
                    chunks.append(chunk.model_copy(update={"timestamp": shifted}))
        joined = AutomaticSpeechRecognitionOutput(
            text=" ".join(texts), chunks=chunks if any_chunks else None
        )
        joined._response_meta = meta
        return joined

    async def synthesize(
        self,
        model: str | None = None,
        text: str | None = None,
        *,
        task: Literal["text-to-speech", "text-to-audio"] = "text-to-speech",
        generation_parameters: Mapping[str, Any] | None = None,
        do_sample: bool | None = None,
        max_new_tokens: int | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> BinaryResult:
        """Speak a text (text-to-speech) or generate audio from a description (text-to-audio).

        Args:
            model: See the class docstring (optional: the Hub's default model).
            text: The text to speak, or the sound/music to generate.
            task: ``text-to-speech`` (default) or ``text-to-audio``.
            generation_parameters: Decoding settings, nested as the task specs put them.
            do_sample: Sample instead of greedy decoding (sent flat in ``parameters``,
                as huggingface_hub does for text-to-speech).
            max_new_tokens: Upper bound on generated tokens (flat, as above).
            temperature: Sampling temperature (flat, as above).
            top_k: Sample among the k most likely tokens (flat, as above).
            top_p: Nucleus sampling mass (flat, as above).
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The audio (``content_type`` as the server sent it, e.g. ``audio/flac``).

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> speech = await client.audio.synthesize(  # doctest: +SKIP
            ...     model="espnet/kan-bayashi_ljspeech_vits", text="Hello world"
            ... )
            >>> speech.save("hello.flac")  # doctest: +SKIP
        """
        text = need(text, "text")
        parameters = {
            "generation_parameters": dict(generation_parameters)
            if generation_parameters is not None
            else None,
            "do_sample": do_sample,
            "max_new_tokens": max_new_tokens,
            "temperature": temperature,
            "top_k": top_k,
            "top_p": top_p,
        }
        result = await self._client._task_runner.run(
            task,
            model=model,
            inputs=text,
            parameters=parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("BinaryResult", result)

    async def classify(
        self,
        model: str | None = None,
        audio: FileInput = None,
        *,
        function_to_apply: Literal["sigmoid", "softmax", "none"] | None = None,
        top_k: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[AudioClassificationOutputElement]:
        """Classify a recording (emotion, command, language...): audio-classification.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            audio: The recording (see the class docstring).
            function_to_apply: How logits become scores.
            top_k: Return only the k best labels.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Labels with scores, best first.

        Raises:
            ValidationError: Unreadable audio, a wrong option type (nothing sent), or the
                server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> labels = await client.audio.classify(  # doctest: +SKIP
            ...     model="superb/hubert-large-superb-er", audio="voice.flac"
            ... )
        """
        audio = need(audio, "audio")
        result = await self._client._task_runner.run(
            "audio-classification",
            model=model,
            inputs=audio,
            parameters={"function_to_apply": function_to_apply, "top_k": top_k},
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[AudioClassificationOutputElement]", result)

    async def transform(
        self,
        model: str | None = None,
        audio: FileInput = None,
        *,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[AudioToAudioOutputElement]:
        """Enhance or separate audio: audio-to-audio.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            audio: The recording (see the class docstring).
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            One element per output track: ``label``, ``blob`` (base64 audio; decode with
            ``base64.b64decode``) and ``content_type``.

        Raises:
            ValidationError: Unreadable audio, or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> tracks = await client.audio.transform(  # doctest: +SKIP
            ...     model="speechbrain/sepformer-wham", audio="mix.wav"
            ... )
        """
        audio = need(audio, "audio")
        result = await self._client._task_runner.run(
            "audio-to-audio",
            model=model,
            inputs=audio,
            parameters={},
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[AudioToAudioOutputElement]", result)
