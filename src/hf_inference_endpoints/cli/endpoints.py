"""``hfie endpoints``: manage dedicated Inference Endpoints.

``list``, ``get``, ``create``, ``update``, ``pause``, ``resume``, ``scale-to-zero``,
``delete``, ``wait`` and ``hardware`` (the catalogue of instances and prices): tables for people, ``--json`` for scripts. ``wait`` (and
``create --wait``) print each state change on standard error as it happens.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ._common import client_options, handle_errors, make_client, out
from ._table import format_table

if TYPE_CHECKING:
    from ..models import EndpointInfo, HardwareInstance

__all__ = ["endpoints", "format_table"]

F = TypeVar("F", bound=Callable[..., Any])

COLUMNS = ("NAME", "STATE", "REPLICAS", "MODEL", "HARDWARE", "URL")
ALL_COLUMNS = ("NAMESPACE", *COLUMNS)


def _row(info: EndpointInfo) -> tuple[str, ...]:
    status = info.status
    compute = info.compute
    state = (status.state if status else None) or "?"
    replicas = (
        f"{status.readyReplica or 0}/{status.targetReplica or 0}"
        if status and status.targetReplica is not None
        else "-"
    )
    model = (info.model.repository if info.model else None) or "-"
    hardware = "-"
    if compute is not None:
        parts = [compute.accelerator, compute.instanceType, compute.instanceSize]
        hardware = " ".join(p for p in parts if p) or "-"
    url = (status.url if status else None) or "-"
    return (info.name or "?", state, replicas, model, hardware, url)


def _details(info: EndpointInfo) -> str:
    """A readable multi-line description of one endpoint."""
    status = info.status
    lines = [format_table([_row(info)], COLUMNS)]
    if status is not None and status.message:
        lines.append(f"message: {status.message}")
    if status is not None and status.errorMessage:
        lines.append(f"error: {status.errorMessage}")
    if info.provider is not None:
        lines.append(f"provider: {info.provider.vendor} {info.provider.region}")
    if info.compute is not None and info.compute.scaling is not None:
        scaling = info.compute.scaling
        zero = (
            f", scale to zero after {scaling.scaleToZeroTimeout} min idle"
            if scaling.scaleToZeroTimeout
            else ""
        )
        lines.append(f"replicas: {scaling.minReplica}..{scaling.maxReplica}{zero}")
    if info.model is not None:
        image = ", ".join(
            f"{variant} {settings.url or ''}".strip()
            for variant, settings in (info.model.image or {}).items()
        )
        lines.append(f"task: {info.model.task or '-'}  image: {image or '-'}")
    if info.type:
        lines.append(f"type: {info.type}")
    if info.tags:
        lines.append(f"tags: {', '.join(info.tags)}")
    if status is not None and status.updatedAt:
        lines.append(f"updated: {status.updatedAt}")
    return "\n".join(lines)


def _dump(info: EndpointInfo) -> Any:
    return info.model_dump(mode="json", exclude_none=True)


def _show(info: EndpointInfo, as_json: bool) -> None:
    out(json.dumps(_dump(info), ensure_ascii=False) if as_json else _details(info))


def _pairs(values: Sequence[str], what: str) -> dict[str, str] | None:
    if not values:
        return None
    out: dict[str, str] = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {value!r}", param_hint=what)
        out[key] = item
    return out


def namespace_option(func: F) -> F:
    return click.option(
        "--namespace", "-n", default=None, help="User or organisation (default: the token's)."
    )(func)


def with_client(func: F) -> F:
    """Open the sync client from the shared options and pass it as ``client``."""

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        token: str | None,
        router_url: str | None,
        hub_url: str | None,
        endpoints_api_url: str | None,
        **kwargs: Any,
    ) -> Any:
        with make_client(token, router_url, hub_url, endpoints_api_url) as client:
            return func(*args, client=client, **kwargs)

    return wrapper  # type: ignore[return-value]


def spec_options(func: F) -> F:
    """Options shared by ``create`` and ``update`` (all optional for ``update``)."""
    options = [
        click.option("--task", default=None, help="Task, e.g. text-generation."),
        click.option("--framework", default=None, help="pytorch (default), custom, ..."),
        click.option("--revision", default=None, help="Commit sha to deploy."),
        click.option("--type", "type_", default=None, help="authenticated, public or private."),
        click.option("--min-replica", type=int, default=None, help="0 allows scale-to-zero."),
        click.option("--max-replica", type=int, default=None),
        click.option(
            "--scale-to-zero-timeout", type=int, default=None, help="Idle minutes (15-2880)."
        ),
        click.option(
            "--image",
            "image_variant",
            default=None,
            help="Image variant: tgi, tei, vllm, sglang, llamacpp, custom, huggingface.",
        ),
        click.option("--image-url", default=None, help="Container image of the variant."),
        click.option("--image-port", type=int, default=None),
        click.option("--health-route", default=None, help="The container's readiness route."),
        click.option("--env", multiple=True, metavar="KEY=VALUE", help="Repeatable."),
        click.option("--secret", multiple=True, metavar="KEY=VALUE", help="Repeatable."),
        click.option("--tag", multiple=True, help="Repeatable."),
        click.option("--domain", default=None),
        click.option("--path", default=None),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _spec(client: Any, opts: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for create/update from the spec options (only those given)."""
    image = None
    variant = opts.pop("image_variant")
    image_url = opts.pop("image_url")
    image_port = opts.pop("image_port")
    health_route = opts.pop("health_route")
    if variant is not None:
        image = client.endpoints.image(
            variant, image_url, port=image_port, health_route=health_route
        )
    elif image_url or image_port or health_route:
        raise click.UsageError("--image-url/--image-port/--health-route need --image VARIANT")
    spec = {
        "repository": opts.pop("repository", None),
        "task": opts.pop("task"),
        "framework": opts.pop("framework"),
        "revision": opts.pop("revision"),
        "type": opts.pop("type_"),
        "min_replica": opts.pop("min_replica"),
        "max_replica": opts.pop("max_replica"),
        "scale_to_zero_timeout": opts.pop("scale_to_zero_timeout"),
        "image": image,
        "env": _pairs(opts.pop("env"), "--env"),
        "secrets": _pairs(opts.pop("secret"), "--secret"),
        "tags": list(opts.pop("tag")) or None,
        "domain": opts.pop("domain"),
        "path": opts.pop("path"),
    }
    return {k: v for k, v in spec.items() if v is not None}


