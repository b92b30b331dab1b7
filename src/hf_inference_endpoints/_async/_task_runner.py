"""What every task service shares: inputs, default models, the call, the typed answer.

Written in _async/; codegen/unasync.py generates the _sync twin. The task services
(``text``, ``images``, ``audio``, ``video``, ``documents``) and ``client.infer`` go
through one :class:`AsyncTaskRunner` per client (``client._tasks``):

1. files are loaded (:mod:`.._inputs`); ``http(s)://`` inputs are downloaded through
   the client's transport (retries, ``max_response_bytes``, the call's ``timeout``)
   **without** the Authorization or X-HF-Bill-To header (the token is for Hugging
   Face, never for a third-party file host), then size-checked;
2. a missing ``model`` becomes the Hub's recommended one for the task
   (``GET /api/tasks`` -> ``widgetModels[0]``, fetched once per client and cleared by
   ``client.clear_caches()``);
3. the body comes from the task registry (:mod:`.._tasks`); the call goes the one
   execution path (``_execute``: the request, retries, failover, jobs, the helper's
   reading of the answer);
4. the result gets its ``response_meta`` (every element of a list result gets it).

``timeout=`` is one total deadline for all of it: the public method starts one
:class:`~.._retry.Deadline` and every step (a download, the default-model lookup,
``_prepare``, the request, job polls, a file named in the answer) gets only what is left
of it; a step that finds nothing left raises ``RequestTimeout`` naming the timeout and
the step, and nothing more is sent. Without ``timeout`` a step only checks for None.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._binary import BinaryResult
from .._call import Call
from .._errors import (
    ErrorContext,
    HfError,
    InvalidArgument,
    ServerError,
    ValidationError,
)
from .._inputs import (
    Media,
    MediaKind,
    RemoteMedia,
    check_media,
    data_url_bytes,
    load_media,
    media_mime,
    sniff_mime,
)
from .._io import AsyncLock
from .._options import CallOptions
from .._request import PreparedRequest
from .._retry import Deadline
from .._routing import base_headers, parse_target
from .._routing.providers import hf_or_auto, registered
from .._tasks import build_body, drop_none, get_task, validate_parameters
from .._tasks.parsers import wrong_shape
from ._execute import execute

if TYPE_CHECKING:
    from .._meta import ResponseMeta
    from ._client import AsyncHfInferenceClient

__all__ = ["AsyncTaskRunner", "attach_meta"]


def attach_meta(result: Any, meta: ResponseMeta) -> Any:
    """Set ``response_meta`` on a result, or on each element of a list result (and of the
    lists inside it: a batch answers one list per input)."""
    items = result if isinstance(result, list) else [result]
    for item in items:
        if isinstance(item, list):
            attach_meta(item, meta)
        elif hasattr(item, "_response_meta"):
            item._response_meta = meta
    return result


class _DefaultModels:
    """task -> the Hub's recommended model, from one ``/api/tasks`` call (per client)."""

    def __init__(self) -> None:
        self.models: dict[str, str] | None = None

    def clear(self) -> None:
        self.models = None


