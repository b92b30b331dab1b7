"""SPEC §5.2 INT-010..015 against the emulator over real sockets, on both twins.

INT-010 endpoint listing, INT-011 endpoint info, INT-012 inference on a dedicated
endpoint, INT-013 pause/resume, INT-014 scale-to-zero wake-up, INT-015 endpoint cache
validation. The emulator runs 1000x faster than life (``time_scale=0.001``) and its
clock can be pushed forward (:class:`SkipClock`) instead of sleeping.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    AuthenticationError,
    Conflict,
    EndpointFailed,
    EndpointPaused,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from hf_inference_endpoints._endpoints import WaitProgress
from hf_inference_endpoints.emulator import EmulatorSettings, running_emulator
from hf_inference_endpoints.emulator.endpoints_api import store_of
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX

TOKEN = "hf_emulator_endpoints_token"
USER, ORG = "emulator-user", "emulator-org"
MESSAGES = [{"role": "user", "content": "Say hello"}]
HARDWARE = {
    "vendor": "aws",
    "region": "us-east-1",
    "accelerator": "cpu",
    "instance_type": "intel-spr",
    "instance_size": "x2",
}


class SkipClock:
    """The emulator's clock: real monotonic time plus simulated jumps (no test sleeps)."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def skip(self, simulated_seconds: float) -> None:
        self.offset += simulated_seconds * self.scale


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    settings = EmulatorSettings(time_scale=0.001, valid_tokens=frozenset({TOKEN}))
    with running_emulator(settings) as handle:
        handle.state.clock = SkipClock(settings.time_scale)
        yield handle


@pytest.fixture(autouse=True)
def fresh(emu: Any) -> SkipClock:
    """Every test starts with no endpoints."""
    emu.reset()
    clock: SkipClock = emu.state.clock
    return clock


class Wire:
    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> None:
        self.requests.append(request)

    def lookups(self, name: str) -> int:
        return sum(
            1
            for r in self.requests
            if r.method == "GET" and str(r.url).endswith(f"/v2/endpoint/{USER}/{name}")
        )

    def to(self, fragment: str) -> list[httpx2.Request]:
        return [r for r in self.requests if fragment in str(r.url)]


@asynccontextmanager
async def client_for(
    emu: Any, wire: Wire | None = None, **config: Any
) -> AsyncIterator[AsyncHfInferenceClient]:
    """A client on the emulator (its requests seen by ``wire``), polling every few ms."""
    hooks: dict[str, Any] = {"request": [wire]} if wire is not None else {}
    async with (
        httpx2.AsyncClient(event_hooks=hooks) as http,
        AsyncHfInferenceClient(
            http_client=http,
            hub_url=emu.hub_url,
            router_url=emu.router_url,
            endpoints_api_url=emu.endpoints_api_url,
            retry_base_delay=0.01,
            cold_start_timeout=120.0,
            **{"default_provider": "hf-inference", "token": TOKEN, **config},
        ) as client,
    ):
        client.endpoints.poll_interval = 0.002
        client.endpoints.max_poll_interval = 0.01
        yield client


async def deploy(client: AsyncHfInferenceClient, name: str, **options: Any) -> None:
    await client.endpoints.create(name, "HuggingFaceTB/SmolLM3-3B", **{**HARDWARE, **options})
    await client.endpoints.wait(name, timeout=10)


@pytest.mark.anyio
async def test_listing_every_namespace_the_token_sees(emu: Any, no_env: None) -> None:
    store_of(emu.state).page_size = 2  # the user's three endpoints take two pages
    wire = Wire()
    async with client_for(emu, wire) as client:
        for name in ("mine-a", "mine-b", "mine-c"):
            await client.endpoints.create(name, "gpt2", **HARDWARE)
        await client.endpoints.create(f"{ORG}/org-a", "gpt2", **HARDWARE)
        wire.requests.clear()
        lazy = client.endpoints.iter("*")
        assert wire.requests == []  # nothing is sent before the iteration starts
        first = await lazy.__anext__()
        assert [r.url.path.rsplit("/", 1)[-1] for r in wire.requests] == ["whoami-v2", USER]
        rest = [ep async for ep in lazy]
        everything = await client.endpoints.list(namespace="*")
    seen = [(ep.namespace, ep.name) for ep in [first, *rest]]
    expected = [(USER, "mine-a"), (USER, "mine-b"), (USER, "mine-c"), (ORG, "org-a")]
    assert seen == expected
    assert [(ep.namespace, ep.name) for ep in everything] == expected
    listed = [str(r.url.path) for r in wire.to("/v2/endpoint/")]
    # the read-only organisation was asked once, answered 403, and was skipped
    assert sum(path.endswith("/v2/endpoint/emulator-readers") for path in listed) == 2


