"""``hfie models``: find models served by inference providers (the Hub's listing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._common import client_options, echo_json, handle_errors, make_client, out
from ._table import format_table

if TYPE_CHECKING:
    from ..models import HubModel

__all__ = ["models"]

COLUMNS = ("MODEL", "TASK", "LIKES", "DOWNLOADS", "PROVIDERS")


def _providers(model: HubModel, provider: str | None) -> str:
    """``name (status)`` per mapping entry; only the asked providers when filtered."""
    wanted = {p.strip() for p in (provider or "").split(",") if p.strip()} - {"all"}
    cells = []
    for entry in model.inferenceProviderMapping:
        if wanted and entry.provider not in wanted:
            continue
        status = entry.status or "?"
        cells.append(entry.provider if status == "live" else f"{entry.provider} ({status})")
    return ", ".join(cells) or "-"


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


@click.command()
@click.option("--provider", "-p", default=None, help="Served by this provider (a comma list; all).")
@click.option("--task", default=None, help="Pipeline tag, e.g. text-generation.")
@click.option("--search", "-s", default=None, help="Part of the model id.")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Models shown."
)
@client_options
@handle_errors
def models(
    provider: str | None,
    task: str | None,
    search: str | None,
    limit: int,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    endpoints_api_url: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """List models inference providers serve, with each model's providers.

    A table (model, task, likes, downloads, providers: a status other than live is shown
    in brackets); with --json, one JSON list of the Hub's entries, each with its
    inferenceProviderMapping list.
    """
    with make_client(token, router_url, hub_url, endpoints_api_url) as client:
        found = list(
            client.hub.list_models(
                provider=provider or "all", task=task, search=search, limit=limit, timeout=timeout
            )
        )
    if as_json:
        echo_json([m.model_dump(mode="json", exclude_none=True) for m in found])
        return
    if not found:
        out("no models")
        return
    rows = [
        (
            m.id,
            m.pipeline_tag or "-",
            _count(m.likes),
            _count(m.downloads),
            _providers(m, provider),
        )
        for m in found
    ]
    out(format_table(rows, COLUMNS))
