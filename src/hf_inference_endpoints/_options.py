"""Call options set once for a block of calls: ``client.with_options(...)`` (no I/O).

A view made by ``with_options`` is a client of the same class that shares the original's
connection pool and caches; its service objects (``view.chat``, ``view.images``...) are
copies of the original's, bound to the view, whose public methods fill the keywords the
caller left out (None) from the view's :class:`CallOptions` before running the method
itself. A per-call keyword therefore always wins; ``extra_headers``/``extra_body`` are
merged, the per-call entries winning. A client that is not a view never goes through
any of this: its services are the plain classes, so a call costs what it always did.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import InvalidArgument
from ._record import Record, record, set_field

if TYPE_CHECKING:
    from typing import TypedDict

    class CallKeywords(TypedDict, total=False):
        """The call options as keywords, for overloads: ``**options: Unpack[CallKeywords]``.

        The same names and types as :class:`CallOptions`; a method's implementation keeps
        them as explicit keyword-only parameters (what ``inspect.signature`` and
        ``with_options`` see), only its ``@overload`` stubs share them through this.
        """

        provider: str | None
        endpoint: str | None
        fallback: bool | Sequence[str] | None
        bill_to: str | None
        timeout: float | None
        extra_headers: Mapping[str, str] | None
        extra_body: Mapping[str, Any] | None


__all__ = [
    "NO_OPTIONS",
    "OPTION_NAMES",
    "RETRY_SETTINGS",
    "CallOptions",
    "filling_class",
    "split_overrides",
]

T = TypeVar("T")

#: Config fields a view may override: how the transport retries and waits.
RETRY_SETTINGS = (
    "max_retries",
    "retry_base_delay",
    "retry_max_delay",
    "auto_wait_for_model",
    "cold_start_timeout",
)

#: Merged (not replaced) when both the view and the call give one.
_MERGED = frozenset({"extra_headers", "extra_body"})


@record
class CallOptions(Record):
    """The options every inference method takes, set once for a block of calls.

    None means "not set": the call's own keyword, else the config, decides.

    Attributes:
        provider: ``provider=`` of every call.
        endpoint: ``endpoint=`` (a dedicated Inference Endpoint name) of every call.
        fallback: ``fallback=`` (provider failover) of every call.
        bill_to: ``bill_to=`` (organisation billed) of every call.
        timeout: ``timeout=`` (total seconds) of every call.
        extra_headers: Headers added to every request (a call's own win on conflicts).
        extra_body: Fields merged into every JSON body (a call's own win on conflicts).

    Example:
        >>> CallOptions(timeout=5).merged(CallOptions(bill_to="acme"))
        CallOptions(provider=None, endpoint=None, fallback=None, bill_to='acme', timeout=5, extra_headers=None, extra_body=None)
    """

    provider: str | None = None
    endpoint: str | None = None
    fallback: bool | Sequence[str] | None = None
    bill_to: str | None = None
    timeout: float | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_body: Mapping[str, Any] | None = None

    def __init__(
        self,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None:
        set_field(self, "provider", provider)
        set_field(self, "endpoint", endpoint)
        set_field(self, "fallback", fallback)
        set_field(self, "bill_to", bill_to)
        set_field(self, "timeout", timeout)
        set_field(self, "extra_headers", extra_headers)
        set_field(self, "extra_body", extra_body)

    @classmethod
    def for_call(
        cls,
        *,
        provider: str | None,
        endpoint: str | None,
        fallback: bool | Sequence[str] | None,
        bill_to: str | None,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> CallOptions:
        """The options of one call, as its public method got them (the one way a
        service makes them).

        Every keyword is required, so a service cannot leave one out unseen; ``timeout``
        is not among them (it became the call's ``Deadline``). It runs on every call:
        nothing set gives the shared :data:`NO_OPTIONS`, no new object.

        Example:
            >>> options = CallOptions.for_call(
            ...     provider=None, endpoint="my-ep", fallback=None, bill_to=None,
            ...     extra_headers=None, extra_body=None,
            ... )
            >>> options.endpoint, options.timeout
            ('my-ep', None)
        """
        if (
            provider is None
            and endpoint is None
            and fallback is None
            and bill_to is None
            and extra_headers is None
            and extra_body is None
        ):
            return NO_OPTIONS
        return cls(provider, endpoint, fallback, bill_to, None, extra_headers, extra_body)

    def merged(self, newer: CallOptions) -> CallOptions:
        """These options with ``newer``'s set values on top (a view of a view)."""
        changes: dict[str, Any] = {}
        for name in OPTION_NAMES:
            value = getattr(newer, name)
            if value is None:
                continue
            older = getattr(self, name)
            if name in _MERGED and older is not None:
                value = {**older, **value}
            changes[name] = value
        return replace(self, **changes) if changes else self

    def fill(self, kwargs: dict[str, Any], names: tuple[str, ...]) -> None:
        """Put the set options among ``names`` into a call's ``kwargs`` (the call's win)."""
        for name in names:
            value = getattr(self, name)
            if value is None:
                continue
            given = kwargs.get(name)
            if given is None:
                kwargs[name] = value
            elif name in _MERGED:
                kwargs[name] = {**value, **given}


#: The options of a client that is not a view (nothing set).
NO_OPTIONS = CallOptions()

#: The keyword names of :class:`CallOptions`, in order.
OPTION_NAMES: tuple[str, ...] = tuple(f.name for f in fields(CallOptions))


def split_overrides(
    current: CallOptions, overrides: Mapping[str, Any]
) -> tuple[CallOptions, dict[str, Any]]:
    """Split ``with_options`` keywords into call options (merged onto ``current``) and
    retry settings (config fields).

    Raises:
        InvalidArgument: A keyword is neither a call option nor a retry setting.
    """
    unknown = sorted(set(overrides) - set(OPTION_NAMES) - set(RETRY_SETTINGS))
    if unknown:
        raise InvalidArgument(
            f"with_options() takes call options ({', '.join(OPTION_NAMES)}) and retry "
            f"settings ({', '.join(RETRY_SETTINGS)}), not {', '.join(map(repr, unknown))}; "
            "for other settings create another client"
        )
    options = CallOptions(**{k: v for k, v in overrides.items() if k in OPTION_NAMES})
    settings = {k: v for k, v in overrides.items() if k in RETRY_SETTINGS}
    return current.merged(options), settings


def _option_keywords(function: Callable[..., Any]) -> tuple[str, ...]:
    """The call options ``function`` takes as keyword-only arguments defaulting to None."""
    import inspect  # only when a view class is made

    parameters = inspect.signature(function).parameters
    return tuple(
        name
        for name in OPTION_NAMES
        if name in parameters
        and parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
        and parameters[name].default is None
    )


def _filling(function: Callable[..., T], names: tuple[str, ...]) -> Callable[..., T]:
    """``function`` with the view's options filled into the keywords the caller left out.

    A plain function in both twins: it returns what ``function`` returns (the coroutine of
    an async method, awaited by the caller as before).
    """

    @functools.wraps(function)
    def call(self: Any, *args: Any, **kwargs: Any) -> T:
        self._client._options.fill(kwargs, names)
        return function(self, *args, **kwargs)

    return call


_FILLING: dict[type[Any], type[Any]] = {}


def filling_class(cls: type[T], *, client: bool = False) -> type[T]:
    """The subclass of a service (or, with ``client=True``, of the client) used by views.

    Every public method taking call options fills them from the view's options (made
    once per class).
    """
    made = _FILLING.get(cls)
    if made is None:
        made = _FILLING[cls] = _make_filling_class(cls, client=client)
    return made


def _make_filling_class(cls: type[Any], *, client: bool) -> type[Any]:
    import inspect  # only when a view class is made

    namespace: dict[str, Any] = {"__slots__": ()} if hasattr(cls, "__slots__") else {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        member = inspect.getattr_static(cls, name)
        if not inspect.isfunction(member):
            continue
        names = _option_keywords(member)
        if names:
            namespace[name] = (_self_filling if client else _filling)(member, names)
    view = type(cls.__name__, (cls,), namespace)
    view.__module__ = cls.__module__
    view.__qualname__ = cls.__qualname__
    return view


def _self_filling(function: Callable[..., T], names: tuple[str, ...]) -> Callable[..., T]:
    """As :func:`_filling`, for a method of the client itself (``client.infer``)."""

    @functools.wraps(function)
    def call(self: Any, *args: Any, **kwargs: Any) -> T:
        self._options.fill(kwargs, names)
        return function(self, *args, **kwargs)

    return call
