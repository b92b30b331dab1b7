"""Our provider x task table covers the pinned huggingface_hub's, and every extra is explained.

huggingface_hub is pinned in the ``dev`` extra; bumping it is described in docs/upstream.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from hf_inference_endpoints._routing.providers import known_providers, registered

EXTRAS_FILE = Path(__file__).with_name("upstream_provider_extras.yaml")

Pair = tuple[str, str]


def _upstream_pairs() -> set[Pair]:
    providers = pytest.importorskip("huggingface_hub.inference._providers")
    table: dict[str, dict[str, Any]] = providers.PROVIDERS
    return {(provider, task) for provider, tasks in table.items() for task in tasks}


def _our_pairs() -> set[Pair]:
    pairs: set[Pair] = set()
    for provider in known_providers():
        helper = registered(provider)
        assert helper is not None
        pairs.update((provider, task) for task in helper.tasks)
    return pairs


def _listed_extras() -> dict[Pair, str]:
    listed: dict[Pair, str] = {}
    for group in yaml.safe_load(EXTRAS_FILE.read_text(encoding="utf-8")):
        reason = " ".join(str(group["reason"]).split())
        assert len(reason) > 20, group
        for provider, tasks in group["pairs"].items():
            for task in tasks:
                assert (provider, task) not in listed, f"{provider} x {task} listed twice"
                listed[(provider, task)] = reason
    return listed


def test_the_pinned_huggingface_hub_is_installed() -> None:
    hub = pytest.importorskip("huggingface_hub")
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    pinned = re.search(r'"huggingface_hub==([^"]+)"', pyproject)
    assert pinned is not None, "huggingface_hub is not pinned (==) in pyproject.toml"
    assert hub.__version__ == pinned.group(1), "run `make install` after bumping the pin"


def test_we_route_every_provider_task_that_huggingface_hub_routes() -> None:
    missing = sorted(_upstream_pairs() - _our_pairs())
    assert missing == [], f"huggingface_hub routes these and we don't: {missing}"


def test_every_extra_of_ours_is_listed_with_its_reason() -> None:
    extras = _our_pairs() - _upstream_pairs()
    listed = _listed_extras()
    unlisted = sorted(extras - listed.keys())
    stale = sorted(listed.keys() - extras)
    assert unlisted == [], f"extras without a reason in {EXTRAS_FILE.name}: {unlisted}"
    assert stale == [], f"listed in {EXTRAS_FILE.name} but no longer extras: {stale}"
