"""The Hub provider mapping: both shapes, validation, the plan of providers tried, the TTL cache."""

from __future__ import annotations

from typing import Any

import pytest

from hf_inference_endpoints import (
    ColdStartTimeout,
    Conflict,
    GatewayTimeout,
    ModelLoading,
    ModelNotAvailableOnProvider,
    NetworkError,
    NotFound,
    PaymentRequired,
    PermissionDenied,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    ValidationError,
)
from hf_inference_endpoints._routing.mapping import (
    Candidate,
    MappingCache,
    MappingEntry,
    available_on,
    is_failover_error,
    parse_mapping,
    plan_candidates,
    select_entry,
    task_matches,
)

MODEL = "meta-llama/Llama-3.3-70B-Instruct"

#: The shape of the Hub's answer on model info (WIRE §b.1 and the fireworks recording).
AS_OBJECT: dict[str, Any] = {
    "fireworks-ai": {
        "status": "live",
        "providerId": "accounts/fireworks/models/l3",
        "task": "conversational",
    },
    "sambanova": {
        "status": "live",
        "providerId": "Meta-Llama-3.3-70B-Instruct",
        "task": "conversational",
    },
    "together": {
        "status": "live",
        "providerId": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "task": "conversational",
        "isModelAuthor": False,
    },
    "hf-inference": {"status": "live", "providerId": MODEL, "task": "conversational"},
    "nebius": {
        "status": "staging",
        "providerId": "meta-llama/Llama-3.3-70B-Instruct-fast",
        "task": "conversational",
    },
    "novita": {
        "status": "error",
        "providerId": "meta-llama/llama-3.3-70b-instruct",
        "task": "conversational",
    },
}
#: The same data as the model listing gives it: entries with a ``provider`` key.
AS_LIST = [{"provider": name, **value} for name, value in AS_OBJECT.items()]


def entries() -> tuple[MappingEntry, ...]:
    return parse_mapping(MODEL, AS_OBJECT)


def test_both_shapes_parse_to_the_same_entries_in_the_hubs_order() -> None:
    from_object = parse_mapping(MODEL, AS_OBJECT)
    assert from_object == parse_mapping(MODEL, AS_LIST)
    assert [e.provider for e in from_object] == list(AS_OBJECT)
    together = from_object[2]
    assert together == MappingEntry(
        provider="together",
        provider_id="meta-llama/Llama-3.3-70B-Instruct-Turbo",
        task="conversational",
        status="live",
        hf_model_id=MODEL,
    )


def test_optional_fields_and_malformed_entries() -> None:
    raw = {
        "fal-ai": {
            "status": "live",
            "providerId": "fal-ai/flux-lora",
            "task": "text-to-image",
            "adapter": "lora",
            "adapterWeightsPath": "lora.safetensors",
            "type": "single-model",
            "isModelAuthor": True,
        },
        "bad-no-id": {"status": "live", "task": "text-to-image"},
        "bad-type": "live",
        "": {"providerId": "x", "task": "t"},
        "no-status": {"providerId": "x", "task": "text-to-image"},
    }
    parsed = parse_mapping("org/lora", raw)
    assert [e.provider for e in parsed] == ["fal-ai", "no-status"]
    fal = parsed[0]
    assert (fal.adapter, fal.adapter_weights_path, fal.type, fal.is_model_author) == (
        "lora",
        "lora.safetensors",
        "single-model",
        True,
    )
    assert parsed[1].status == "live"  # no status: taken as live (older answers)
    for nothing in (None, "x", 3, [1, "a"], {}):
        assert parse_mapping("o/m", nothing) == ()


def test_feature_extraction_and_sentence_similarity_are_one_task_on_hf_inference_only() -> None:
    assert task_matches("hf-inference", "feature-extraction", "sentence-similarity")
    assert task_matches("hf-inference", "sentence-similarity", "feature-extraction")
    assert not task_matches("together", "feature-extraction", "sentence-similarity")
    assert not task_matches("hf-inference", "text-generation", "conversational")
    assert task_matches("groq", "conversational", "conversational")