@click.group()
def endpoints() -> None:
    """Manage dedicated Inference Endpoints (the /v2/endpoint API)."""


@endpoints.command("list")
@namespace_option
@client_options
@handle_errors
@with_client
def list_(client: Any, namespace: str | None, timeout: float | None, as_json: bool) -> None:
    """List the endpoints of a namespace (every page); ``-n '*'``: of every namespace."""
    items = client.endpoints.list(namespace, timeout=timeout)
    if as_json:
        out(json.dumps([_dump(info) for info in items], ensure_ascii=False))
    elif not items:
        out("no endpoints")
    elif namespace == "*":
        rows = [(info.namespace or "?", *_row(info)) for info in items]
        out(format_table(rows, ALL_COLUMNS))
    else:
        out(format_table([_row(info) for info in items], COLUMNS))


HARDWARE_COLUMNS = ("VENDOR", "REGION", "ACCELERATOR", "INSTANCE", "SIZE", "MEMORY", "$/HOUR")


def _hardware_row(item: HardwareInstance) -> tuple[str, ...]:
    memory = f"{item.memoryGb} GB" if item.memoryGb is not None else "-"
    if item.gpuMemoryGb is not None and item.numAccelerators:
        memory += f" + {item.numAccelerators}x{item.gpuMemoryGb} GB"
    price = f"{item.pricePerHour:.2f}" if item.pricePerHour is not None else "-"
    region = item.region if item.available else f"{item.region} (unavailable)"
    return (
        item.vendor,
        region,
        item.accelerator or "-",
        item.instanceType or "-",
        item.instanceSize or "-",
        memory,
        price,
    )


