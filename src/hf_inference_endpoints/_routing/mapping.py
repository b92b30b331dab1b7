"""The Hub's model -> provider mapping: parse, validate, choose, cache (no I/O).

The Hub answers ``GET /api/models/{id}?expand[]=inferenceProviderMapping`` with the
providers serving a model, in one of two shapes (docs/wire.md §2.1)::

    {"together": {"status": "live", "providerId": "...", "task": "conversational"}, ...}
    [{"provider": "together", "status": "live", "providerId": "...", "task": ...}, ...]

Both keep the Hub's order, which is the user's provider preference. This module
turns either into :class:`MappingEntry` tuples, checks an entry against the
requested task (``feature-extraction`` and ``sentence-similarity`` are the same for
hf-inference), plans the providers a call tries (the chosen one, then fallbacks)
and caches mappings with a TTL. The twins' ``_providers`` module does the fetch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._errors import (
    ColdStartTimeout,
    GatewayTimeout,
    HfError,
    InvalidArgument,
    ModelLoading,
    ModelNotAvailableOnProvider,
    NotFound,
    PaymentRequired,
    RateLimited,
    ServerError,
    ServiceUnavailable,
)
from .._record import Record, record, set_field
from .providers import mapping_free as reachable_unmapped
from .providers import registered

__all__ = [
    "Candidate",
    "MappingCache",
    "MappingEntry",
    "Plan",
    "available_on",
    "check_fallback_target",
    "check_fallback_value",
    "is_failover_error",
    "not_available",
    "parse_mapping",
    "plan_candidates",
    "select_entry",
    "task_matches",
    "warn_not_live",
]

logger = logging.getLogger("hf_inference_endpoints")


@record
class MappingEntry(Record):
    """One provider serving a model.

    Attributes:
        provider: Provider name (``together``...).
        provider_id: The model id to send to that provider.
        task: The pipeline task it is served for (``conversational`` for chat).
        status: ``live``, ``staging`` (tests only) or ``error`` (failed its last check).
        hf_model_id: The Hub model id.
        adapter: ``lora`` when the model is an adapter.
        adapter_weights_path: The adapter file inside the Hub repo.
        type: ``single-model`` or ``tag-filter``, when the Hub says.
        is_model_author: Whether the provider is the model's author.
    """

    provider: str
    provider_id: str
    task: str
    status: str
    hf_model_id: str
    adapter: str | None = None
    adapter_weights_path: str | None = None
    type: str | None = None
    is_model_author: bool = False

    def __init__(
        self,
        provider: str,
        provider_id: str,
        task: str,
        status: str,
        hf_model_id: str,
        adapter: str | None = None,
        adapter_weights_path: str | None = None,
        type: str | None = None,
        is_model_author: bool = False,
    ) -> None:
        set_field(self, "provider", provider)
        set_field(self, "provider_id", provider_id)
        set_field(self, "task", task)
        set_field(self, "status", status)
        set_field(self, "hf_model_id", hf_model_id)
        set_field(self, "adapter", adapter)
        set_field(self, "adapter_weights_path", adapter_weights_path)
        set_field(self, "type", type)
        set_field(self, "is_model_author", is_model_author)

    @property
    def is_live(self) -> bool:
        """Whether the provider currently serves the model."""
        return self.status == "live"


def _entry(model: str, provider: Any, raw: Any) -> MappingEntry | None:
    if not isinstance(provider, str) or not provider or not isinstance(raw, Mapping):
        return None
    provider_id = raw.get("providerId", raw.get("provider_id"))
    task = raw.get("task")
    if not isinstance(provider_id, str) or not isinstance(task, str):
        return None
    status = raw.get("status")
    adapter = raw.get("adapter")
    path = raw.get("adapterWeightsPath", raw.get("adapter_weights_path"))
    kind = raw.get("type")
    return MappingEntry(
        provider=provider,
        provider_id=provider_id,
        task=task,
        status=status if isinstance(status, str) else "live",
        hf_model_id=str(raw.get("hfModelId") or model),
        adapter=adapter if isinstance(adapter, str) else None,
        adapter_weights_path=path if isinstance(path, str) else None,
        type=kind if isinstance(kind, str) else None,
        is_model_author=raw.get("isModelAuthor") is True,
    )


def parse_mapping(model: str, raw: Any) -> tuple[MappingEntry, ...]:
    """Read ``inferenceProviderMapping`` in either shape, keeping the Hub's order.

    Args:
        model: The Hub model id the mapping belongs to.
        raw: The field's value: an object keyed by provider, or a list of entries
            with a ``provider`` key. Anything else (``None``, missing) means no mapping.
            Malformed entries are ignored.

    Returns:
        The entries, in the Hub's order.

    Example:
        >>> [e.provider for e in parse_mapping("o/m", {"groq": {"providerId": "m",
        ...     "task": "conversational", "status": "live"}})]
        ['groq']
    """
    if isinstance(raw, Mapping):
        pairs: list[tuple[Any, Any]] = list(raw.items())
    elif isinstance(raw, list):
        pairs = [(item.get("provider"), item) for item in raw if isinstance(item, Mapping)]
    else:
        return ()
    entries = (_entry(model, provider, value) for provider, value in pairs)
    return tuple(e for e in entries if e is not None)


def task_matches(provider: str, wanted: str, mapped: str) -> bool:
    """Whether an entry mapped for ``mapped`` serves ``wanted`` on ``provider``.

    Example:
        >>> task_matches("hf-inference", "feature-extraction", "sentence-similarity")
        True
        >>> task_matches("together", "feature-extraction", "sentence-similarity")
        False
    """
    if wanted == mapped:
        return True
    helper = registered(provider)
    return (
        helper is not None
        and wanted in helper.interchangeable_tasks
        and mapped in helper.interchangeable_tasks
    )


def available_on(entries: Sequence[MappingEntry], task: str) -> tuple[str, ...]:
    """Providers with a live mapping for ``task``, in the Hub's order."""
    return tuple(
        e.provider for e in entries if e.is_live and task_matches(e.provider, task, e.task)
    )


