"""The fields every framework adapter shares (a pydantic mixin; no framework imported).

LangChain and LlamaIndex models are pydantic models, so an adapter class inherits from
its framework's base class and from :class:`AdapterFields`, which brings where calls go
(``provider``, ``endpoint``, ``bill_to``, ``fallback``), how long they may take
(``timeout``, ``max_retries``), the token and URLs, clients of the caller's own, and
:attr:`~AdapterFields.clients` / :meth:`~AdapterFields.close`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, PrivateAttr, SecretStr, field_validator

from ._clients import AdapterClients, config_overrides

__all__ = ["AdapterFields"]


class AdapterFields(BaseModel):
    """Routing, deadline, credential and client fields of an adapter.

    Attributes:
        provider: ``hf-inference`` (default), ``auto``, or a provider name.
        endpoint: A dedicated Inference Endpoint by name (``"name"`` or ``"ns/name"``).
        bill_to: Organisation billed for the calls (``X-HF-Bill-To``, HF tokens only).
        fallback: Provider failover: ``True`` or the providers to try next, in order.
        timeout: Total seconds per call, across retries and cold-start waits.
        max_retries: This library's retries per call (default 3), with backoff that
            honours ``Retry-After``.
        api_key: The HF token (default: ``HF_TOKEN``, else the token file).
        router_url / hub_url: Where the router and the Hub are (default: the
            environment's, else Hugging Face's).
        config: An ``HfInferenceConfig`` to start from (the fields above win over it).
        client / async_client: An ``HfInferenceClient`` / ``AsyncHfInferenceClient`` of
            your own to call through; the adapter never closes them.
    """

    provider: str | None = None
    endpoint: str | None = None
    bill_to: str | None = None
    fallback: bool | list[str] | None = None
    timeout: float | None = None
    max_retries: int | None = None
    api_key: SecretStr | None = None
    router_url: str | None = None
    hub_url: str | None = None
    config: Any = Field(default=None, exclude=True)
    client: Any = Field(default=None, exclude=True)
    async_client: Any = Field(default=None, exclude=True)

    _clients: AdapterClients | None = PrivateAttr(default=None)

    @field_validator("config")
    @classmethod
    def _is_config(cls, value: Any) -> Any:
        from .._config import HfInferenceConfig

        return _checked(value, HfInferenceConfig, "config")

    @field_validator("client")
    @classmethod
    def _is_client(cls, value: Any) -> Any:
        from .._sync._client import HfInferenceClient

        return _checked(value, HfInferenceClient, "client")

    @field_validator("async_client")
    @classmethod
    def _is_async_client(cls, value: Any) -> Any:
        from .._async._client import AsyncHfInferenceClient

        return _checked(value, AsyncHfInferenceClient, "async_client")

    @property
    def clients(self) -> AdapterClients:
        """The clients this adapter calls through (created on first use)."""
        if self._clients is None:
            # Only a token given to the adapter overrides the config's (or the client's):
            # one a framework read from HF_TOKEN by default is what the config reads too.
            given = self.api_key is not None and "api_key" in self.model_fields_set
            token = self.api_key.get_secret_value() if given and self.api_key else None
            self._clients = AdapterClients(
                self.config,
                config_overrides(
                    token=token,
                    router_url=self.router_url,
                    hub_url=self.hub_url,
                    max_retries=self.max_retries,
                ),
                client=self.client,
                async_client=self.async_client,
            )
        return self._clients

    def close(self) -> None:
        """Close the sync client this adapter created (clients you passed in stay open)."""
        if self._clients is not None:
            self._clients.close()

    def call_options(self) -> dict[str, Any]:
        """The routing and deadline keywords every call of ``client.chat`` / ``embeddings`` gets."""
        options = {
            "provider": self.provider,
            "endpoint": self.endpoint,
            "bill_to": self.bill_to,
            "fallback": self.fallback,
            "timeout": self.timeout,
        }
        return {key: value for key, value in options.items() if value is not None}


def _checked(value: Any, kind: type, name: str) -> Any:
    if value is None or isinstance(value, kind):
        return value
    raise ValueError(f"{name} must be an {kind.__name__}, got {type(value).__name__}")
