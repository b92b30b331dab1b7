"""Client configuration: :class:`HfInferenceConfig` and the secret token (no I/O but reading env/token file)."""

from __future__ import annotations

import dataclasses
import inspect
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from ._errors import ConfigurationError, HfError
from ._progress import ProgressCallback
from ._ratelimit import parse_limits
from ._record import Record, record_with_dict, set_field
from ._redact import remember_secret, safe_url
from ._validation import check_headers, check_url

__all__ = [
    "DEFAULT_HUB_URL",
    "DEFAULT_ROUTER_URL",
    "ENV_VARS",
    "SECONDS_ENV_VARS",
    "HfInferenceConfig",
    "RotatingSecret",
    "Secret",
]

DEFAULT_HUB_URL = "https://huggingface.co"
DEFAULT_ROUTER_URL = "https://router.huggingface.co"
DEFAULT_ENDPOINTS_API_URL = "https://api.endpoints.huggingface.cloud"

#: Environment variable -> the field :meth:`HfInferenceConfig.from_env` sets from it
#: (text as is; the token also comes from ``HF_TOKEN_PATH`` / ``HF_HOME``'s token file).
ENV_VARS: dict[str, str] = {
    "HF_TOKEN": "token",
    "HF_DEFAULT_PROVIDER": "default_provider",
    "HF_DEFAULT_NAMESPACE": "default_namespace",
    "HF_COLD_START_TIMEOUT": "cold_start_timeout",
    "HF_REQUEST_TIMEOUT": "request_timeout",
    "HF_ENDPOINT": "hub_url",
    "HF_ROUTER_URL": "router_url",
    "HF_ENDPOINTS_API_URL": "endpoints_api_url",
    "HF_BILL_TO": "bill_to",
    "HF_PROVIDER_PREFERENCE": "provider_preference",
    "HFIE_CACHE_URL": "cache_url",
    "HFIE_RATE_LIMIT_URL": "rate_limit_url",
}
_HTTP_URL_FIELDS = frozenset({"hub_url", "router_url", "endpoints_api_url"})
#: The variables of :data:`ENV_VARS` read as seconds.
SECONDS_ENV_VARS = frozenset({"HF_COLD_START_TIMEOUT", "HF_REQUEST_TIMEOUT"})


