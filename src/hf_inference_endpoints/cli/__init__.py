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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hf-inference-endpoints", prog_name="hfie")
def main() -> None:
    """Hugging Face inference from the command line.

    The token comes from HF_TOKEN (or the huggingface_hub token file); HF_ROUTER_URL,
    HF_ENDPOINT and HF_ENDPOINTS_API_URL point the client elsewhere (e.g. the emulator).
    """
