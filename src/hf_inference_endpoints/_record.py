"""Frozen value classes that cost nothing to define (no I/O).

``@dataclass(frozen=True, slots=True)`` compiles six methods per class (``exec`` of
generated source) when its module is imported: ~4.4 M instructions a class, ~110 M for
the ~25 the first chat call made, a third of our own share of a cold start. A class
decorated with :func:`record` writes its ``__init__`` by hand and inherits the other
methods from :class:`Record`, which read the class's dataclass fields: the decorator
itself compiles nothing (~0.5 M instructions a class).

What stays the same as the dataclass: ``dataclasses.fields``/``replace``/``asdict``/
``is_dataclass``, ``__slots__``, ``__match_args__``, ``FrozenInstanceError`` on
assignment, equality and hash over the ``compare`` fields (same class only), the repr
over the ``repr`` fields, copying and pickling.

Example:
    >>> @record
    ... class Point(Record):
    ...     x: int
    ...     y: int = 0
    ...
    ...     def __init__(self, x: int, y: int = 0) -> None:
    ...         _set(self, "x", x)
    ...         _set(self, "y", y)
    >>> Point(1), Point(1) == Point(1, 0), dataclasses.replace(Point(1), y=2)
    (Point(x=1, y=0), True, Point(x=1, y=2))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import FrozenInstanceError, fields
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

__all__ = ["Record", "record", "record_with_dict", "set_field"]

T = TypeVar("T")

#: ``object.__setattr__``: what a record's ``__init__`` sets its fields with.
set_field = _set = object.__setattr__

_KEYS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}  # class -> its compare-fields tuple


def _key(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    key = _KEYS.get(cls)
    if key is None:
        names = tuple(f.name for f in fields(cls) if f.compare)

        def key(obj: Any) -> tuple[Any, ...]:
            return tuple([getattr(obj, name) for name in names])

        _KEYS[cls] = key
    return key


class Record:
    """Base of the :func:`record` classes: frozen, compared, hashed and shown by field."""

    __slots__ = ()

    if TYPE_CHECKING:  # what dataclasses.replace/fields/asdict are typed to accept
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            key = _key(self.__class__)
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_key(self.__class__)(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{self.__class__.__qualname__}({shown})"

    def __getstate__(self) -> list[Any]:
        return [getattr(self, f.name) for f in fields(self)]  # type: ignore[arg-type]

    def __setstate__(self, state: list[Any]) -> None:
        for f, value in zip(fields(self), state, strict=True):  # type: ignore[arg-type]
            _set(self, f.name, value)


def record(cls: type[T]) -> type[T]:
    """Make ``cls`` (a :class:`Record` with its own ``__init__``) a slotted dataclass.

    ``dataclass(init=False, repr=False, eq=False, slots=True)``: the fields, slots and
    match args, with the methods :class:`Record` and the class itself define.
    """
    _check(cls)
    return _as_generated(dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)(cls))


def record_with_dict(cls: type[T]) -> type[T]:
    """:func:`record` for a class whose instances keep a ``__dict__`` (no slots), as a
    ``@dataclass(frozen=True)`` without ``slots=True`` does."""
    _check(cls)
    return _as_generated(dataclasses.dataclass(init=False, repr=False, eq=False)(cls))


def _check(cls: type) -> None:
    if "__init__" not in cls.__dict__ or not issubclass(cls, Record):
        raise TypeError(f"{cls.__name__}: a record subclasses Record and writes its __init__")


#: What a record claims in its ``__dataclass_params__``.
_CLAIMED = ("init", "repr", "eq", "frozen")


class _Params:
    """The dataclass parameters of a record where the stdlib's object cannot be changed:
    the claimed ones True, the others read from that object."""

    def __init__(self, original: Any) -> None:
        self._original = original

    def __getattr__(self, name: str) -> Any:
        return True if name in _CLAIMED else getattr(self._original, name)

    def __repr__(self) -> str:
        return f"_Params({self._original!r}, claimed={_CLAIMED})"


def _as_generated(cls: type[T]) -> type[T]:
    """Say in ``__dataclass_params__`` what the record is: frozen, with ``__init__``,
    ``__repr__`` and ``__eq__`` (so a ``@dataclass(frozen=True)`` subclass is allowed, as it
    was of the dataclass)."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    try:
        for name in _CLAIMED:
            setattr(params, name, True)
    except (AttributeError, TypeError):  # a read-only params object (another Python)
        cls.__dataclass_params__ = _Params(params)  # type: ignore[attr-defined]
    return cls
