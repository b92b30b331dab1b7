"""Configuration of the local emulator (plain dataclass, no Starlette).

Every simulated duration (fault latency, stalls, cold-model loading, token pacing,
endpoint state transitions) is multiplied by :attr:`EmulatorSettings.time_scale`, so
tests can run the same scenarios 100x faster with ``time_scale=0.01``.  Durations the
emulator *reports* to clients (``Retry-After``, ``retry-after-ms``, 503
``estimated_time``) are scaled the same way, so a client that waits as told waits the
emulated time (at ``time_scale=0.01`` a ``retry_after=2`` fault sends ``Retry-After:
0.02``; with ``time_scale=1`` the values are the real service's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .catalog import CatalogModel

__all__ = ["DEFAULT_EMBEDDING_DIM", "EmulatorSettings"]

DEFAULT_EMBEDDING_DIM = 384


@dataclass
class EmulatorSettings:
    """Knobs of one emulator instance.

    Attributes:
        time_scale: multiplier applied to every simulated wait.
        valid_tokens: accepted bearer tokens; ``None`` accepts any non-empty token.
        cold_models: model id -> loading seconds. The first request to such a model
            starts its loading clock; until ``seconds * time_scale`` have passed the
            model answers 503 with ``estimated_time`` (the real seconds remaining,
            i.e. scaled).
        embedding_dims: model id -> embedding dimension (default 384).
        faults: model id -> default fault spec (grammar in :mod:`.faults`);
            the key ``"*"`` applies to every model.
        seed: global seed mixed into every deterministic output.
        max_client_batch_size: TEI per-request batch cap (``/info``), above it 413.
        tei_max_input_length: TEI max input length in tokens (words).
        tgi_max_input_tokens / tgi_max_total_tokens: reported by TGI ``/info`` and
            used to validate ``inputs`` + ``max_new_tokens``.
        token_latency_ms: pause between streamed events (scaled), 0 = none.
        extra_models: additional Hub catalog entries (override the built-in table).
        rate_limits: provider -> requests per simulated minute, enforced across every
            client (:mod:`.ratelimit`; 429 with ``Retry-After`` above it).
        token_limits: provider -> tokens per simulated minute (the emulator's tokens:
            words of the prompt plus ``max_tokens``, corrected from ``usage``), enforced
            the same way.
        serve_any_model: answer hf-inference calls for model ids that are not in the
            catalog (as text-generation / chat models) instead of the router's 404 for an
            unknown model. Off by default, as on the real service; test suites that use
            made-up model ids turn it on.
    """

    time_scale: float = 1.0
    valid_tokens: frozenset[str] | None = None
    cold_models: dict[str, float] = field(default_factory=dict)
    embedding_dims: dict[str, int] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)
    seed: int = 0
    max_client_batch_size: int = 32
    tei_max_input_length: int = 512
    tgi_max_input_tokens: int = 4096
    tgi_max_total_tokens: int = 8192
    token_latency_ms: float = 0.0
    extra_models: Mapping[str, CatalogModel] = field(default_factory=dict)
    rate_limits: dict[str, int] = field(default_factory=dict)
    token_limits: dict[str, int] = field(default_factory=dict)
    serve_any_model: bool = False

    def __post_init__(self) -> None:
        if self.time_scale < 0:
            raise ValueError("time_scale must be >= 0")
        if self.max_client_batch_size < 1:
            raise ValueError("max_client_batch_size must be >= 1")
        for name in ("rate_limits", "token_limits"):
            for provider, limit in getattr(self, name).items():
                if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                    raise ValueError(f"{name}[{provider!r}] must be an int >= 1, got {limit!r}")

    def scaled(self, seconds: float) -> float:
        """Real seconds to wait for a simulated duration of ``seconds``.

        Also what the emulator reports for a simulated duration (``Retry-After``,
        ``estimated_time``), so the client's wait matches the emulated one.
        """
        return max(0.0, seconds * self.time_scale)

    def embedding_dim(self, model: str) -> int:
        return self.embedding_dims.get(model, DEFAULT_EMBEDDING_DIM)
