"""Create / update bodies are what the API expects (WIRE §f.5), and bad values never leave."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hf_inference_endpoints import ValidationError
from hf_inference_endpoints._endpoints import (
    create_body,
    image_spec,
    image_with_parallelism,
    normalize_image,
    update_body,
)
from hf_inference_endpoints.models import EndpointCreateRequest, EndpointUpdateRequest

from ..conftest import SHARED

EXAMPLES = SHARED / "endpoint-examples"

VLLM_IMAGE = {
    "vLLM": {
        "url": "vllm/vllm-openai:v0.23.0",
        "port": 8000,
        "healthRoute": "/health",
        "tensorParallelSize": 1,
    }
}

#: The create body of a scale-to-zero vLLM chat endpoint, shaped as in WIRE §f.5.
EXPECTED_CREATE: dict[str, Any] = {
    "accountId": None,
    "compute": {
        "accelerator": "gpu",
        "instanceSize": "x1",
        "instanceType": "nvidia-l4",
        "scaling": {
            "maxReplica": 2,
            "minReplica": 0,
            "scaleToZeroTimeout": 30,
            "measure": {"pendingRequests": 1.5},
        },
    },
    "model": {
        "framework": "pytorch",
        "repository": "Qwen/Qwen2.5-7B-Instruct",
        "revision": None,
        "image": VLLM_IMAGE,
        "task": "text-generation",
        "env": {"MAX_MODEL_LEN": "16384"},
        "secrets": {"MY_API_SECRET": "s3cr3t-value"},
    },
    "name": "qwen2-5-7b-instruct-vllm",
    "provider": {"region": "us-east-1", "vendor": "aws"},
    "type": "authenticated",
    "tags": ["llm", "staging"],
}

EXPECTED_UPDATE: dict[str, Any] = {
    "compute": {
        "instanceType": "nvidia-l40s",
        "scaling": {"maxReplica": 4, "scaleToZeroTimeout": 60},
    },
    "model": {"image": VLLM_IMAGE, "env": {"MAX_MODEL_LEN": "32768"}},
}


def vllm_create() -> dict[str, Any]:
    return create_body(
        "qwen2-5-7b-instruct-vllm",
        "Qwen/Qwen2.5-7B-Instruct",
        vendor="aws",
        region="us-east-1",
        accelerator="gpu",
        instance_type="nvidia-l4",
        instance_size="x1",
        task="text-generation",
        min_replica=0,
        max_replica=2,
        scale_to_zero_timeout=30,
        scaling_metric="pendingRequests",
        scaling_threshold=1.5,
        image=image_spec(
            "vllm",
            "vllm/vllm-openai:v0.23.0",
            port=8000,
            health_route="/health",
            tensor_parallel_size=1,
        ),
        env={"MAX_MODEL_LEN": "16384"},
        secrets={"MY_API_SECRET": "s3cr3t-value"},
        tags=["llm", "staging"],
    )


def vllm_update() -> dict[str, Any]:
    return update_body(
        instance_type="nvidia-l40s",
        max_replica=4,
        scale_to_zero_timeout=60,
        image=VLLM_IMAGE,
        env={"MAX_MODEL_LEN": "32768"},
    )


def test_create_body_matches_the_wire_shape() -> None:
    body = vllm_create()
    assert body == EXPECTED_CREATE
    # key order as HUB sends it (a human reading a captured request sees the same thing)
    assert list(body) == ["accountId", "compute", "model", "name", "provider", "type", "tags"]
    EndpointCreateRequest.model_validate(body)  # and our own schema accepts it


def test_update_body_has_only_what_changed() -> None:
    body = vllm_update()
    assert body == EXPECTED_UPDATE
    EndpointUpdateRequest.model_validate(body)


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/reference/endpoint-examples absent")
def test_bodies_equal_the_reference_examples() -> None:
    create = json.loads((EXAMPLES / "create-request-example.json").read_text())
    update = json.loads((EXAMPLES / "update-request-example.json").read_text())
    assert vllm_create() == create
    assert vllm_update() == update


def test_create_defaults_are_hubs() -> None:
    body = create_body(
        "my-ep",
        "gpt2",
        vendor="aws",
        region="us-east-1",
        accelerator="cpu",
        instance_type="intel-spr",
        instance_size="x2",
    )
    assert body == {
        "accountId": None,
        "compute": {
            "accelerator": "cpu",
            "instanceSize": "x2",
            "instanceType": "intel-spr",
            "scaling": {"maxReplica": 1, "minReplica": 1, "scaleToZeroTimeout": None},
        },
        "model": {
            "framework": "pytorch",
            "repository": "gpt2",
            "revision": None,
            "image": {"huggingface": {}},
        },
        "name": "my-ep",
        "provider": {"region": "us-east-1", "vendor": "aws"},
        "type": "authenticated",
    }
    assert "task" not in body["model"]  # not nullable server-side: left out


def test_create_with_every_optional_field() -> None:
    body = create_body(
        "priv",
        "ProsusAI/finbert",
        vendor="aws",
        region="us-east-1",
        accelerator="cpu",
        instance_type="intel-spr",
        instance_size="x2",
        framework="custom",
        revision="4556d13015211d73dccd3fdd39d39232506f3e43",
        type="private",
        account_id="123456789012",
        command=["python", "serve.py"],
        args=["--port", "80"],
        domain="api.example.com",
        path="/finbert",
        cache_http_responses=False,
        custom_router={"tag": "router:1", "port": 3000},
        image=image_spec(
            "custom",
            "registry.example/finbert:1",
            port=80,
            username="u",
            password="p",
            env={"A": "1"},
        ),
    )
    assert body["accountId"] == "123456789012"
    assert body["type"] == "private"
    assert body["model"]["framework"] == "custom"
    assert body["model"]["revision"] == "4556d13015211d73dccd3fdd39d39232506f3e43"
    assert body["model"]["command"] == ["python", "serve.py"]
    assert body["model"]["args"] == ["--port", "80"]
    assert body["model"]["image"] == {
        "custom": {
            "url": "registry.example/finbert:1",
            "port": 80,
            "env": {"A": "1"},
            "credentials": {"username": "u", "password": "p"},
        }
    }
    assert body["route"] == {"domain": "api.example.com", "path": "/finbert"}
    assert body["cacheHttpResponses"] is False
    assert body["customRouter"] == {"tag": "router:1", "port": 3000}
    EndpointCreateRequest.model_validate(body)


@pytest.mark.parametrize(
    ("variant", "key"),
    [
        ("tgi", "tgi"),
        ("TGI", "tgi"),
        ("tgi_neuron", "tgiNeuron"),
        ("tei", "tei"),
        ("vllm", "vLLM"),
        ("vLLM", "vLLM"),
        ("vllm-neuron", "vLLMNeuron"),
        ("sglang", "sGLang"),
        ("llamacpp", "llamacpp"),
        ("hf_serve", "hfServe"),
        ("custom", "custom"),
        ("someFutureEngine", "someFutureEngine"),
    ],
)
def test_image_variants(variant: str, key: str) -> None:
    assert image_spec(variant, "img:1") == {key: {"url": "img:1"}}


def test_engine_options_pass_through() -> None:
    assert image_spec("vllm", "v:1", data_parallel_size=2, maxNumSeqs=64) == {
        "vLLM": {"url": "v:1", "dataParallelSize": 2, "maxNumSeqs": 64}
    }


def test_huggingface_image_takes_no_settings() -> None:
    assert image_spec("huggingface") == {"huggingface": {}}
    with pytest.raises(ValidationError, match="takes no settings"):
        image_spec("huggingface", "img:1")


def test_snake_case_image_keys_become_camel_case() -> None:
    # the API silently drops `health_route` (WIRE §f.3): fix it instead of losing it
    assert normalize_image(
        {"tgi": {"url": "t:1", "health_route": "/h", "tensor_parallel_size": 2}}
    ) == {"tgi": {"url": "t:1", "healthRoute": "/h", "tensorParallelSize": 2}}


@pytest.mark.parametrize(
    "image",
    [
        {},
        {"tgi": {"url": "a"}, "tei": {"url": "b"}},
        {"tgi": "url"},
        {"tgi": {}},
        {"vllm": {"url": ""}},
    ],
)
def test_bad_images(image: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        normalize_image(image)


def test_credentials_need_both_halves() -> None:
    with pytest.raises(ValidationError, match="both username and password"):
        image_spec("custom", "r/i:1", username="u")


def test_parallelism_resends_the_whole_image_without_credentials() -> None:
    current = {
        "vLLM": {
            "url": "vllm/vllm-openai:v0.23.0",
            "port": 8000,
            "healthRoute": "/health",
            "tensorParallelSize": 1,
            "credentials": {"username": "u", "password": "***"},
            "env": None,
        }
    }
    assert image_with_parallelism(current, tensor_parallel_size=2, data_parallel_size=None) == {
        "vLLM": {
            "url": "vllm/vllm-openai:v0.23.0",
            "port": 8000,
            "healthRoute": "/health",
            "tensorParallelSize": 2,
        }
    }
    with pytest.raises(ValidationError, match="no parallelism"):
        image_with_parallelism({"huggingface": {}}, tensor_parallel_size=2, data_parallel_size=None)
    with pytest.raises(ValidationError):
        image_with_parallelism(None, tensor_parallel_size=2, data_parallel_size=None)


BASE = {
    "vendor": "aws",
    "region": "us-east-1",
    "accelerator": "cpu",
    "instance_type": "intel-spr",
    "instance_size": "x2",
}


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"min_replica": -1}, "min_replica"),
        ({"max_replica": 0}, "max_replica"),
        ({"min_replica": 3, "max_replica": 2}, "must not be greater"),
        ({"min_replica": True}, "min_replica"),
        ({"max_replica": "2"}, "max_replica"),
        ({"scale_to_zero_timeout": 0}, "scale_to_zero_timeout"),
        ({"scale_to_zero_timeout": 1.5}, "scale_to_zero_timeout"),
        ({"scaling_metric": "pendingRequests"}, "go together"),
        ({"scaling_metric": "pendingRequests", "scaling_threshold": "2"}, "number"),
        ({"env": {"A": 1}}, "env['A'] must be a string"),
        ({"secrets": ["A"]}, "secrets must be a mapping"),
        ({"tags": "llm"}, "tags must be a list"),
        ({"tags": ["ok", 3]}, "tags must be a list"),
        ({"vendor": ""}, "vendor"),
        ({"region": None}, "region"),
        ({"cache_http_responses": "yes"}, "cache_http_responses"),
        ({"custom_router": {"port": 3000}}, "custom_router"),
        ({"command": "python serve.py"}, "command"),
    ],
)
def test_bad_create_values_never_leave(changes: dict[str, Any], said: str) -> None:
    with pytest.raises(ValidationError) as info:
        create_body("my-ep", "gpt2", **{**BASE, **changes})
    assert said in str(info.value)


@pytest.mark.parametrize("name", ["My-Ep", "my_ep", "x" * 33, "my ep", "a/b"])
def test_create_checks_the_name(name: str) -> None:
    with pytest.raises(ValidationError):
        create_body(name, "gpt2", **BASE)


@pytest.mark.parametrize("repository", ["", "a/b/c", "../etc", "org/na me"])
def test_create_checks_the_repository(repository: str) -> None:
    with pytest.raises(ValidationError, match="repository"):
        create_body("my-ep", repository, **BASE)


def test_update_needs_something() -> None:
    with pytest.raises(ValidationError, match="at least one field"):
        update_body()


def test_update_nests_like_the_object() -> None:
    assert update_body(min_replica=0) == {"compute": {"scaling": {"minReplica": 0}}}
    assert update_body(scaling_metric="hardwareUsage", scaling_threshold=80) == {
        "compute": {"scaling": {"measure": {"hardwareUsage": 80}}}
    }
    assert update_body(accelerator="gpu", instance_size="x4") == {
        "compute": {"accelerator": "gpu", "instanceSize": "x4"}
    }
    assert update_body(repository="org/m", revision="abc", task="text-generation") == {
        "model": {"repository": "org/m", "revision": "abc", "task": "text-generation"}
    }
    assert update_body(path="/v2") == {"route": {"path": "/v2"}}
    assert update_body(tags=[]) == {"tags": []}
    assert update_body(cache_http_responses=True) == {"cacheHttpResponses": True}
    assert update_body(type="public", account_id="1") == {
        "type": "public",
        "accountId": "1",
    }
    assert update_body(command=["a"], args=["b"], secrets={"S": "x"}, framework="custom") == {
        "model": {"framework": "custom", "secrets": {"S": "x"}, "command": ["a"], "args": ["b"]}
    }
    # scaleToZeroTimeout is only sent when changed (create sends null)
    assert "scaleToZeroTimeout" not in update_body(max_replica=2)["compute"]["scaling"]