def test_available_on_lists_live_providers_for_the_task() -> None:
    assert available_on(entries(), "conversational") == (
        "fireworks-ai",
        "sambanova",
        "together",
        "hf-inference",
    )
    assert available_on(entries(), "text-to-image") == ()


def test_select_entry_returns_the_live_mapping() -> None:
    assert select_entry(MODEL, "together", "conversational", entries()).provider_id == (
        "meta-llama/Llama-3.3-70B-Instruct-Turbo"
    )


@pytest.mark.parametrize(
    ("provider", "task", "reason"),
    [
        ("groq", "conversational", "the Hub has no mapping for it"),
        ("together", "text-to-image", "serves it for 'conversational' only"),
    ],
)
def test_unavailable_names_model_provider_reason_and_where_it_is(
    provider: str, task: str, reason: str
) -> None:
    with pytest.raises(ModelNotAvailableOnProvider) as info:
        select_entry(MODEL, provider, task, entries())
    err = info.value
    assert err.model == MODEL and err.provider == provider
    assert repr(MODEL) in err.message and repr(provider) in err.message
    assert reason in err.message
    if task == "conversational":
        assert err.available_on == ("fireworks-ai", "sambanova", "together", "hf-inference")
        assert (
            "available for conversational on: fireworks-ai, sambanova, together, hf-inference"
            in err.message
        )
    else:
        assert err.available_on == () and "no provider serves it" in err.message


def known(*names: str) -> Any:
    return lambda name: name in names


def names(plan: Any) -> list[str]:
    return [c.provider for c in plan.candidates]


def test_auto_takes_the_first_live_mapping_in_the_users_preference_order() -> None:
    every = known("fireworks-ai", "sambanova", "together", "hf-inference")
    plan = plan_candidates(MODEL, "auto", "conversational", entries(), serves=every)
    assert names(plan) == ["fireworks-ai"]  # the Hub's order when the user states none
    plan = plan_candidates(
        MODEL, "auto", "conversational", entries(), preference=("together", "groq"), serves=every
    )
    assert names(plan) == ["together"]
    assert plan.candidates[0].model_id == "meta-llama/Llama-3.3-70B-Instruct-Turbo"


def test_auto_skips_providers_the_client_cannot_route_and_says_why() -> None:
    plan = plan_candidates(
        MODEL, "auto", "conversational", entries(), serves=known("together", "hf-inference")
    )
    assert names(plan) == ["together"]
    assert any("fireworks-ai" in note and "no helper" in note for note in plan.skipped)
    with pytest.raises(ModelNotAvailableOnProvider, match="no live mapping this client can use"):
        plan_candidates(MODEL, "auto", "conversational", entries(), serves=known())
    with pytest.raises(ModelNotAvailableOnProvider) as info:
        plan_candidates(MODEL, "auto", "text-to-image", entries())
    assert info.value.provider == "auto"


def test_fallback_true_appends_every_other_live_mapping_preferred_first() -> None:
    plan = plan_candidates(
        MODEL,
        "sambanova",
        "conversational",
        entries(),
        fallback=True,
        preference=("hf-inference",),
    )
    assert names(plan) == ["sambanova", "hf-inference", "fireworks-ai", "together"]
    assert all(isinstance(c, Candidate) and c.entry is not None for c in plan.candidates)


