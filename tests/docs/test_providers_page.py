"""docs/providers.md's table says what the provider registry says, and what HF routes today.

The table is generated (``codegen/providers_docs.py``); these tests fail when the page and
the registry disagree, and when the registry's ``routed`` flags disagree with the provider
table of the pinned huggingface_hub (the providers HF routes today).
"""

from __future__ import annotations

import re

import pytest

from codegen.providers_docs import PAGE, REMOVED, ROUTED, provider_table, render_page
from hf_inference_endpoints._routing.providers import (
    REMOVED_WITHOUT_HELPER,
    known_providers,
    registered,
)

_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| ([^|]+) \| ([^|]+) \| ([^|]*) \|$", re.MULTILINE)


def _page_rows() -> dict[str, tuple[str, str, str]]:
    text = PAGE.read_text(encoding="utf-8")
    rows = {m[1]: (m[2].strip(), m[3].strip(), m[4].strip()) for m in _ROW.finditer(text)}
    assert rows, f"no provider rows found in {PAGE}"
    return rows


def test_the_page_is_what_the_generator_makes_of_the_registry() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert provider_table() in text
    assert render_page(text) == text, "docs/providers.md is stale: run `make generate`"


def test_every_registered_provider_has_its_row_with_its_tasks() -> None:
    rows = _page_rows()
    assert set(rows) == set(known_providers()) | REMOVED_WITHOUT_HELPER
    for name in known_providers():
        helper = registered(name)
        assert helper is not None
        routed, own_key, tasks = rows[name]
        assert re.findall(r"`([a-z-]+)`", tasks) == sorted(helper.tasks), name
        assert (routed == REMOVED) is (not helper.routed), name
        if helper.direct_url and not helper.hf_native:
            assert own_key == f"`{helper.direct_url}`", name


def test_routed_today_is_huggingface_hubs_provider_set() -> None:
    providers = pytest.importorskip("huggingface_hub.inference._providers")
    upstream = set(providers.PROVIDERS)
    ours = {name for name in known_providers() if registered(name).routed}  # type: ignore[union-attr]
    assert ours == upstream, (
        f"routed here but not by huggingface_hub: {sorted(ours - upstream)}; "
        f"routed by huggingface_hub but not here: {sorted(upstream - ours)}"
    )
    assert not REMOVED_WITHOUT_HELPER & upstream  # a provider HF routes again needs a helper


def test_the_removed_ones_say_so_and_keep_their_own_key_route() -> None:
    rows = _page_rows()
    removed = {name for name, (routed, _, _) in rows.items() if routed == REMOVED}
    assert removed == {
        "black-forest-labs",
        "clarifai",
        "hyperbolic",
        "nebius",
        "nvidia",
        "sambanova",
    }  # huggingface_hub PR #4447 (2026-07-01)
    for name in removed - REMOVED_WITHOUT_HELPER:
        helper = registered(name)
        assert helper is not None and helper.accepts_provider_key(), name
        assert rows[name][1].startswith("`https://"), name
    assert rows["hf-inference"][0] == ROUTED
