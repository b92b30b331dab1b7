"""``hfie``: the command line, thin, over the sync client.

Each command lives in its own module and is loaded only when run; adding one is a
module exposing a click command plus one line in :data:`COMMANDS`.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["COMMANDS", "main"]

#: command name -> "module:attribute" (relative to this package)
COMMANDS: dict[str, str] = {
    "bulk": ".bulk:bulk",
    "chat": ".chat:chat",
    "embed": ".embed:embed",
    "endpoints": ".endpoints:endpoints",
    "generate": ".chat:generate",
    "emulator": ".emulator:emulator",
    "health": ".health:health",
    "models": ".models:models",
    "rank": ".rank:rank",
    "run": ".run:run",
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        module = importlib.import_module(module_name, __name__)
        command: Any = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command


def _epilog() -> str:
    from ._errors import EXIT_CODES

    codes = "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES.items())
    return f"\b\nExit codes:\n{codes}"


def _configure_logging(verbose: int, quiet: bool) -> None:
    """-v: the library's INFO lines (retries, waits) on stderr; -vv: DEBUG (every request)."""
    if quiet or verbose <= 0:
        return
    import logging

    logger = logging.getLogger("hf_inference_endpoints")
    for old in [h for h in logger.handlers if getattr(h, "hfie_cli", False)]:
        logger.removeHandler(old)  # one hfie run per process, but tests run many
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.hfie_cli = True  # type: ignore[attr-defined]
    # progress events have their own display (the status line): not twice
    handler.addFilter(lambda record: record.name != "hf_inference_endpoints.progress")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_epilog(),
)
@click.version_option(package_name="hf-inference-endpoints", prog_name="hfie")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Log retries and waits on stderr (-vv: every request; shows tracebacks of hfie bugs).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print no progress or status lines, only results and errors.",
)
def main(verbose: int, quiet: bool) -> None:
    """Hugging Face inference from the command line.

    The token comes from HF_TOKEN (or the huggingface_hub token file); HF_ROUTER_URL,
    HF_ENDPOINT and HF_ENDPOINTS_API_URL point the client elsewhere (e.g. the emulator).
    Errors are one line on stderr, with a hint naming the hfie command that helps.
    """
    if verbose and quiet:
        raise click.UsageError("give --verbose or --quiet, not both")
    _configure_logging(verbose, quiet)