@pytest.mark.anyio
async def test_stopping_early_fetches_no_further_page(emu: Any, no_env: None) -> None:
    store_of(emu.state).page_size = 1
    wire = Wire()
    async with client_for(emu, wire) as client:
        for name in ("early-a", "early-b"):
            await client.endpoints.create(name, "gpt2", **HARDWARE)
        await client.endpoints.create(f"{ORG}/early-org", "gpt2", **HARDWARE)
        wire.requests.clear()
        lazy = client.endpoints.iter("*")
        first = await lazy.__anext__()
        await lazy.aclose()
    assert first.name == "early-a"
    assert len(wire.to("/v2/endpoint/")) == 1  # one page of the user, no org asked


@pytest.mark.anyio
async def test_listing_every_namespace_fails_when_the_token_is_refused(
    emu: Any, no_env: None
) -> None:
    async with client_for(emu, token="hf_not_a_token_the_emulator_knows") as client:
        with pytest.raises(AuthenticationError):
            await client.endpoints.list("*")


@pytest.mark.anyio
@pytest.mark.parametrize("bad", ["**", "a/b", "", 7])
async def test_listing_a_bad_namespace_is_refused_before_sending(
    emu: Any, no_env: None, bad: Any
) -> None:
    wire = Wire()
    async with client_for(emu, wire) as client:
        with pytest.raises(ValidationError):
            client.endpoints.iter(bad)
        with pytest.raises(ValidationError):
            await client.endpoints.list(bad)
    assert wire.requests == []


@pytest.mark.anyio
async def test_hardware_catalogue_flattened_and_filtered(emu: Any, no_env: None) -> None:
    from hf_inference_endpoints.emulator.hardware import catalog_json
    from hf_inference_endpoints.models import HardwareInstance

    published = catalog_json()
    expected = [
        (vendor["name"], region["name"], compute["instanceType"], compute["instanceSize"])
        for vendor in published["vendors"]
        for region in vendor["regions"]
        for compute in region["computes"]
    ]
    wire = Wire()
    async with client_for(emu, wire) as client:
        everything = await client.endpoints.list_hardware()
        aws_gpus = await client.endpoints.list_hardware(vendor="AWS", accelerator="gpu")
        ireland = await client.endpoints.list_hardware(
            region="eu-west-1", instance_type="nvidia-l4"
        )
        usable = await client.endpoints.list_hardware(available_only=True)
        theirs = await client.endpoints.list_hardware(namespace=ORG)
    assert all(isinstance(item, HardwareInstance) for item in everything)
    got = [(i.vendor, i.region, i.instanceType, i.instanceSize) for i in everything]
    assert got == expected  # every offering, in the API's order
    assert aws_gpus and {(i.vendor, i.accelerator) for i in aws_gpus} == {("aws", "gpu")}
    assert len(aws_gpus) == sum(
        1 for v, _, t, _ in expected if v == "aws" and t.startswith("nvidia")
    )
    assert [(i.instanceSize, i.regionLabel) for i in ireland] == [
        ("x1", "Ireland"),
        ("x4", "Ireland"),
    ]
    l4 = ireland[1]
    assert l4.numAccelerators == 4 and l4.pricePerHour is not None and l4.pricePerHour > 0
    assert l4.quota is not None and l4.quota.maxAccelerators == 8
    assert {i.vendor for i in usable} == {"aws", "gcp"}  # azure is marked notAvailable
    assert all(i.available for i in usable) and not all(i.available for i in everything)
    assert len(theirs) == len(everything)
    paths = [r.url.path for r in wire.to("/v2/provider/")]
    assert paths[0].endswith(f"/v2/provider/{USER}") and paths[-1].endswith(f"/v2/provider/{ORG}")


