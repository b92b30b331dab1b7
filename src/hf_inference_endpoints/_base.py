"""Base classes of the generated models (kept tiny: imported with the first model)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from ._meta import ResponseMeta

__all__ = ["RequestModel", "ResponseModel"]

_META = "_hf_response_meta"


class ResponseModel(BaseModel):
    """A model of something a server sends: keeps fields it does not know.

    The response metadata lives in a slot, not in a pydantic private attribute: a class
    with private attributes runs Python code for every instance it validates (nested
    ones included), which doubled the cost of parsing a stream chunk. Copies and pickles
    keep the metadata; equality ignores it (two equal answers compare equal).
    """

    __slots__ = (_META,)
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @property
    def _response_meta(self) -> ResponseMeta | None:
        return getattr(self, _META, None)

    @_response_meta.setter
    def _response_meta(self, meta: ResponseMeta | None) -> None:
        object.__setattr__(self, _META, meta)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # ``result._response_meta = meta`` (every call) would go through pydantic's generic
        # __setattr__ lookup each time; register the direct setter pydantic memoises.
        handlers = cls.__dict__.get("__pydantic_setattr_handlers__")
        if isinstance(handlers, dict):
            handlers["_response_meta"] = _set_meta

    @property
    def response_meta(self) -> ResponseMeta | None:
        """Status, headers, request id, provider and timing of the answer this came from."""
        return getattr(self, _META, None)

    def __copy__(self) -> Any:
        copied = super().__copy__()
        object.__setattr__(copied, _META, getattr(self, _META, None))
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        from copy import deepcopy

        copied = super().__deepcopy__(memo)
        object.__setattr__(copied, _META, deepcopy(getattr(self, _META, None), memo))
        return copied

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        state[_META] = getattr(self, _META, None)
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        object.__setattr__(self, _META, state.get(_META))


def _set_meta(model: BaseModel, name: str, meta: Any) -> None:
    object.__setattr__(model, _META, meta)


class RequestModel(BaseModel):
    """A model of something we send: wrong types are rejected before any I/O."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
