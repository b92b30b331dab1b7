"""The emulator as a test double: one object with its URLs, a token and its knobs.

:class:`HfEmulator` wraps a running emulator (:func:`~.server.running_emulator`) for
tests of any app that talks to Hugging Face: base URLs for this client, the openai SDK
and huggingface_hub, a token it accepts, fault injection, the time scale, cold models
and the state of emulated Inference Endpoints. The pytest plugin
(:mod:`hf_inference_endpoints.pytest_plugin`) hands one to each test as ``hf_emulator``.

The knobs change the running server from the test's thread; each is a single store into
the emulator's state, which the server reads on its next request.

    with running_emulator(EmulatorSettings(valid_tokens=frozenset({"hf_test"}))) as handle:
        emu = HfEmulator(handle, token="hf_test")
        emu.inject_fault("429:retry_after=1;times=1", model="org/model")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .endpoints_api import MESSAGES, EmulatedEndpoint, store_of
from .faults import parse_spec
from .hub import EMULATOR_ORG, EMULATOR_USER

if TYPE_CHECKING:
    from .._async._client import AsyncHfInferenceClient
    from .._sync._client import HfInferenceClient
    from .server import EmulatorHandle

__all__ = ["ENDPOINT_STATES", "REAL_HOSTS", "HfEmulator"]

#: The real services' addresses -> the emulator's URL attribute standing for each.
REAL_HOSTS: dict[str, str] = {
    "https://router.huggingface.co": "router_url",
    "https://huggingface.co": "hub_url",
    "https://api.endpoints.huggingface.cloud": "endpoints_api_url",
}

#: States :meth:`HfEmulator.set_endpoint_state` accepts (the API's own names).
ENDPOINT_STATES = frozenset(MESSAGES)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class HfEmulator:
    """A running emulator seen from a test.

    Args:
        handle: The running emulator.
        token: A token the emulator accepts (its ``valid_tokens``).

    Example:
        >>> with running_emulator() as handle:  # doctest: +SKIP
        ...     emu = HfEmulator(handle, token="hf_anything")
        ...     with emu.client() as client:
        ...         client.chat.complete(model="meta-llama/Llama-3.1-8B-Instruct",
        ...                              messages=[{"role": "user", "content": "Hi"}])
    """

    user = EMULATOR_USER
    organization = EMULATOR_ORG

    def __init__(self, handle: EmulatorHandle, token: str) -> None:
        self.handle = handle
        self.token = token

    # -- where things are ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.handle.base_url

    @property
    def hub_url(self) -> str:
        """What ``HF_ENDPOINT`` should be."""
        return self.handle.hub_url

    @property
    def router_url(self) -> str:
        """What ``HF_ROUTER_URL`` should be (``https://router.huggingface.co`` in life)."""
        return self.handle.router_url

    @property
    def openai_base_url(self) -> str:
        """The router's OpenAI-compatible base, for ``openai.OpenAI(base_url=...)``."""
        return f"{self.handle.router_url}/v1"

    @property
    def endpoints_api_url(self) -> str:
        """What ``HF_ENDPOINTS_API_URL`` should be."""
        return self.handle.endpoints_api_url

    def tgi_url(self, name: str) -> str:
        """A TGI server (any name answers), as a dedicated endpoint's URL would be."""
        return self.handle.tgi_url(name)

    def tei_url(self, name: str) -> str:
        """A TEI server (any name answers)."""
        return self.handle.tei_url(name)

    @property
    def env(self) -> dict[str, str]:
        """The environment that points this client (and ``hfie``) at the emulator."""
        return {
            "HF_TOKEN": self.token,
            "HF_ENDPOINT": self.hub_url,
            "HF_ROUTER_URL": self.router_url,
            "HF_ENDPOINTS_API_URL": self.endpoints_api_url,
        }

    # -- clients ------------------------------------------------------------------------
    def client(self, **overrides: Any) -> HfInferenceClient:
        """A sync client pointed at the emulator (keyword arguments override the config)."""
        from .._sync._client import HfInferenceClient

        return HfInferenceClient(**{**self._client_config(), **overrides})

    def async_client(self, **overrides: Any) -> AsyncHfInferenceClient:
        """An async client pointed at the emulator."""
        from .._async._client import AsyncHfInferenceClient

        return AsyncHfInferenceClient(**{**self._client_config(), **overrides})

    def _client_config(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "hub_url": self.hub_url,
            "router_url": self.router_url,
            "endpoints_api_url": self.endpoints_api_url,
        }

    def emulated_url(self, url: str) -> str:
        """``url`` on the emulator when it names a real HF service, else unchanged.

        Example: ``https://router.huggingface.co/v1/models`` -> ``{router_url}/v1/models``.
        """
        for real, attribute in REAL_HOSTS.items():
            if url == real or url.startswith(real + "/") or url.startswith(real + "?"):
                return str(getattr(self, attribute)) + url[len(real) :]
        return url

    @contextmanager
    def route_huggingface_hub(self) -> Iterator[None]:
        """Send huggingface_hub's requests for huggingface.co and router.huggingface.co to
        the emulator, while the block runs.

        huggingface_hub has no setting for the router's address; this installs an HTTP
        client of its own (``huggingface_hub.set_client_factory``) whose transport rewrites
        those URLs, and puts the default back afterwards.
        """
        import httpx2
        from huggingface_hub import set_client_factory
        from huggingface_hub.utils._http import default_client_factory

        emulator = self

        class _ToEmulator(httpx2.BaseTransport):
            def __init__(self) -> None:
                self.inner = httpx2.HTTPTransport()

            def handle_request(self, request: httpx2.Request) -> httpx2.Response:
                target = emulator.emulated_url(str(request.url))
                if target != str(request.url):
                    url = httpx2.URL(target)
                    headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
                    headers.append((b"host", url.netloc))
                    request = httpx2.Request(
                        request.method,
                        url,
                        headers=headers,
                        stream=request.stream,
                        extensions=request.extensions,
                    )
                return self.inner.handle_request(request)

            def close(self) -> None:
                self.inner.close()

        def factory() -> httpx2.Client:
            base = default_client_factory()
            hooks = base.event_hooks
            base.close()
            return httpx2.Client(
                transport=_ToEmulator(), event_hooks=hooks, follow_redirects=True, timeout=None
            )

        set_client_factory(factory)
        try:
            yield
        finally:
            set_client_factory(default_client_factory)

    # -- time ---------------------------------------------------------------------------
    @property
    def time_scale(self) -> float:
        """Multiplier of every simulated wait (cold starts, endpoint states, Retry-After)."""
        return self.handle.settings.time_scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        if value < 0:
            raise ValueError("time_scale must be >= 0")
        self.handle.settings.time_scale = value

    def cold_model(self, model: str, seconds: float) -> None:
        """Make ``model`` answer 503 + ``estimated_time`` for ``seconds`` (simulated) after
        its first request, as a model loading would."""
        self.handle.state.loading_started.pop(model, None)
        self.handle.settings.cold_models[model] = seconds

    # -- faults -------------------------------------------------------------------------
    def inject_fault(self, spec: str, model: str = "*") -> None:
        """Answer ``model``'s requests (``"*"``: every model) with a fault.

        Args:
            spec: A fault, e.g. ``"429:retry_after=2;times=1"``, ``"503-loading:estimated_time=5"``,
                ``"stream-drop:after=3"`` (grammar in :mod:`.faults`).
            model: The model id the fault applies to.

        Raises:
            ValueError: The spec does not parse.
        """
        parse_spec(spec)
        self.handle.set_fault(model, spec)

    def clear_faults(self) -> None:
        self.handle.clear_faults()

    @property
    def requests(self) -> int:
        """How many requests the emulator has answered since it started."""
        return self.handle.state.request_count

    def reset(self) -> None:
        """Forget faults, cold-model clocks and emulated endpoints."""
        self.handle.reset()
        self.handle.settings.cold_models.clear()

    # -- Inference Endpoints ------------------------------------------------------------
    def add_endpoint(
        self,
        name: str,
        *,
        repository: str = "meta-llama/Llama-3.1-8B-Instruct",
        task: str = "text-generation",
        state: str = "running",
        namespace: str | None = None,
        security: str = "authenticated",
        min_replica: int = 1,
        scale_to_zero_timeout: int | None = None,
        image: dict[str, Any] | None = None,
    ) -> None:
        """Create an emulated Inference Endpoint directly in ``state``.

        Its URL serves TGI, or TEI for an embeddings task or a ``tei`` image.

        Args:
            name: The endpoint's name.
            repository: The model it serves.
            task: Its task (``text-generation``, ``sentence-embeddings``...).
            state: Where it starts: ``running``, ``scaledToZero``, ``paused``,
                ``initializing``, ``failed``...
            namespace: The owner (default: the emulated user).
            security: ``authenticated``, ``public`` or ``private``.
            min_replica: 0 lets it scale to zero after ``scale_to_zero_timeout`` minutes.
            scale_to_zero_timeout: Idle minutes before scaling to zero.
            image: The ``model.image`` variant (default ``{"tgi": {...}}``).
        """
        owner = namespace or self.user
        config: dict[str, Any] = {
            "type": security,
            "provider": {"vendor": "aws", "region": "us-east-1"},
            "compute": {
                "accelerator": "gpu",
                "instanceType": "nvidia-l4",
                "instanceSize": "x1",
                "scaling": {
                    "minReplica": min_replica,
                    "maxReplica": max(1, min_replica),
                    "scaleToZeroTimeout": scale_to_zero_timeout,
                },
            },
            "model": {
                "repository": repository,
                "framework": "pytorch",
                "task": task,
                "image": image or {"tgi": {"url": "ghcr.io/huggingface/text-generation-inference"}},
            },
        }
        store = store_of(self.handle.state)
        endpoint = EmulatedEndpoint(namespace=owner, name=name, config=config, created_at=_now())
        store.deleted.discard(name)
        store.endpoints[(owner, name)] = endpoint
        self.set_endpoint_state(name, state)

    def set_endpoint_state(self, name: str, state: str) -> None:
        """Move endpoint ``name`` to ``state`` now; transient states then move on as usual
        (``initializing`` becomes ``running`` after the emulated start-up time).

        Raises:
            KeyError: No emulated endpoint has that name.
            ValueError: ``state`` is not an endpoint state.
        """
        if state not in ENDPOINT_STATES:
            raise ValueError(f"unknown endpoint state {state!r}: one of {sorted(ENDPOINT_STATES)}")
        store = store_of(self.handle.state)
        endpoint = store.by_name(name)
        if endpoint is None:
            raise KeyError(f"no emulated endpoint named {name!r}")
        now = store.state.clock()
        timings = store.timings
        if state == "pending":
            store.enter(endpoint, state, now, lasts=timings.pending, then="initializing")
        elif state == "initializing":
            store.enter(endpoint, state, now, lasts=timings.initializing, then="running")
        elif state == "updating":
            store.enter(endpoint, state, now, lasts=timings.updating, then="running")
        else:
            if state in ("running", "scaledToZero", "paused", "updateFailed"):
                endpoint.has_url = True
            endpoint.last_used = now
            store.enter(endpoint, state, now)

    def remove_endpoint(self, name: str) -> None:
        """Forget endpoint ``name`` (as if deleted; its URL answers 404).

        Raises:
            KeyError: No emulated endpoint has that name.
        """
        store = store_of(self.handle.state)
        endpoint = store.by_name(name)
        if endpoint is None:
            raise KeyError(f"no emulated endpoint named {name!r}")
        del store.endpoints[(endpoint.namespace, endpoint.name)]
        store.deleted.add(name)

    def endpoint_state(self, name: str) -> str:
        """The state endpoint ``name`` is in now.

        Raises:
            KeyError: No emulated endpoint has that name.
        """
        store = store_of(self.handle.state)
        endpoint = store.by_name(name)
        if endpoint is None:
            raise KeyError(f"no emulated endpoint named {name!r}")
        store.advance(endpoint)
        return endpoint.state