@endpoints.command()
@click.option("--vendor", default=None, help="Only this vendor (aws, azure, gcp...).")
@click.option("--region", default=None, help="Only this region (e.g. us-east-1).")
@click.option("--accelerator", default=None, help="Only cpu, gpu or neuron.")
@click.option("--instance-type", default=None, help="Only this instance type (e.g. nvidia-l4).")
@click.option("--available", is_flag=True, help="Only what can be deployed now.")
@namespace_option
@client_options
@handle_errors
@with_client
def hardware(
    client: Any,
    vendor: str | None,
    region: str | None,
    accelerator: str | None,
    instance_type: str | None,
    available: bool,
    namespace: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """The hardware endpoints can run on: vendor, region, instance, size and price.

    Each row's vendor, region, accelerator, instance and size are what ``create`` takes;
    the price is USD per replica-hour, where the API gives one.
    """
    items = client.endpoints.list_hardware(
        vendor=vendor,
        region=region,
        accelerator=accelerator,
        instance_type=instance_type,
        available_only=available,
        namespace=namespace,
        timeout=timeout,
    )
    if as_json:
        out(json.dumps([i.model_dump(mode="json", exclude_none=True) for i in items]))
    elif not items:
        out("no hardware matches")
    else:
        out(format_table([_hardware_row(item) for item in items], HARDWARE_COLUMNS))


@endpoints.command()
@click.argument("name")
@namespace_option
@client_options
@handle_errors
@with_client
def get(
    client: Any, name: str, namespace: str | None, timeout: float | None, as_json: bool
) -> None:
    """Show one endpoint (NAME or NAMESPACE/NAME)."""
    _show(client.endpoints.get(name, namespace=namespace, timeout=timeout), as_json)


@endpoints.command()
@click.argument("name")
@click.argument("repository")
@click.option("--vendor", required=True, help="aws, azure, gcp, ...")
@click.option("--region", required=True, help="e.g. us-east-1")
@click.option("--accelerator", required=True, help="cpu, gpu or neuron")
@click.option("--instance-type", required=True, help="e.g. intel-spr, nvidia-l4")
@click.option("--instance-size", required=True, help="x1 .. x8")
@spec_options
@click.option("--wait", "wait_", is_flag=True, help="Wait until it runs, showing progress.")
@namespace_option
@client_options
@handle_errors
@with_client
def create(
    client: Any,
    name: str,
    repository: str,
    vendor: str,
    region: str,
    accelerator: str,
    instance_type: str,
    instance_size: str,
    wait_: bool,
    namespace: str | None,
    timeout: float | None,
    as_json: bool,
    **opts: Any,
) -> None:
    """Create endpoint NAME serving REPOSITORY."""
    spec = _spec(client, opts)
    info = client.endpoints.create(
        name,
        repository,
        vendor=vendor,
        region=region,
        accelerator=accelerator,
        instance_type=instance_type,
        instance_size=instance_size,
        namespace=namespace,
        **spec,
    )
    if wait_:
        info = client.endpoints.wait(name, namespace=namespace, timeout=timeout)
    _show(info, as_json)


@endpoints.command()
@click.argument("name")
@click.option("--repository", default=None, help="Serve another Hub repository.")
@click.option("--accelerator", default=None)
@click.option("--instance-type", default=None)
@click.option("--instance-size", default=None)
@spec_options
@namespace_option
@client_options
@handle_errors
@with_client
def update(
    client: Any,
    name: str,
    accelerator: str | None,
    instance_type: str | None,
    instance_size: str | None,
    namespace: str | None,
    timeout: float | None,
    as_json: bool,
    **opts: Any,
) -> None:
    """Change endpoint NAME; only the options given are sent."""
    spec = _spec(client, opts)
    for key, value in (
        ("accelerator", accelerator),
        ("instance_type", instance_type),
        ("instance_size", instance_size),
    ):
        if value is not None:
            spec[key] = value
    _show(client.endpoints.update(name, namespace=namespace, timeout=timeout, **spec), as_json)


def _action(verb: str, doc: str) -> click.Command:
    @click.argument("name")
    @namespace_option
    @client_options
    @handle_errors
    @with_client
    def command(
        client: Any, name: str, namespace: str | None, timeout: float | None, as_json: bool
    ) -> None:
        method = getattr(client.endpoints, verb.replace("-", "_"))
        _show(method(name, namespace=namespace, timeout=timeout), as_json)

    command.__doc__ = doc
    return endpoints.command(verb)(command)


pause = _action("pause", "Pause endpoint NAME (no replicas, no bill, not woken by traffic).")
resume = _action("resume", "Resume endpoint NAME (a running one is left alone).")
scale_to_zero = _action("scale-to-zero", "Scale endpoint NAME to zero now (wakes on traffic).")


@endpoints.command()
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@namespace_option
@client_options
@handle_errors
@with_client
def delete(
    client: Any, name: str, yes: bool, namespace: str | None, timeout: float | None, as_json: bool
) -> None:
    """Delete endpoint NAME for good."""
    if not yes:
        click.confirm(f"Delete endpoint {name}? This cannot be undone", abort=True)
    client.endpoints.delete(name, namespace=namespace, timeout=timeout)
    out(json.dumps({"deleted": name}) if as_json else f"deleted {name}")


@endpoints.command()
@click.argument("name")
@click.option(
    "--until",
    default="running",
    show_default=True,
    help="running, paused, scaledToZero, pending, initializing or updating.",
)
@click.option("--poll-interval", type=float, default=None, help="First delay between polls.")
@namespace_option
@client_options
@handle_errors
@with_client
def wait(
    client: Any,
    name: str,
    until: str,
    poll_interval: float | None,
    namespace: str | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Wait until endpoint NAME reaches a state (running: and answers its health route).

    Each state change shows on standard error (a live status line on a terminal);
    --timeout bounds the wait.
    """
    info = client.endpoints.wait(
        name,
        until=until,
        namespace=namespace,
        timeout=timeout,
        poll_interval=poll_interval,
    )
    _show(info, as_json)
