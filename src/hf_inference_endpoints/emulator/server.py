"""Run the emulator with uvicorn: blocking (:func:`run`) or in a background thread
(:func:`running_emulator`, for integration tests and the demo).

Both bind to loopback by default.  The ``stream-drop`` fault works by raising
:class:`~.faults.StreamDropped` inside a streamed body, which makes uvicorn close
the connection mid-body; a logging filter keeps that expected exception out of
uvicorn's error log.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from .app import create_app
from .faults import StreamDropped, parse_spec
from .ratelimit import rate_limits
from .settings import EmulatorSettings
from .state import EmulatorState

__all__ = ["EmulatorHandle", "bind", "run", "running_emulator"]

_LOG = logging.getLogger(__name__)


def _is_stream_drop(exc: BaseException | None) -> bool:
    if isinstance(exc, StreamDropped):
        return True
    inner = getattr(exc, "exceptions", None)  # an exception group (3.11+ or backport)
    if isinstance(inner, tuple) and inner:
        return all(_is_stream_drop(e) for e in inner if isinstance(e, BaseException))
    return False


class _DropStreamDropped(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not _is_stream_drop(exc)


_FILTER = _DropStreamDropped()


def _install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``.

    Raises:
        OSError: The port is taken (``errno.EADDRINUSE``) or the address is not local.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run(
    host: str = "127.0.0.1",
    port: int = 8787,
    settings: EmulatorSettings | None = None,
    *,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Serve the emulator until interrupted (uvicorn, log level ``warning``).

    The port is bound first, so a busy port raises before anything claims to listen;
    ``on_listening`` then gets the base URL.

    Raises:
        OSError: The port could not be bound.
    """
    app = create_app(settings)
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(app, host=host, port=bound_port, log_level="warning")
    _install_log_filter()
    url_host = f"[{host}]" if ":" in host else host
    if on_listening is not None:
        on_listening(f"http://{url_host}:{bound_port}")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()


@dataclass
class EmulatorHandle:
    """A running emulator: its URLs, app and state."""

    base_url: str
    app: Starlette

    @property
    def hub_url(self) -> str:
        return f"{self.base_url}/hub"

    @property
    def router_url(self) -> str:
        return f"{self.base_url}/router"

    @property
    def endpoints_api_url(self) -> str:
        return f"{self.base_url}/endpoints-api"

    def tgi_url(self, name: str) -> str:
        return f"{self.base_url}/tgi/{name}"

    def tei_url(self, name: str) -> str:
        return f"{self.base_url}/tei/{name}"

    @property
    def state(self) -> EmulatorState:
        state: EmulatorState = self.app.state.emulator
        return state

    @property
    def settings(self) -> EmulatorSettings:
        return self.state.settings

    def set_fault(self, model: str, spec: str) -> None:
        """Same as ``POST /_emulator/faults`` (``model="*"`` for all models)."""
        parse_spec(spec)
        self.state.runtime_faults[model] = spec

    def clear_faults(self) -> None:
        self.state.runtime_faults.clear()

    def reset(self) -> None:
        """Same as ``POST /_emulator/reset``."""
        self.state.reset()

    def set_rate_limit(self, provider: str, per_minute: int | None) -> None:
        """Same as ``POST /_emulator/rate-limits`` (None removes the limit)."""
        limits = rate_limits(self.state).limits
        if per_minute is None:
            limits.pop(provider, None)
        else:
            limits[provider] = per_minute

    def set_token_limit(self, provider: str, per_minute: int | None) -> None:
        """Same as ``POST /_emulator/rate-limits`` with ``tokens_per_minute`` (None removes it)."""
        limits = rate_limits(self.state).token_limits
        if per_minute is None:
            limits.pop(provider, None)
        else:
            limits[provider] = per_minute

    def rate_limit_counters(self, provider: str) -> dict[str, int]:
        """``accepted``, ``rejected`` and ``peak`` (most accepted in one window) of a provider;
        with a token limit also ``tokens`` (all charged) and ``token_peak`` (most in a window)."""
        counters = rate_limits(self.state).counters.get(provider)
        return counters.as_dict() if counters else {"accepted": 0, "rejected": 0, "peak": 0}


@contextmanager
def running_emulator(
    settings: EmulatorSettings | None = None,
    host: str = "127.0.0.1",
    *,
    startup_timeout: float = 10.0,
) -> Iterator[EmulatorHandle]:
    """Start uvicorn on a free port in a daemon thread; stop it on exit."""
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=0,
        log_level="warning",
        log_config=None,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    _install_log_filter()
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="hf-emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the emulator server exited during startup")
        if time.monotonic() > deadline:
            server.should_exit = True
            thread.join(startup_timeout)
            raise RuntimeError("the emulator server did not start in time")
        time.sleep(0.005)
    try:
        sockets = [s for srv in server.servers for s in (srv.sockets or ())]
        bound_host, port = sockets[0].getsockname()[:2]
        url_host = f"[{bound_host}]" if ":" in str(bound_host) else str(bound_host)
        yield EmulatorHandle(base_url=f"http://{url_host}:{port}", app=app)
    finally:
        server.should_exit = True
        thread.join(startup_timeout)
        if thread.is_alive():  # pragma: no cover - defensive
            _LOG.warning("emulator server thread did not stop within %.1fs", startup_timeout)
