"""Batch planning for embeddings: input order kept, each distinct text sent once (no I/O).

A call to ``client.embeddings.create`` may carry any number of texts, some repeated.
:func:`plan_batches` turns them into a :class:`BatchPlan`: the distinct texts in
first-seen order (``unique``), where each input sits in that list (``slots``), and
:meth:`BatchPlan.batches` chunks the distinct texts still to fetch (those the cache did
not answer) into requests of at most ``batch_size`` texts. :meth:`BatchPlan.scatter`
puts one value per distinct text back into input order.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["BatchPlan", "chunked", "plan_batches"]

T = TypeVar("T")


def chunked(items: Sequence[T], size: int) -> list[tuple[T, ...]]:
    """Split ``items`` into consecutive tuples of at most ``size`` elements.

    Args:
        items: What to split (order is kept).
        size: The largest chunk (>= 1).

    Returns:
        The chunks; an empty list for empty ``items``.

    Raises:
        ValueError: ``size`` is smaller than 1.

    Example:
        >>> chunked([1, 2, 3, 4, 5], 2)
        [(1, 2), (3, 4), (5,)]
    """
    if size < 1:
        raise ValueError(f"batch size must be >= 1, got {size}")
    return [tuple(items[start : start + size]) for start in range(0, len(items), size)]


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """Which distinct texts an embedding call needs, and where each input's answer comes from.

    Attributes:
        unique: The distinct texts, in the order they first appear in the input.
        slots: For input ``i``, the index in ``unique`` of its text.
        batch_size: The most texts one request may carry.
    """

    unique: tuple[str, ...]
    slots: tuple[int, ...]
    batch_size: int

    def __len__(self) -> int:
        """The number of inputs (repeats included)."""
        return len(self.slots)

    def batches(self, skip: Container[int] = ()) -> list[tuple[int, ...]]:
        """Indices into :attr:`unique` to send, in batches of at most ``batch_size``.

        Args:
            skip: Indices into :attr:`unique` that need no request (cache hits).

        Returns:
            One tuple of indices per request, in first-seen order.

        Example:
            >>> plan = plan_batches(["a", "b", "a", "c"], 2)
            >>> plan.batches(), plan.batches(skip={1})
            ([(0, 1), (2,)], [(0, 2)])
        """
        if not skip:
            return chunked(range(len(self.unique)), self.batch_size)
        pending = [u for u in range(len(self.unique)) if u not in skip]
        return chunked(pending, self.batch_size)

    def texts(self, batch: Sequence[int]) -> list[str]:
        """The texts of a batch returned by :meth:`batches`."""
        return [self.unique[u] for u in batch]

    def inputs_of(self, unique_index: int) -> list[int]:
        """Input positions that hold the distinct text ``unique_index`` (ascending).

        Example:
            >>> plan_batches(["a", "b", "a"], 8).inputs_of(0)
            [0, 2]
        """
        return [i for i, slot in enumerate(self.slots) if slot == unique_index]

    def scatter(self, values: Sequence[T]) -> list[T]:
        """Spread one value per distinct text back to one value per input, in input order.

        Args:
            values: ``values[u]`` belongs to ``unique[u]``.

        Returns:
            ``[values[slot] for slot in slots]``.

        Raises:
            ValueError: ``values`` does not have one entry per distinct text.

        Example:
            >>> plan_batches(["a", "b", "a"], 8).scatter(["A", "B"])
            ['A', 'B', 'A']
        """
        if len(values) != len(self.unique):
            raise ValueError(f"expected {len(self.unique)} values, got {len(values)}")
        return [values[slot] for slot in self.slots]


def plan_batches(texts: Sequence[str], batch_size: int) -> BatchPlan:
    """Deduplicate ``texts`` (keeping first-seen order) and remember where each input goes.

    Args:
        texts: The inputs, repeats allowed.
        batch_size: The most texts one request may carry (>= 1).

    Returns:
        The plan.

    Raises:
        ValueError: ``batch_size`` is smaller than 1.

    Example:
        >>> plan = plan_batches(["x", "y", "x", "z", "y"], 2)
        >>> plan.unique, plan.slots
        (('x', 'y', 'z'), (0, 1, 0, 2, 1))
        >>> [plan.texts(b) for b in plan.batches()]
        [['x', 'y'], ['z']]
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be >= 1, got {batch_size}")
    unique = tuple(dict.fromkeys(texts))  # first-seen order; loops in C, not per text here
    index = {text: u for u, text in enumerate(unique)}
    return BatchPlan(
        unique=unique, slots=tuple(map(index.__getitem__, texts)), batch_size=batch_size
    )
