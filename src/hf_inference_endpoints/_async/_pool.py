"""The connection pool under the transport: httpx2's, with every body iterator closed by us.

httpx2's own transport wraps each response body in a stream whose ``__aiter__`` loops over
httpcore2's body iterator without ever closing it. A stream closed early (a ``break``, an
error event, a size limit) then leaves httpcore2's async generator to the garbage collector:
trio warns (``ResourceWarning: Async generator ... was garbage collected``) and its cleanup
may run on another task (docs/upstream-bugs.md). This module is the transport
our pool uses instead: it opens httpcore2's body iterator itself and closes it when the
response is closed, so nothing is left to the collector, on any httpx2/httpcore2 release.

One private name of httpx2 is read: the wrapper's ``_httpcore_stream``. Should a release
rename it, the body is wrapped as it comes (httpx2's behaviour, with the warning back) and
``tests/_async/test_stream_early_close.py`` fails, which is how we would learn of it.

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import httpcore2
import httpx2

from .._io_deadline import IO_DEADLINE, time_left

__all__ = ["AsyncPoolTransport", "as_httpx_error"]

_ERRORS: dict[type[BaseException], type[httpx2.HTTPError]] = {}


def _error_table() -> dict[type[BaseException], type[httpx2.HTTPError]]:
    """httpcore2 exception class -> the httpx2 class the rest of the library catches."""
    if not _ERRORS:
        import httpcore2

        _ERRORS.update(
            {
                httpcore2.TimeoutException: httpx2.TimeoutException,
                httpcore2.ConnectTimeout: httpx2.ConnectTimeout,
                httpcore2.ReadTimeout: httpx2.ReadTimeout,
                httpcore2.WriteTimeout: httpx2.WriteTimeout,
                httpcore2.PoolTimeout: httpx2.PoolTimeout,
                httpcore2.NetworkError: httpx2.NetworkError,
                httpcore2.ConnectError: httpx2.ConnectError,
                httpcore2.ReadError: httpx2.ReadError,
                httpcore2.WriteError: httpx2.WriteError,
                httpcore2.ProxyError: httpx2.ProxyError,
                httpcore2.UnsupportedProtocol: httpx2.UnsupportedProtocol,
                httpcore2.ProtocolError: httpx2.ProtocolError,
                httpcore2.LocalProtocolError: httpx2.LocalProtocolError,
                httpcore2.RemoteProtocolError: httpx2.RemoteProtocolError,
            }
        )
    return _ERRORS


def as_httpx_error(exc: Exception) -> httpx2.HTTPError | None:
    """The httpx2 twin of an httpcore2 error (the most specific class), or None."""
    table = _error_table()
    for cls in type(exc).__mro__:
        mapped = table.get(cls)
        if mapped is not None:
            return mapped(str(exc))
    return None


class AsyncClosingBody(httpx2.AsyncByteStream):
    """A response body that closes the httpcore2 iterator it opened.

    ``__aiter__`` returns the stream itself (not a generator), so the one iterator that
    exists below it is httpcore2's, held here and closed by :meth:`aclose`, which httpx2
    calls when the response is closed (read to the end, ``aclose()``, or an error).
    """

    __slots__ = ("_chunks", "_core", "_owner")

    def __init__(self, core: Any, owner: Any) -> None:
        self._core = core
        self._owner: AsyncPoolTransport | None = owner  # told once when the body closes
        self._chunks: AsyncIterator[bytes] | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._chunks is None:
            self._chunks = self._core.__aiter__()
        return self

    def core_chunks(self) -> AsyncIterator[bytes]:
        """httpcore2's own body iterator, for a reader that maps httpcore2's errors
        itself (``_streaming``: one frame less per chunk); still closed by :meth:`aclose`.
        """
        if self._chunks is None:
            self._chunks = self._core.__aiter__()
        return self._chunks

    async def __anext__(self) -> bytes:
        assert self._chunks is not None
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            raise
        except Exception as exc:
            mapped = as_httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        chunks, self._chunks = self._chunks, None
        owner, self._owner = self._owner, None
        if owner is not None:
            owner._in_flight -= 1
        try:
            if chunks is not None:
                close_chunks = getattr(chunks, "aclose", None)
                if close_chunks is not None:
                    await close_chunks()
            close_core = getattr(self._core, "aclose", None)  # a recorded body may have none
            if close_core is not None:
                await close_core()
        except Exception as exc:
            mapped = as_httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc


class AsyncDeadlineStream(httpcore2.AsyncNetworkStream):
    """A connection's socket whose reads and writes end by the call's deadline.

    Each read and write gets at most what is left of ``_io_deadline.IO_DEADLINE`` (the
    per-read timeout httpx2 passes still applies when shorter), so a server that trickles
    a byte at a time cannot hold a call past its ``timeout=``.
    """

    __slots__ = ("_stream",)

    def __init__(self, stream: httpcore2.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if IO_DEADLINE.get() is None:  # no call deadline: the per-read timeout alone
            return await self._stream.read(max_bytes, timeout)
        timeout = time_left(timeout)
        if timeout == 0.0:
            raise httpcore2.ReadTimeout("the call's deadline passed while reading")
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout = time_left(timeout)
        if timeout == 0.0:
            raise httpcore2.WriteTimeout("the call's deadline passed while writing")
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.AsyncNetworkStream:
        timeout = time_left(timeout)
        if timeout == 0.0:
            raise httpcore2.ConnectTimeout("the call's deadline passed during the TLS handshake")
        return AsyncDeadlineStream(
            await self._stream.start_tls(ssl_context, server_hostname, timeout)
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class AsyncDeadlineBackend(httpcore2.AsyncNetworkBackend):
    """The pool's network backend, with connects and streams bound by the call's deadline."""

    __slots__ = ("_backend",)

    def __init__(self, backend: httpcore2.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore2.AsyncNetworkStream:
        timeout = time_left(timeout)
        if timeout == 0.0:
            raise httpcore2.ConnectTimeout("the call's deadline passed before connecting")
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return AsyncDeadlineStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore2.AsyncNetworkStream:
        timeout = time_left(timeout)
        if timeout == 0.0:
            raise httpcore2.ConnectTimeout("the call's deadline passed before connecting")
        stream = await self._backend.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return AsyncDeadlineStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _bind_deadlines(pool: Any) -> bool:
    """Put :class:`AsyncDeadlineBackend` under an httpcore2 pool built by httpx2.

    httpx2 does not let a caller choose the pool's network backend, so the one it made is
    wrapped in place (``_network_backend``, an httpcore2 attribute every pool class has).
    Returns False when the attribute is missing (a future release): calls then keep
    per-read timeouts only, and ``tests/hostile`` fails, which is how we would learn of it.
    """
    backend = getattr(pool, "_network_backend", None)
    if backend is None:
        return False
    pool._network_backend = AsyncDeadlineBackend(backend)
    return True


def _environment_proxies() -> dict[str, str]:
    """Proxy URL per scheme (``http``, ``https``, ``all``) from the environment."""
    found = urllib.request.getproxies()
    proxies: dict[str, str] = {}
    for scheme in ("http", "https", "all"):
        url = found.get(scheme)
        if url:
            proxies[scheme] = url if "://" in url else f"http://{url}"
    return proxies


class AsyncPoolTransport(httpx2.AsyncHTTPTransport):
    """httpx2's transport, with response bodies that close the iterator they open.

    The pool, TLS and proxy set-up are httpx2's own (this is a subclass); what changes is
    the body of each response: httpcore2's stream is taken out of httpx2's wrapper and
    iterated by :class:`AsyncClosingBody`. Anything that patches httpx2's transport class
    (vcrpy does) still sees every request, since the request goes through ``super()``.
    Proxies come from the environment (``HTTP(S)_PROXY``, ``ALL_PROXY``, ``NO_PROXY``), each
    through a transport of this class, so the client that holds it must not mount its own
    (``trust_env=False`` on the client).

    Args:
        limits: Connection limits (``max_connections`` caps open connections).
        proxy: A proxy URL for every request (else the environment's, when ``trust_env``).
        verify: TLS verification, as for httpx2 (``True``, a CA bundle path, an SSLContext).
        trust_env: Read proxies and ``SSL_CERT_FILE``/``SSL_CERT_DIR`` from the environment.
        http2: Offer HTTP/2 (needs the ``h2`` package).
    """

    def __init__(
        self,
        *,
        limits: httpx2.Limits,
        proxy: str | None = None,
        verify: Any = True,
        trust_env: bool = True,
        http2: bool = False,
    ) -> None:
        super().__init__(
            verify=verify, trust_env=trust_env, http2=http2, limits=limits, proxy=proxy
        )
        self.bounded_by_deadlines = _bind_deadlines(getattr(self, "_pool", None))
        self._options: dict[str, Any] = {"limits": limits, "verify": verify, "http2": http2}
        self._proxy_urls = _environment_proxies() if trust_env and proxy is None else {}
        self._via_proxy: dict[str, AsyncPoolTransport] = {}  # proxy URL -> its transport
        self._bypass: dict[str, bool] = {}  # host -> NO_PROXY says go direct
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Requests sent (or waiting for a connection) whose response is not closed yet."""
        return self._in_flight + sum(t.in_flight for t in self._via_proxy.values())

    @property
    def connections(self) -> list[Any]:
        """The connections open in every pool (httpcore2's connection objects)."""
        pool = getattr(self, "_pool", None)
        mine = list(pool.connections) if pool is not None else []
        return mine + [c for t in self._via_proxy.values() for c in t.connections]

    def _proxied(self, url: httpx2.URL) -> AsyncPoolTransport | None:
        """The transport of the proxy the environment names for ``url``, if any."""
        proxy = self._proxy_urls.get(url.scheme) or self._proxy_urls.get("all")
        if proxy is None:
            return None
        host = url.host
        bypass = self._bypass.get(host)
        if bypass is None:  # NO_PROXY, read once per host
            bypass = self._bypass[host] = bool(urllib.request.proxy_bypass(host))
        if bypass:
            return None
        transport = self._via_proxy.get(proxy)
        if transport is None:
            try:
                transport = AsyncPoolTransport(proxy=proxy, trust_env=False, **self._options)
            except ImportError as exc:  # a socks5:// proxy without the socksio package
                raise httpx2.UnsupportedProtocol(f"Proxy {proxy}: {exc}") from exc
            self._via_proxy[proxy] = transport
        return transport

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._proxy_urls:
            proxied = self._proxied(request.url)
            if proxied is not None:
                return await proxied.handle_async_request(request)
        self._in_flight += 1
        try:
            response = await super().handle_async_request(request)
        except BaseException:
            self._in_flight -= 1
            raise
        # httpx2 wraps httpcore2's stream in a generator that never closes httpcore2's
        # iterator; take the stream out of it (a recorded or mocked response has none, and
        # its own stream is wrapped as it is).
        body = response.stream
        response.stream = AsyncClosingBody(getattr(body, "_httpcore_stream", body), self)
        return response

    async def aclose(self) -> None:
        await super().aclose()
        for transport in self._via_proxy.values():
            await transport.aclose()