class Secret:
    """A string that never shows itself in a repr, str, log line or traceback.

    Example:
        >>> token = Secret("hf_abc")
        >>> token
        Secret('**********')
        >>> token.get_secret_value()
        'hf_abc'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        remember_secret(value)  # errors and log lines mask it wherever a server echoes it

    def get_secret_value(self) -> str:
        """Return the real value (only to put in a request header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:  # pickling a config must not write the token out in clear
        raise TypeError("Secret values cannot be pickled")


class RotatingSecret(Secret):
    """A token read from a callable each time a request is built (rotating credentials).

    A plain callable is called for every request (it may be called more than once while
    one request is built: keep it cheap, e.g. read a cached value). An async callable
    (a coroutine function; async client only) is awaited by the client when it builds
    an inference request, and the value it returned is used until the next one. The
    value never shows in a repr, str or log line.

    Example:
        >>> tokens = iter(["hf_one", "hf_two"])
        >>> secret = RotatingSecret(lambda: next(tokens))
        >>> secret.get_secret_value(), secret.get_secret_value()
        ('hf_one', 'hf_two')
        >>> secret
        Secret('<rotating>')
    """

    __slots__ = ("_source", "is_async")

    def __init__(self, source: Callable[[], Any]) -> None:
        super().__init__("")
        self._source = source
        call = getattr(source, "__call__", None)  # noqa: B004 (async callable objects too)
        self.is_async = inspect.iscoroutinefunction(source) or inspect.iscoroutinefunction(call)

    def get_secret_value(self) -> str:
        """The current token (for a sync source: asked now)."""
        if self.is_async:
            if not self._value:
                raise ConfigurationError(
                    "token is an async callable: use the async client, which awaits it "
                    "before each request"
                )
            return self._value
        value = self._source()
        if not value or value != self._value:  # new: checked, and masked in errors and logs
            self._value = _checked_token(value)
            remember_secret(value)
        return self._value

    def peek(self) -> str | None:
        """The last token obtained, without asking the source (None before the first)."""
        return self._value or None

    async def refresh(self) -> None:
        """Await an async source and keep its token for the requests built next."""
        if self.is_async:
            value = await self._source()
            if not value or value != self._value:
                self._value = _checked_token(value)
                remember_secret(value)

    def __repr__(self) -> str:
        return "Secret('<rotating>')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RotatingSecret) and other._source is self._source

    def __hash__(self) -> int:
        return id(self._source)


def _checked_token(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigurationError(
            f"the token callable must return a non-empty string, got {type(value).__name__}"
        )
    try:
        check_headers({"x": value})
    except HfError:
        raise ConfigurationError(
            "the token callable returned a token that cannot go into an HTTP header "
            "(CR, LF or control characters)"
        ) from None
    return value


def _token_file(env: Mapping[str, str]) -> Path:
    if env.get("HF_TOKEN_PATH"):
        return Path(env["HF_TOKEN_PATH"])
    hf_home = env.get("HF_HOME")
    if hf_home:
        return Path(hf_home) / "token"
    xdg = env.get("XDG_CACHE_HOME")
    base = Path(xdg) / "huggingface" if xdg else Path.home() / ".cache" / "huggingface"
    return base / "token"


#: A field with a default factory not given: call the factory (as the dataclass does).
_FROM_FACTORY: Any = object()


@record_with_dict
class HfInferenceConfig(Record):
    """Everything the client needs to know; every field has a production-safe default.

    Durations are seconds (floats). ``None`` for a timeout means "no limit".

    Attributes:
        token: HF token (``hf_...``) or a provider's own key; never shown in reprs. A
            callable returning the current token (async callables: async client) is
            asked when each request is built, for rotating credentials (``RotatingSecret``).
        default_provider: Provider used when a call names none. ``"auto"`` (the default,
            as huggingface_hub and huggingface.js): chat goes to the router's
            OpenAI-compatible route with the bare model id and the router picks; other
            tasks take the first provider the Hub maps the model to (one cached lookup).
            Or a provider name (``"hf-inference"``, ``"together"``...).
        default_namespace: Namespace (user or org) for dedicated endpoints.
        auto_wait_for_model: Wait out 503 "model loading" answers.
        cold_start_timeout: Longest total wait for a cold model or endpoint.
        auto_resume_paused: Resume a paused endpoint instead of raising ``EndpointPaused``.
        endpoint_cache_ttl: How long a resolved endpoint URL is reused.
        provider_rate_limits: Client-side limits per provider: requests per minute (an
            int), or ``{"rpm": ..., "tpm": ...}`` for requests and/or tokens per minute.
            Tokens are estimated before sending (about four characters a token, plus
            ``max_tokens``) and corrected from the answer's ``usage`` (a chat stream's:
            its last chunk with ``stream_options={"include_usage": True}``;
            docs/SCALING.md).
        connection_timeout: Time to open a TCP/TLS connection.
        request_timeout: Time for one attempt, from sending to the last byte of a plain
            answer or to the headers of a stream.
        stream_timeout: Longest time between two events of a stream (keep-alive comments
            are not events), and the longest silence while opening one.
        pool_size_per_host: Idle connections kept open per host for reuse.
        max_connections: Most connections open at once, all hosts together; a call
            beyond it waits for a free one (within its deadline), then fails with
            ``PoolExhausted``. None: no cap (each concurrent call opens a socket).
        pool_idle_timeout: Idle time after which a pooled connection is closed.
        max_response_bytes: Largest response body read (decoded); more raises
            ``ServerError``. None: no limit.
        max_event_bytes: Most bytes a stream may send without completing an event (one
            server-sent event, or keep-alive comments between two events); more ends the
            stream with ``StreamInterrupted``. Capped by ``max_response_bytes``. None:
            only ``max_response_bytes`` applies.
        max_retries: Retries after the first attempt on a retryable error.
        retry_base_delay: First backoff delay.
        retry_max_delay: Cap on any one backoff delay, including server-asked ones.
        enable_embedding_cache: Answer repeated embeddings from a local cache.
        embedding_cache_ttl: Lifetime of an embedding cache entry.
        max_embedding_cache_size: Byte bound of the embedding cache.
        embedding_batch_size: Texts per embedding request.
        auto_optimize_images: Re-encode images above ``max_image_size_bytes`` (needs Pillow).
        max_image_size_bytes: Largest image sent.
        auto_chunk_long_audio: Split WAV audio longer than ``max_audio_duration``.
        max_audio_duration: Longest audio sent in one request.
        enable_metrics: Record OpenTelemetry metrics (needs the ``otel`` extra).
        enable_tracing: Record OpenTelemetry spans (needs the ``otel`` extra).
        trace_sample_rate: Fraction of requests traced.
        hub_url: The Hub API base (``HF_ENDPOINT``).
        router_url: The inference router base (``HF_ROUTER_URL``).
        endpoints_api_url: The Inference Endpoints management API base.
        bill_to: Organisation billed for router calls (``X-HF-Bill-To``).
        user_agent: Extra text appended to the User-Agent header.
        provider_preference: Providers in the order you prefer them
            (``HF_PROVIDER_PREFERENCE``, comma-separated); ``provider="auto"`` on a
            non-chat task takes the first live mapping in this order, then the Hub's.
        fallback: Provider failover: ``False`` (off), ``True`` (any other live mapped
            provider) or providers to fall back to, in order, after a 429, a 5xx or an
            unavailable model.
        provider_mapping_ttl: How long a model's provider mapping is reused.
        on_progress: Called with a :class:`~hf_inference_endpoints.ProgressEvent` at each
            step of a long wait (an endpoint starting or waking, a model loading, a
            provider job running); the same events go to the
            ``hf_inference_endpoints.progress`` logger.
        cache_url: Where caches live: None or ``memory://`` (this process),
            ``disk:///path`` (local disk, survives a restart; extra ``disk``) or
            ``redis://host:port/db`` (shared; extra ``redis``). A failing backend is a
            cache miss plus one ``StorageWarning``, never a failed call.
        rate_limit_url: Where ``provider_rate_limits`` state lives: None (this process)
            or ``redis://...`` (shared by every client using the same URL, and a
            ``Retry-After`` seen by one pauses all).
        rate_limit_backend_required: When the rate-limit backend fails, raise
            (``True``) instead of falling back to this process's own limits with a warning.
        rate_limit_window: Seconds of the window ``provider_rate_limits`` counts in: the
            requests (shared on Redis or not) and the tokens (60: per minute; a provider that
            counts per second takes its per-second limits and ``1``).
        adaptive_concurrency: Most requests in flight per provider, found by AIMD: the
            limit grows while answers are good and halves on a 429 or a 5xx (None: off).
        adaptive_latency_tolerance: With ``adaptive_concurrency``, the in-flight limit is
            also cut when answers take more than this many times the provider's baseline
            round trip (a smoothed minimum): the provider is queueing. None: only 429s
            and 5xx answers cut it.

    Example:
        >>> config = HfInferenceConfig(token="hf_xxx", max_retries=5)
        >>> config.max_retries, "hf_xxx" in repr(config)
        (5, False)
    """

    token: Secret | None = None
    default_provider: str = "auto"
    default_namespace: str | None = None
    auto_wait_for_model: bool = True
    cold_start_timeout: float = 300.0
    auto_resume_paused: bool = False
    endpoint_cache_ttl: float = 300.0
    provider_rate_limits: Mapping[str, int | Mapping[str, int]] = field(default_factory=dict)
    connection_timeout: float = 10.0
    request_timeout: float | None = 120.0
    stream_timeout: float | None = 300.0
    pool_size_per_host: int = 50
    max_connections: int | None = 100
    pool_idle_timeout: float = 90.0
    max_response_bytes: int | None = 256 * 1024 * 1024
    max_event_bytes: int | None = 16 * 1024 * 1024
    max_retries: int = 3
    retry_base_delay: float = 1.0
    retry_max_delay: float = 30.0
    enable_embedding_cache: bool = True
    embedding_cache_ttl: float = 86400.0
    max_embedding_cache_size: int = 100 * 1024 * 1024
    embedding_batch_size: int = 32
    auto_optimize_images: bool = True
    max_image_size_bytes: int = 20 * 1024 * 1024
    auto_chunk_long_audio: bool = True
    max_audio_duration: float = 1800.0
    enable_metrics: bool = True
    enable_tracing: bool = True
    trace_sample_rate: float = 0.1
    hub_url: str = DEFAULT_HUB_URL
    router_url: str = DEFAULT_ROUTER_URL
    endpoints_api_url: str = DEFAULT_ENDPOINTS_API_URL
    bill_to: str | None = None
    user_agent: str | None = None
    provider_preference: tuple[str, ...] = ()
    fallback: bool | tuple[str, ...] = False
    provider_mapping_ttl: float = 600.0
    on_progress: ProgressCallback | None = None
    cache_url: str | None = None
    rate_limit_url: str | None = None
    rate_limit_backend_required: bool = False
    rate_limit_window: float = 60.0
    adaptive_concurrency: int | None = None
    adaptive_latency_tolerance: float | None = 2.0

    def __init__(
        self,
        token: Secret | None = None,
        default_provider: str = "auto",
        default_namespace: str | None = None,
        auto_wait_for_model: bool = True,
        cold_start_timeout: float = 300.0,
        auto_resume_paused: bool = False,
        endpoint_cache_ttl: float = 300.0,
        provider_rate_limits: Mapping[str, int | Mapping[str, int]] = _FROM_FACTORY,
        connection_timeout: float = 10.0,
        request_timeout: float | None = 120.0,
        stream_timeout: float | None = 300.0,
        pool_size_per_host: int = 50,
        max_connections: int | None = 100,
        pool_idle_timeout: float = 90.0,
        max_response_bytes: int | None = 256 * 1024 * 1024,
        max_event_bytes: int | None = 16 * 1024 * 1024,
        max_retries: int = 3,
        retry_base_delay: float = 1.0,
        retry_max_delay: float = 30.0,
        enable_embedding_cache: bool = True,
        embedding_cache_ttl: float = 86400.0,
        max_embedding_cache_size: int = 100 * 1024 * 1024,
        embedding_batch_size: int = 32,
        auto_optimize_images: bool = True,
        max_image_size_bytes: int = 20 * 1024 * 1024,
        auto_chunk_long_audio: bool = True,
        max_audio_duration: float = 1800.0,
        enable_metrics: bool = True,
        enable_tracing: bool = True,
        trace_sample_rate: float = 0.1,
        hub_url: str = DEFAULT_HUB_URL,
        router_url: str = DEFAULT_ROUTER_URL,
        endpoints_api_url: str = DEFAULT_ENDPOINTS_API_URL,
        bill_to: str | None = None,
        user_agent: str | None = None,
        provider_preference: tuple[str, ...] = (),
        fallback: bool | tuple[str, ...] = False,
        provider_mapping_ttl: float = 600.0,
        on_progress: ProgressCallback | None = None,
        cache_url: str | None = None,
        rate_limit_url: str | None = None,
        rate_limit_backend_required: bool = False,
        rate_limit_window: float = 60.0,
        adaptive_concurrency: int | None = None,
        adaptive_latency_tolerance: float | None = 2.0,
    ) -> None:
        set_field(self, "token", token)
        set_field(self, "default_provider", default_provider)
        set_field(self, "default_namespace", default_namespace)
        set_field(self, "auto_wait_for_model", auto_wait_for_model)
        set_field(self, "cold_start_timeout", cold_start_timeout)
        set_field(self, "auto_resume_paused", auto_resume_paused)
        set_field(self, "endpoint_cache_ttl", endpoint_cache_ttl)
        set_field(
            self,
            "provider_rate_limits",
            {} if provider_rate_limits is _FROM_FACTORY else provider_rate_limits,
        )
        set_field(self, "connection_timeout", connection_timeout)
        set_field(self, "request_timeout", request_timeout)
        set_field(self, "stream_timeout", stream_timeout)
        set_field(self, "pool_size_per_host", pool_size_per_host)
        set_field(self, "max_connections", max_connections)
        set_field(self, "pool_idle_timeout", pool_idle_timeout)
        set_field(self, "max_response_bytes", max_response_bytes)
        set_field(self, "max_event_bytes", max_event_bytes)
        set_field(self, "max_retries", max_retries)
        set_field(self, "retry_base_delay", retry_base_delay)
        set_field(self, "retry_max_delay", retry_max_delay)
        set_field(self, "enable_embedding_cache", enable_embedding_cache)
        set_field(self, "embedding_cache_ttl", embedding_cache_ttl)
        set_field(self, "max_embedding_cache_size", max_embedding_cache_size)
        set_field(self, "embedding_batch_size", embedding_batch_size)
        set_field(self, "auto_optimize_images", auto_optimize_images)
        set_field(self, "max_image_size_bytes", max_image_size_bytes)
        set_field(self, "auto_chunk_long_audio", auto_chunk_long_audio)
        set_field(self, "max_audio_duration", max_audio_duration)
        set_field(self, "enable_metrics", enable_metrics)
        set_field(self, "enable_tracing", enable_tracing)
        set_field(self, "trace_sample_rate", trace_sample_rate)
        set_field(self, "hub_url", hub_url)
        set_field(self, "router_url", router_url)
        set_field(self, "endpoints_api_url", endpoints_api_url)
        set_field(self, "bill_to", bill_to)
        set_field(self, "user_agent", user_agent)
        set_field(self, "provider_preference", provider_preference)
        set_field(self, "fallback", fallback)
        set_field(self, "provider_mapping_ttl", provider_mapping_ttl)
        set_field(self, "on_progress", on_progress)
        set_field(self, "cache_url", cache_url)
        set_field(self, "rate_limit_url", rate_limit_url)
        set_field(self, "rate_limit_backend_required", rate_limit_backend_required)
        set_field(self, "rate_limit_window", rate_limit_window)
        set_field(self, "adaptive_concurrency", adaptive_concurrency)
        set_field(self, "adaptive_latency_tolerance", adaptive_latency_tolerance)
        self.__post_init__()

    def __post_init__(self) -> None:
        token: Any = self.token
        if isinstance(token, str):
            object.__setattr__(self, "token", Secret(token) if token else None)
        elif callable(token) and not isinstance(token, Secret):
            object.__setattr__(self, "token", RotatingSecret(token))
        elif token is not None and not isinstance(token, Secret):
            raise ConfigurationError(
                f"token must be a string or a callable returning one, got {type(token).__name__}"
            )
        for name in ("hub_url", "router_url", "endpoints_api_url"):
            value = check_url(getattr(self, name), name, config=True)
            object.__setattr__(self, name, value.rstrip("/"))
        _check_header_texts(self)
        for name in (
            "cold_start_timeout",
            "endpoint_cache_ttl",
            "connection_timeout",
            "pool_idle_timeout",
            "retry_base_delay",
            "retry_max_delay",
            "embedding_cache_ttl",
            "max_audio_duration",
        ):
            _require_non_negative(name, getattr(self, name))
        for name in ("request_timeout", "stream_timeout"):
            value = getattr(self, name)
            if value is not None:
                _require_non_negative(name, value)
        for name in ("max_retries", "max_embedding_cache_size", "max_image_size_bytes"):
            _require_int(name, getattr(self, name), minimum=0)
        for name in ("pool_size_per_host", "embedding_batch_size"):
            _require_int(name, getattr(self, name), minimum=1)
        for name in ("max_response_bytes", "max_event_bytes", "max_connections"):
            if getattr(self, name) is not None:
                _require_int(name, getattr(self, name), minimum=1)
        if self.adaptive_concurrency is not None:
            _require_int("adaptive_concurrency", self.adaptive_concurrency, minimum=1)
        tolerance = self.adaptive_latency_tolerance
        if tolerance is not None and (
            isinstance(tolerance, bool)
            or not isinstance(tolerance, (int, float))
            or not tolerance > 1
        ):
            raise ConfigurationError(
                f"adaptive_latency_tolerance must be a number above 1 (or None), got {tolerance!r}"
            )
        if not 0.0 <= float(self.trace_sample_rate) <= 1.0:
            raise ConfigurationError(
                f"trace_sample_rate must be between 0 and 1, got {self.trace_sample_rate!r}"
            )
        try:
            parse_limits(self.provider_rate_limits)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        if not isinstance(self.default_provider, str) or not self.default_provider:
            raise ConfigurationError("default_provider must be a non-empty string")
        object.__setattr__(
            self, "provider_preference", _names("provider_preference", self.provider_preference)
        )
        if not isinstance(self.fallback, bool):
            object.__setattr__(self, "fallback", _names("fallback", self.fallback))
        _require_non_negative("provider_mapping_ttl", self.provider_mapping_ttl)
        if self.on_progress is not None and not callable(self.on_progress):
            raise ConfigurationError(f"on_progress must be callable, got {self.on_progress!r}")
        if not float(self.rate_limit_window) > 0:
            raise ConfigurationError(
                f"rate_limit_window must be > 0 seconds, got {self.rate_limit_window!r}"
            )
        for name in ("cache_url", "rate_limit_url"):
            if getattr(self, name) is not None:
                from ._storage.urls import parse_storage_url

                parse_storage_url(getattr(self, name))

    def __repr__(self) -> str:
        shown = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "token":
                value = "<set>" if value else None
            elif f.name.endswith("_url") and value is not None:  # cache_url etc. may be unset
                value = safe_url(value)
            shown.append(f"{f.name}={value!r}")
        return f"HfInferenceConfig({', '.join(shown)})"

    @property
    def stream_event_limit(self) -> int | None:
        """Most bytes a stream may buffer for one event: the lower of the two byte caps."""
        limits = [n for n in (self.max_event_bytes, self.max_response_bytes) if n is not None]
        return min(limits) if limits else None

    @property
    def token_value(self) -> str | None:
        """The token in clear, for request headers only."""
        return self.token.get_secret_value() if self.token else None

    def replace(self, **changes: Any) -> HfInferenceConfig:
        """Return a copy with some fields changed (validated again).

        Example:
            >>> HfInferenceConfig().replace(max_retries=0).max_retries
            0
        """
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> HfInferenceConfig:
        """Build a config from environment variables, then apply ``overrides``.

        Reads ``HF_TOKEN`` (else the token file huggingface_hub writes, under
        ``HF_HOME`` or ``~/.cache/huggingface/token``; ``HF_TOKEN_PATH`` overrides the path),
        ``HF_DEFAULT_PROVIDER``, ``HF_DEFAULT_NAMESPACE``, ``HF_COLD_START_TIMEOUT``,
        ``HF_REQUEST_TIMEOUT``, ``HF_ENDPOINT`` (Hub URL), ``HF_ROUTER_URL``,
        ``HF_ENDPOINTS_API_URL``, ``HF_BILL_TO``.

        Args:
            environ: The environment to read (``os.environ`` by default).
            **overrides: Fields that win over the environment.

        Returns:
            The validated config.

        Raises:
            ConfigurationError: A variable holds a bad value; the message names it.

        Example:
            >>> HfInferenceConfig.from_env({"HF_REQUEST_TIMEOUT": "30"}).request_timeout
            30.0
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if "token" not in overrides:
            token = env.get("HF_TOKEN") or env.get("HUGGING_FACE_HUB_TOKEN")
            if not token:
                try:
                    token = _token_file(env).read_text(encoding="utf-8").strip() or None
                except OSError:
                    token = None
            values["token"] = token
        for var, name in ENV_VARS.items():
            raw = env.get(var)
            if not raw or name == "token":
                continue
            if var in SECONDS_ENV_VARS:
                values[name] = _parse_seconds(var, raw)
                continue
            if name in _HTTP_URL_FIELDS and not raw.startswith(("http://", "https://")):
                raise ConfigurationError(f"{var} must be an http(s) URL, got {raw!r}")
            values[name] = raw  # storage URLs (memory://, disk:///path, redis://...) as given
        values.update(overrides)
        return cls(**values)


def _parse_seconds(var: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{var} must be a number of seconds, got {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ConfigurationError(f"{var} must be a non-negative number of seconds, got {raw!r}")
    return value


def _names(name: str, value: Any) -> tuple[str, ...]:
    """Provider names from a tuple/list or a comma-separated string."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise ConfigurationError(f"{name} must be provider names, got {value!r}")
    return tuple(value)


def _check_header_texts(config: HfInferenceConfig) -> None:
    """The token, ``bill_to`` and ``user_agent`` go into headers: refuse CR/LF and the like."""
    rotating = isinstance(config.token, RotatingSecret)  # checked each time it is asked
    texts = {"token": None if rotating else config.token_value, "bill_to": config.bill_to}
    texts["user_agent"] = config.user_agent
    for name, value in texts.items():
        if value is None:
            continue
        try:
            check_headers({"x": value})
        except HfError:
            shown = "the token" if name == "token" else f"{name} {value!r}"
            raise ConfigurationError(
                f"{shown} cannot go into an HTTP header: it holds CR, LF, control or "
                "non-ASCII characters, or spaces at either end"
            ) from None


def _require_non_negative(name: str, value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
    ):
        raise ConfigurationError(f"{name} must be a non-negative number, got {value!r}")


def _require_int(name: str, value: Any, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigurationError(f"{name} must be an integer >= {minimum}, got {value!r}")
