"""OVHcloud AI Endpoints: plain OpenAI chat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ._base import ProviderHelper

__all__ = ["OvhcloudHelper"]


class OvhcloudHelper(ProviderHelper):
    """``ovhcloud``: OpenAI chat at ``/v1/chat/completions`` (router ``{router}/ovhcloud``, direct ``https://oai.endpoints.kepler.ai.cloud.ovh.net``)."""

    name: ClassVar[str] = "ovhcloud"
    direct_url: ClassVar[str] = "https://oai.endpoints.kepler.ai.cloud.ovh.net"
    routes: ClassVar[Mapping[str, str]] = {"conversational": "/v1/chat/completions"}
