"""``hfie emulator``: run the local HF emulator (needs the ``emulator`` extra)."""

from __future__ import annotations

import errno

import click

__all__ = ["emulator"]


def _cold_models(values: tuple[str, ...]) -> dict[str, float]:
    models: dict[str, float] = {}
    for value in values:
        model, sep, seconds = value.rpartition("=")
        try:
            parsed = float(seconds)
        except ValueError:
            parsed = -1.0
        if not sep or not model or parsed < 0:
            raise click.BadParameter(
                f"expected MODEL=SECONDS (seconds >= 0), got {value!r}", param_hint="--cold-model"
            )
        models[model] = parsed
    return models


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface (loopback by default)."
)
@click.option(
    "--port",
    default=8787,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port (0: any free port).",
)
@click.option(
    "--time-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Multiply every simulated wait (0.01 makes cold starts 100x faster).",
)
@click.option(
    "--serve-any-model",
    is_flag=True,
    help="Answer hf-inference calls for any model id (default: as the router, 404 for a "
    "model the emulator's catalog does not have).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the fake outputs.")
@click.option(
    "--cold-model",
    "cold_models",
    multiple=True,
    metavar="MODEL=SECONDS",
    help="Make MODEL load for SECONDS (503 + estimated_time) after its first call. Repeatable.",
)
@click.option(
    "--token",
    "tokens",
    multiple=True,
    help="Accept only this bearer token (repeatable; default: any non-empty token).",
)
def emulator(
    host: str,
    port: int,
    time_scale: float,
    seed: int,
    cold_models: tuple[str, ...],
    tokens: tuple[str, ...],
    serve_any_model: bool,
) -> None:
    """Serve the HF wire contract locally: hub, router, TGI/TEI servers, endpoints API.

    Point a client at it with HF_ENDPOINT=http://HOST:PORT/hub,
    HF_ROUTER_URL=http://HOST:PORT/router and HF_ENDPOINTS_API_URL=http://HOST:PORT/endpoints-api.
    Exits 1 when the port is busy.
    """
    try:
        from ..emulator import EmulatorSettings, run
    except ImportError as exc:  # starlette/uvicorn missing
        raise click.ClickException(
            f"the emulator needs the 'emulator' extra: pip install 'hf-inference-endpoints[emulator]' ({exc})"
        ) from None
    settings = EmulatorSettings(
        time_scale=time_scale,
        seed=seed,
        cold_models=_cold_models(cold_models),
        valid_tokens=frozenset(tokens) if tokens else None,
        serve_any_model=serve_any_model,
    )

    def announce(base: str) -> None:
        click.echo(
            f"emulator on {base}  (HF_ENDPOINT={base}/hub HF_ROUTER_URL={base}/router "
            f"HF_ENDPOINTS_API_URL={base}/endpoints-api)",
            err=True,
        )

    try:
        run(host=host, port=port, settings=settings, on_listening=announce)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is already in use: stop what listens there, or pick "
                "another with --port (e.g. hfie emulator --port 0 for any free port)"
            ) from None
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None
    except KeyboardInterrupt:
        pass
