"""A module imported on first attribute access, for names that annotations use.

A module kept out of an import for speed (``if TYPE_CHECKING: import httpx2``) leaves the
annotations that name it unresolvable at run time: ``typing.get_type_hints`` and
``inspect.signature(..., eval_str=True)`` — what dependency-injection containers and
FastAPI call on a constructor — raise ``NameError``. Binding the name to a
:class:`LazyModule` instead resolves them, and imports the module only then.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["LazyModule"]


class LazyModule:
    """Stands for the module ``name``; the first attribute read imports it.

    Example:
        >>> json = LazyModule("json")
        >>> json.dumps([1])
        '[1]'
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<LazyModule {self._name!r}>"
