"""The template every provider helper fills in, and the no-I/O steps of async jobs.

A helper turns (task, provider model id, the caller's task body) into a URL, extra
headers and a request body, and turns the provider's answer into the task-level
value. Providers that answer with a job (a queue id, a prediction, a URL to
download) describe the next request as a :class:`Fetch` step; the twins'
``_providers`` module performs it and hands the answer back to :meth:`ProviderHelper.advance`
until a :class:`Done` step carries the value. Nothing here does I/O.

The caller's task body ("the envelope") is the Hugging Face task shape, the same
one hf-inference takes on the wire::

    {"inputs": <task input>, "parameters": {...}}   # None values are ignored

``inputs`` may hold ``bytes`` (a raw image/audio file) or a ``str`` (text, an
``http(s)://`` URL or a ``data:`` URL); helpers turn bytes into what their
provider wants (raw body, base64, data URL, multipart). Chat bodies are OpenAI
chat fields (``messages``, ``max_tokens``...).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import quote, urlsplit

from ..._errors import InvalidArgument, ServerError
from ..._mime import sniff_mime
from ..._record import Record, record, set_field
from ..._request import PreparedRequest, RawBody, ResponseKind

if TYPE_CHECKING:
    from ..mapping import MappingEntry

__all__ = [
    "HF_CO",
    "AdapterWriter",
    "AnswerReader",
    "BodyBuilder",
    "Done",
    "Fetch",
    "JobContext",
    "ProviderHelper",
    "RawBody",
    "ResponseKind",
    "Route",
    "Step",
    "StepReader",
    "StreamFormat",
    "as_data_url",
    "b64decode",
    "body_inputs",
    "body_parameters",
    "done",
    "download",
    "envelope",
    "file_bytes",
    "follow_up_request",
    "jsonable",
    "malformed",
    "multipart_body",
    "quote_model",
    "sniff_mime",
    "url_path",
    "with_form_fields",
]

#: The event format of a streamed answer: TGI's ``/generate_stream`` events (no
#: ``[DONE]``), OpenAI chat chunks, or OpenAI completion chunks (both end with ``[DONE]``).
StreamFormat = Literal["tgi", "openai-chat", "openai-completions"]

#: The Hub URL LoRA adapter files are served from (``{repo}/resolve/main/{path}``).
HF_CO = "https://huggingface.co"


def quote_model(model_id: str) -> str:
    """Escape each path segment of a model id (``org/name`` keeps its slash)."""
    return "/".join(quote(part, safe="") for part in model_id.split("/"))


# --------------------------------------------------------------------------- bodies


def as_data_url(value: Any, default_mime: str) -> str:
    """A file input as something a provider can fetch: a URL or a ``data:`` URL.

    ``bytes`` and :class:`RawBody` become ``data:<mime>;base64,...`` (the MIME type is the
    RawBody's, else sniffed, else ``default_mime``); ``http(s)://`` and ``data:`` URLs
    pass through; any other string is taken as base64 file content (the form
    hf-inference bodies carry files in).

    Raises:
        ValidationError: ``value`` is not a file input.

    Example:
        >>> as_data_url(b"\\x89PNG\\r\\n\\x1a\\n", "image/jpeg")
        'data:image/png;base64,iVBORw0KGgo='
        >>> as_data_url("https://x/y.png", "image/jpeg")
        'https://x/y.png'
    """
    if isinstance(value, RawBody):
        mime = value.content_type
        if mime in ("", "application/octet-stream"):
            mime = sniff_mime(value.content, default_mime)
        return f"data:{mime};base64,{base64.b64encode(value.content).decode('ascii')}"
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        encoded = base64.b64encode(data).decode("ascii")
        return f"data:{sniff_mime(data, default_mime)};base64,{encoded}"
    if isinstance(value, str) and value:
        if value.startswith(("http://", "https://", "data:")):
            return value
        try:
            head = base64.b64decode(value[:24] + "=" * (-len(value[:24]) % 4))
        except ValueError:
            head = b""
        return f"data:{sniff_mime(head, default_mime)};base64,{value}"
    raise InvalidArgument(
        f"expected a file input (bytes, a URL or base64 text), got {type(value).__name__}"
    )


def file_bytes(value: Any, what: str) -> tuple[bytes, str | None]:
    """The bytes (and MIME type, when known) of a file input given as bytes or RawBody.

    Raises:
        ValidationError: ``value`` is not raw file content.
    """
    if isinstance(value, RawBody):
        return value.content, value.content_type
    if isinstance(value, (bytes, bytearray)):
        return bytes(value), None
    raise InvalidArgument(f"{what} must be given as bytes, got {type(value).__name__}")


def envelope(body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """The task envelope of a body: a :class:`RawBody` (a file) becomes ``{"inputs": file}``."""
    if isinstance(body, RawBody):
        return {"inputs": body}
    return body


_SCALARS = frozenset({str, int, float, bool})


def jsonable(value: Any) -> Any:
    """A copy of ``value`` where files become base64 text and ``None`` entries go."""
    if type(value) in _SCALARS:  # most leaves (a batch of texts): no ABC checks
        return value
    if isinstance(value, RawBody):
        return base64.b64encode(value.content).decode("ascii")
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def body_inputs(body: Mapping[str, Any] | RawBody) -> Any:
    """The ``inputs`` of a task envelope (the file itself for a :class:`RawBody`)."""
    if isinstance(body, RawBody):
        return body
    return body.get("inputs")


def body_parameters(body: Mapping[str, Any] | RawBody) -> dict[str, Any]:
    """The ``parameters`` of a task envelope, None values dropped (a fresh dict)."""
    if isinstance(body, RawBody):
        return {}
    params = body.get("parameters")
    if not isinstance(params, Mapping):
        return {}
    return {k: v for k, v in params.items() if v is not None}


def multipart_body(
    fields: Mapping[str, Any],
    file_field: str,
    data: bytes,
    filename: str,
    content_type: str | None = None,
) -> RawBody:
    """A ``multipart/form-data`` body with text fields and one file part.

    The boundary is derived from the content, so the same call always builds the
    same bytes (requests can be compared exactly in tests and recordings).
    """
    digest = hashlib.sha256(data)
    for key, value in fields.items():
        digest.update(f"{key}={value}".encode())
    boundary = f"hfie-{digest.hexdigest()[:32]}"
    mime = sniff_mime(data, "application/octet-stream") if content_type is None else content_type
    parts: list[bytes] = []
    for key, value in fields.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else _form_value(value)
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{text}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'
        ).encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return RawBody(b"".join(parts), f"multipart/form-data; boundary={boundary}")


def with_form_fields(body: RawBody, fields: Mapping[str, Any]) -> RawBody:
    """``body`` (a multipart form) with ``fields`` added as text parts (``extra_body``).

    Raises:
        ValidationError: ``body`` is not a multipart form (a raw file cannot take fields).
    """
    marker = "boundary="
    if not body.content_type.startswith("multipart/form-data") or marker not in body.content_type:
        raise InvalidArgument(
            f"extra_body cannot be merged into a raw {body.content_type} request body"
        )
    boundary = body.content_type.split(marker, 1)[1].strip('"')
    closing = f"--{boundary}--\r\n".encode()
    if not body.content.endswith(closing):
        raise InvalidArgument("extra_body: the multipart body has no closing boundary")
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        f"{value if isinstance(value, str) else _form_value(value)}\r\n".encode()
        for key, value in fields.items()
        if value is not None
    ]
    content = body.content[: -len(closing)] + b"".join(parts) + closing
    return RawBody(content, body.content_type)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, separators=(",", ":"))
    return str(value)


def b64decode(value: Any, what: str) -> bytes:
    """Decode a base64 field of a provider answer (``data:`` prefix allowed).

    Raises:
        ServerError: The field is missing or not base64.
    """
    if not isinstance(value, str):
        raise malformed(what, "a base64 string")
    if value.startswith("data:"):
        value = value.split(",", 1)[-1]
    try:
        return base64.b64decode(value, validate=False)
    except (ValueError, TypeError):
        raise malformed(what, "valid base64") from None


def malformed(what: str, expected: str) -> ServerError:
    """The error for a provider answer that lacks what the task needs."""
    return ServerError(f"Received a malformed answer: {what} is not {expected}")


def url_path(url: str) -> str:
    """The path (and query) of an absolute URL, for re-rooting it on the router.

    Raises:
        ServerError: The path has a ``.`` or ``..`` segment (also percent-encoded): re-rooted
            on the router it would leave the provider's route, with the token.
    """
    parts = urlsplit(url)
    if "." in parts.path or "%2" in parts.path:
        for segment in parts.path.split("/"):
            if segment.lower().replace("%2e", ".") in (".", ".."):
                raise ServerError(
                    f"The provider's answer names a URL whose path climbs out of its route "
                    f"({parts.path[:100]!r}); it was not followed"
                )
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ----------------------------------------------------------------------- job steps


@record
class JobContext(Record):
    """What a helper needs to know about the submitted request to plan follow-ups.

    Attributes:
        provider: The provider name.
        task: The task.
        base_url: The base the request was built on (``{router}/{provider}`` or the
            provider's direct base); poll URLs the provider returns are re-rooted on it.
        request_url: The submitted URL (with its query, e.g. ``?_subdomain=queue``).
    """

    provider: str
    task: str
    base_url: str
    request_url: str

    def __init__(
        self,
        provider: str,
        task: str,
        base_url: str,
        request_url: str,
    ) -> None:
        set_field(self, "provider", provider)
        set_field(self, "task", task)
        set_field(self, "base_url", base_url)
        set_field(self, "request_url", request_url)

    @classmethod
    def of(cls, prepared: PreparedRequest) -> JobContext:
        """The context of a prepared provider request."""
        return cls(
            provider=prepared.context.provider or "",
            task=prepared.task,
            base_url=prepared.provider_base or prepared.url.split("?", 1)[0],
            request_url=prepared.url,
        )

    @property
    def query(self) -> str:
        """The submitted URL's query string with its ``?`` (or ``""``)."""
        query = urlsplit(self.request_url).query
        return f"?{query}" if query else ""


@record
class Done(Record):
    """The job is over: ``value`` is the task-level result."""

    value: Any

    def __init__(
        self,
        value: Any,
    ) -> None:
        set_field(self, "value", value)


#: A field with a default factory not given: call the factory (as the dataclass does).
_FROM_FACTORY: Any = object()


@record
class Fetch(Record):
    """The next GET of an async job.

    Attributes:
        url: Absolute URL to GET.
        stage: Helper-defined name of what the answer is (``status``, ``result``,
            ``download``...); passed back to :meth:`ProviderHelper.advance`.
        delay: Seconds to wait before the GET (the polling interval).
        authenticated: Send the request's credentials. Output downloads are False:
            a file URL must never receive the HF token or a provider key.
        expect: Decode the answer as JSON or keep the bytes.
        attempt: How many GETs of this stage were made before this one.
        max_attempts: Give up (timeout) after this many GETs of this stage.
        state: Helper data carried between steps (e.g. the result URL).
    """

    url: str
    stage: str
    delay: float = 0.0
    authenticated: bool = True
    expect: ResponseKind = "json"
    attempt: int = 0
    max_attempts: int | None = None
    state: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        url: str,
        stage: str,
        delay: float = 0.0,
        authenticated: bool = True,
        expect: ResponseKind = "json",
        attempt: int = 0,
        max_attempts: int | None = None,
        state: Mapping[str, Any] = _FROM_FACTORY,
    ) -> None:
        set_field(self, "url", url)
        set_field(self, "stage", stage)
        set_field(self, "delay", delay)
        set_field(self, "authenticated", authenticated)
        set_field(self, "expect", expect)
        set_field(self, "attempt", attempt)
        set_field(self, "max_attempts", max_attempts)
        set_field(self, "state", {} if state is _FROM_FACTORY else state)

    def again(self) -> Fetch:
        """The same poll once more (one attempt later)."""
        return Fetch(
            self.url,
            self.stage,
            self.delay,
            self.authenticated,
            self.expect,
            self.attempt + 1,
            self.max_attempts,
            self.state,
        )


Step = Done | Fetch


def download(url: str, stage: str = "download") -> Fetch:
    """Fetch an output file without credentials; its bytes are the result."""
    return Fetch(url, stage, authenticated=False, expect="bytes")


def follow_up_request(submitted: PreparedRequest, step: Fetch) -> PreparedRequest:
    """The GET of a job step, derived from the submitted request.

    Polls keep the submitted request's credentials and provider headers (minus the body
    headers); downloads carry only the User-Agent: output files live on CDNs that must
    never see the HF token, a provider key or the billing header, and whose 503 is
    never a model cold start (no ``estimated_time`` wait).
    """
    context = submitted.context
    if step.authenticated:
        headers = {
            k: v
            for k, v in submitted.headers.items()
            if k not in ("content-type", "content-length", "accept", "prefer")
        }
        headers["accept"] = "application/json" if step.expect == "json" else "*/*"
        task = submitted.task
    else:
        headers = {"user-agent": submitted.headers.get("user-agent", "hf-inference-endpoints")}
        task = "download"
        context = replace(context, cold_starts=False)
    return PreparedRequest(
        "GET",
        step.url,
        headers,
        expect=step.expect,
        context=context,
        task=task,
        provider_base=submitted.provider_base,
    )


# -------------------------------------------------------------------------- routes


#: Builds a provider's request body: ``(provider model id, the caller's body) -> body``.
BodyBuilder = Callable[[str, "dict[str, Any] | RawBody"], "dict[str, Any] | RawBody"]
#: Reads a provider's first answer: ``(decoded answer, job) -> Done(value) or a Fetch``.
AnswerReader = Callable[[Any, "JobContext"], "Step"]
#: Reads the answer of a job's follow-up GET: ``(the step, its answer, job) -> next step``.
StepReader = Callable[["Fetch", Any, "JobContext"], "Step"]
#: Adds a LoRA adapter to a built JSON body: ``(body, provider model id, mapping entry)``;
#: called only when the Hub mapping entry names adapter weights.
AdapterWriter = Callable[["dict[str, Any]", str, "MappingEntry"], None]


@record
class Route(Record):
    """One task on one provider, as data: where it goes, what is sent, how it is read.

    A helper's ``routes`` maps each task to a path (the template's body and answer) or
    to a ``Route``; the default :meth:`ProviderHelper.payload`,
    :meth:`~ProviderHelper.response_kind` and :meth:`~ProviderHelper.parse_response`
    follow it, so a helper whose tasks are all data overrides none of them.

    Attributes:
        path: The route after the base URL (``{model}``: the escaped model id).
        body: Builds the request body (None: the template's).
        answer: Reads the first answer (None: the decoded answer is the value).
        kind: How the first answer is read: ``json`` or raw ``bytes``.
        follow: Reads the answer of each follow-up GET of an async job (the
            :class:`Fetch` steps ``answer`` returned) and says the next step; ``download``
            steps need none (their bytes are the value).
        adapter: Adds a LoRA adapter to the JSON body when the Hub mapping entry names
            adapter weights (``MappingEntry.adapter_weights_path``).
        accept: The ``Accept`` header the provider needs for this task.
        direct_url: This task's base on the provider's own API, when it is not the
            helper's ``direct_url`` (fal-ai's queue host).
        router_query: A query string (with its ``?``) this task's URL takes through the
            router (fal-ai's ``?_subdomain=queue``); polls keep it.
    """

    path: str
    body: BodyBuilder | None = None
    answer: AnswerReader | None = None
    kind: ResponseKind = "json"
    follow: StepReader | None = None
    adapter: AdapterWriter | None = None
    accept: str | None = None
    direct_url: str | None = None
    router_query: str = ""

    def __init__(
        self,
        path: str,
        body: BodyBuilder | None = None,
        answer: AnswerReader | None = None,
        kind: ResponseKind = "json",
        follow: StepReader | None = None,
        adapter: AdapterWriter | None = None,
        accept: str | None = None,
        direct_url: str | None = None,
        router_query: str = "",
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "body", body)
        set_field(self, "answer", answer)
        set_field(self, "kind", kind)
        set_field(self, "follow", follow)
        set_field(self, "adapter", adapter)
        set_field(self, "accept", accept)
        set_field(self, "direct_url", direct_url)
        set_field(self, "router_query", router_query)


def done(read: Callable[[Any], Any]) -> AnswerReader:
    """An :class:`AnswerReader` whose answer is final: ``Done(read(data))``."""

    def answer(data: Any, job: JobContext) -> Step:
        return Done(read(data))

    return answer


# -------------------------------------------------------------------------- helper


class ProviderHelper:
    """Builds the request for one provider and reads its answer; subclasses fill in.

    Class attributes:
        name: The provider name, as the router and the Hub mapping spell it.
        direct_url: The provider's own API base, used with the provider's own key
            (``""``: reachable through the router only).
        routes: task -> route template (after the base URL; ``{model}`` is replaced by
            the escaped provider model id), or a :class:`Route` that also says how the
            body is built and the answer read: the provider x task matrix as data.
        tasks: The tasks this helper serves (defaults to the keys of ``routes``).
        needs_mapping: Whether the provider model id comes from the Hub mapping
            (False for hf-inference and openai, which take the id as given).
        chat_json_schema: How chat ``response_format`` ``json_schema`` is rewritten:
            ``None`` (sent as is), ``"json_object_schema"`` (``{type: json_object,
            schema}``), ``"json_schema_flat"`` (``{type: json_schema, schema}``) or
            ``"tgi"`` (``{type: json_object, value}``).
        text_generation_api: The API text-generation is served by: ``"tgi"`` (TGI's
            native ``{"inputs", "parameters"}``, the default) or ``"openai-completions"``
            (``{"prompt", ...}`` -> ``choices[0].text``); :meth:`stream_format` follows it.
        url_input_tasks: Tasks whose input file the provider fetches itself: an
            ``http(s)://`` input goes to it as the URL (the client downloads nothing).
        on_hub: Whether the Hub maps models to this provider (False for a provider
            called directly and never listed in a model's mapping: failover has no
            siblings to look up for it).
        accepts_hf_token: Whether an HF token (``hf_...``) reaches it, through the
            router (False: only the provider's own key, e.g. OpenAI).
        key_name: What the provider's own key is called, for error messages.
        hf_native: HF's own serverless inference: it takes the HF task body as is
            (files raw or base64), reads answers as a dedicated endpoint does, keeps
            the answer kind the caller asks for, takes any token, and ``provider=``
            naming it goes with a URL or an endpoint target (it names no third party).
        interchangeable_tasks: Tasks a mapping entry of one of them also serves (on
            hf-inference a feature-extraction model answers sentence-similarity).
        fixed_headers: Headers every request to the provider carries (lower-case names).
        key_scheme: The ``Authorization`` scheme of the provider's own key (``Bearer``;
            fal-ai's is ``Key``); HF tokens through the router are always ``Bearer``.
        routed: Whether it is in Hugging Face's provider set today (huggingface_hub's
            table; openai is, though called directly only); False for a provider HF
            removed from routing, kept for its own-key route (docs/wire.md §3; the table
            of docs/providers.md is generated from this).
    """

    name: ClassVar[str] = ""
    direct_url: ClassVar[str] = ""
    routes: ClassVar[Mapping[str, str | Route]] = {}
    tasks: ClassVar[frozenset[str]] = frozenset()
    needs_mapping: ClassVar[bool] = True
    chat_json_schema: ClassVar[str | None] = None
    text_generation_api: ClassVar[Literal["tgi", "openai-completions"]] = "tgi"
    url_input_tasks: ClassVar[frozenset[str]] = frozenset()
    on_hub: ClassVar[bool] = True
    accepts_hf_token: ClassVar[bool] = True
    key_name: ClassVar[str] = "its own API key"
    hf_native: ClassVar[bool] = False
    interchangeable_tasks: ClassVar[frozenset[str]] = frozenset()
    fixed_headers: ClassVar[Mapping[str, str]] = {}
    key_scheme: ClassVar[str] = "Bearer"
    routed: ClassVar[bool] = True

    def accepts_provider_key(self) -> bool:
        """Whether a token that is not an HF token (the provider's own key) reaches it."""
        return bool(self.direct_url) or self.hf_native

    #: task -> its Route, for the tasks given as data (built once per class).
    _data_routes: ClassVar[Mapping[str, Route]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "routes" in cls.__dict__ and "tasks" not in cls.__dict__:
            cls.tasks = frozenset(cls.routes)
        cls._data_routes = {t: r for t, r in cls.routes.items() if isinstance(r, Route)}

    def route_of(self, task: str) -> Route:
        """``task``'s row of the provider x task matrix, as a :class:`Route` (a bare path
        is a ``Route`` with the template's body and answer).

        Raises:
            KeyError: The helper does not serve ``task``.

        Example:
            >>> from hf_inference_endpoints._routing.providers import registered
            >>> registered("together").route_of("conversational").path
            '/v1/chat/completions'
        """
        route = self.routes[task]
        return route if isinstance(route, Route) else Route(route)

    # -- where ---------------------------------------------------------------------
    def base_url(self, router_url: str, task: str = "", *, direct: bool = False) -> str:
        """The base URL: ``{router}/{name}``, or the provider's own with its own key
        (``Route.direct_url`` when the task has its own host there)."""
        if direct and self.direct_url:
            data_route = self._data_routes.get(task)
            if data_route is not None and data_route.direct_url:
                return data_route.direct_url
            return self.direct_url
        return f"{router_url}/{self.name}"

    def route(self, task: str, model_id: str) -> str:
        """The path (after :meth:`base_url`) for ``task`` on ``model_id``."""
        template = self.routes.get(task)
        if template is None:
            raise KeyError(task)
        if isinstance(template, Route):
            template = template.path
        return template.replace("{model}", quote_model(model_id))

    def url(self, router_url: str, task: str, model_id: str, *, direct: bool = False) -> str:
        """Full URL for ``task`` on ``model_id`` (with ``Route.router_query`` through the
        router)."""
        url = self.base_url(router_url, task, direct=direct) + self.route(task, model_id)
        data_route = self._data_routes.get(task)
        if data_route is not None and data_route.router_query and not (direct and self.direct_url):
            url += data_route.router_query
        return url

    def headers(self, task: str, token: str | None, *, direct: bool) -> dict[str, str]:
        """Headers this provider adds (lower-case names); they win over the defaults:
        :attr:`fixed_headers`, and its own key's ``Authorization`` when direct and its
        :attr:`key_scheme` is not ``Bearer``."""
        headers = dict(self.fixed_headers)
        if direct and token and self.key_scheme != "Bearer":
            headers["authorization"] = f"{self.key_scheme} {token}"
        return headers

    def accept(self, task: str) -> str | None:
        """The ``Accept`` header for ``task``, when the provider needs one (``Route.accept``)."""
        data_route = self._data_routes.get(task)
        return None if data_route is None else data_route.accept

    # -- what ----------------------------------------------------------------------
    def payload(
        self,
        task: str,
        model_id: str,
        body: dict[str, Any] | RawBody,
        *,
        mapping: MappingEntry | None = None,
    ) -> dict[str, Any] | RawBody:
        """The request body for ``task``.

        Args:
            task: The task.
            model_id: The provider's model id (the mapped ``providerId``).
            body: The caller's fields: OpenAI chat fields for ``conversational``, the
                task envelope (module docstring) for the other tasks, or a
                :class:`RawBody` (a file, no parameters).
            mapping: The Hub mapping entry used, when there was one (LoRA adapters).

        Returns:
            A JSON object, or a :class:`RawBody` sent as is.
        """
        if task == "conversational" and isinstance(body, dict):
            return self.chat_payload(model_id, body)
        data_route = self._data_routes.get(task)
        if data_route is None or data_route.body is None:
            return jsonable(envelope(body))  # type: ignore[no-any-return]
        built = data_route.body(model_id, body)
        if (
            data_route.adapter is not None
            and mapping is not None
            and mapping.adapter_weights_path
            and isinstance(built, dict)
        ):
            data_route.adapter(built, model_id, mapping)
        return built

    def chat_payload(self, model_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """OpenAI chat body with ``model`` first (the router routes on a short prefix)."""
        payload: dict[str, Any] = {"model": model_id}
        payload.update((k, v) for k, v in body.items() if k != "model")
        fmt = payload.get("response_format")
        if self.chat_json_schema and isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
            spec = fmt.get("json_schema")
            schema = spec.get("schema") if isinstance(spec, Mapping) else None
            schema = schema if schema is not None else {}
            if self.chat_json_schema == "json_object_schema":
                payload["response_format"] = {"type": "json_object", "schema": schema}
            elif self.chat_json_schema == "json_schema_flat":
                payload["response_format"] = {"type": "json_schema", "schema": schema}
            elif self.chat_json_schema == "tgi":
                payload["response_format"] = {"type": "json_object", "value": schema}
        return payload

    def response_kind(self, task: str) -> ResponseKind:
        """Whether the first answer is JSON (default) or raw bytes (``Route.kind``)."""
        data_route = self._data_routes.get(task)
        return "json" if data_route is None else data_route.kind

    def stream_format(self, task: str) -> StreamFormat:
        """The event format of ``task``'s streamed answer, which picks the stream parser.

        ``conversational`` streams OpenAI chat chunks; ``text-generation`` streams TGI
        events, or OpenAI completion chunks when :attr:`text_generation_api` is
        ``"openai-completions"``. A non-streamed text-generation answer in a format other
        than ``"tgi"`` is read by :meth:`parse_response`. Other tasks do not stream.

        Example:
            >>> ProviderHelper().stream_format("text-generation")
            'tgi'
        """
        if task == "conversational":
            return "openai-chat"
        if task == "text-generation":
            return self.text_generation_api
        return "tgi"

    # -- answers -------------------------------------------------------------------
    def answers_as_hf(self, task: str) -> bool:
        """Whether the first answer to ``task`` is already in the task's HF shape.

        Then the service's own parser reads the body directly (``_answers``: no decode
        and :meth:`parse_response` first): chat is OpenAI chat on every provider, and
        text-generation is TGI's on a TGI server (:attr:`text_generation_api`). Other
        answers go through :meth:`parse_response`.

        Example:
            >>> ProviderHelper().answers_as_hf("conversational")
            True
        """
        if task == "conversational":
            return True
        if task == "text-generation":
            return self.text_generation_api == "tgi"
        return False

    def parse_response(self, task: str, data: Any, job: JobContext) -> Step:
        """Turn the first answer into the result, or the first follow-up GET.

        Args:
            task: The task.
            data: The decoded JSON answer, or the bytes when :meth:`response_kind` is
                ``bytes``.
            job: Where the request went (to re-root poll URLs).

        Returns:
            ``Done(value)`` or a :class:`Fetch` the I/O loop performs next.

        Raises:
            HfError: The answer says the job failed, or lacks what the task needs.
        """
        data_route = self._data_routes.get(task)
        if data_route is not None and data_route.answer is not None:
            return data_route.answer(data, job)
        return Done(data)

    def advance(self, task: str, step: Fetch, data: Any, job: JobContext) -> Step:
        """The next step after the GET of ``step`` answered ``data``.

        A ``download`` step's bytes are the result; any other stage is read by the
        task's ``Route.follow``.
        """
        if step.stage == "download":
            return Done(data)
        data_route = self._data_routes.get(task)
        if data_route is not None and data_route.follow is not None:
            return data_route.follow(step, data, job)
        raise ValueError(f"{self.name}: unexpected job stage {step.stage!r}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} tasks={sorted(self.tasks)}>"
