"""``hfie rank``: rank texts against a query: a TEI reranker (``/rerank``), or a Hub model's
serverless sentence-similarity."""

from __future__ import annotations

import click

from ._common import client_options, echo_json, handle_errors, make_client
from .embed import _read_texts

__all__ = ["rank"]


@click.command()
@click.argument("query")
@click.argument("texts", metavar="[TEXT]...", nargs=-1)
@click.option(
    "-m",
    "--model",
    default=None,
    help="A TEI reranker's URL, or a Hub model id (ranked by its sentence-similarity).",
)
@click.option("--provider", default=None, help="For a Hub model id: the provider serving it.")
@click.option("--endpoint", default=None, help="A dedicated Inference Endpoint (instead of -m).")
@click.option("--raw-scores", is_flag=True, default=False, help="Logits instead of 0..1 scores.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Texts per request.")
@client_options
@handle_errors
def rank(
    query: str,
    texts: tuple[str, ...],
    model: str | None,
    endpoint: str | None,
    provider: str | None,
    raw_scores: bool,
    batch_size: int | None,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    endpoints_api_url: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Rank each TEXT (or each non-blank line of standard input) by relevance to QUERY.

    Prints one line per text, best first: score, the text's position (from 0) and the
    text; with --json, a JSON list of {index, score, text}.
    """
    if model is None and endpoint is None:
        raise click.UsageError(
            "give -m URL (a TEI reranker), -m org/name (a Hub model) or --endpoint"
        )
    inputs = _read_texts(texts)
    with make_client(token, router_url, hub_url, endpoints_api_url) as client:
        ranked = client.text.rank(
            query,
            inputs,
            model=model,
            endpoint=endpoint,
            provider=provider,
            raw_scores=raw_scores or None,
            batch_size=batch_size,
            timeout=timeout,
        )
    if as_json:
        echo_json([{"index": r.index, "score": r.score, "text": inputs[r.index]} for r in ranked])
        return
    for result in ranked:
        click.echo(f"{result.score:.4f}\t{result.index}\t{inputs[result.index]}")
