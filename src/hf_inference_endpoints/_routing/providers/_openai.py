"""OpenAI-style request and answer shapes that many providers share (no I/O).

* completions (``text-generation``): ``{"prompt", ...params, "model"}`` ->
  ``choices[0].text``, returned as TGI's ``{"generated_text", "details"}``;
* embeddings (``feature-extraction``): ``{"input", "model"}`` -> ``data[].embedding``;
* images (``text-to-image``): ``{"prompt", "model", ...}`` -> ``data[0].b64_json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..._generation import tgi_finish_reason
from ._base import (
    ProviderHelper,
    RawBody,
    Route,
    b64decode,
    body_inputs,
    body_parameters,
    done,
    envelope,
    malformed,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "COMPLETIONS_DROPPED",
    "OPENAI_EMBEDDING_OPTIONS",
    "OpenAIChatEmbeddingsHelper",
    "b64_image",
    "completions_payload",
    "completions_route",
    "embeddings_payload",
    "embeddings_route",
    "parse_completion",
    "parse_embeddings",
    "size_from_width_height",
]

#: TGI-only text-generation parameters an OpenAI completions API does not take.
COMPLETIONS_DROPPED = frozenset(
    {
        "details",
        "decoder_input_details",
        "return_full_text",
        "watermark",
        "top_n_tokens",
        "do_sample",
    }
)


def completions_payload(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    """``{"prompt", ...params, "model"}``; ``max_new_tokens`` becomes ``max_tokens``.

    Example:
        >>> completions_payload("m", {"inputs": "Hi", "parameters": {"max_new_tokens": 5}})
        {'prompt': 'Hi', 'max_tokens': 5, 'model': 'm'}
    """
    body = envelope(body)
    params = body_parameters(body)
    payload: dict[str, Any] = {"prompt": body_inputs(body)}
    for key, value in params.items():
        if key in COMPLETIONS_DROPPED:
            continue
        payload["max_tokens" if key == "max_new_tokens" else key] = value
    if "stream" in body:
        payload["stream"] = body["stream"]
    payload["model"] = model_id
    return payload


def parse_completion(data: Any) -> dict[str, Any]:
    """``choices[0]`` of a completions answer as ``{"generated_text", "details"}``.

    The finish reason is given in TGI's words (``stop`` -> ``eos_token``) and
    ``generated_tokens`` comes from ``usage.completion_tokens``, as the streamed
    answer's last item gives them (``_generation.CompletionStreamParser``; left out
    without ``usage``). ``details`` is always filled here; the text-generation parser
    keeps it only when the caller asked for it (``_generation.text_generation_from_value``),
    as TGI.

    Example:
        >>> parse_completion({"choices": [{"text": " upon", "finish_reason": "stop"}]})
        {'generated_text': ' upon', 'details': {'finish_reason': 'eos_token', 'seed': None}}
    """
    try:
        choice = data["choices"][0]
        text = choice["text"]
    except (KeyError, IndexError, TypeError):
        raise malformed("choices[0].text", "present") from None
    details: dict[str, Any] = {
        "finish_reason": tgi_finish_reason(choice.get("finish_reason")),
        "seed": choice.get("seed"),
    }
    usage = data.get("usage") if isinstance(data, Mapping) else None
    if isinstance(usage, Mapping) and usage.get("completion_tokens") is not None:
        details["generated_tokens"] = usage["completion_tokens"]
    return {"generated_text": text, "details": details}


#: The embedding options an OpenAI-style API knows; the others are not sent by default.
OPENAI_EMBEDDING_OPTIONS = ("dimensions", "encoding_format")


def embeddings_payload(
    model_id: str,
    body: dict[str, Any] | RawBody,
    *,
    with_parameters: bool = True,
    options: tuple[str, ...] | None = OPENAI_EMBEDDING_OPTIONS,
) -> dict[str, Any]:
    """``{"input", "model", ...}`` from a feature-extraction envelope.

    feature-extraction options sit at the envelope's top level (``normalize``,
    ``truncate``, ``dimensions``...) or in ``parameters``; the OpenAI-style APIs only
    know ``dimensions`` and ``encoding_format``, which are kept (``options=None`` keeps
    every option, for a provider that takes TEI's too). ``model`` is always the mapped id.
    """
    body = envelope(body)
    payload: dict[str, Any] = {"input": body_inputs(body)}
    if with_parameters:
        given = {**body_parameters(body), **{k: v for k, v in body.items() if v is not None}}
        given.pop("inputs", None)
        given.pop("parameters", None)
        for key, value in given.items():
            if options is None or key in options:
                payload[key] = value
    payload["model"] = model_id
    return payload


def parse_embeddings(data: Any) -> list[list[float]]:
    """``data[].embedding`` in input order (sorted by ``index`` when present).

    The one reader of OpenAI-style embeddings answers: provider helpers and
    ``client.embeddings`` (whose answers may come from any server) both use it.

    Raises:
        ServerError: ``data`` is not a list of objects with a list ``embedding``.
    """
    items = data.get("data") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise malformed("'data'", "a list of embeddings")
    if not all(isinstance(item, Mapping) for item in items):
        raise malformed("an entry of 'data'", "an object with an 'embedding' list")
    ordered = sorted(items, key=lambda item: int(item.get("index", 0) or 0))
    vectors = [item.get("embedding") for item in ordered]
    if any(not isinstance(v, list) for v in vectors):
        raise malformed("an entry of 'data'", "an object with an 'embedding' list")
    return vectors  # type: ignore[return-value]


def b64_image(data: Any, what: str = "data[0].b64_json") -> bytes:
    """The image bytes of an OpenAI-style images answer (``data[0].b64_json``)."""
    try:
        value = data["data"][0]["b64_json"]
    except (KeyError, IndexError, TypeError):
        raise malformed(what, "present") from None
    return b64decode(value, what)


def size_from_width_height(params: dict[str, Any]) -> str | None:
    """Pop ``width``/``height`` and return ``"WxH"`` when both were given."""
    if "width" in params and "height" in params:
        return f"{params.pop('width')}x{params.pop('height')}"
    return None


def completions_route(path: str) -> Route:
    """text-generation on an OpenAI completions API: :func:`completions_payload` sent,
    :func:`parse_completion` read (TGI's ``{"generated_text", "details"}``)."""
    return Route(path, body=completions_payload, answer=done(parse_completion))


def _embeddings_without_parameters(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return embeddings_payload(model_id, body, with_parameters=False)


def _embeddings_with_every_option(model_id: str, body: dict[str, Any] | RawBody) -> dict[str, Any]:
    return embeddings_payload(model_id, body, options=None)


def embeddings_route(
    path: str, *, with_parameters: bool = True, every_option: bool = False
) -> Route:
    """feature-extraction on an OpenAI embeddings API: ``{"input", "model"}`` (with
    ``dimensions``/``encoding_format`` unless ``with_parameters=False``; with every option
    the caller gave, TEI's too, when ``every_option``) -> ``data[].embedding``."""
    if every_option:
        body = _embeddings_with_every_option
    else:
        body = embeddings_payload if with_parameters else _embeddings_without_parameters
    return Route(path, body=body, answer=done(parse_embeddings))


class OpenAIChatEmbeddingsHelper(ProviderHelper):
    """A provider that speaks plain OpenAI chat and embeddings: set ``name`` and ``direct_url``.

    Chat goes to ``/v1/chat/completions`` unchanged; feature-extraction to
    ``/v1/embeddings`` as ``{"input", "model"}``, answered by ``data[].embedding``.
    """

    routes: ClassVar[Mapping[str, str | Route]] = {
        "conversational": "/v1/chat/completions",
        "feature-extraction": embeddings_route("/v1/embeddings"),
    }
