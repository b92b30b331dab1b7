"""Hugging Face inference from sync scripts, notebooks and async services.

Example:
    >>> from hf_inference_endpoints import HfInferenceClient
    >>> with HfInferenceClient() as client:  # doctest: +SKIP
    ...     reply = client.chat.complete(
    ...         model="meta-llama/Llama-3.1-8B-Instruct",
    ...         messages=[{"role": "user", "content": "Hello!"}],
    ...     )

Names are exported lazily: importing the package loads neither httpx2 nor
pydantic nor any generated model until you touch a name that needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._async._client import AsyncHfInferenceClient
    from ._async._streaming import AsyncStream
    from ._binary import BinaryResult
    from ._config import HfInferenceConfig, Secret
    from ._embeddings import (
        CacheStorage,
        EmbeddingBatchError,
        EmbeddingCache,
        EmbeddingResult,
        InMemoryCacheStorage,
        SimilarityScores,
    )
    from ._endpoints import WaitProgress
    from ._errors import (
        AuthenticationError,
        ColdStartTimeout,
        ConfigurationError,
        EndpointFailed,
        EndpointPaused,
        EndpointUnhealthy,
        GatewayTimeout,
        HfError,
        ModelLoading,
        ModelNotAvailableOnProvider,
        NetworkError,
        NotFound,
        PermissionDenied,
        PoolExhausted,
        RateLimited,
        RequestTimeout,
        ServerError,
        ServiceUnavailable,
        StreamInterrupted,
        ValidationError,
    )
    from ._inputs import image_url_part
    from ._meta import ResponseMeta
    from ._progress import ProgressEvent
    from ._sync._client import HfInferenceClient
    from ._sync._streaming import Stream

_EXPORTS: dict[str, str] = {
    "HfInferenceClient": "._sync._client",
    "AsyncHfInferenceClient": "._async._client",
    "Stream": "._sync._streaming",
    "AsyncStream": "._async._streaming",
    "HfInferenceConfig": "._config",
    "Secret": "._config",
    "ResponseMeta": "._meta",
    "ProgressEvent": "._progress",
    "WaitProgress": "._endpoints",
    "BinaryResult": "._binary",
    "image_url_part": "._inputs",
    **{
        name: "._embeddings"
        for name in (
            "CacheStorage",
            "EmbeddingBatchError",
            "EmbeddingCache",
            "EmbeddingResult",
            "InMemoryCacheStorage",
            "SimilarityScores",
        )
    },
    **{
        name: "._errors"
        for name in (
            "AuthenticationError",
            "ColdStartTimeout",
            "ConfigurationError",
            "EndpointFailed",
            "EndpointPaused",
            "EndpointUnhealthy",
            "GatewayTimeout",
            "HfError",
            "ModelLoading",
            "ModelNotAvailableOnProvider",
            "NetworkError",
            "NotFound",
            "PermissionDenied",
            "PoolExhausted",
            "RateLimited",
            "RequestTimeout",
            "ServerError",
            "ServiceUnavailable",
            "StreamInterrupted",
            "ValidationError",
        )
    },
}

__all__ = [
    "AsyncHfInferenceClient",
    "AsyncStream",
    "AuthenticationError",
    "BinaryResult",
    "CacheStorage",
    "ColdStartTimeout",
    "ConfigurationError",
    "EmbeddingBatchError",
    "EmbeddingCache",
    "EmbeddingResult",
    "EndpointFailed",
    "EndpointPaused",
    "EndpointUnhealthy",
    "GatewayTimeout",
    "HfError",
    "HfInferenceClient",
    "HfInferenceConfig",
    "InMemoryCacheStorage",
    "ModelLoading",
    "ModelNotAvailableOnProvider",
    "NetworkError",
    "NotFound",
    "PermissionDenied",
    "PoolExhausted",
    "ProgressEvent",
    "RateLimited",
    "RequestTimeout",
    "ResponseMeta",
    "Secret",
    "ServerError",
    "ServiceUnavailable",
    "SimilarityScores",
    "Stream",
    "StreamInterrupted",
    "ValidationError",
    "WaitProgress",
    "__version__",
    "image_url_part",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
