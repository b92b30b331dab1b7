"""Base classes of the generated models (kept tiny: imported with the first model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, PrivateAttr

if TYPE_CHECKING:
    from ._meta import ResponseMeta

__all__ = ["RequestModel", "ResponseModel"]


class ResponseModel(BaseModel):
    """A model of something a server sends: keeps fields it does not know."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    _response_meta: ResponseMeta | None = PrivateAttr(default=None)

    @property
    def response_meta(self) -> ResponseMeta | None:
        """Status, headers, request id, provider and timing of the answer this came from."""
        return self._response_meta


class RequestModel(BaseModel):
    """A model of something we send: wrong types are rejected before any I/O."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
