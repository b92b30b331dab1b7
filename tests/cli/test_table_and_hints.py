"""hfie's answer tables and error hints, without a server."""

from __future__ import annotations

import pytest

from hf_inference_endpoints._errors import (
    AuthenticationError,
    ConfigurationError,
    EndpointFailed,
    EndpointPaused,
    HfError,
    ModelNotAvailableOnProvider,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ValidationError,
)
from hf_inference_endpoints.cli._errors import exit_code, explain
from hf_inference_endpoints.cli._table import answer_table


@pytest.mark.parametrize(
    ("answer", "table"),
    [
        ({"answer": "42", "score": 0.5}, "ANSWER  SCORE\n42      0.5"),
        ("plain text", "VALUE\nplain text"),
        ([], "(empty answer)"),
        ([1, 2], "VALUE\n1\n2"),
        (
            [[{"label": "a", "score": 0.25}], [{"label": "b", "score": 1.0}]],
            "INPUT  LABEL  SCORE\n0      a      0.25\n1      b      1",
        ),
        (
            [[0.1, 0.2, 0.3, 0.4], [1.0, 2.0]],
            "INPUT  DIMENSIONS  VALUES\n0      4           [0.1, 0.2, 0.3, …]\n1      2           [1, 2]",
        ),
        (
            [{"label": "x", "box": {"xmin": 0}, "ok": True, "none": None}],
            'LABEL  BOX         OK    NONE\nx      {"xmin":0}  true  -',
        ),
        ({"text": "line one\nline two"}, "TEXT\nline one line two"),
    ],
)
def test_answers_become_tables(answer: object, table: str) -> None:
    assert answer_table(answer) == table


def test_long_cells_are_cut() -> None:
    (_, row) = answer_table({"text": "x" * 100}).splitlines()
    assert len(row) == 60 and row.endswith("…")


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (EndpointFailed("it failed", endpoint="me/ep"), "see why with: hfie endpoints get me/ep"),
        (PermissionDenied("no"), "the token lacks a permission for this"),
        (
            ModelNotAvailableOnProvider("no", available_on=("groq", "together")),
            "try --provider groq (serves it: groq, together)",
        ),
        (ModelNotAvailableOnProvider("no"), "try --provider auto"),
        (NotFound("gone", endpoint="me/ep"), "list your endpoints with: hfie endpoints list"),
        (RateLimited("slow", retry_after=3.0), "rate limited: run it again in 3 s"),
        (RateLimited("slow"), "rate limited: run it again later"),
        (RequestTimeout("late"), "allow more time with --timeout SECONDS"),
        (NetworkError("down"), "check the address"),
        (ConfigurationError("bad"), "check the HF_* environment variables"),
        (AuthenticationError("who"), "set HF_TOKEN or pass --token"),
    ],
)
def test_every_error_kind_gets_an_hfie_hint(error: HfError, hint: str) -> None:
    lines = explain(error)
    assert lines[0].startswith(f"error: {type(error).__name__}: ")
    assert lines[1].startswith(f"hint: {hint}")


def test_python_advice_is_cut_and_where_is_kept() -> None:
    error = EndpointPaused(
        "Endpoint me/ep is paused; resume it (client.endpoints.resume) or set "
        "auto_resume_paused=True",
        endpoint="me/ep",
    )
    assert explain(error) == [
        "error: EndpointPaused: Endpoint me/ep is paused (endpoint me/ep)",
        "hint: resume it with: hfie endpoints resume me/ep",
    ]
    assert explain(HfError("plain")) == ["error: HfError: plain"]


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "not served by groq; it is available for chat on: together (pass provider=... or 'auto')",
            "not served by groq; it is available for chat on: together (pass --provider NAME or 'auto')",
        ),
        (
            "model is a URL, so provider='together' cannot apply; pass one or the other",
            "model is a URL, so --provider together cannot apply; pass one or the other",
        ),
        ("pass another provider or provider='auto'", "pass another provider or --provider auto"),
    ],
)
def test_python_keywords_read_as_hfie_options(message: str, shown: str) -> None:
    assert explain(ValidationError(message))[0] == f"error: ValidationError: {shown}"


def test_exit_codes_by_kind() -> None:
    assert exit_code(ValidationError("bad")) == 2
    assert exit_code(NetworkError("down")) == 1
    assert exit_code(KeyboardInterrupt()) == 130
