"""``hfie chat`` and ``hfie generate``."""

from __future__ import annotations

import sys
from typing import Any

import click

from ._common import client_options, echo_json, handle_errors, make_client, out

__all__ = ["chat", "generate"]


def _read_prompt(prompt: str | None) -> str:
    if prompt:
        return prompt
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("give a PROMPT or pipe one on standard input")
    text = sys.stdin.read().strip()
    if not text:
        raise click.UsageError("standard input was empty")
    return text


def _target(model: str | None, endpoint: str | None) -> None:
    """Refuse a call that names neither a model nor an endpoint (exit code 2)."""
    if not model and not endpoint:
        raise click.UsageError("give -m/--model MODEL or --endpoint NAME")


_ENDPOINT_HELP = "A dedicated Inference Endpoint, namespace/name or name (instead of -m)."


def _schema_format(path: str) -> dict[str, Any]:
    """The ``json_schema`` response format of a JSON Schema file (named after the file)."""
    import json
    from pathlib import Path

    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.BadParameter(
            f"{path}: not a JSON file ({exc})", param_hint="--schema"
        ) from None
    if not isinstance(schema, dict):
        raise click.BadParameter(f"{path}: a JSON Schema is an object", param_hint="--schema")
    name = "".join(c if c.isalnum() or c in "_-" else "_" for c in Path(path).stem) or "schema"
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


@click.command()
@click.argument("prompt", required=False)
@click.option(
    "-m",
    "--model",
    default=None,
    help="org/name[:policy|:provider] or an endpoint URL; with --endpoint, the served "
    "model name sent in the body (optional).",
)
@click.option("--endpoint", default=None, help=_ENDPOINT_HELP)
@click.option("--provider", default=None, help="hf-inference, auto, or a provider name.")
@click.option("--system", default=None, help="A system message.")
@click.option("--max-tokens", type=int, default=None)
@click.option("--temperature", type=float, default=None)
@click.option("--stream/--no-stream", default=True, help="Print tokens as they arrive (default).")
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A JSON Schema file the reply must follow (sent as a strict json_schema).",
)
@client_options
@handle_errors
def chat(
    prompt: str | None,
    model: str | None,
    endpoint: str | None,
    provider: str | None,
    system: str | None,
    max_tokens: int | None,
    temperature: float | None,
    stream: bool,
    schema_file: str | None,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    endpoints_api_url: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Chat with a model or a dedicated endpoint; reads the prompt from standard input
    when none is given.

    \b
    Examples:
      hfie chat -m meta-llama/Llama-3.1-8B-Instruct "Hello!"
      hfie chat --endpoint my-org/my-llm "Hello!" --no-stream
      hfie chat -m meta-llama/Llama-3.1-8B-Instruct --schema city.json "Paris, as JSON"
    """
    _target(model, endpoint)
    text = _read_prompt(prompt)
    messages: list[dict[str, Any]] = []
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": text})
    params: dict[str, Any] = {"max_tokens": max_tokens, "temperature": temperature}
    if schema_file is not None:
        params["response_format"] = _schema_format(schema_file)
    with make_client(token, router_url, hub_url, endpoints_api_url) as client:
        if as_json or not stream:
            reply = client.chat.complete(
                model=model,
                messages=messages,
                provider=provider,
                endpoint=endpoint,
                timeout=timeout,
                **params,
            )
            if as_json:
                echo_json(reply)
            else:
                out(reply.choices[0].message.content or "" if reply.choices else "")
            return
        with client.chat.stream(
            model=model,
            messages=messages,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            **params,
        ) as chunks:
            for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta.content:
                    out(chunk.choices[0].delta.content, nl=False)
        out()


@click.command()
@click.argument("prompt", required=False)
@click.option("-m", "--model", default=None, help="org/name (hf-inference) or a TGI/endpoint URL.")
@click.option("--endpoint", default=None, help=_ENDPOINT_HELP)
@click.option("--max-new-tokens", type=int, default=None)
@click.option("--temperature", type=float, default=None)
@click.option("--details", is_flag=True, help="Ask for token details.")
@click.option("--stream/--no-stream", default=False, help="Print tokens as they arrive.")
@client_options
@handle_errors
def generate(
    prompt: str | None,
    model: str | None,
    endpoint: str | None,
    max_new_tokens: int | None,
    temperature: float | None,
    details: bool,
    stream: bool,
    token: str | None,
    router_url: str | None,
    hub_url: str | None,
    endpoints_api_url: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Generate text with TGI's native API, on a model, a TGI URL or a dedicated endpoint.

    \b
    Examples:
      hfie generate -m http://localhost:8080 "Once upon a time" --max-new-tokens 20
      hfie generate --endpoint my-tgi "Once upon a time" --stream
    """
    _target(model, endpoint)
    if model and endpoint:
        raise click.UsageError(
            "give -m/--model or --endpoint, not both: TGI's native API names no model"
        )
    text = _read_prompt(prompt)
    params: dict[str, Any] = {
        "max_new_tokens": max_new_tokens,
        "temperature": temperature,
        "details": details or None,
    }
    with make_client(token, router_url, hub_url, endpoints_api_url) as client:
        if stream and not as_json:
            with client.text_generation.stream(
                model=model, prompt=text, endpoint=endpoint, timeout=timeout, **params
            ) as events:
                for event in events:
                    if event.token is not None and not event.token.special:
                        out(event.token.text, nl=False)
            out()
            return
        generated = client.text_generation.generate(
            model=model, prompt=text, endpoint=endpoint, timeout=timeout, **params
        )
        if as_json:
            echo_json(generated)
        else:
            out(generated.generated_text)
