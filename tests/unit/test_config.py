"""HfInferenceConfig: defaults, environment, validation, and a token that never shows."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from hf_inference_endpoints import ConfigurationError, HfInferenceConfig, Secret

TOKEN = "hf_supersecretvalue123"


def test_defaults_follow_the_spec() -> None:
    config = HfInferenceConfig()
    assert config.default_provider == "auto"  # as huggingface_hub and huggingface.js
    assert config.auto_wait_for_model is True
    assert config.cold_start_timeout == 300.0
    assert config.request_timeout == 120.0
    assert config.stream_timeout == 300.0
    assert config.max_retries == 3
    assert config.pool_size_per_host == 50
    assert config.max_embedding_cache_size == 100 * 1024 * 1024
    assert config.trace_sample_rate == 0.1
    assert config.router_url == "https://router.huggingface.co"


def test_from_env_reads_every_variable(tmp_path: Path) -> None:
    env = {
        "HF_TOKEN": TOKEN,
        "HF_DEFAULT_PROVIDER": "together",
        "HF_DEFAULT_NAMESPACE": "my-org",
        "HF_COLD_START_TIMEOUT": "42",
        "HF_REQUEST_TIMEOUT": "7.5",
        "HF_ENDPOINT": "http://127.0.0.1:1/hub/",
        "HF_ROUTER_URL": "http://127.0.0.1:1/router",
        "HF_ENDPOINTS_API_URL": "http://127.0.0.1:1/endpoints-api",
    }
    config = HfInferenceConfig.from_env(env)
    assert config.token_value == TOKEN
    assert config.default_provider == "together"
    assert config.default_namespace == "my-org"
    assert config.cold_start_timeout == 42.0
    assert config.request_timeout == 7.5
    assert config.hub_url == "http://127.0.0.1:1/hub"
    assert config.router_url == "http://127.0.0.1:1/router"
    assert config.endpoints_api_url == "http://127.0.0.1:1/endpoints-api"


def test_from_env_falls_back_to_the_token_file(tmp_path: Path) -> None:
    (tmp_path / "token").write_text(TOKEN + "\n")
    config = HfInferenceConfig.from_env({"HF_HOME": str(tmp_path)})
    assert config.token_value == TOKEN


def test_from_env_without_any_token(tmp_path: Path) -> None:
    config = HfInferenceConfig.from_env({"HF_HOME": str(tmp_path)})
    assert config.token is None


def test_overrides_win_over_env() -> None:
    config = HfInferenceConfig.from_env({"HF_TOKEN": TOKEN}, token="hf_other", max_retries=5)
    assert config.token_value == "hf_other"
    assert config.max_retries == 5


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("HF_COLD_START_TIMEOUT", "soon"),
        ("HF_REQUEST_TIMEOUT", "-1"),
        ("HF_REQUEST_TIMEOUT", "inf"),
        ("HF_ENDPOINT", "huggingface.co"),
        ("HF_ROUTER_URL", "ftp://x"),
    ],
)
def test_bad_environment_values_name_the_variable(var: str, value: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        HfInferenceConfig.from_env({var: value})
    assert var in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_retries", -1),
        ("max_retries", 1.5),
        ("pool_size_per_host", 0),
        ("trace_sample_rate", 2.0),
        ("retry_base_delay", -0.1),
        ("router_url", "not a url"),
        ("provider_rate_limits", {"together": 0}),
        ("default_provider", ""),
    ],
)
def test_bad_values_raise_configuration_error_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        HfInferenceConfig(**{field: value})  # type: ignore[arg-type]
    assert field.split("[")[0] in str(info.value)


def test_token_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    config = HfInferenceConfig(token=TOKEN)
    assert isinstance(config.token, Secret)
    assert TOKEN not in repr(config)
    assert TOKEN not in str(config)
    assert TOKEN not in repr(config.token) and TOKEN not in str(config.token)
    assert TOKEN not in f"{config.token}"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("test").info("config %s %r", config, config)
    assert TOKEN not in caplog.text
    with pytest.raises(TypeError):
        pickle.dumps(config.token)


def test_replace_validates_again() -> None:
    with pytest.raises(ConfigurationError):
        HfInferenceConfig().replace(max_retries=-3)
