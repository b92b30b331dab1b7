"""``hfie health``: is the API reachable, the token valid and the target serving?"""

from __future__ import annotations

import dataclasses
import sys

import click

from ._common import client_options, echo_json, handle_errors, make_client, out

__all__ = ["health"]


@click.command()
@click.argument("target", required=False)
@client_options
@handle_errors
def health(
    target: str | None,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    endpoints_api_url: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Check the Hub API, the token and TARGET (an endpoint URL; default: the router).

    Exits 0 when healthy, 1 otherwise.
    """
    with make_client(token, router_url, hub_url, endpoints_api_url) as client:
        status = client.health_check(target, timeout=timeout or 10.0)
    if as_json:
        echo_json(dataclasses.asdict(status))
    else:

        def mark(ok: bool) -> str:
            return "ok" if ok else "FAILED"

        out(f"api reachable : {mark(status.api_reachable)}")
        out(
            f"token valid   : {mark(status.token_valid)}"
            + (f" ({status.user})" if status.user else "")
        )
        out(f"target        : {mark(status.target_healthy)} ({target or 'router'})")
        for problem in status.problems:
            out(f"  - {problem}")
        out(f"healthy       : {'yes' if status.healthy else 'no'} ({status.elapsed * 1000:.0f} ms)")
    if not status.healthy:
        sys.exit(1)