def not_available(
    model: str,
    provider: str,
    task: str,
    entries: Sequence[MappingEntry],
    reason: str,
) -> ModelNotAvailableOnProvider:
    """The error naming the model, the provider, why, and where the model *is* available."""
    where = available_on(entries, task)
    tail = (
        f"; it is available for {task} on: {', '.join(where)} (pass provider=... or 'auto')"
        if where
        else f"; no provider serves it for {task} right now"
    )
    return ModelNotAvailableOnProvider(
        f"Model {model!r} is not available on provider {provider!r} for task {task!r}: "
        f"{reason}{tail}",
        provider=provider,
        model=model,
        available_on=where,
    )


def select_entry(
    model: str, provider: str, task: str, entries: Sequence[MappingEntry]
) -> MappingEntry:
    """The live entry of ``provider`` for ``task``.

    Raises:
        ModelNotAvailableOnProvider: Not mapped, or mapped for another task; the error
            lists where the model is available. A ``staging`` or ``error`` mapping is
            used, with one warning (:func:`warn_not_live`).
    """
    entry = next((e for e in entries if e.provider == provider), None)
    if entry is None:
        raise not_available(model, provider, task, entries, "the Hub has no mapping for it")
    if not task_matches(provider, task, entry.task):
        raise not_available(
            model, provider, task, entries, f"the provider serves it for {entry.task!r} only"
        )
    if not entry.is_live:
        warn_not_live(model, entry)
    return entry


#: (model, provider, status) already warned about: one warning each per process.
_WARNED: set[tuple[str, str, str]] = set()


def warn_not_live(model: str, entry: MappingEntry) -> None:
    """Log once that a mapping is ``staging`` or ``error``; the call is sent all the same.

    The provider decides: a staging mapping is HF's "test only", an error one failed its
    last automated check; both may still answer (as huggingface_hub does, we warn and send).
    """
    key = (model, entry.provider, entry.status)
    if key in _WARNED:
        return
    _WARNED.add(key)
    if entry.status == "staging":
        detail = "is in staging on the Hub (meant for tests); the call may fail"
    else:
        detail = f"has mapping status {entry.status!r} (its last health check failed)"
    logger.warning("%s on %s %s", model, entry.provider, detail)


@record
class Candidate(Record):
    """A provider a call may be sent to.

    Attributes:
        provider: Provider name.
        entry: Its mapping entry; None for providers that need none (hf-inference).
    """

    provider: str
    entry: MappingEntry | None = None

    def __init__(
        self,
        provider: str,
        entry: MappingEntry | None = None,
    ) -> None:
        set_field(self, "provider", provider)
        set_field(self, "entry", entry)

    @property
    def model_id(self) -> str | None:
        """The provider's model id, when a mapping gave one."""
        return self.entry.provider_id if self.entry is not None else None


@record
class Plan(Record):
    """The providers a call tries, in order, and what was left out and why."""

    candidates: tuple[Candidate, ...]
    skipped: tuple[str, ...] = ()

    def __init__(
        self,
        candidates: tuple[Candidate, ...],
        skipped: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "candidates", candidates)
        set_field(self, "skipped", skipped)


