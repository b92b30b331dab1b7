"""``hfie emulator``: run the local HF emulator (needs the ``emulator`` extra)."""

from __future__ import annotations

import click

__all__ = ["emulator"]


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface (loopback by default)."
)
@click.option("--port", default=8787, show_default=True, type=int)
@click.option(
    "--time-scale",
    default=1.0,
    show_default=True,
    type=float,
    help="Multiply every simulated wait (0.01 makes cold starts 100x faster).",
)
@click.option(
    "--serve-any-model",
    is_flag=True,
    help="Answer hf-inference calls for any model id (default: as the router, 404 for a "
    "model the emulator's catalog does not have).",
)
def emulator(host: str, port: int, time_scale: float, serve_any_model: bool) -> None:
    """Serve the HF wire contract locally: hub, router, TGI/TEI servers.

    Point a client at it with HF_ENDPOINT=http://HOST:PORT/hub,
    HF_ROUTER_URL=http://HOST:PORT/router and HF_ENDPOINTS_API_URL=http://HOST:PORT/endpoints-api.
    """
    try:
        from ..emulator import EmulatorSettings, run
    except ImportError as exc:  # starlette/uvicorn missing
        raise click.ClickException(
            f"the emulator needs the 'emulator' extra: pip install 'hf-inference-endpoints[emulator]' ({exc})"
        ) from None
    base = f"http://{host}:{port}"
    click.echo(
        f"emulator on {base}  (HF_ENDPOINT={base}/hub HF_ROUTER_URL={base}/router "
        f"HF_ENDPOINTS_API_URL={base}/endpoints-api)",
        err=True,
    )
    settings = EmulatorSettings(time_scale=time_scale, serve_any_model=serve_any_model)
    run(host=host, port=port, settings=settings)