@pytest.mark.anyio
async def test_hardware_quota_counts_the_namespace_endpoints(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        await client.endpoints.create(
            "quota-a", "gpt2", **{**HARDWARE, "min_replica": 2, "max_replica": 2}
        )
        spr = await client.endpoints.list_hardware(
            vendor="aws", region="us-east-1", instance_type="intel-spr"
        )
    assert {i.quota.usedAccelerators for i in spr if i.quota} == {4}  # x2, two replicas


@pytest.mark.anyio
@pytest.mark.parametrize(
    "bad",
    [
        {"vendor": ""},
        {"accelerator": 1},
        {"region": "  "},
        {"available_only": "yes"},
        {"namespace": "a/b"},
    ],
)
async def test_hardware_filters_are_checked_before_sending(
    emu: Any, no_env: None, bad: dict[str, Any]
) -> None:
    wire = Wire()
    async with client_for(emu, wire) as client:
        with pytest.raises(ValidationError):
            await client.endpoints.list_hardware(**bad)
    assert wire.requests == []


@pytest.mark.anyio
async def test_hardware_of_a_namespace_the_token_cannot_act_for(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        with pytest.raises(PermissionDenied):
            await client.endpoints.list_hardware(namespace="emulator-readers")


@pytest.mark.anyio
async def test_int_010_endpoint_listing(emu: Any, no_env: None) -> None:
    store_of(emu.state).page_size = 2  # three pages for the user's five endpoints
    async with client_for(emu) as client:
        names = [f"list-{i}" for i in range(5)]
        for name in names:
            await client.endpoints.create(name, "gpt2", **HARDWARE)
        await client.endpoints.create(f"{ORG}/org-only", "gpt2", **HARDWARE)
        mine = await client.endpoints.list()  # namespace from whoami
        theirs = await client.endpoints.list(ORG)
    assert [ep.name for ep in mine] == names
    assert [ep.name for ep in theirs] == ["org-only"]
    for ep in mine:
        assert ep.status is not None
        assert ep.status.state in ("pending", "initializing", "running")
        assert ep.model is not None and ep.model.repository == "gpt2"


@pytest.mark.anyio
async def test_creating_an_endpoint_whose_name_is_taken_is_a_conflict(
    emu: Any, no_env: None
) -> None:
    wire = Wire()
    async with client_for(emu, wire, max_retries=3) as client:
        await client.endpoints.create("taken", "gpt2", **HARDWARE)
        with pytest.raises(Conflict) as caught:
            await client.endpoints.create("taken", "gpt2", **HARDWARE)
    assert caught.value.status_code == 409
    assert caught.value.server_message
    assert not caught.value.is_retryable
    assert len([r for r in wire.requests if r.method == "POST"]) == 2  # not retried


@pytest.mark.anyio
async def test_int_011_endpoint_info(emu: Any, no_env: None) -> None:
    seen: list[WaitProgress] = []
    async with client_for(emu) as client:
        created = await client.endpoints.create(
            "info-ep",
            "HuggingFaceTB/SmolLM3-3B",
            task="text-generation",
            min_replica=0,
            max_replica=2,
            scale_to_zero_timeout=30,
            tags=["demo"],
            env={"MAX_INPUT_TOKENS": "2048"},
            image=client.endpoints.image(
                "tgi", "ghcr.io/huggingface/text-generation-inference:3.3.6", port=80
            ),
            **HARDWARE,
        )
        assert created.status is not None and created.status.state == "pending"
        assert created.status.url is None
        ready = await client.endpoints.wait("info-ep", on_progress=seen.append, timeout=10)
        info = await client.endpoints.get(f"{USER}/info-ep")
    assert seen[-1].state == "running"
    assert {p.state for p in seen} <= {"pending", "initializing", "running"}
    assert all(p.previous == q.state for q, p in itertools.pairwise(seen))
    assert ready.status is not None and ready.status.state == "running"
    status = info.status
    assert status is not None
    assert status.state == "running"
    assert status.url == emu.tgi_url("info-ep")
    assert (status.readyReplica, status.targetReplica) == (1, 1)
    assert status.message == "Endpoint is ready"
    assert info.compute is not None and info.compute.scaling is not None
    assert (info.compute.scaling.minReplica, info.compute.scaling.maxReplica) == (0, 2)
    assert info.compute.scaling.scaleToZeroTimeout == 30
    assert info.model is not None and info.model.image is not None
    assert info.model.image["tgi"].port == 80
    assert info.model.env == {"MAX_INPUT_TOKENS": "2048"}
    assert info.tags == ["demo"]
    assert info.healthRoute == "/health"


@pytest.mark.anyio
async def test_int_012_inference_on_a_dedicated_endpoint(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        await deploy(client, "infer-ep", task="text-generation")
        reply = await client.chat.complete(endpoint="infer-ep", messages=MESSAGES, max_tokens=20)
        text = reply.choices[0].message.content if reply.choices[0].message else None
        assert text == f"{REPLY_PREFIX} Say hello"
        assert reply.response_meta is not None
        assert reply.response_meta.url == f"{emu.tgi_url('infer-ep')}/v1/chat/completions"
        chunks = []
        async with await client.chat.stream(
            endpoint=f"{USER}/infer-ep", messages=MESSAGES, max_tokens=20
        ) as stream:
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    chunks.append(chunk.choices[0].delta.content)
        assert "".join(chunks).strip() == text
        out = await client.text_generation.generate(
            endpoint="infer-ep", prompt="Once upon", max_new_tokens=5
        )
        assert out.generated_text
        events = []
        async with await client.text_generation.stream(
            endpoint="infer-ep", prompt="Once upon", max_new_tokens=5
        ) as tokens:
            async for event in tokens:
                events.append(event)
        assert events[-1].generated_text == out.generated_text


@pytest.mark.anyio
async def test_a_public_endpoint_takes_calls_from_a_client_without_a_token(
    emu: Any, no_env: None
) -> None:
    async with client_for(emu) as owner:
        await deploy(owner, "open-ep", task="text-generation", type="public")
        await deploy(owner, "closed-ep", task="text-generation", type="protected")
    wire = Wire()
    async with (
        httpx2.AsyncClient(event_hooks={"request": [wire]}) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token=None, http_client=http
        ) as anonymous,
    ):
        out = await anonymous.text_generation.generate(
            model=emu.tgi_url("open-ep"), prompt="Once upon", max_new_tokens=3
        )
        with pytest.raises(AuthenticationError) as info:
            await anonymous.text_generation.generate(
                model=emu.tgi_url("closed-ep"), prompt="Once upon", max_new_tokens=3
            )
    assert out.generated_text
    assert [str(r.url) for r in wire.requests] == [emu.tgi_url("open-ep"), emu.tgi_url("closed-ep")]
    assert all("authorization" not in r.headers for r in wire.requests)
    assert info.value.status_code == 401


@pytest.mark.anyio
async def test_int_013_pause_and_resume(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        await deploy(client, "pause-ep")
        paused = await client.endpoints.pause("pause-ep")
        assert paused.status is not None and paused.status.state == "paused"
        with pytest.raises(EndpointPaused) as info:
            await client.chat.complete(endpoint="pause-ep", messages=MESSAGES)
        assert info.value.endpoint == f"{USER}/pause-ep"
        with pytest.raises(EndpointPaused):
            await client.endpoints.wait("pause-ep")
        resumed = await client.endpoints.resume("pause-ep")
        assert resumed.status is not None and resumed.status.state in ("pending", "initializing")
        await client.endpoints.wait("pause-ep", timeout=10)
        again = await client.endpoints.resume("pause-ep")  # 400 "already running" tolerated
        assert again.status is not None and again.status.state == "running"
        await client.chat.complete(endpoint="pause-ep", messages=MESSAGES)
        await client.endpoints.pause("pause-ep")
    async with client_for(emu, auto_resume_paused=True) as auto:
        reply = await auto.chat.complete(endpoint="pause-ep", messages=MESSAGES, max_tokens=5)
        assert reply.choices
        info_after = await auto.endpoints.get("pause-ep")
        assert info_after.status is not None and info_after.status.state == "running"


@pytest.mark.anyio
async def test_int_014_scale_to_zero_is_woken_by_inference(emu: Any, no_env: None) -> None:
    wire = Wire()
    async with client_for(emu, wire) as client:
        await deploy(client, "zero-ep", min_replica=0, scale_to_zero_timeout=15)
        scaled = await client.endpoints.scale_to_zero("zero-ep")
        assert scaled.status is not None and scaled.status.state == "scaledToZero"
        reply = await client.chat.complete(endpoint="zero-ep", messages=MESSAGES, max_tokens=5)
        assert reply.choices
        [woken] = wire.to("/tgi/zero-ep/v1/chat/completions")
        assert woken.headers["x-scale-up-timeout"] == "108"  # held by the proxy until ready
        after = await client.endpoints.get("zero-ep")
        assert after.status is not None and after.status.state == "running"


@pytest.mark.anyio
async def test_int_014_idle_scale_down_then_503s_are_waited_out(
    emu: Any, fresh: SkipClock, no_env: None
) -> None:
    wire = Wire()
    async with client_for(emu, wire, endpoint_cache_ttl=600) as client:
        await deploy(client, "idle-ep", min_replica=0, scale_to_zero_timeout=15)
        await client.chat.complete(endpoint="idle-ep", messages=MESSAGES)  # cached: running
        before = wire.lookups("idle-ep")
        fresh.skip(16 * 60)  # idle past its scale-to-zero timeout
        async with client_for(emu) as watcher:
            other = await watcher.endpoints.get("idle-ep")
        assert other.status is not None and other.status.state == "scaledToZero"
        reply = await client.chat.complete(endpoint="idle-ep", messages=MESSAGES)
        assert reply.response_meta is not None
        assert reply.response_meta.attempts >= 2  # 503 while waking, then the answer
        assert reply.response_meta.cold_start_wait > 0
        assert wire.lookups("idle-ep") == before  # the cached URL was used for the wake-up


@pytest.mark.anyio
async def test_wait_wakes_a_scaled_to_zero_endpoint(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        await deploy(client, "wake-ep", min_replica=0, scale_to_zero_timeout=15)
        await client.endpoints.scale_to_zero("wake-ep")
        info = await client.endpoints.wait("wake-ep", timeout=10)
    assert info.status is not None and info.status.state == "running"


@pytest.mark.anyio
async def test_int_015_endpoint_cache_validation(emu: Any, no_env: None) -> None:
    wire = Wire()
    async with client_for(emu, wire, endpoint_cache_ttl=600) as client:
        await deploy(client, "cache-ep")
        before = wire.lookups("cache-ep")
        for _ in range(3):
            await client.chat.complete(endpoint="cache-ep", messages=MESSAGES)
        assert wire.lookups("cache-ep") == before  # wait() left it cached: no lookups
        # a state error drops the entry: paused behind the client's back
        async with client_for(emu) as other:
            await other.endpoints.pause("cache-ep")
        with pytest.raises(EndpointPaused):
            await client.chat.complete(endpoint="cache-ep", messages=MESSAGES)
        assert f"{USER}/cache-ep" not in client.endpoints.cache
        async with client_for(emu) as other:
            await other.endpoints.resume("cache-ep")
            await other.endpoints.wait("cache-ep", timeout=10)
        await client.chat.complete(endpoint="cache-ep", messages=MESSAGES)
        assert wire.lookups("cache-ep") == before + 1
        # a 404 drops it too: deleted behind the client's back
        async with client_for(emu) as other:
            await other.endpoints.delete("cache-ep")
        with pytest.raises(NotFound):
            await client.chat.complete(endpoint="cache-ep", messages=MESSAGES)
        assert f"{USER}/cache-ep" not in client.endpoints.cache
    async with client_for(emu, wire, endpoint_cache_ttl=0) as uncached:
        await deploy(uncached, "nocache-ep")
        before = wire.lookups("nocache-ep")
        await uncached.chat.complete(endpoint="nocache-ep", messages=MESSAGES)
        await uncached.chat.complete(endpoint="nocache-ep", messages=MESSAGES)
        assert wire.lookups("nocache-ep") == before + 2


@pytest.mark.anyio
async def test_failed_deployment_and_update(emu: Any, no_env: None) -> None:
    async with client_for(emu) as client:
        await client.endpoints.create(
            "fail-ep", "gpt2", env={"EMULATOR_FAIL": "CUDA out of memory"}, **HARDWARE
        )
        with pytest.raises(EndpointFailed) as info:
            await client.endpoints.wait("fail-ep", timeout=10)
        assert info.value.server_message == "CUDA out of memory"
        with pytest.raises(EndpointFailed):
            await client.chat.complete(endpoint="fail-ep", messages=MESSAGES)
        fixed = await client.endpoints.update("fail-ep", env={})
        assert fixed.status is not None and fixed.status.state == "pending"
        await client.endpoints.wait("fail-ep", timeout=10)
        updated = await client.endpoints.update("fail-ep", max_replica=3)
        assert updated.status is not None and updated.status.state == "updating"
        assert updated.compute is not None and updated.compute.scaling is not None
        assert updated.compute.scaling.maxReplica == 3
        await client.endpoints.wait("fail-ep", timeout=10)
        await client.endpoints.delete("fail-ep")
        with pytest.raises(NotFound):
            await client.endpoints.get("fail-ep")
