"""The examples in the docstrings of the limit, token and bulk modules run (and hold)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "hf_inference_endpoints._ratelimit",
        "hf_inference_endpoints._tokens",
        "hf_inference_endpoints._adaptive",
        "hf_inference_endpoints._bulk",
        "hf_inference_endpoints.emulator.ratelimit",
    ],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
