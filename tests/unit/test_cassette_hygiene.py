"""Cassettes hold no secrets, keep vcrpy's shape, and recording filters the token.

Two halves: every committed YAML under ``cassettes/`` is checked as text and as data,
and the recording path of ``make_vcr(..., record=True)`` (what ``make record`` uses) is
exercised against an ``httpx2.MockTransport`` so we see what it would write.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml
from vcr.serializers import yamlserializer

from hf_inference_endpoints import HfInferenceClient

from ..conftest import CASSETTES, FAKE_TOKEN, make_vcr

TOKEN_SHAPE = re.compile(r"hf_[A-Za-z0-9]{10,}")
#: Where recordings may point: the router, the Hub API, the Inference Endpoints
#: management API and dedicated endpoints (WIRE §a, §f).
HF_HOSTS = re.compile(
    r"https://(router\.huggingface\.co|huggingface\.co/api|api\.endpoints\.huggingface\.cloud"
    r"|[a-z0-9]+\.[a-z0-9-]+\.[a-z]+\.endpoints\.huggingface\.cloud)/"
)
BODYLESS = frozenset({"GET", "DELETE", "POST"})
FILES = sorted(CASSETTES.rglob("*.yaml"))
IDS = [str(p.relative_to(CASSETTES)) for p in FILES]


def test_the_project_has_cassettes() -> None:
    assert {"chat", "text_generation", "errors"} <= {p.parent.name for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_cassette_has_vcrpy_shape(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["interactions"], "a cassette without interactions matches nothing"
    for interaction in data["interactions"]:
        assert set(interaction) == {"request", "response"}
        request, response = interaction["request"], interaction["response"]
        assert set(request) == {"body", "headers", "method", "uri"}
        assert set(response) == {"body", "headers", "status"}
        assert set(response["body"]) == {"string"}
        assert isinstance(response["status"]["code"], int)
        assert isinstance(response["status"]["message"], str)
        assert HF_HOSTS.match(request["uri"]), request["uri"]
        # The fixture's matcher compares bodies as JSON; GET/DELETE/actions send none;
        # a file task without options sends the raw file (WIRE §d.1), with its MIME type.
        if isinstance(request["body"], bytes):
            [content_type] = request["headers"]["content-type"]
            assert content_type.split("/")[0] in ("image", "audio", "video"), content_type
        elif request["body"] or request["method"] not in BODYLESS:
            assert isinstance(json.loads(request["body"]), dict)
        for headers in (request["headers"], response["headers"]):
            assert all(isinstance(v, list) and v for v in headers.values())
    # vcrpy's own (safe) loader reads it too.
    assert yamlserializer.deserialize(path.read_text(encoding="utf-8")) == data


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_cassette_holds_no_credentials(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for interaction in data["interactions"]:
        names = {name.lower() for name in interaction["request"]["headers"]}
        assert not names & {"authorization", "cookie", "x-hf-bill-to"}
    assert not [m for m in TOKEN_SHAPE.findall(text) if m != FAKE_TOKEN]
    # `WWW-Authenticate: Bearer realm=...` is a challenge, not a credential.
    assert not re.search(r"bearer\s+(?!realm=)\S", text, re.IGNORECASE)


def test_token_pattern_catches_what_it_should() -> None:
    assert TOKEN_SHAPE.findall("Authorization: Bearer hf_AbCdEfGhIjKlMn") == ["hf_AbCdEfGhIjKlMn"]
    assert TOKEN_SHAPE.findall("router.huggingface.co/hf-inference hf_inference") == []


SECRET = "hf_RealLookingSecret0123456789"


def _record(tmp_path: Path, send: Any) -> tuple[str, dict[str, Any], list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def server(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(
            200,
            json={"generated_text": " ok", "choices": []},
            headers={"x-request-id": "rec-1", "set-cookie": "session=abc"},
        )

    recorder = make_vcr(tmp_path, record=True)
    with recorder.use_cassette("recorded.yaml"):
        send(httpx2.Client(transport=httpx2.MockTransport(server)))
    text = (tmp_path / "recorded.yaml").read_text(encoding="utf-8")
    return text, yaml.safe_load(text), seen


def test_recording_filters_the_token_sent_by_our_client(tmp_path: Path) -> None:
    def send(http: httpx2.Client) -> None:
        with HfInferenceClient(
            default_provider="hf-inference", token=SECRET, bill_to="my-org", http_client=http
        ) as client:
            out = client.text_generation.generate(model="org/model", prompt="hi", max_new_tokens=1)
        assert out.generated_text == " ok"
        http.close()

    text, data, seen = _record(tmp_path, send)
    # vcrpy let the request through to the (mock) transport and recorded it once:
    # the `httpx` alias and the `httpx2` patchers do not both record it.
    assert len(seen) == 1
    assert seen[0].headers["authorization"] == f"Bearer {SECRET}"
    assert seen[0].headers["x-hf-bill-to"] == "my-org"
    [interaction] = data["interactions"]
    request = interaction["request"]
    assert request["uri"] == "https://router.huggingface.co/hf-inference/models/org/model"
    assert json.loads(request["body"]) == {"inputs": "hi", "parameters": {"max_new_tokens": 1}}
    names = {name.lower() for name in request["headers"]}
    assert "authorization" not in names
    assert "x-hf-bill-to" not in names
    assert "user-agent" in names  # headers are kept, only the sensitive ones go
    assert SECRET not in text
    assert "my-org" not in text
    assert interaction["response"]["headers"]["x-request-id"] == ["rec-1"]


def test_recording_drops_response_cookies(tmp_path: Path) -> None:
    def send(http: httpx2.Client) -> None:
        with http:
            http.post("https://router.huggingface.co/v1/chat/completions", json={"model": "m"})

    text, data, _ = _record(tmp_path, send)
    [interaction] = data["interactions"]
    assert "set-cookie" not in {name.lower() for name in interaction["response"]["headers"]}
    assert "session=abc" not in text


def test_recording_filters_any_header_case(tmp_path: Path) -> None:
    def send(http: httpx2.Client) -> None:
        with http:
            http.post(
                "https://example.invalid/v1/chat/completions",
                json={"model": "m"},
                headers={"AUTHORIZATION": f"Bearer {SECRET}", "Cookie": f"token={SECRET}"},
            )

    text, data, seen = _record(tmp_path, send)
    assert len(seen) == 1 and seen[0].headers["authorization"] == f"Bearer {SECRET}"
    assert len(data["interactions"]) == 1
    assert SECRET not in text
    assert not TOKEN_SHAPE.findall(text)


def test_a_recording_replays_without_the_transport(tmp_path: Path) -> None:
    def send(http: httpx2.Client) -> None:
        with HfInferenceClient(
            default_provider="hf-inference", token=SECRET, http_client=http
        ) as client:
            client.text_generation.generate(model="org/model", prompt="hi")
        http.close()

    _record(tmp_path, send)

    def unreachable(request: httpx2.Request) -> httpx2.Response:
        pytest.fail("replay must not call the transport")

    player = make_vcr(tmp_path, record=False)
    http = httpx2.Client(transport=httpx2.MockTransport(unreachable))
    with (
        player.use_cassette("recorded.yaml") as cass,
        http,
        HfInferenceClient(
            default_provider="hf-inference", token=FAKE_TOKEN, http_client=http
        ) as client,
    ):
        out = client.text_generation.generate(model="org/model", prompt="hi")
    assert cass.all_played
    assert out.generated_text == " ok"
    assert out.response_meta is not None and out.response_meta.request_id == "rec-1"
