"""``hfie embed``: embeddings of texts given as arguments or as lines on standard input."""

from __future__ import annotations

import json
import sys

import click

from ._common import client_options, echo_json, handle_errors, make_client, out

__all__ = ["embed"]


def _read_texts(texts: tuple[str, ...]) -> list[str]:
    if texts:
        return list(texts)
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("give TEXT arguments or pipe lines on standard input")
    lines = [line.rstrip("\r\n") for line in sys.stdin]
    found = [line for line in lines if line.strip()]
    if not found:
        raise click.UsageError("standard input had no non-blank line")
    return found


@click.command()
@click.argument("texts", metavar="[TEXT]...", nargs=-1)
@click.option(
    "-m",
    "--model",
    default=None,
    help="org/name[:provider] or a TEI/endpoint URL (default: the Hub's recommended model).",
)
@click.option(
    "--endpoint",
    default=None,
    help="A dedicated Inference Endpoint, namespace/name or name (instead of -m).",
)
@click.option(
    "--provider",
    default=None,
    help="auto (default: HF_DEFAULT_PROVIDER, else auto), hf-inference, or a provider name.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Texts per request (default: embedding_batch_size, or a TEI server's limit).",
)
@click.option(
    "--normalize/--no-normalize", default=None, help="Unit-length vectors (server default)."
)
@click.option(
    "--truncate/--no-truncate", default=None, help="Cut over-long inputs (server default)."
)
@click.option("--prompt-name", default=None, help="A sentence-transformers prompt, e.g. query.")
@click.option("--dimensions", type=click.IntRange(min=1), default=None, help="Matryoshka size.")
@client_options
@handle_errors
def embed(
    texts: tuple[str, ...],
    model: str | None,
    endpoint: str | None,
    provider: str | None,
    batch_size: int | None,
    normalize: bool | None,
    truncate: bool | None,
    prompt_name: str | None,
    dimensions: int | None,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    endpoints_api_url: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Embed each TEXT (or each non-blank line of standard input when no TEXT is given).

    Prints one JSON array per input, in input order (JSON Lines); with --json, one JSON
    object: model, count, dimensions, requests, cached and the embeddings. Repeated texts
    are sent once. Exits 1 when any input could not be embedded.
    """
    inputs = _read_texts(texts)
    with make_client(token, router_url, hub_url, endpoints_api_url) as client:
        result = client.embeddings.create(
            model,
            inputs,
            normalize=normalize,
            truncate=truncate,
            prompt_name=prompt_name,
            dimensions=dimensions,
            batch_size=batch_size,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
        )
    if as_json:
        meta = result.response_meta
        echo_json(
            {
                "model": model or (meta.model if meta else None),
                "count": len(result),
                "dimensions": result.dimensions,
                "requests": result.requests,
                "cached": result.cached,
                "embeddings": result.to_list(),
            }
        )
        return
    for vector in result:
        out(json.dumps(vector))
