"""The connection pool under the transport: httpcore2 driven directly, every body iterator closed.

httpx2's own transport wraps each response body in a stream whose ``__aiter__`` loops over
httpcore2's body iterator without ever closing it. A stream closed early (a ``break``, an
error event, a size limit) then leaves httpcore2's async generator to the garbage collector:
trio warns (``ResourceWarning: Async generator ... was garbage collected``) and its cleanup
may run on another task (docs/upstream-bugs.md). This module is the ``httpx2.AsyncBaseTransport``
our pool uses instead: it opens httpcore2's body iterator itself and closes it when the
response is closed, so nothing is left to the collector, on any httpx2/httpcore2 release.

Only public API of both packages is used: ``httpcore2.AsyncConnectionPool`` /
``AsyncHTTPProxy``, ``httpcore2.Request``, the exception classes of both, and
``httpx2.create_ssl_context``. Proxies come from the environment (``HTTPS_PROXY``,
``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) as with httpx2's default transport.

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import httpx2

__all__ = ["AsyncPoolTransport"]

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


def _as_httpx_error(exc: Exception) -> httpx2.HTTPError | None:
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

    def __init__(self, core: Any, owner: AsyncPoolTransport) -> None:
        self._core = core
        self._owner: AsyncPoolTransport | None = owner  # told once when the body closes
        self._chunks: AsyncIterator[bytes] | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._chunks is None:
            self._chunks = self._core.__aiter__()
        return self

    async def __anext__(self) -> bytes:
        assert self._chunks is not None
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            raise
        except Exception as exc:
            mapped = _as_httpx_error(exc)
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
            await self._core.aclose()
        except Exception as exc:
            mapped = _as_httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc


def _environment_proxies() -> dict[str, str]:
    """Proxy URL per scheme (``http``, ``https``, ``all``) from the environment."""
    found = urllib.request.getproxies()
    proxies: dict[str, str] = {}
    for scheme in ("http", "https", "all"):
        url = found.get(scheme)
        if url:
            proxies[scheme] = url if "://" in url else f"http://{url}"
    return proxies


class AsyncPoolTransport(httpx2.AsyncBaseTransport):
    """httpcore2 pools (one direct, one per proxy in use) behind httpx2's transport interface.

    Args:
        limits: Connection limits (``max_connections`` caps open connections).
        verify: TLS verification, as for httpx2 (``True``, a CA bundle path, an SSLContext).
        trust_env: Read proxies and ``SSL_CERT_FILE``/``SSL_CERT_DIR`` from the environment.
        http2: Offer HTTP/2 (needs the ``h2`` package).
    """

    def __init__(
        self,
        *,
        limits: httpx2.Limits,
        verify: Any = True,
        trust_env: bool = True,
        http2: bool = False,
    ) -> None:
        import httpcore2

        self._limits = limits
        self._http2 = http2
        self._ssl_context = httpx2.create_ssl_context(verify=verify, trust_env=trust_env)
        self._direct = httpcore2.AsyncConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
        )
        self._proxy_urls = _environment_proxies() if trust_env else {}
        self._proxies: dict[str, Any] = {}  # proxy URL -> its pool, built on first use
        self._bypass: dict[str, bool] = {}  # host -> NO_PROXY says go direct
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Requests sent (or waiting for a connection) whose response is not closed yet."""
        return self._in_flight

    @property
    def connections(self) -> list[Any]:
        """The connections open in every pool (httpcore2's connection objects)."""
        return [c for pool in (self._direct, *self._proxies.values()) for c in pool.connections]

    def _pool_for(self, url: httpx2.URL) -> Any:
        """The direct pool, or the pool of the proxy the environment names for ``url``."""
        if not self._proxy_urls:
            return self._direct
        proxy = self._proxy_urls.get(url.scheme) or self._proxy_urls.get("all")
        if proxy is None:
            return self._direct
        host = url.host
        bypass = self._bypass.get(host)
        if bypass is None:  # NO_PROXY, read once per host
            bypass = self._bypass[host] = bool(urllib.request.proxy_bypass(host))
        if bypass:
            return self._direct
        pool = self._proxies.get(proxy)
        if pool is None:
            pool = self._proxies[proxy] = self._proxy_pool(proxy)
        return pool

    def _proxy_pool(self, proxy_url: str) -> Any:
        import httpcore2

        proxy = httpx2.Proxy(url=proxy_url)
        if proxy.url.scheme not in ("http", "https"):
            raise httpx2.UnsupportedProtocol(
                f"Proxy {proxy.url.scheme}:// is not supported; use an http(s) proxy, "
                "or pass your own http_client configured for it"
            )
        return httpcore2.AsyncHTTPProxy(
            proxy_url=httpcore2.URL(
                scheme=proxy.url.raw_scheme,
                host=proxy.url.raw_host,
                port=proxy.url.port,
                target=proxy.url.raw_path,
            ),
            proxy_auth=proxy.raw_auth,
            proxy_headers=proxy.headers.raw,
            ssl_context=self._ssl_context,
            max_connections=self._limits.max_connections,
            max_keepalive_connections=self._limits.max_keepalive_connections,
            keepalive_expiry=self._limits.keepalive_expiry,
            http1=True,
            http2=self._http2,
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        import httpcore2

        url = request.url
        core_request = httpcore2.Request(
            method=request.method,
            url=httpcore2.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        self._in_flight += 1
        try:
            response = await self._pool_for(url).handle_async_request(core_request)
        except BaseException as exc:
            self._in_flight -= 1
            if not isinstance(exc, Exception):
                raise
            mapped = _as_httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        return httpx2.Response(
            status_code=response.status,
            headers=response.headers,
            stream=AsyncClosingBody(response.stream, self),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for pool in (self._direct, *self._proxies.values()):
            await pool.aclose()
