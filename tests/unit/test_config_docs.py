"""The configuration reference is generated from the config class and its env vars."""

from __future__ import annotations

import dataclasses

import pytest

from codegen.config_docs import END, PAGE, START, attribute_docs, reference_table, render_page
from hf_inference_endpoints._config import ENV_VARS, HfInferenceConfig


def test_every_field_is_documented_in_the_class_docstring() -> None:
    fields = {f.name for f in dataclasses.fields(HfInferenceConfig)}
    assert set(attribute_docs(HfInferenceConfig)) == fields


def test_the_table_has_a_row_per_field_with_default_and_variable() -> None:
    table = reference_table()
    rows = table.splitlines()[2:]
    assert len(rows) == len(dataclasses.fields(HfInferenceConfig))
    request_timeout = next(r for r in rows if r.startswith("| `request_timeout` |"))
    assert "`120.0`" in request_timeout and "`HF_REQUEST_TIMEOUT`" in request_timeout
    assert "(256 MiB)" in next(r for r in rows if r.startswith("| `max_response_bytes` |"))
    for var, name in ENV_VARS.items():
        assert f"`{var}`" in next(r for r in rows if r.startswith(f"| `{name}` |"))


def test_render_replaces_only_between_the_markers() -> None:
    page = f"# Title\n\nintro\n\n{START}\nold table\n{END}\n\noutro\n"
    rendered = render_page(page)
    assert rendered.startswith("# Title\n\nintro\n\n")
    assert rendered.endswith(f"{END}\n\noutro\n")
    assert "old table" not in rendered and reference_table() in rendered
    assert render_page(rendered) == rendered


def test_a_page_without_markers_is_an_error() -> None:
    with pytest.raises(ValueError, match="markers"):
        render_page("# nothing here\n")


def test_the_committed_page_is_current() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert render_page(text) == text