def _ordered_live(
    entries: Sequence[MappingEntry],
    task: str,
    preference: Sequence[str],
    serves: Callable[[str], bool],
    skipped: list[str],
) -> list[MappingEntry]:
    matching = [e for e in entries if task_matches(e.provider, task, e.task)]
    # live mappings first; staging/error ones after them, sent with a warning if chosen
    live = [e for e in matching if e.is_live] + [e for e in matching if not e.is_live]
    usable: list[MappingEntry] = []
    for entry in live:
        if serves(entry.provider):
            usable.append(entry)
        else:
            skipped.append(
                f"{entry.provider}: mapped for {task} but this client has no helper for it "
                "(only chat reaches providers without a helper)"
            )
    rank = {name: index for index, name in enumerate(preference)}
    # stable sort: preferred providers first (in the user's order), then the Hub's order
    return sorted(usable, key=lambda e: rank.get(e.provider, len(rank)))


def plan_candidates(
    model: str,
    provider: str,
    task: str,
    entries: Sequence[MappingEntry],
    *,
    fallback: bool | Sequence[str] = False,
    preference: Sequence[str] = (),
    serves: Callable[[str], bool] = lambda name: True,
    mapping_free: Callable[[str], bool] = reachable_unmapped,
) -> Plan:
    """Decide which providers a call tries, in order.

    Args:
        model: The Hub model id.
        provider: The provider asked for, or ``auto``.
        task: The task.
        entries: The model's mapping (may be empty when no lookup was needed).
        fallback: ``False`` (only one provider), ``True`` (then every other live
            mapping, preferred first) or a list of providers to fall back to, in order.
        preference: The user's provider order (``HfInferenceConfig.provider_preference``);
            it ranks ``auto`` choices and ``fallback=True`` candidates.
        serves: Whether this client can route ``task`` on a provider.
        mapping_free: Whether a provider is reachable without a mapping entry (its
            helper takes the Hub id: hf-inference).

    Returns:
        The plan: at least one candidate.

    Raises:
        ModelNotAvailableOnProvider: No provider can serve the call.
    """
    skipped: list[str] = []
    ordered = _ordered_live(entries, task, preference, serves, skipped)
    candidates: list[Candidate] = []
    first_error: ModelNotAvailableOnProvider | None = None
    if provider == "auto":
        if not ordered:
            detail = f" ({'; '.join(skipped)})" if skipped else ""
            raise not_available(
                model, "auto", task, entries, f"no live mapping this client can use{detail}"
            )
        if not ordered[0].is_live:
            warn_not_live(model, ordered[0])
        candidates.append(Candidate(ordered[0].provider, ordered[0]))
    elif mapping_free(provider):
        found = next((e for e in entries if e.provider == provider), None)
        candidates.append(Candidate(provider, found))
    else:
        try:
            entry = select_entry(model, provider, task, entries)
        except ModelNotAvailableOnProvider as exc:
            if fallback is False:
                raise
            first_error = exc
            skipped.append(f"{provider}: {exc.message}")
        else:
            candidates.append(Candidate(provider, entry))
    if fallback is not False:
        taken = {c.provider for c in candidates} | {provider}
        if fallback is True:
            extra = [
                Candidate(e.provider, e) for e in ordered if e.provider not in taken and e.is_live
            ]
        else:
            by_name = {e.provider: e for e in ordered}
            extra = []
            for name in fallback:
                if name in taken:
                    continue
                if name in by_name:
                    if not by_name[name].is_live:  # named by the caller: sent, with a warning
                        warn_not_live(model, by_name[name])
                    extra.append(Candidate(name, by_name[name]))
                elif mapping_free(name):
                    extra.append(
                        Candidate(name, next((e for e in entries if e.provider == name), None))
                    )
                else:
                    skipped.append(f"{name}: no live mapping for {task} this client can use")
                taken.add(name)
        candidates.extend(extra)
    if not candidates:
        assert first_error is not None
        raise first_error
    return Plan(tuple(candidates), tuple(skipped))


