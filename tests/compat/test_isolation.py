"""The compat lane does not depend on what ran before it in the session.

huggingface_hub reads ``HF_ENDPOINT`` and friends into ``huggingface_hub.constants`` when it
is first imported; the docs lane imports it with ``HF_ENDPOINT`` pointing at its own
emulator. ``hub_env`` evaluates the constants again for each test
(``.venv/bin/python -m pytest tests/docs tests/compat -p no:randomly`` passes).
"""

from __future__ import annotations

import pytest

from .conftest import hub_constants_from_env

constants = pytest.importorskip("huggingface_hub.constants")


def test_constants_read_at_import_follow_this_tests_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stale = "http://127.0.0.1:9/an-emulator-of-an-earlier-test"
    monkeypatch.setattr(constants, "ENDPOINT", stale)  # as an earlier import left it
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", stale + "/{repo_id}")
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    hub_constants_from_env(monkeypatch)
    assert constants.ENDPOINT == "https://huggingface.co"
    assert constants.HUGGINGFACE_CO_URL_TEMPLATE.startswith("https://huggingface.co/")


def test_the_hub_env_fixture_applies_it(hub_env: None) -> None:
    assert constants.ENDPOINT == "https://huggingface.co"
    assert constants.INFERENCE_PROXY_TEMPLATE == "https://router.huggingface.co/{provider}"