class AsyncTaskRunner:
    """Runs task calls for the services of one client (see the module docstring)."""

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client
        self._defaults: _DefaultModels = client._register_cache(_DefaultModels())
        self._defaults_lock = AsyncLock()

    # ---------------------------------------------------------------- inputs

    async def media(self, value: Any, kind: MediaKind, deadline: Deadline) -> Media:
        """Load a file input (downloading URLs without credentials) and size-check it.

        A download gets what is left of the call's ``deadline``.

        Raises:
            ValidationError: Unsupported input, missing file, an image too large, or an
                empty download.
            HfError: The download failed (``NotFound``, ``NetworkError``, a file larger
                than ``max_response_bytes``...; see :meth:`download`).
        """
        loaded = load_media(value, kind)
        if isinstance(loaded, RemoteMedia):
            loaded = await self.download(loaded.url, kind, deadline)
        return check_media(loaded, kind, self._client.config)

    async def download(
        self,
        url: str,
        kind: MediaKind,
        deadline: Deadline,
        *,
        what: str = "input",
    ) -> Media:
        """GET a file through the client's transport, with no credentials.

        The request carries only the User-Agent: no Authorization, no X-HF-Bill-To (nor
        on a redirect it follows). It is retried like any call (429, 5xx, network
        errors; a 503 is never a model cold start here) and its body is read streaming,
        abandoned as soon as it passes ``max_response_bytes``.

        Args:
            url: An ``http(s)://`` URL.
            kind: What the file is (for the default MIME type and the messages).
            deadline: The deadline of the call it belongs to: the download, retries
                included, gets what is left of it (a call without ``timeout=``: no total
                limit, each attempt is bounded by ``request_timeout``).
            what: What the file is to the call (``"input"``, or ``"named in the
                answer"``), for the messages.

        Returns:
            The bytes and their MIME type (sniffed first, then the ``Content-Type``).

        Raises:
            RequestTimeout: The call's deadline ran out before the download (nothing
                was sent).
            ValidationError: The file is empty.
            ServerError: The file is larger than ``max_response_bytes`` (announced by
                ``Content-Length`` or counted while reading; the rest is not read and the
                download is not retried), or the host answered a 5xx other than 503/504.
            HfError: The host answered another error status (``NotFound``,
                ``ServiceUnavailable``...) or could not be reached (``NetworkError``,
                ``RequestTimeout``), after the retries for the retryable ones. Every
                message of a failed download starts "Downloading the <kind> <what>
                <url> failed: " and the error's ``endpoint`` is the URL.
        """
        if deadline.at is not None:  # the usual call has no limit: no clock read
            deadline.left(doing=f"downloading the {kind} {what} {url} (nothing was sent)")
        config = self._client.config
        prepared = PreparedRequest(
            "GET",
            url,
            base_headers(None, user_agent_extra=config.user_agent),
            expect="bytes",
            context=ErrorContext(endpoint=url, cold_starts=False),
            task="download",
            deadline=deadline,
        )
        try:
            data, meta = await self._client._transport.request(prepared, _body)
        except HfError as error:
            error.message = f"Downloading the {kind} {what} {url} failed: {error.message}"
            error.endpoint = url
            raise
        if not data:
            raise InvalidArgument(f"the {kind} at {url} is empty", endpoint=url)
        declared = meta.headers.get("content-type", "").split(";", 1)[0].strip()
        if what != "input":  # a provider's result: whatever it is
            return Media(data, sniff_mime(data) or declared or "application/octet-stream")
        # the caller's input: it must be what the task takes (a text page is no image)
        return Media(data, media_mime(data, kind, name=url.split("?", 1)[0], declared=declared))

    async def load_inputs(
        self,
        task: str,
        inputs: Any,
        deadline: Deadline,
        *,
        keep_urls: bool = False,
    ) -> Any:
        """``inputs`` with every file in it loaded (see ``InputKind``).

        Downloads get what is left of the call's ``deadline``. ``keep_urls``:
        an ``http(s)://`` file stays a :class:`RemoteMedia` (the provider fetches it).
        """
        spec = get_task(task)
        if spec is None:
            if isinstance(inputs, (bytes, bytearray, memoryview)):
                return Media(bytes(inputs), sniff_mime(bytes(inputs)) or "application/octet-stream")
            return inputs
        kind = spec.media_kind
        if kind is None:
            return inputs
        if spec.inputs == "optional-image" and inputs is None:
            return None
        if spec.inputs in ("image-question", "document-question"):
            if not isinstance(inputs, Mapping):
                raise InvalidArgument(
                    f"{task} inputs must be {{'image': <file>, 'question': str}}, "
                    f"got {type(inputs).__name__}"
                )
            image = await self.file_input(inputs.get("image"), kind, deadline, keep_urls)
            return {**inputs, "image": image}
        return await self.file_input(inputs, kind, deadline, keep_urls)

    async def file_input(
        self, value: Any, kind: MediaKind, deadline: Deadline, keep_url: bool
    ) -> Media | RemoteMedia:
        """One file input: loaded, or with ``keep_url`` an http(s) URL left as it is."""
        if keep_url and isinstance(value, str) and value.startswith(("http://", "https://")):
            return RemoteMedia(value)
        return await self.media(value, kind, deadline)

    def provider_fetches(
        self,
        model: str | None,
        provider: str | None,
        task: str,
        fallback: bool | Sequence[str] | None,
    ) -> bool:
        """Whether a URL input goes to the provider as the URL instead of being downloaded.

        True for a named provider that fetches ``task``'s inputs itself
        (``url_input_tasks``) when the call cannot fail over (another provider of the
        chain may need the bytes).
        """
        if model is None:
            return False
        failover = self._client.config.fallback if fallback is None else fallback
        if failover is not False:
            return False
        try:
            target = parse_target(
                model,
                provider=provider,
                default_provider=self._client.config.default_provider,
                task=task,
            )
        except ValidationError:
            return False
        if target.kind != "provider" or target.provider is None:
            return False
        helper = registered(target.provider)
        return helper is not None and task in helper.url_input_tasks

    # ----------------------------------------------------------- default model

    async def default_model(self, task: str, deadline: Deadline) -> str:
        """The Hub's recommended model for ``task`` (``widgetModels[0]`` of ``/api/tasks``).

        The lookup gets what is left of the call's ``deadline``.

        Raises:
            ValidationError: The Hub recommends no model for the task.
            RequestTimeout: The call's deadline ran out before the lookup.
        """
        async with self._defaults_lock:
            if self._defaults.models is None:
                timeout = None
                if deadline.at is not None:  # the usual call has no limit: no clock read
                    doing = f"looking up the default model for {task} (nothing was sent)"
                    timeout = deadline.left(doing=doing)
                catalogue = await self._client.hub.tasks(timeout=timeout)
                models: dict[str, str] = {}
                for name, entry in catalogue.items():
                    widgets = entry.get("widgetModels") if isinstance(entry, Mapping) else None
                    if isinstance(widgets, list) and widgets and isinstance(widgets[0], str):
                        models[name] = widgets[0]
                self._defaults.models = models
            model = self._defaults.models.get(task)
        if not model:
            raise InvalidArgument(
                f"model is required for {task}: the Hub recommends no default model for it"
            )
        return model

    # ------------------------------------------------------------------- calls

    def _wire(self, model: str, provider: str | None, task: str) -> bool:
        """hf-inference, URL and ``auto`` targets take the hf-inference body (raw bytes /
        base64; ``auto`` usually resolves to hf-inference, and every provider helper also
        reads that form); a named third-party provider gets the neutral envelope (files
        as ``RawBody``, with their MIME type) that its helper translates."""
        try:
            target = parse_target(
                model,
                provider=provider,
                default_provider=self._client.config.default_provider,
                task=task,
            )
        except ValidationError:
            return True  # _prepare raises the same error with its full message
        return target.kind != "provider" or hf_or_auto(target.provider)

    async def call(
        self,
        task: str,
        *,
        model: str | None,
        inputs: Any,
        parameters: Mapping[str, Any],
        provider: str | None,
        endpoint: str | None,
        deadline: Deadline,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
        raw: bool = False,
        fallback: bool | Sequence[str] | None,
        bill_to: str | None,
    ) -> tuple[Any, ResponseMeta]:
        """Send one task call with loaded ``inputs`` and checked ``parameters``.

        Args:
            deadline: The call's one deadline (shared by a call made of several, e.g.
                chunked audio): the default-model lookup, the target's resolution, the
                request, job polls and a file named in the answer all draw from it.
            raw: Return decoded JSON instead of the typed result (``client.infer``).
            fallback: Provider failover for this call (None: ``config.fallback``); it
                applies to the submit (``_execute``).
            bill_to: Organisation billed for this call (None: ``config.bill_to``).

        Returns:
            The result (typed, JSON, or a :class:`BinaryResult`) with its metadata.
        """
        spec = get_task(task)
        if model is None and endpoint is None:
            model = await self.default_model(task, deadline)
        wire = endpoint is not None or model is None or self._wire(model, provider, task)
        body = build_body(task, inputs, parameters, wire=wire)
        binary = spec is not None and spec.binary_output
        call = Call(
            task,
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
            kind="bytes" if binary or spec is None else "json",
            accept=spec.accept if spec is not None else None,
        )
        # one path for every call: the helper reads the answer, provider jobs are
        # followed and outputs downloaded -- except for a task outside the registry,
        # whose answer comes back as sent.
        value, meta = await execute(self._client, call, as_sent=spec is None)
        content_type = meta.headers.get("content-type")
        if binary:
            data = _as_bytes(value, meta)
            declared = _binary_type(content_type)
            if declared is None and sniff_mime(data) is None and data[:1] in (b"{", b"["):
                data = await self._file_from_json(data, meta, deadline=deadline)
            result: Any = BinaryResult(data, declared)
        elif spec is None:
            # bytes from hf-inference / URL targets (read here); a provider's JSON as sent
            if isinstance(value, (bytes, bytearray)):
                result = _decode_unknown(bytes(value), content_type, meta)
            else:
                result = value
        elif raw or spec.parse is None:
            result = value
        else:
            batch = spec.parse_batch is not None and isinstance(inputs, list)
            parse = spec.parse_batch if batch and spec.parse_batch else spec.parse
            try:
                result = parse(value)
            except ValueError as exc:
                raise _bad_answer(meta, wrong_shape(task, value, exc)) from None
        return attach_meta(result, meta), meta

    async def _file_from_json(
        self, content: bytes, meta: ResponseMeta, *, deadline: Deadline
    ) -> bytes:
        """The file of a JSON answer to a file task (docs/wire.md §4.1, text-to-image: the forms
        huggingface.js also accepts): ``{"data": [{"b64_json": ...}]}`` or
        ``{"output": [<url>]}`` (downloaded without credentials; a ``data:`` URL is decoded
        here)."""
        try:
            answer = json.loads(content)
        except ValueError:
            raise _bad_answer(meta, "expected a file, got a body that is neither") from None
        if isinstance(answer, Mapping):
            items = answer.get("data")
            first = items[0] if isinstance(items, list) and items else None
            if isinstance(first, Mapping) and isinstance(first.get("b64_json"), str):
                try:
                    return base64.b64decode(first["b64_json"], validate=True)
                except (binascii.Error, ValueError):
                    raise _bad_answer(meta, "data[0].b64_json is not base64") from None
            output = answer.get("output")
            url = output[0] if isinstance(output, list) and output else output
            if isinstance(url, str) and url.startswith("data:"):
                try:
                    return data_url_bytes(url)  # decoded here, never fetched
                except ValueError as exc:
                    raise _bad_answer(
                        meta, f"output is a data: URL that does not decode: {exc}"
                    ) from None
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                file = await self.download(url, "image", deadline, what="named in the answer")
                return file.data
        raise _bad_answer(meta, f"expected a file, got JSON: {content[:200]!r}")

    async def run(
        self,
        task: str,
        *,
        model: str | None,
        inputs: Any,
        parameters: Mapping[str, Any],
        provider: str | None,
        endpoint: str | None,
        timeout: float | None,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
        fallback: bool | Sequence[str] | None,
        bill_to: str | None,
    ) -> Any:
        """Check the parameters strictly, load the inputs, call: what a service method does.

        One :class:`Deadline` starts here (``timeout``): the downloads, lookups and
        requests of the call all come out of it.
        """
        checked = validate_parameters(task, parameters)
        self._client._check_key(model, provider, task, endpoint=endpoint, fallback=fallback)
        deadline = self._client._deadline(timeout)
        keep_urls = endpoint is None and self.provider_fetches(model, provider, task, fallback)
        loaded = await self.load_inputs(task, inputs, deadline, keep_urls=keep_urls)
        result, _ = await self.call(
            task,
            model=model,
            inputs=loaded,
            parameters=checked,
            provider=provider,
            endpoint=endpoint,
            deadline=deadline,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return result

    async def infer(
        self,
        task: str,
        model: str | None,
        inputs: Any,
        parameters: Mapping[str, Any] | None,
        *,
        provider: str | None,
        endpoint: str | None,
        timeout: float | None,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
        fallback: bool | Sequence[str] | None,
        bill_to: str | None,
    ) -> Any:
        """``client.infer``: any task, parameters sent as given, the answer as JSON or bytes.

        A task outside the registry (text-generation, conversational,
        feature-extraction...) answers what the server sent: decoded JSON (or a
        :class:`BinaryResult` for a file) on every target; on a provider that is the
        provider's own JSON, e.g. a completions provider's ``{"choices": [{"text"}]}``
        for text-generation, not TGI's ``{"generated_text"}``.

        ``timeout`` is one deadline for the whole call (downloads, lookups, request).
        """
        if not isinstance(task, str) or not task:
            raise InvalidArgument("task must be a non-empty string such as 'image-classification'")
        self._client._check_key(model, provider, task, endpoint=endpoint, fallback=fallback)
        deadline = self._client._deadline(timeout)
        keep_urls = endpoint is None and self.provider_fetches(model, provider, task, fallback)
        loaded = await self.load_inputs(task, inputs, deadline, keep_urls=keep_urls)
        result, _ = await self.call(
            task,
            model=model,
            inputs=loaded,
            parameters=drop_none(dict(parameters or {})),
            provider=provider,
            endpoint=endpoint,
            deadline=deadline,
            extra_headers=extra_headers,
            extra_body=extra_body,
            raw=True,
            fallback=fallback,
            bill_to=bill_to,
        )
        return result


def _body(content: bytes) -> bytes:
    """A download's answer is its bytes, as they came."""
    return content


def _binary_type(content_type: str | None) -> str | None:
    """The answer's type for a file result; a JSON/text one (a provider job's submit
    answer, not the file) is dropped so the file's own bytes are sniffed instead."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind.endswith("json") or kind.startswith("text/"):
        return None
    return content_type


def _as_bytes(value: Any, meta: ResponseMeta) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise _bad_answer(meta, f"expected a file, got {type(value).__name__}")


def _bad_answer(meta: ResponseMeta, why: str) -> ServerError:
    return ServerError(
        f"The server answered {meta.status_code} with a body that is not the expected "
        f"result: {why}",
        status_code=meta.status_code,
        request_id=meta.request_id,
        provider=meta.provider,
        model=meta.model,
    )


def _decode_unknown(content: bytes, content_type: str | None, meta: ResponseMeta) -> Any:
    """A task outside the registry: JSON when the server says so (or it looks like it)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    looks_json = kind.endswith("json") or (not kind and content[:1] in (b"{", b"["))
    if not looks_json:
        return BinaryResult(content, content_type)
    try:
        return json.loads(content)
    except ValueError as exc:
        raise _bad_answer(meta, f"invalid JSON ({kind}): {exc}") from None


class AsyncTaskService:
    """Base of the task services (``client.text``, ``client.images``...): one shared runner.

    Every public method of a service takes, besides its task's arguments, the same
    keyword arguments: ``provider``, ``endpoint``, ``fallback``, ``bill_to``,
    ``timeout``, ``extra_headers`` and ``extra_body`` (see each class docstring).
    """

    def __init__(self, client: AsyncHfInferenceClient) -> None:
        self._client = client

    async def _run(
        self,
        task: str,
        inputs: Any,
        parameters: dict[str, Any],
        model: str | None,
        provider: str | None,
        endpoint: str | None,
        timeout: float | None,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
        *,
        fallback: bool | Sequence[str] | None,
        bill_to: str | None,
    ) -> Any:
        return await self._client._task_runner.run(
            task,
            model=model,
            inputs=inputs,
            parameters=parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
