"""Generate the provider table of docs/providers.md from the provider registry.

The table between the ``<!-- providers-table:start -->`` and ``<!-- providers-table:end -->``
markers has one row per registered helper (``_routing/providers``): whether Hugging Face
routes it today (``routed``, ``accepts_hf_token``), its own API for the provider's own key
(``direct_url``) and the tasks it serves; then the providers HF removed from routing that
have no helper (``REMOVED_WITHOUT_HELPER``). Nothing else in the page is touched.

Usage, from the project root::

    python -m codegen.providers_docs          # rewrite the table     (`make generate`)
    python -m codegen.providers_docs --check  # exit 1 when stale     (`make check-generated`)
"""

from __future__ import annotations

from hf_inference_endpoints._routing.providers import (
    REMOVED_WITHOUT_HELPER,
    ProviderHelper,
    known_providers,
    registered,
)

from ._regions import ROOT, Region

__all__ = ["PAGE", "main", "provider_table", "render_page", "router_cell"]

PAGE = ROOT / "docs" / "providers.md"
REGION = Region(PAGE, "providers-table")
START, END = REGION.start, REGION.end

ROUTED = "yes"
REMOVED = "no: removed 2026-07-01"
OWN_KEY_ONLY = "no: its own key only"


def router_cell(helper: ProviderHelper) -> str:
    """What the "HF routes it" column says of ``helper``."""
    if not helper.routed:
        return REMOVED
    if not helper.accepts_hf_token:
        return OWN_KEY_ONLY
    return ROUTED


def _own_key_cell(helper: ProviderHelper) -> str:
    if helper.hf_native:
        return "— (HF's own; any HF token)"
    if not helper.accepts_provider_key():
        return "— (HF token only)"
    return f"`{helper.direct_url}`"


def provider_table() -> str:
    """The Markdown table of every provider the registry knows, then the removed others."""
    rows = [
        "| Provider | HF routes it today | With its own key | Tasks |",
        "|---|---|---|---|",
    ]
    for name in known_providers():
        helper = registered(name)
        assert helper is not None, name
        tasks = ", ".join(f"`{task}`" for task in sorted(helper.tasks))
        rows.append(f"| `{name}` | {router_cell(helper)} | {_own_key_cell(helper)} | {tasks} |")
    for name in sorted(REMOVED_WITHOUT_HELPER):
        rows.append(f"| `{name}` | {REMOVED} | — (no helper in this client) | — |")
    return "\n".join(rows)


def render_page(text: str) -> str:
    """``text`` with the table between the markers replaced by :func:`provider_table`."""
    return REGION.render(text, provider_table())


def main(argv: list[str] | None = None) -> int:
    """Rewrite the table, or with ``--check`` exit 1 when it is stale."""
    return REGION.main(argv, provider_table, __doc__.splitlines()[0])


if __name__ == "__main__":
    raise SystemExit(main())
