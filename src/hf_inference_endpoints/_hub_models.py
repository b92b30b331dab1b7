"""The Hub's model entries as typed :class:`~hf_inference_endpoints.models.HubModel` (no I/O).

The Hub sends a model's ``inferenceProviderMapping`` as a list of entries with a
``provider`` key on listings, and as an object keyed by provider on model info
(docs/wire.md §2.1); both become one list of ``HubProviderMapping``, in the Hub's order.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._errors import ServerError

if TYPE_CHECKING:
    from .models import HubModel

__all__ = ["hub_model", "parse_models_page"]


def _mapping_entries(raw: Any) -> Any:
    if isinstance(raw, dict):
        return [
            {"provider": name, **entry} if isinstance(entry, dict) else entry
            for name, entry in raw.items()
        ]
    return raw if raw is not None else []


def hub_model(raw: Any) -> HubModel:
    """One Hub model entry (listing or model info) as a ``HubModel``.

    Raises:
        ServerError: The entry is not an object with a string ``id``, or a field has
            the wrong type.

    Example:
        >>> m = hub_model({"id": "org/m", "inferenceProviderMapping": {
        ...     "groq": {"providerId": "m-8b", "status": "live", "task": "conversational"}}})
        >>> m.inferenceProviderMapping[0].provider, m.inferenceProviderMapping[0].providerId
        ('groq', 'm-8b')
    """
    from pydantic import ValidationError

    from .models import HubModel

    if not isinstance(raw, dict):
        raise ServerError(f"The Hub sent a model entry that is not an object: {raw!r:.80}")
    data = dict(raw)
    if "inferenceProviderMapping" in data:
        data["inferenceProviderMapping"] = _mapping_entries(data["inferenceProviderMapping"])
    try:
        return HubModel.model_validate(data)
    except ValidationError as exc:
        raise ServerError(f"The Hub sent a model entry this client cannot read: {exc}") from None


def parse_models_page(content: bytes) -> list[HubModel]:
    """One page of ``GET /api/models``: a JSON list of model entries.

    Raises:
        ServerError: The page is not a JSON list, or an entry cannot be read.
    """
    try:
        page = json.loads(content)
    except ValueError:
        raise ServerError("The Hub's model listing is not JSON") from None
    if not isinstance(page, list):
        raise ServerError("The Hub's model listing is not a list")
    return [hub_model(entry) for entry in page]
