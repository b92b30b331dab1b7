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
    from ._async._streaming import AsyncParsedChatStream, AsyncStream
    from ._async.audio import AsyncAudio
    from ._async.chat import AsyncChat
    from ._async.documents import AsyncDocuments
    from ._async.embeddings import AsyncEmbeddings
    from ._async.endpoints import AsyncEndpoints
    from ._async.hub import AsyncHub
    from ._async.images import AsyncImages
    from ._async.text import AsyncText
    from ._async.text_generation import AsyncTextGeneration
    from ._async.video import AsyncVideo
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
        Conflict,
        DeadlineExceeded,
        EndpointFailed,
        EndpointPaused,
        EndpointUnhealthy,
        GatewayTimeout,
        HfError,
        InvalidArgument,
        ModelLoading,
        ModelNotAvailableOnProvider,
        NetworkError,
        NotFound,
        PaymentRequired,
        PermissionDenied,
        PoolExhausted,
        RateLimited,
        RequestRejected,
        RequestTimeout,
        ServerError,
        ServerRequestTimeout,
        ServiceUnavailable,
        StreamInterrupted,
        ValidationError,
    )
    from ._health import HealthStatus
    from ._inputs import image_url_part
    from ._meta import ResponseMeta
    from ._progress import ProgressEvent
    from ._structured import ParsedChatCompletion, StructuredOutputError
    from ._sync._client import HfInferenceClient
    from ._sync._streaming import ParsedChatStream, Stream
    from ._sync.audio import Audio
    from ._sync.chat import Chat
    from ._sync.documents import Documents
    from ._sync.embeddings import Embeddings
    from ._sync.endpoints import Endpoints
    from ._sync.hub import Hub
    from ._sync.images import Images
    from ._sync.text import Text
    from ._sync.text_generation import TextGeneration
    from ._sync.video import Video

_EXPORTS: dict[str, str] = {
    "HfInferenceClient": "._sync._client",
    "AsyncHfInferenceClient": "._async._client",
    "Stream": "._sync._streaming",
    "AsyncStream": "._async._streaming",
    "ParsedChatStream": "._sync._streaming",
    "AsyncParsedChatStream": "._async._streaming",
    "HfInferenceConfig": "._config",
    "Secret": "._config",
    "ResponseMeta": "._meta",
    "ProgressEvent": "._progress",
    "WaitProgress": "._endpoints",
    "BinaryResult": "._binary",
    "HealthStatus": "._health",
    "AsyncAudio": "._async.audio",
    "Audio": "._sync.audio",
    "AsyncChat": "._async.chat",
    "Chat": "._sync.chat",
    "AsyncDocuments": "._async.documents",
    "Documents": "._sync.documents",
    "AsyncEmbeddings": "._async.embeddings",
    "Embeddings": "._sync.embeddings",
    "AsyncEndpoints": "._async.endpoints",
    "Endpoints": "._sync.endpoints",
    "AsyncHub": "._async.hub",
    "Hub": "._sync.hub",
    "AsyncImages": "._async.images",
    "Images": "._sync.images",
    "AsyncText": "._async.text",
    "Text": "._sync.text",
    "AsyncTextGeneration": "._async.text_generation",
    "TextGeneration": "._sync.text_generation",
    "AsyncVideo": "._async.video",
    "Video": "._sync.video",
    "image_url_part": "._inputs",
    "StructuredOutputError": "._structured",
    "ParsedChatCompletion": "._structured",
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
            "Conflict",
            "DeadlineExceeded",
            "InvalidArgument",
            "RequestRejected",
            "ServerRequestTimeout",
            "EndpointFailed",
            "EndpointPaused",
            "EndpointUnhealthy",
            "GatewayTimeout",
            "HfError",
            "ModelLoading",
            "ModelNotAvailableOnProvider",
            "NetworkError",
            "NotFound",
            "PaymentRequired",
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
    "AsyncAudio",
    "AsyncChat",
    "AsyncDocuments",
    "AsyncEmbeddings",
    "AsyncEndpoints",
    "AsyncHfInferenceClient",
    "AsyncHub",
    "AsyncImages",
    "AsyncParsedChatStream",
    "AsyncStream",
    "AsyncText",
    "AsyncTextGeneration",
    "AsyncVideo",
    "Audio",
    "AuthenticationError",
    "BinaryResult",
    "CacheStorage",
    "Chat",
    "ColdStartTimeout",
    "ConfigurationError",
    "Conflict",
    "DeadlineExceeded",
    "Documents",
    "EmbeddingBatchError",
    "EmbeddingCache",
    "EmbeddingResult",
    "Embeddings",
    "EndpointFailed",
    "EndpointPaused",
    "EndpointUnhealthy",
    "Endpoints",
    "GatewayTimeout",
    "HealthStatus",
    "HfError",
    "HfInferenceClient",
    "HfInferenceConfig",
    "Hub",
    "Images",
    "InMemoryCacheStorage",
    "InvalidArgument",
    "ModelLoading",
    "ModelNotAvailableOnProvider",
    "NetworkError",
    "NotFound",
    "ParsedChatCompletion",
    "ParsedChatStream",
    "PaymentRequired",
    "PermissionDenied",
    "PoolExhausted",
    "ProgressEvent",
    "RateLimited",
    "RequestRejected",
    "RequestTimeout",
    "ResponseMeta",
    "Secret",
    "ServerError",
    "ServerRequestTimeout",
    "ServiceUnavailable",
    "SimilarityScores",
    "Stream",
    "StreamInterrupted",
    "StructuredOutputError",
    "Text",
    "TextGeneration",
    "ValidationError",
    "Video",
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
