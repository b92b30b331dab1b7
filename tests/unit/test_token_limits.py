"""Tokens per minute: the config shape, the weighted sliding window, estimates and usage."""

from __future__ import annotations

import itertools
import random

import pytest

from hf_inference_endpoints import ConfigurationError, HfInferenceConfig
from hf_inference_endpoints._ratelimit import (
    ProviderLimit,
    RateLimiter,
    TokenWindow,
    counts_tokens,
    parse_limits,
)
from hf_inference_endpoints._tokens import estimate_tokens, text_tokens, usage_tokens

# ------------------------------------------------------------------------ config


def test_an_int_is_still_requests_per_minute_and_a_mapping_adds_tokens() -> None:
    config = HfInferenceConfig(
        provider_rate_limits={"groq": 30, "together": {"rpm": 600, "tpm": 200_000}}
    )
    assert parse_limits(config.provider_rate_limits) == {
        "groq": ProviderLimit(rpm=30),
        "together": ProviderLimit(rpm=600, tpm=200_000),
    }
    limiter = RateLimiter(config.provider_rate_limits)
    assert limiter.limits == {"groq": 30, "together": 600}
    assert limiter.token_limits == {"together": 200_000}
    assert RateLimiter({"x": {"tpm": 5}}).limits == {}
    assert counts_tokens(config.provider_rate_limits)
    assert not counts_tokens({"groq": 30})


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"groq": 0}, r"provider_rate_limits\['groq'\] must be an integer >= 1, got 0"),
        ({"groq": {"tpm": 0}}, r"\['groq'\]\['tpm'\] must be an integer >= 1, got 0"),
        ({"groq": {"rpm": 1.5}}, r"\['rpm'\] must be an integer >= 1, got 1.5"),
        ({"groq": {"tokens": 5}}, r"takes 'rpm' and/or 'tpm' .*\['tokens'\]"),
        ({"groq": {}}, r"takes 'rpm' and/or 'tpm'"),
        ({"groq": True}, r"must be an integer >= 1, got True"),
        ({"": 5}, r"keys must be provider names"),
    ],
)
def test_bad_limits_are_a_configuration_error(limits: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        HfInferenceConfig(provider_rate_limits=limits)  # type: ignore[arg-type]


# ------------------------------------------------------------------ the window


def test_a_window_spaces_reservations_by_their_weight() -> None:
    window = TokenWindow(100, 60.0)
    assert window.reserve(60, 0.0) == 0.0
    assert window.reserve(40, 1.0) == 0.0  # exactly the limit
    assert window.reserve(1, 2.0) == pytest.approx(58.0)  # waits for the 60 to leave
    assert window.reserve(70, 2.0) == pytest.approx(59.0)  # and then for the 40 too
    assert window.reserved == 171


def test_settling_from_usage_frees_or_takes_tokens() -> None:
    window = TokenWindow(100, 60.0)
    window.reserve(80, 0.0, ticket="a")
    assert window.reserve(30, 0.0, ticket="probe") == pytest.approx(60.0)
    window.refund("probe")
    window.settle("a", 20)  # the answer used 20 of the 80 reserved
    # queued behind "probe" (arrival order) at 60, where "a" has left the window
    assert window.reserve(30, 1.0) == pytest.approx(59.0)
    later = TokenWindow(100, 60.0)
    later.reserve(50, 0.0, ticket="b")
    assert later.reserve(50, 0.0) == 0.0
    later.settle("b", 70)  # more than estimated: the next one waits for it to leave
    assert later.reserve(10, 0.0) == pytest.approx(60.0)
    later.settle("unknown", 5)  # nothing to correct


def test_a_reservation_above_the_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="never fit"):
        TokenWindow(10, 60.0).reserve(11, 0.0)
    with pytest.raises(ValueError, match="never fit together's 10 tokens/min"):
        RateLimiter({"together": {"tpm": 10}}).reserve("together", 0.0, tokens=11)
    with pytest.raises(ValueError, match="limit must be"):
        TokenWindow(0, 60.0)


def test_no_window_ever_holds_more_than_the_limit() -> None:
    """Random arrivals and sizes: every send time's trailing window stays within the limit."""
    rng = random.Random(7)
    limit, span = 500, 10.0
    window = TokenWindow(limit, span)
    now = 0.0
    sends: list[tuple[float, int]] = []
    for _ in range(400):
        now += rng.expovariate(5.0)
        amount = rng.randint(1, 200)
        sends.append((now + window.reserve(amount, now), amount))
    eps = 1e-9  # now + (at - now) is at, give or take a rounding
    assert all(b[0] >= a[0] - eps for a, b in itertools.pairwise(sends))  # in order

    def in_window(t: float) -> int:
        return sum(a for s, a in sends if t - span + eps < s <= t + eps)

    assert all(in_window(t) <= limit for t, _ in sends)
    # and it is not idle: the busiest window is close to full
    busiest = max(in_window(t) for t, _ in sends)
    assert busiest > limit - 200


