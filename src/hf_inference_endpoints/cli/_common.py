"""Shared pieces of the CLI commands: client options, JSON output, one-line errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .._errors import HfError

__all__ = ["client_options", "echo_json", "handle_errors", "make_client"]

F = TypeVar("F", bound=Callable[..., Any])


def client_options(func: F) -> F:
    """Options every networked command takes: --token, --router-url, --hub-url, --timeout, --json."""
    options = [
        click.option(
            "--token", envvar="HF_TOKEN", default=None, help="HF token (default: HF_TOKEN)."
        ),
        click.option(
            "--router-url", default=None, help="Router base URL (default: HF_ROUTER_URL)."
        ),
        click.option("--hub-url", default=None, help="Hub base URL (default: HF_ENDPOINT)."),
        click.option(
            "--endpoints-api-url",
            default=None,
            help="Endpoints API URL (default: HF_ENDPOINTS_API_URL).",
        ),
        click.option("--timeout", type=float, default=None, help="Total seconds for the call."),
        click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_client(
    token: str | None = None,
    router_url: str | None = None,
    hub_url: str | None = None,
    endpoints_api_url: str | None = None,
) -> Any:
    """A sync client from the environment, with the CLI's overrides."""
    from .._sync._client import HfInferenceClient

    overrides: dict[str, Any] = {}
    if token:
        overrides["token"] = token
    if router_url:
        overrides["router_url"] = router_url
    if hub_url:
        overrides["hub_url"] = hub_url
    if endpoints_api_url:
        overrides["endpoints_api_url"] = endpoints_api_url
    return HfInferenceClient(**overrides)


def echo_json(value: Any) -> None:
    """Print ``value`` as JSON (pydantic models are dumped without None fields)."""
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        value = dump(mode="json", exclude_none=True)
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


def handle_errors(func: F) -> F:
    """Turn any HfError into one line on stderr and exit code 1 (2 for bad input)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HfError as err:
            click.echo(f"error: {type(err).__name__}: {err}", err=True)
            sys.exit(2 if isinstance(err, ValueError) else 1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
