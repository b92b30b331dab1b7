"""Hostile input that needs no server: local files, config reprs, the redaction rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from hf_inference_endpoints import BinaryResult, HfError, HfInferenceConfig, InvalidArgument
from hf_inference_endpoints._redact import remember_secret, safe_url, scrub, scrub_value


def test_saving_into_a_missing_folder_is_an_invalid_argument_naming_the_path(
    tmp_path: Path,
) -> None:
    target = tmp_path / "missing" / "fox.png"
    with pytest.raises(InvalidArgument, match=r"missing/fox\.png") as caught:
        BinaryResult(b"\x89PNG\r\n\x1a\n", "image/png").save(target)  # FileNotFoundError before
    assert isinstance(caught.value.__cause__, FileNotFoundError)
    assert not target.parent.exists()


def test_saving_under_a_file_is_an_invalid_argument(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(InvalidArgument, match="Cannot save the result"):
        BinaryResult(b"abc", "audio/wav").save(tmp_path / "file" / "out.wav")


def test_config_repr_shows_no_url_credentials() -> None:
    config = HfInferenceConfig(router_url="https://bob:hunter2hunter2@proxy.example/route?k=v")
    text = repr(config)
    assert "router_url='https://proxy.example/route'" in text
    assert "hunter2" not in text and "bob" not in text and "k=v" not in text
    assert config.router_url.startswith("https://bob:")  # the real value is kept for requests


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://h/p", "https://h/p"),
        ("https://u:p@h:8443/p/q?x=1#f", "https://h:8443/p/q"),
        ("http://user@h", "http://h"),
        ("http://h/p?token=abc", "http://h/p"),
        ("http://h/a@b", "http://h/a@b"),  # an @ in the path is not userinfo
        ("http://u:p@ss@h/x", "http://h/x"),  # an unescaped @ in the password
    ],
)
def test_safe_url_keeps_scheme_host_port_and_path(url: str, safe: str) -> None:
    assert safe_url(url) == safe


def test_scrub_masks_remembered_secrets_and_urls_in_any_text() -> None:
    remember_secret("hf_scrub_test_token_0001")
    remember_secret("short")  # too short to remember: would mangle ordinary words
    text = "bad hf_scrub_test_token_0001 at 'https://a:b@h/x?k=v' (short)"
    assert scrub(text) == "bad *** at 'https://h/x' (short)"
    body = {"error": ["hf_scrub_test_token_0001"], "hf_scrub_test_token_0001": 1, "n": 2}
    assert scrub_value(body) == {"error": ["***"], "***": 1, "n": 2}


def test_an_error_built_anywhere_is_scrubbed() -> None:
    remember_secret("hf_scrub_test_token_0002")
    err = HfError(
        "failed for http://me:pw@h/x?sig=1 with hf_scrub_test_token_0002",
        endpoint="http://me:pw@h/x?sig=1",
        server_message="echo hf_scrub_test_token_0002",
        body=b"raw hf_scrub_test_token_0002",
        request_id="hf_scrub_test_token_0002",
    )
    assert err.message == "failed for http://h/x with ***"
    assert err.endpoint == "http://h/x"
    assert err.server_message == "echo ***"
    assert err.body == b"raw ***"
    err.endpoint = "https://x:y@other/path?q=1"  # set later, as the transport does
    assert err.endpoint == "https://other/path"
    assert "hf_scrub_test_token_0002" not in str(err) and "pw" not in repr(err)


def test_a_secret_that_contains_another_is_masked_whole() -> None:
    remember_secret("sk-overlap-key")
    remember_secret("sk-overlap-key-longer-one")
    assert scrub("got sk-overlap-key-longer-one and sk-overlap-key") == "got *** and ***"
