"""Deterministic embedding vectors (stdlib only, no numpy, no Starlette).

A text's vector is drawn from a Gaussian seeded by ``sha256(seed, model, text)`` and
scaled to unit length, so the same (model, text) always maps to the same vector,
different texts are nearly orthogonal, and ``normalize=False`` gives a stable
non-unit norm in [1, 10].
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import struct
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["cosine", "embed", "floats_to_base64", "reduce_dims"]


@lru_cache(maxsize=4096)
def _embed_cached(model: str, text: str, dim: int, seed: int, normalize: bool) -> tuple[float, ...]:
    digest = hashlib.sha256(f"{seed}\x1f{model}\x1f{text}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:16], "big"))
    raw = [rng.gauss(0.0, 1.0) for _ in range(dim)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    scale = 1.0 if normalize else 1.0 + 9.0 * digest[16] / 255.0
    return tuple(x * scale / norm for x in raw)


def embed(model: str, text: str, *, dim: int, seed: int = 0, normalize: bool = True) -> list[float]:
    """The emulator's embedding of ``text`` for ``model``: ``dim`` floats."""
    if dim < 1:
        raise ValueError("dim must be >= 1")
    return list(_embed_cached(model, text, dim, seed, normalize))


def reduce_dims(vector: Sequence[float], dims: int, *, normalize: bool) -> list[float]:
    """Matryoshka-style truncation to ``dims`` (re-normalised when asked)."""
    cut = list(vector[:dims])
    if normalize:
        norm = math.sqrt(sum(x * x for x in cut)) or 1.0
        cut = [x / norm for x in cut]
    return cut


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)


def floats_to_base64(vector: Sequence[float]) -> str:
    """OpenAI ``encoding_format="base64"``: little-endian float32 bytes, base64."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
