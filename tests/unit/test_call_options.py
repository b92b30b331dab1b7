"""CallOptions (no I/O): merging, filling a call's keywords, and which methods take them."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, get_overloads

import pytest

import hf_inference_endpoints as hfie
from hf_inference_endpoints._options import (
    NO_OPTIONS,
    OPTION_NAMES,
    CallOptions,
    filling_class,
    split_overrides,
)

SERVICES = [
    "Audio",
    "Chat",
    "Documents",
    "Embeddings",
    "Images",
    "Text",
    "TextGeneration",
    "Video",
]


def test_a_newer_view_adds_to_the_options_and_merges_the_mappings() -> None:
    older = CallOptions(bill_to="a", timeout=3, extra_headers={"X-A": "1", "X-C": "old"})
    newer = CallOptions(timeout=5, extra_headers={"X-B": "2", "X-C": "new"})
    assert older.merged(newer) == CallOptions(
        bill_to="a", timeout=5, extra_headers={"X-A": "1", "X-C": "new", "X-B": "2"}
    )
    assert older.merged(NO_OPTIONS) is older  # nothing set: no new object


def test_fill_takes_only_what_the_call_left_out() -> None:
    options = CallOptions(provider="auto", timeout=9, extra_body={"seed": 1, "top_p": 0.5})
    kwargs = {"provider": None, "timeout": 2, "extra_body": {"seed": 7}}
    options.fill(kwargs, ("provider", "timeout", "extra_body", "bill_to"))
    assert kwargs == {"provider": "auto", "timeout": 2, "extra_body": {"seed": 7, "top_p": 0.5}}


def test_split_overrides_separates_options_from_retry_settings() -> None:
    options, settings = split_overrides(NO_OPTIONS, {"bill_to": "x", "max_retries": 0})
    assert options == CallOptions(bill_to="x") and settings == {"max_retries": 0}
    with pytest.raises(hfie.InvalidArgument, match="'router_url'"):
        split_overrides(NO_OPTIONS, {"router_url": "http://x"})


@pytest.mark.parametrize("twin", ["", "Async"])
@pytest.mark.parametrize("service", SERVICES)
def test_every_inference_method_takes_every_option_as_a_keyword_defaulting_to_none(
    service: str, twin: str
) -> None:
    cls = getattr(hfie, twin + service)
    view_cls = filling_class(cls)
    checked = 0
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_"):
            continue
        parameters = inspect.signature(member).parameters
        taken = [n for n in OPTION_NAMES if n in parameters]
        if not taken:
            continue
        checked += 1
        assert taken == list(OPTION_NAMES), f"{cls.__name__}.{name} lacks some options"
        for option in taken:
            parameter = parameters[option]
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, (name, option)
            assert parameter.default is None, (name, option)
        assert getattr(view_cls, name) is not member  # the view fills them in
    assert checked


def test_the_view_class_is_made_once_per_class_and_keeps_the_name() -> None:
    assert filling_class(hfie.Chat) is filling_class(hfie.Chat)
    assert filling_class(hfie.Chat).__name__ == "Chat"
    assert issubclass(filling_class(hfie.Chat), hfie.Chat)


def _declared_options(function: Any) -> dict[str, str]:
    """The call options ``function`` declares: ``name -> annotation`` (as written)."""
    parameters = inspect.signature(function).parameters
    shared = parameters.get("options")
    if shared is not None and shared.kind is inspect.Parameter.VAR_KEYWORD:
        assert shared.annotation == "Unpack[CallKeywords]", function.__qualname__
        return {field.name: str(field.type) for field in dataclasses.fields(CallOptions)}
    declared = {}
    for name in OPTION_NAMES:
        if name in parameters:
            parameter = parameters[name]
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, (function, name)
            assert parameter.default is None, (function.__qualname__, name)
            declared[name] = str(parameter.annotation)
    return declared


@pytest.mark.parametrize("twin", ["", "Async"])
@pytest.mark.parametrize("service", SERVICES)
def test_every_overload_takes_the_options_with_the_types_of_call_options(
    service: str, twin: str
) -> None:
    # an overload (explicit keywords, or **options: Unpack[CallKeywords]) that drops an
    # option or types it differently changes what mypy and IDEs accept for that shape
    cls = getattr(hfie, twin + service)
    types = {field.name: str(field.type) for field in dataclasses.fields(CallOptions)}
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or not _declared_options(member):
            continue
        assert _declared_options(member) == types, f"{cls.__name__}.{name}"
        for stub in get_overloads(member):
            assert _declared_options(stub) == types, f"{cls.__name__}.{name} (an overload)"