def test_requests_and_tokens_wait_for_the_later_of_the_two() -> None:
    limiter = RateLimiter({"together": {"rpm": 2, "tpm": 1000}}, window=60.0)
    assert limiter.reserve("together", 0.0, tokens=100) == 0.0
    assert limiter.reserve("together", 0.0, tokens=100) == 0.0
    assert limiter.reserve("together", 0.0, tokens=100) == pytest.approx(60.0)  # requests
    # requests would allow 60 s, but 100 + 950 tokens do not fit one minute: 120 s
    assert limiter.reserve("together", 0.0, tokens=950) == pytest.approx(120.0)  # tokens
    assert limiter.reserve("together", 0.0) == pytest.approx(120.0)  # requests only, in order
    assert limiter.reserve("groq", 0.0, tokens=10**9) == 0.0  # not limited
    assert limiter.describe("together") == "2 requests/min, 1000 tokens/min"
    assert limiter.describe("groq") == "no limit"


def test_a_refund_gives_the_tokens_back() -> None:
    limiter = RateLimiter({"together": {"tpm": 100}})
    ticket = limiter.new_ticket()
    assert limiter.reserve("together", 0.0, tokens=100, ticket=ticket) == 0.0
    limiter.refund("together", 0.0, tokens=100, ticket=ticket)
    assert limiter.reserve("together", 0.0, tokens=100) == 0.0


# ------------------------------------------------------------ estimate and usage


def test_the_estimate_of_a_chat_counts_texts_messages_and_the_completion() -> None:
    body = {
        "messages": [
            {"role": "system", "content": "Be brief."},  # 9 chars: 3 + 4
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this image?"},  # 22 chars: 6
                    {
                        "type": "image_url",
                        "image_url": {"url": "data:image/png;base64," + "A" * 999},
                    },
                ],
            },  # + 4
        ],
        "max_tokens": 100,
        "n": 2,
    }
    assert estimate_tokens("conversational", body) == 3 + 4 + 6 + 4 + 200
    assert estimate_tokens("conversational", {"messages": [], "max_completion_tokens": 7}) == 7
    tool = {"role": "assistant", "tool_calls": [{"function": {"arguments": '{"city":"Paris"}'}}]}
    assert estimate_tokens("conversational", {"messages": [tool]}) == 4 + 4


def test_the_estimate_of_other_tasks() -> None:
    assert estimate_tokens("feature-extraction", {"inputs": ["abcd", "abcde"]}) == 1 + 2
    assert estimate_tokens("feature-extraction", {"input": "abcdefgh"}) == 2
    generation = {"inputs": "abcdefgh", "parameters": {"max_new_tokens": 50}}
    assert estimate_tokens("text-generation", generation) == 52
    qa = {"inputs": {"question": "abcd", "context": "abcdefgh"}}
    assert estimate_tokens("question-answering", qa) == 3
    assert estimate_tokens("image-classification", {"inputs": "A" * 400}) == 0
    assert estimate_tokens("feature-extraction", {"inputs": 5}) == 0
    assert text_tokens("x" * 401) == 101


@pytest.mark.parametrize(
    ("body", "tokens"),
    [
        (b'{"usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}}', 12),
        (b'{"usage":{"prompt_tokens":5,"completion_tokens":7}}', 12),
        (
            b'{"choices":[{"message":{"content":"say \\"usage\\": 1"}}],"usage":'
            b'{"prompt_tokens":3,"prompt_tokens_details":{"cached_tokens":1},"total_tokens":9}}',
            9,
        ),
        (b'{"data": [], "usage": {"prompt_tokens": 4, "total_tokens": 4}, "model": "m"}', 4),
        (b"[[0.1, 0.2]]", None),
        (b'{"usage": null}', None),
        (b'{"usage": {"total_tokens": "many"}}', None),
        (b'{"usage": {bad json', None),
        (b'{"text": "the word \\"usage\\" alone"}', None),
    ],
)
def test_usage_tokens_reads_only_the_usage_object(body: bytes, tokens: int | None) -> None:
    assert usage_tokens(body) == tokens
