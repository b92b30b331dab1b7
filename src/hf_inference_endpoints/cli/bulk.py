"""``hfie bulk embed|run``: a resumable bulk run over a JSONL or Parquet/Arrow file.

``--input``/``--output`` ending in ``.parquet`` (or ``.arrow``) are Parquet/Arrow files
(extra ``pyarrow``); ``--column`` names the input column.

Runs the async client (``--concurrency`` calls in flight) under ``anyio.run``. The
output is the checkpoint: ``--resume`` continues it, skipping the inputs already there.
Prints a JSON summary; per-input errors are rows of the output, not a failed command.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ._common import client_options, echo_json, handle_errors

__all__ = ["bulk"]


def _limits(values: tuple[str, ...]) -> dict[str, int]:
    limits: dict[str, int] = {}
    for value in values:
        provider, _, number = value.partition("=")
        if not provider or not number.isdigit() or int(number) < 1:
            raise click.BadParameter(f"expected PROVIDER=N (N >= 1), got {value!r}")
        limits[provider] = int(number)
    return limits


def _provider_limits(requests: dict[str, int], tokens: dict[str, int]) -> dict[str, Any]:
    """``provider_rate_limits`` from ``--rate-limit`` and ``--token-limit``."""
    limits: dict[str, Any] = dict(requests)
    for provider, tpm in tokens.items():
        rpm = requests.get(provider)
        limits[provider] = {"tpm": tpm} if rpm is None else {"rpm": rpm, "tpm": tpm}
    return limits


def _bulk_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False)),
        click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False)),
        click.option("--resume", is_flag=True, help="Continue an earlier output file."),
        click.option(
            "--retry-errors",
            is_flag=True,
            help="With --resume: run the inputs of the error rows again.",
        ),
        click.option(
            "--order",
            type=click.Choice(["input", "completed"]),
            default="input",
            show_default=True,
            help="Rows in input order, or as their calls complete.",
        ),
        click.option("-m", "--model", default=None, help="org/name[:provider] or a URL."),
        click.option("--provider", default=None, help="hf-inference (default) or a provider."),
        click.option("--endpoint", default=None, help="A dedicated Inference Endpoint."),
        click.option(
            "--concurrency", type=click.IntRange(min=1), default=4, help="Calls in flight."
        ),
        click.option(
            "--field",
            "--column",
            "field",
            default=None,
            help="The input's key in JSON object lines, or its column in a Parquet/Arrow file.",
        ),
        click.option("--progress/--no-progress", default=None, help="A progress bar."),
        click.option("--cache-url", default=None, help="memory://, disk:///path or redis://."),
        click.option("--rate-limit-url", default=None, help="redis://... to share limits."),
        click.option(
            "--rate-limit",
            "rate_limits",
            multiple=True,
            metavar="PROVIDER=N",
            help="Requests per minute for a provider (repeatable).",
        ),
        click.option(
            "--token-limit",
            "token_limits",
            multiple=True,
            metavar="PROVIDER=N",
            help="Tokens per minute for a provider (repeatable; estimated, then from usage).",
        ),
        click.option(
            "--rate-limit-window",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            help="Seconds the --rate-limit counts in (default 60).",
        ),
        click.option(
            "--adaptive-concurrency",
            type=click.IntRange(min=1),
            default=None,
            help="Most calls in flight per provider, found by AIMD.",
        ),
        click.option(
            "--adaptive-latency-tolerance",
            type=click.FloatRange(min=1, min_open=True),
            default=None,
            help="Cut the AIMD limit when answers take this many times the baseline (2).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _client(options: dict[str, Any]) -> Any:
    from .._async._client import AsyncHfInferenceClient
    from .._config import HfInferenceConfig

    overrides: dict[str, Any] = {}
    for name in ("token", "router_url", "hub_url", "endpoints_api_url", "cache_url"):
        if options.get(name):
            overrides[name] = options[name]
    if options.get("rate_limit_url"):
        overrides["rate_limit_url"] = options["rate_limit_url"]
    if options.get("rate_limits") or options.get("token_limits"):
        overrides["provider_rate_limits"] = _provider_limits(
            _limits(options.get("rate_limits") or ()), _limits(options.get("token_limits") or ())
        )
    if options.get("rate_limit_window"):
        overrides["rate_limit_window"] = options["rate_limit_window"]
    if options.get("adaptive_concurrency"):
        overrides["adaptive_concurrency"] = options["adaptive_concurrency"]
    if options.get("adaptive_latency_tolerance"):
        overrides["adaptive_latency_tolerance"] = options["adaptive_latency_tolerance"]
    return AsyncHfInferenceClient(config=HfInferenceConfig.from_env(**overrides))


def _execute(options: dict[str, Any], call: Callable[[Any], Any]) -> None:
    import anyio

    async def main() -> Any:
        async with _client(options) as client:
            return await call(client)

    summary = anyio.run(main)
    echo_json(
        {
            "output": summary.output,
            "written": summary.written,
            "skipped": summary.skipped,
            "errors": summary.errors,
            "error_types": summary.error_types,
            "seconds": round(summary.elapsed, 3),
        }
    )


@click.group()
def bulk() -> None:
    """Resumable bulk runs over a JSONL or Parquet file (input order, errors as rows)."""


@bulk.command("embed")
@_bulk_options
@click.option("--batch-size", type=click.IntRange(min=1), default=64, help="Texts per call.")
@client_options
@handle_errors
def embed(**options: Any) -> None:
    """Embed every line of --input (a JSON string, or an object with --field, default text).

    A .parquet/.arrow --input is read by column (--column, default text); a .parquet/.arrow
    --output is written when the run ends (checkpoint: OUTPUT.partial.jsonl).
    """
    call = functools.partial(
        _bulk_call,
        "embed",
        options,
        batch_size=options["batch_size"],
        field=options["field"] or "text",
    )
    _execute(options, call)


@bulk.command("run")
@click.argument("task")
@_bulk_options
@client_options
@handle_errors
def run(task: str, **options: Any) -> None:
    """Run TASK on every line of --input (a JSON value, or an object with --field, default inputs).

    A .parquet/.arrow --input is read by column (--column, default inputs).
    """
    call = functools.partial(
        _bulk_call, "run", options, task=task, field=options["field"] or "inputs"
    )
    _execute(options, call)


async def _bulk_call(kind: str, options: dict[str, Any], client: Any, **extra: Any) -> Any:
    common = {
        "model": options["model"],
        "provider": options["provider"],
        "endpoint": options["endpoint"],
        "resume": options["resume"],
        "retry_errors": options["retry_errors"],
        "order": options["order"],
        "concurrency": options["concurrency"],
        "progress": options["progress"],
        "timeout": options["timeout"],
    }
    if kind == "embed":
        return await client.bulk.embed(
            options["input_path"], options["output_path"], **common, **extra
        )
    task = extra.pop("task")
    return await client.bulk.run(
        task, options["input_path"], options["output_path"], **common, **extra
    )
