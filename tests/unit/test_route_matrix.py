"""The provider x task matrix reads from one place: the helpers' ``routes`` tables.

What a provider serves (``helper.tasks``, the registry's ``find_helper``, the error listing
a provider's tasks) is the keys of its ``routes``; each row says where the task goes, how
its body is built and how its answer is read, and the helpers' methods only follow the
rows (no helper overrides a per-task method). Each test reads the registry, not a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hf_inference_endpoints import HfInferenceConfig, ModelNotAvailableOnProvider
from hf_inference_endpoints._routing.build import build_request
from hf_inference_endpoints._routing.providers import (
    find_helper,
    known_providers,
    registered,
)
from hf_inference_endpoints._routing.providers._base import ProviderHelper, Route
from hf_inference_endpoints._routing.targets import Target
from hf_inference_endpoints._tasks.registry import TASKS

#: A file input (a PNG header: every file task's builder takes bytes).
PNG = b"\x89PNG\r\n\x1a\n" + bytes(8)

#: Tasks served by their own services rather than a ``TASKS`` row.
SERVICE_TASKS = {"conversational", "text-generation", "feature-extraction", "sentence-similarity"}

#: The methods that would put a task's behaviour outside its row. A helper may override
#: provider-wide ones (``chat_payload``, ``base_url``, ``route`` by model id), not these.
PER_TASK_METHODS = (
    "payload",
    "response_kind",
    "parse_response",
    "advance",
    "accept",
    "headers",
    "url",
    "stream_format",
)


def _helpers() -> Iterator[ProviderHelper]:
    for name in known_providers():
        helper = registered(name)
        assert helper is not None, name
        yield helper


def _matrix() -> list[tuple[str, str]]:
    return [(h.name, task) for h in _helpers() for task in sorted(h.routes)]


def test_the_matrix_is_not_empty_and_names_every_registered_provider() -> None:
    matrix = _matrix()
    assert {name for name, _ in matrix} == set(known_providers())
    assert len(matrix) > 60  # 22 providers, hf-inference alone serves 35 tasks


@pytest.mark.parametrize("name", sorted(known_providers()))
def test_what_a_provider_serves_is_the_keys_of_its_routes(name: str) -> None:
    helper = registered(name)
    assert helper is not None
    assert helper.tasks == frozenset(helper.routes)
    for task in helper.routes:
        assert find_helper(name, task) is helper
    for task in (set(TASKS) | SERVICE_TASKS) - set(helper.routes):
        assert find_helper(name, task) is None, task


@pytest.mark.parametrize(("name", "task"), _matrix())
def test_every_row_has_a_path_a_body_builder_and_an_answer_reader(name: str, task: str) -> None:
    helper = registered(name)
    assert helper is not None
    route = helper.route_of(task)
    assert isinstance(route, Route)
    assert route.path.startswith("/"), route.path
    assert task in TASKS or task in SERVICE_TASKS, f"{name}: {task} is not a task the client knows"
    if isinstance(helper.routes[task], str):
        # a bare path: the template's body and answer, which are right for chat (OpenAI
        # fields, OpenAI answer) and for HF's own envelope only
        assert task == "conversational" or helper.hf_native, (name, task)
        return
    if task == "conversational":
        return
    # a third-party provider's wire shape is written down, body and answer both
    assert route.body is not None, (name, task)
    assert route.answer is not None or route.kind == "bytes" or helper.hf_native, (name, task)
    assert helper.response_kind(task) == route.kind
    assert helper.accept(task) == route.accept


@pytest.mark.parametrize("name", sorted(known_providers()))
def test_no_helper_branches_on_the_task_in_a_method(name: str) -> None:
    helper = registered(name)
    assert helper is not None
    overridden = [
        method
        for method in PER_TASK_METHODS
        if getattr(type(helper), method) is not getattr(ProviderHelper, method)
    ]
    assert overridden == [], f"{name} overrides {overridden}: put the task's behaviour in its Route"


@pytest.mark.parametrize(("name", "task"), _matrix())
def test_a_request_is_built_for_every_row_through_the_router(name: str, task: str) -> None:
    """The row is what build_request follows: the URL ends with the row's path."""
    helper = registered(name)
    assert helper is not None
    route = helper.route_of(task)
    spec = TASKS.get(task)
    body: dict[str, object] = (
        {"messages": [{"role": "user", "content": "hi"}]}
        if task == "conversational"
        else {"inputs": PNG if spec is not None and spec.media_kind else "hello"}
    )
    # an HF token where the router takes one; the provider's own key where it does not
    # (openai) or where HF no longer routes to it (docs/providers.md)
    token = "hf_token" if helper.accepts_hf_token and helper.routed else "sk-own-key"
    config = HfInferenceConfig(token=token, default_provider=name)
    target = Target(kind="provider", model="org/model", provider=name)
    request = build_request(config, target, task, body)
    path = route.path.replace("{model}", "org/model")
    assert request.url.split("?", 1)[0].endswith(path), request.url
    assert request.task == task
    assert request.context.provider == name
    if route.router_query and token.startswith("hf_"):
        assert request.url.endswith(route.router_query)


def test_the_unsupported_task_error_lists_the_routes_table() -> None:
    helper = registered("wavespeed")
    assert helper is not None
    config = HfInferenceConfig(token="hf_token", default_provider="wavespeed")
    target = Target(kind="provider", model="org/m", provider="wavespeed")
    with pytest.raises(ModelNotAvailableOnProvider) as caught:
        build_request(config, target, "summarization", {"inputs": "x"})
    for task in helper.routes:
        assert task in str(caught.value)