def check_fallback_value(fallback: object) -> None:
    """Refuse a per-call ``fallback`` that is neither a flag nor provider names.

    Args:
        fallback: The caller's ``fallback=``: None, a bool, a provider name or a
            sequence of provider names.

    Raises:
        InvalidArgument: Anything else (``fallback=5``, ``fallback=[1]``, ``fallback=""``),
            before anything is sent.

    Example:
        >>> check_fallback_value(["together", "nebius"])
        >>> check_fallback_value(5)
        Traceback (most recent call last):
        ...
        hf_inference_endpoints._errors.InvalidArgument: fallback must be True/False, a provider name or a list of provider names, got 5 ...
    """
    if fallback is None or isinstance(fallback, bool):
        return
    names = [fallback] if isinstance(fallback, str) else fallback
    if isinstance(names, (list, tuple)) and all(isinstance(n, str) and n for n in names):
        return
    raise InvalidArgument(
        f"fallback must be True/False, a provider name or a list of provider names, got "
        f"{fallback!r} (nothing was sent)"
    )


def check_fallback_target(
    fallback: bool | Sequence[str] | None, *, url: str | None = None, endpoint: str | None = None
) -> None:
    """Refuse a per-call ``fallback`` for a call that has no provider to fail over to.

    Failover moves a call between the providers of a Hub model id; a URL or a dedicated
    endpoint (``endpoint=``) is one server. Only an explicit request is refused
    (``True`` or names): ``None``/``False``/empty, and ``config.fallback``, pass.

    Args:
        fallback: The caller's ``fallback=``.
        url: The call's target, when it is a URL.
        endpoint: The call's ``endpoint=``, when given.

    Raises:
        ValidationError: ``fallback`` was asked for with ``url`` or ``endpoint``.

    Example:
        >>> check_fallback_target(None, url="http://localhost:8080")
        >>> check_fallback_target(True, endpoint="my-ep")
        Traceback (most recent call last):
        ...
        hf_inference_endpoints._errors.ValidationError: fallback=True cannot be used with endpoint='my-ep': ...
    """
    check_fallback_value(fallback)
    if not fallback or (url is None and endpoint is None):
        return
    where = f"endpoint={endpoint!r}" if endpoint is not None else f"the URL {url!r}"
    raise InvalidArgument(
        f"fallback={fallback!r} cannot be used with {where}: failover moves a call between "
        "the providers of a Hub model id, and this target is one server; drop fallback= "
        "(or call the model id through a provider)"
    )


def is_failover_error(error: HfError) -> bool:
    """Whether ``error`` on one provider should move a call to the next one.

    True for rate limits (429), server failures (5xx, including loading models and
    cold-start timeouts), a model the provider does not serve (404, or
    :class:`ModelNotAvailableOnProvider`) and no credits for it (402).
    """
    if isinstance(
        error,
        (
            RateLimited,
            ServiceUnavailable,
            GatewayTimeout,
            ModelLoading,
            ColdStartTimeout,
            NotFound,
            ModelNotAvailableOnProvider,
            PaymentRequired,
        ),
    ):
        return True
    return isinstance(error, ServerError) and (error.status_code or 0) >= 500


class MappingCache:
    """Mappings by model id, each kept ``ttl`` seconds; thread-safe, bounded (LRU).

    Args:
        ttl: Seconds an entry stays fresh (0 disables caching).
        clock: Monotonic clock (injectable for tests).
        max_models: How many models are kept; the least recently used go first.

    Example:
        >>> now = [0.0]
        >>> cache = MappingCache(60.0, clock=lambda: now[0])
        >>> cache.put("o/m", ())
        >>> cache.get("o/m")
        ()
        >>> now[0] = 61.0
        >>> cache.get("o/m") is None
        True
    """

    def __init__(
        self,
        ttl: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_models: int = 1024,
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._max = max_models
        self._items: OrderedDict[str, tuple[float, tuple[MappingEntry, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model: str) -> tuple[MappingEntry, ...] | None:
        """The cached mapping of ``model``, or None when absent or expired."""
        with self._lock:
            item = self._items.get(model)
            if item is None:
                return None
            expires, entries = item
            if self._clock() >= expires:
                del self._items[model]
                return None
            self._items.move_to_end(model)
            return entries

    def put(self, model: str, entries: tuple[MappingEntry, ...]) -> None:
        """Remember ``model``'s mapping for ``ttl`` seconds."""
        if self.ttl <= 0:
            return
        with self._lock:
            self._items[model] = (self._clock() + self.ttl, entries)
            self._items.move_to_end(model)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def invalidate(self, model: str | None = None) -> None:
        """Forget one model's mapping, or all of them."""
        with self._lock:
            if model is None:
                self._items.clear()
            else:
                self._items.pop(model, None)

    def clear(self) -> None:
        """Forget every mapping (``client.clear_caches()``)."""
        self.invalidate()

    def __len__(self) -> int:
        return len(self._items)