def test_fallback_list_keeps_its_order_and_skips_only_what_is_not_mapped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A provider the caller names is tried even when its mapping is staging (with a warning)."""
    with caplog.at_level("WARNING", logger="hf_inference_endpoints"):
        plan = plan_candidates(
            MODEL,
            "together",
            "conversational",
            entries(),
            fallback=("nebius", "fireworks-ai", "together", "groq", "hf-inference"),
        )
    assert names(plan) == ["together", "nebius", "fireworks-ai", "hf-inference"]
    assert [n.split(":")[0] for n in plan.skipped] == ["groq"]
    assert any("nebius" in r.message and "staging" in r.message for r in caplog.records)


def test_fallback_true_only_adds_live_mappings() -> None:
    plan = plan_candidates(MODEL, "together", "conversational", entries(), fallback=True)
    assert "nebius" not in names(plan) and "novita" not in names(plan)


def test_an_unmapped_first_choice_is_skipped_when_failover_is_on() -> None:
    plan = plan_candidates(MODEL, "groq", "conversational", entries(), fallback=("together",))
    assert names(plan) == ["together"]
    assert "no mapping" in plan.skipped[0]
    with pytest.raises(ModelNotAvailableOnProvider, match="no mapping"):
        plan_candidates(MODEL, "groq", "conversational", entries(), fallback=("fireworks",))
    with pytest.raises(ModelNotAvailableOnProvider, match="no mapping"):
        plan_candidates(MODEL, "groq", "conversational", entries())


@pytest.mark.parametrize(("provider", "status"), [("nebius", "staging"), ("novita", "error")])
def test_a_staging_or_error_mapping_is_used_with_one_warning(
    provider: str, status: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hf_inference_endpoints._routing import mapping

    monkeypatch.setattr(mapping, "_WARNED", set())
    with caplog.at_level("WARNING", logger="hf_inference_endpoints"):
        for _ in range(3):
            entry = select_entry(MODEL, provider, "conversational", entries())
            assert entry.provider == provider and entry.status == status
    warnings = [r for r in caplog.records if provider in r.message]
    assert len(warnings) == 1
    assert MODEL in warnings[0].message and status in warnings[0].message


def test_hf_inference_needs_no_mapping_entry() -> None:
    plan = plan_candidates("org/unmapped", "hf-inference", "text-classification", ())
    assert plan.candidates == (Candidate("hf-inference", None),)
    assert plan.candidates[0].model_id is None
    plan = plan_candidates(
        MODEL, "together", "conversational", entries(), fallback=("hf-inference",)
    )
    assert names(plan) == ["together", "hf-inference"]


@pytest.mark.parametrize(
    ("error", "fails_over"),
    [
        (RateLimited("x", status_code=429), True),
        (ServiceUnavailable("x", status_code=503), True),
        (ModelLoading("x", status_code=503, estimated_time=5.0), True),
        (ColdStartTimeout("x"), True),
        (GatewayTimeout("x", status_code=504), True),
        (ServerError("x", status_code=500), True),
        (ServerError("x", status_code=502), True),
        (NotFound("x", status_code=404), True),
        (ModelNotAvailableOnProvider("x"), True),
        (PaymentRequired("x", status_code=402), True),
        (Conflict("x", status_code=409), False),
        (ServerError("x", status_code=424), False),
        (ServerError("x"), False),
        (ValidationError("x", status_code=422), False),
        (PermissionDenied("x", status_code=403), False),
        (NetworkError("x"), False),
    ],
)
def test_failover_errors(error: Any, fails_over: bool) -> None:
    assert is_failover_error(error) is fails_over


def test_cache_expires_after_the_ttl_on_the_injected_clock() -> None:
    now = [100.0]
    cache = MappingCache(60.0, clock=lambda: now[0])
    assert cache.get(MODEL) is None
    cache.put(MODEL, entries())
    now[0] = 159.9
    assert cache.get(MODEL) == entries()
    now[0] = 160.0
    assert cache.get(MODEL) is None
    assert len(cache) == 0


def test_cache_is_bounded_and_can_be_cleared() -> None:
    cache = MappingCache(60.0, clock=lambda: 0.0, max_models=2)
    cache.put("a/1", ())
    cache.put("b/2", ())
    assert cache.get("a/1") == ()  # touch: b/2 is now the least recently used
    cache.put("c/3", ())
    assert cache.get("b/2") is None and cache.get("a/1") == () and cache.get("c/3") == ()
    cache.invalidate("a/1")
    assert cache.get("a/1") is None
    cache.clear()
    assert len(cache) == 0
    off = MappingCache(0.0)
    off.put("a/1", ())
    assert off.get("a/1") is None
