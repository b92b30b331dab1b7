"""Request bodies of the management API: create, update and image variants (no I/O).

The bodies follow what huggingface_hub sends (WIRE §f.5): camelCase keys nested like the
endpoint object; a create body always carries ``accountId``, ``model.revision`` and
``compute.scaling.scaleToZeroTimeout`` (null when unset) and leaves ``model.task`` out
when unset; an update body carries only the fields the caller gave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._errors import InvalidArgument, ValidationError
from .._routing.targets import validate_model_id
from .names import validate_endpoint_name

__all__ = [
    "IMAGE_VARIANTS",
    "create_body",
    "image_spec",
    "image_with_parallelism",
    "normalize_image",
    "update_body",
]

#: Image variants the API knows (WIRE §f.3), by their exact (camelCase) key.
IMAGE_VARIANTS = (
    "huggingface",
    "huggingfaceNeuron",
    "custom",
    "tgi",
    "tgiNeuron",
    "tei",
    "vLLM",
    "vLLMNeuron",
    "vLLMOmni",
    "sGLang",
    "llamacpp",
    "hfServe",
)
_VARIANT_BY_FOLDED = {v.lower().replace("_", "").replace("-", ""): v for v in IMAGE_VARIANTS}

#: snake_case spellings the API would silently drop (it only reads camelCase).
_IMAGE_KEYS = {
    "health_route": "healthRoute",
    "tensor_parallel_size": "tensorParallelSize",
    "data_parallel_size": "dataParallelSize",
}


def _variant(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise InvalidArgument("an image variant must be a non-empty string such as 'tgi'")
    folded = name.lower().replace("_", "").replace("-", "")
    return _VARIANT_BY_FOLDED.get(folded, name)


def _int(name: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgument(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _str(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"{name} must be a non-empty string, got {value!r}")
    return value


def _str_map(name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"{name} must be a mapping of strings to strings, got {value!r}")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidArgument(f"{name} keys must be non-empty strings, got {key!r}")
        if not isinstance(item, str):
            raise InvalidArgument(
                f"{name}[{key!r}] must be a string (the API takes text values), got {item!r}"
            )
        out[key] = item
    return out


def _str_list(name: str, value: Any) -> list[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidArgument(f"{name} must be a list of strings, got {value!r}")
    if not all(isinstance(item, str) for item in value):
        raise InvalidArgument(f"{name} must be a list of strings, got {value!r}")
    return list(value)


def image_spec(
    variant: str,
    url: str | None = None,
    *,
    port: int | None = None,
    health_route: str | None = None,
    env: Mapping[str, str] | None = None,
    username: str | None = None,
    password: str | None = None,
    tensor_parallel_size: int | None = None,
    data_parallel_size: int | None = None,
    **options: Any,
) -> dict[str, Any]:
    """The ``model.image`` value for one variant: ``{"<variant>": {...}}``.

    Args:
        variant: ``huggingface`` (the HF toolkit; takes no settings), ``custom``, or an
            engine: ``tgi``, ``tgiNeuron``, ``tei``, ``vLLM``, ``vLLMNeuron``, ``sGLang``,
            ``llamacpp``, ``hfServe``. Case, ``_`` and ``-`` do not matter (``"vllm"``).
        url: The container image, e.g. ``"vllm/vllm-openai:v0.23.0"`` (needed for every
            variant but ``huggingface``).
        port: The port the container listens on.
        health_route: Its readiness route, e.g. ``"/health"``.
        env: Container environment variables.
        username: Registry user of a private image (with ``password``).
        password: Registry password of a private image.
        tensor_parallel_size: GPUs per model copy (vLLM, SGLang).
        data_parallel_size: Model copies per replica (vLLM).
        **options: Other engine options, sent as given (use the API's camelCase names).

    Returns:
        A one-key mapping for ``create(image=...)`` / ``update(image=...)``.

    Raises:
        ValidationError: A setting has the wrong type, ``url`` is missing, or settings
            were given for ``huggingface``.

    Example:
        >>> image_spec("vllm", "vllm/vllm-openai:v0.23.0", port=8000,
        ...            health_route="/health", tensor_parallel_size=1)
        {'vLLM': {'url': 'vllm/vllm-openai:v0.23.0', 'port': 8000, 'healthRoute': '/health', 'tensorParallelSize': 1}}
    """
    key = _variant(variant)
    settings: dict[str, Any] = {}
    if url is not None:
        settings["url"] = _str("image url", url)
    if port is not None:
        settings["port"] = _int("image port", port, minimum=1)
    if health_route is not None:
        settings["healthRoute"] = _str("image health_route", health_route)
    if env is not None:
        settings["env"] = _str_map("image env", env)
    if username is not None or password is not None:
        if username is None or password is None:
            raise InvalidArgument("registry credentials need both username and password")
        settings["credentials"] = {
            "username": _str("image username", username),
            "password": _str("image password", password),
        }
    if tensor_parallel_size is not None:
        settings["tensorParallelSize"] = _int(
            "tensor_parallel_size", tensor_parallel_size, minimum=1
        )
    if data_parallel_size is not None:
        settings["dataParallelSize"] = _int("data_parallel_size", data_parallel_size, minimum=1)
    settings.update(options)
    return normalize_image({key: settings})


def normalize_image(image: Mapping[str, Any]) -> dict[str, Any]:
    """Check a ``model.image`` value and spell its keys the way the API reads them.

    A snake_case ``health_route`` / ``tensor_parallel_size`` / ``data_parallel_size`` is
    renamed to camelCase (the API silently drops the snake_case spelling), and the
    variant key is normalised (``"vllm"`` -> ``"vLLM"``).

    Args:
        image: ``{"<variant>": {...settings}}``.

    Returns:
        A new, normalised one-key dict.

    Raises:
        ValidationError: Not exactly one variant, settings not a mapping, or no ``url``
            for a variant other than ``huggingface``.

    Example:
        >>> normalize_image({"tgi": {"url": "ghcr.io/huggingface/text-generation-inference:3",
        ...                          "health_route": "/health"}})
        {'tgi': {'url': 'ghcr.io/huggingface/text-generation-inference:3', 'healthRoute': '/health'}}
    """
    if not isinstance(image, Mapping) or len(image) != 1:
        raise InvalidArgument(
            "image must hold exactly one variant, e.g. {'tgi': {'url': '...'}} "
            f"(see client.endpoints.image(...)), got {image!r}"
        )
    [(variant, settings)] = image.items()
    key = _variant(variant)
    if not isinstance(settings, Mapping):
        raise InvalidArgument(f"image[{variant!r}] must be a mapping of settings, got {settings!r}")
    out = {_IMAGE_KEYS.get(k, k): v for k, v in settings.items()}
    if key.startswith("huggingface"):
        if out:
            raise InvalidArgument(
                f"the {key!r} image takes no settings; use 'custom' or an engine for a URL"
            )
    elif not isinstance(out.get("url"), str) or not out["url"]:
        raise InvalidArgument(f"the {key!r} image needs a container url")
    return {key: out}


def image_with_parallelism(
    current: Mapping[str, Any] | None,
    *,
    tensor_parallel_size: int | None,
    data_parallel_size: int | None,
) -> dict[str, Any]:
    """The current image with new parallelism, to send whole in an update.

    Changing parallelism means resending the whole ``model.image`` variant (WIRE §f.5).
    Registry credentials come back redacted from the API, so they are left out.

    Args:
        current: ``model.image`` of the endpoint as fetched.
        tensor_parallel_size: New tensor parallel size, or None to keep.
        data_parallel_size: New data parallel size, or None to keep.

    Returns:
        The image to send.

    Raises:
        ValidationError: The endpoint has no engine image to change.
    """
    if not current or len(current) != 1:
        raise InvalidArgument(
            "the endpoint has no single engine image to change parallelism on; pass image="
        )
    [(variant, settings)] = current.items()
    if not isinstance(settings, Mapping) or _variant(variant).startswith("huggingface"):
        raise InvalidArgument(f"the {variant!r} image has no parallelism settings; pass image=")
    fresh = {k: v for k, v in settings.items() if k != "credentials" and v is not None}
    if tensor_parallel_size is not None:
        fresh["tensorParallelSize"] = _int("tensor_parallel_size", tensor_parallel_size, minimum=1)
    if data_parallel_size is not None:
        fresh["dataParallelSize"] = _int("data_parallel_size", data_parallel_size, minimum=1)
    return normalize_image({variant: fresh})


def _scaling(
    min_replica: int | None,
    max_replica: int | None,
    scale_to_zero_timeout: int | None,
    scaling_metric: str | None,
    scaling_threshold: float | None,
    *,
    create: bool,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if max_replica is not None:
        out["maxReplica"] = _int("max_replica", max_replica, minimum=1)
    if min_replica is not None:
        out["minReplica"] = _int("min_replica", min_replica, minimum=0)
    if min_replica is not None and max_replica is not None and min_replica > max_replica:
        raise InvalidArgument(
            f"min_replica ({min_replica}) must not be greater than max_replica ({max_replica})"
        )
    if scale_to_zero_timeout is not None:
        out["scaleToZeroTimeout"] = _int(
            "scale_to_zero_timeout (minutes)", scale_to_zero_timeout, minimum=1
        )
    elif create:
        out["scaleToZeroTimeout"] = None
    if (scaling_metric is None) != (scaling_threshold is None):
        raise InvalidArgument("scaling_metric and scaling_threshold go together; pass both")
    if scaling_metric is not None:
        if isinstance(scaling_threshold, bool) or not isinstance(scaling_threshold, (int, float)):
            raise InvalidArgument(f"scaling_threshold must be a number, got {scaling_threshold!r}")
        out["measure"] = {_str("scaling_metric", scaling_metric): scaling_threshold}
    return out


def _model_extras(
    model: dict[str, Any],
    *,
    env: Mapping[str, str] | None,
    secrets: Mapping[str, str] | None,
    command: Sequence[str] | None,
    args: Sequence[str] | None,
) -> None:
    if env is not None:
        model["env"] = _str_map("env", env)
    if secrets is not None:
        model["secrets"] = _str_map("secrets", secrets)
    if command is not None:
        model["command"] = _str_list("command", command)
    if args is not None:
        model["args"] = _str_list("args", args)


def _top_extras(
    payload: dict[str, Any],
    *,
    domain: str | None,
    path: str | None,
    cache_http_responses: bool | None,
    tags: Sequence[str] | None,
    custom_router: Mapping[str, Any] | None,
) -> None:
    if domain is not None or path is not None:
        route: dict[str, str] = {}
        if domain is not None:
            route["domain"] = _str("domain", domain)
        if path is not None:
            route["path"] = _str("path", path)
        payload["route"] = route
    if cache_http_responses is not None:
        if not isinstance(cache_http_responses, bool):
            raise InvalidArgument(
                f"cache_http_responses must be True or False, got {cache_http_responses!r}"
            )
        payload["cacheHttpResponses"] = cache_http_responses
    if tags is not None:
        payload["tags"] = _str_list("tags", tags)
    if custom_router is not None:
        if not isinstance(custom_router, Mapping) or not isinstance(custom_router.get("tag"), str):
            raise InvalidArgument(
                f"custom_router must be a mapping with a 'tag' (and optional env, port), got "
                f"{custom_router!r}"
            )
        payload["customRouter"] = dict(custom_router)


def create_body(
    name: str,
    repository: str,
    *,
    vendor: str,
    region: str,
    accelerator: str,
    instance_type: str,
    instance_size: str,
    framework: str = "pytorch",
    task: str | None = None,
    revision: str | None = None,
    type: str = "authenticated",
    account_id: str | None = None,
    min_replica: int = 1,
    max_replica: int = 1,
    scale_to_zero_timeout: int | None = None,
    scaling_metric: str | None = None,
    scaling_threshold: float | None = None,
    image: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
    args: Sequence[str] | None = None,
    domain: str | None = None,
    path: str | None = None,
    cache_http_responses: bool | None = None,
    tags: Sequence[str] | None = None,
    custom_router: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of ``POST /v2/endpoint/{namespace}``.

    Arguments are those of ``client.endpoints.create`` (see there).

    Returns:
        The JSON body.

    Raises:
        ValidationError: A bad name, repository id or field value; nothing is sent.

    Example:
        >>> body = create_body("my-ep", "gpt2", vendor="aws", region="us-east-1",
        ...                             accelerator="cpu", instance_type="intel-spr",
        ...                             instance_size="x2")
        >>> body["model"]["image"], body["compute"]["scaling"]
        ({'huggingface': {}}, {'maxReplica': 1, 'minReplica': 1, 'scaleToZeroTimeout': None})
    """
    validate_endpoint_name(name, for_create=True)
    try:
        validate_model_id(repository)
    except ValidationError:
        raise InvalidArgument(
            f"repository {repository!r} is not a Hub repository id such as 'org/name'"
        ) from None
    if account_id is not None:
        _str("account_id", account_id)
    model: dict[str, Any] = {
        "framework": _str("framework", framework),
        "repository": repository,
        "revision": None if revision is None else _str("revision", revision),
        "image": {"huggingface": {}} if image is None else normalize_image(image),
    }
    if task is not None:
        model["task"] = _str("task", task)
    _model_extras(model, env=env, secrets=secrets, command=command, args=args)
    payload: dict[str, Any] = {
        "accountId": account_id,
        "compute": {
            "accelerator": _str("accelerator", accelerator),
            "instanceSize": _str("instance_size", instance_size),
            "instanceType": _str("instance_type", instance_type),
            "scaling": _scaling(
                min_replica,
                max_replica,
                scale_to_zero_timeout,
                scaling_metric,
                scaling_threshold,
                create=True,
            ),
        },
        "model": model,
        "name": name,
        "provider": {"region": _str("region", region), "vendor": _str("vendor", vendor)},
        "type": _str("type", type),
    }
    _top_extras(
        payload,
        domain=domain,
        path=path,
        cache_http_responses=cache_http_responses,
        tags=tags,
        custom_router=custom_router,
    )
    return payload


def update_body(
    *,
    repository: str | None = None,
    framework: str | None = None,
    task: str | None = None,
    revision: str | None = None,
    type: str | None = None,
    account_id: str | None = None,
    accelerator: str | None = None,
    instance_type: str | None = None,
    instance_size: str | None = None,
    min_replica: int | None = None,
    max_replica: int | None = None,
    scale_to_zero_timeout: int | None = None,
    scaling_metric: str | None = None,
    scaling_threshold: float | None = None,
    image: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
    args: Sequence[str] | None = None,
    domain: str | None = None,
    path: str | None = None,
    cache_http_responses: bool | None = None,
    tags: Sequence[str] | None = None,
    custom_router: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of ``PUT /v2/endpoint/{namespace}/{name}``: only the fields given.

    ``None`` means "leave as is". Arguments are those of ``client.endpoints.update``.

    Returns:
        The JSON body (nested like the endpoint object).

    Raises:
        ValidationError: Nothing to change, or a field has a bad value; nothing is sent.

    Example:
        >>> update_body(max_replica=4, env={"MAX_MODEL_LEN": "32768"})
        {'compute': {'scaling': {'maxReplica': 4}}, 'model': {'env': {'MAX_MODEL_LEN': '32768'}}}
    """
    payload: dict[str, Any] = {}
    compute: dict[str, Any] = {}
    if accelerator is not None:
        compute["accelerator"] = _str("accelerator", accelerator)
    if instance_size is not None:
        compute["instanceSize"] = _str("instance_size", instance_size)
    if instance_type is not None:
        compute["instanceType"] = _str("instance_type", instance_type)
    scaling = _scaling(
        min_replica,
        max_replica,
        scale_to_zero_timeout,
        scaling_metric,
        scaling_threshold,
        create=False,
    )
    if scaling:
        compute["scaling"] = scaling
    if compute:
        payload["compute"] = compute
    model: dict[str, Any] = {}
    if framework is not None:
        model["framework"] = _str("framework", framework)
    if repository is not None:
        try:
            model["repository"] = validate_model_id(repository)
        except ValidationError:
            raise InvalidArgument(
                f"repository {repository!r} is not a Hub repository id such as 'org/name'"
            ) from None
    if revision is not None:
        model["revision"] = _str("revision", revision)
    if image is not None:
        model["image"] = normalize_image(image)
    if task is not None:
        model["task"] = _str("task", task)
    _model_extras(model, env=env, secrets=secrets, command=command, args=args)
    if model:
        payload["model"] = model
    if type is not None:
        payload["type"] = _str("type", type)
    if account_id is not None:
        payload["accountId"] = _str("account_id", account_id)
    _top_extras(
        payload,
        domain=domain,
        path=path,
        cache_http_responses=cache_http_responses,
        tags=tags,
        custom_router=custom_router,
    )
    if not payload:
        raise InvalidArgument("update needs at least one field to change")
    return payload
