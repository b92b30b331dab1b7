"""Ray Data: bulk inference over a ``ray.data.Dataset`` (extra ``ray``).

:class:`HfInferenceBatches` is a callable class for ``Dataset.map_batches``: each Ray
actor builds one client the first time it is called, and every row of a batch gets a
result column and an error column (a failed row is data, not a failed batch). Share
``provider_rate_limits`` between all the actors (and any other process) with
``rate_limit_url="redis://..."`` in ``config``.

Ray itself is not imported here: the class only needs pyarrow.
"""

from __future__ import annotations

from .batches import HfInferenceBatches

__all__ = ["HfInferenceBatches"]
