"""Shared pieces of the CLI commands: client options, JSON output, one-line errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .._errors import HfError
from ._errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, exit_code, explain

__all__ = ["client_options", "echo_json", "handle_errors", "make_client", "out", "verbosity"]

_DISPLAY_KEY = "hfie.progress"

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
    """A sync client from the environment, with the CLI's overrides.

    Long waits show on standard error (:class:`~._progress.ProgressDisplay`) unless
    ``hfie -q``; the display is cleared when the command ends.
    """
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
    if verbosity() >= 0:
        from ._progress import ProgressDisplay

        display = ProgressDisplay()
        overrides["on_progress"] = display
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.meta[_DISPLAY_KEY] = display
            ctx.call_on_close(display.close)
    return HfInferenceClient(**overrides)


def out(message: Any = None, *, nl: bool = True) -> None:
    """Print a result on standard output, taking any progress status line away first
    (a live line on the terminal would otherwise be drawn over the result)."""
    ctx = click.get_current_context(silent=True)
    display = ctx.meta.get(_DISPLAY_KEY) if ctx is not None else None
    if display is not None:
        display.close()
    click.echo(message, nl=nl)


def echo_json(value: Any) -> None:
    """Print ``value`` as JSON (pydantic models are dumped without None fields)."""
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        value = dump(mode="json", exclude_none=True)
    out(json.dumps(value, ensure_ascii=False, default=str))


def verbosity() -> int:
    """-1 with ``hfie --quiet``, 0 by default, 1+ with ``hfie -v`` (``-vv``...)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return 0
    params = ctx.find_root().params
    if params.get("quiet"):
        return -1
    return int(params.get("verbose") or 0)


def handle_errors(func: F) -> F:
    """Report any failure as one line on stderr (plus an ``hfie`` hint) and exit with the
    documented code: 1 the call failed, 2 bad usage or input, 130 interrupted.

    No traceback reaches the user, except for a bug in hfie itself with ``hfie -v``.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HfError as err:
            for line in explain(err):
                click.echo(line, err=True)
            sys.exit(exit_code(err))
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except OSError as err:  # a file the user named: unreadable, unwritable, missing folder
            where = f": {err.filename}" if err.filename else ""
            click.echo(f"error: {err.strerror or err}{where}", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as err:
            if verbosity() > 0:
                raise
            click.echo(
                f"error: unexpected {type(err).__name__}: {err} "
                "(a bug in hfie: run it again with hfie -v for the traceback, and report it)",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]
