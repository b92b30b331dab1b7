"""``hfie run TASK``: any inference task from the command line (over ``client.infer``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ._common import client_options, echo_json, handle_errors, make_client, out
from ._table import answer_table

__all__ = ["run"]

_FILE_KINDS = ("image", "audio", "video", "optional-image")
_OBJECT_KINDS = ("question-context", "table", "image-question", "document-question")


def _param(values: tuple[str, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        try:
            params[key] = json.loads(raw)
        except ValueError:
            params[key] = raw
    return params


def _stdin_bytes() -> bytes:
    stream: Any = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise click.UsageError("standard input is not readable as bytes")
    return bytes(stream.read())


def _inputs(task: str, value: str | None) -> Any:
    """What ``--input`` means for ``task`` (see the command's help)."""
    from .._tasks import get_task

    spec = get_task(task)
    kind = spec.inputs if spec is not None else None
    if kind in _FILE_KINDS:
        if value is None and kind == "optional-image":
            return None
        if value is None or value == "-":
            data = _stdin_bytes()
            if not data:
                raise click.UsageError(f"{task} needs a file: --input PATH|URL, or pipe one in")
            return data
        return value  # a path or a URL; the client reads or downloads it
    if kind in _OBJECT_KINDS:
        text = _stdin_bytes().decode() if value in (None, "-") else value
        try:
            obj: Any = json.loads(text or "")
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            example = {
                "question-context": '{"question": "...", "context": "..."}',
                "table": '{"query": "...", "table": {"column": ["cell", ...]}}',
            }.get(kind, '{"image": "PATH|URL", "question": "..."}')
            raise click.UsageError(f"{task} takes a JSON object as --input: {example}")
        return obj
    if value is None or value == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError(f"{task} needs an input: --input TEXT, or pipe it in")
        value = sys.stdin.read().rstrip("\n")
    if spec is None:  # a task without a typed method: JSON, a file, or text
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, (dict, list)):
            return parsed
        if Path(value).is_file():
            return Path(value).read_bytes()
    return value


def _check_output(output: Path | None) -> None:
    """Refuse an --output whose folder does not exist, before anything is sent."""
    if output is None or output.is_dir():
        return
    folder = output.parent
    if not folder.is_dir():
        raise click.BadParameter(
            f"the folder {str(folder)!r} does not exist", param_hint="'-o' / '--output'"
        )


@click.command()
@click.argument("task")
@click.option(
    "-m", "--model", default=None, help="org/name or an endpoint URL (default: the Hub's pick)."
)
@click.option(
    "-i",
    "--input",
    "input_",
    default=None,
    help="Text; a file PATH or URL for file tasks; a JSON object for QA/table/VQA/document "
    "tasks; '-' (or nothing) reads standard input.",
)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    help="A task option KEY=VALUE; VALUE is JSON when it parses (top_k=3, "
    'candidate_labels=\'["a","b"]\'), else a string. Repeatable.',
)
@click.option(
    "--provider",
    default=None,
    help="auto (default: HF_DEFAULT_PROVIDER, else auto), hf-inference, or a provider name.",
)
@click.option("--endpoint", default=None, help="A dedicated Inference Endpoint name.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="Write the answer here (required for tasks that answer a file: image, audio, video).",
)
@client_options
@handle_errors
def run(
    task: str,
    model: str | None,
    input_: str | None,
    params: tuple[str, ...],
    provider: str | None,
    endpoint: str | None,
    output: Path | None,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    endpoints_api_url: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Run any inference TASK (a pipeline tag such as image-classification).

    Prints the answer as a table (one row per item), or as JSON with --json; a file
    answer (image, audio, video) goes to --output.

    \b
    Examples:
      hfie run text-classification -i "I like you"
      hfie run image-classification -m google/vit-base-patch16-224 -i cat.jpg --json
      hfie run zero-shot-classification -i "The rocket launched" \\
          -p 'candidate_labels=["space","cooking"]'
      hfie run question-answering -i '{"question": "Who?", "context": "Ada wrote it."}'
      hfie run text-to-image -i "a red fox" -p width=512 -o fox.png
    """
    from .._binary import BinaryResult

    _check_output(output)
    inputs = _inputs(task, input_)
    parameters = _param(params)
    with make_client(token, router_url, hub_url, endpoints_api_url) as client:
        result = client.infer(
            task,
            model,
            inputs,
            parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
        )
    if isinstance(result, BinaryResult):
        if output is None:
            raise click.UsageError(
                f"{task} answers a file ({result.content_type}): pass --output FILE"
            )
        try:
            path = result.save(output)
        except OSError as exc:  # reported as "error: <reason>: <path>", exit 2
            raise OSError(exc.errno, exc.strerror or str(exc), str(output)) from None
        summary = {"output": str(path), "content_type": result.content_type, "bytes": len(result)}
        if as_json:
            echo_json(summary)
        else:
            out(f"saved {len(result)} bytes of {result.content_type} to {path}")
        return
    if output is not None:
        output.write_text(json.dumps(result, ensure_ascii=False) + "\n", encoding="utf-8")
    if as_json:
        echo_json(result)
    elif output is None:
        out(answer_table(result))
    else:
        out(f"saved the answer to {output}")
