"""How an answer is read: through the provider's helper, for every service (no I/O)."""

from __future__ import annotations

import json
from typing import Any

from hf_inference_endpoints._answers import answer_reader, event_reader
from hf_inference_endpoints._call import Answer
from hf_inference_endpoints._errors import ErrorContext
from hf_inference_endpoints._request import PreparedRequest, ResponseKind
from hf_inference_endpoints._routing.providers._base import Fetch

ROUTER = "https://router.huggingface.co"


def sent(provider: str, task: str, url: str, expect: ResponseKind = "json") -> PreparedRequest:
    return PreparedRequest(
        "POST",
        url,
        {},
        expect=expect,
        context=ErrorContext(provider=provider, model="org/m"),
        task=task,
        provider_base=f"{ROUTER}/{provider}",
    )


def reads() -> Answer:
    """An Answer that says which way it was asked to read."""
    return Answer(
        from_bytes=lambda content: ("body", json.loads(content)),
        from_value=lambda data: ("helper", data),
    )


def test_chat_is_read_straight_from_the_body_on_every_provider() -> None:
    answer = reads()
    for provider in ("together", "hf-inference", "groq", "endpoint"):
        chat = sent(provider, "conversational", f"{ROUTER}/{provider}/v1/chat/completions")
        # the service's own parser, as is: no decode and no parse_response on the way
        assert answer_reader(chat, answer) is answer.from_bytes


def test_an_answer_in_another_shape_goes_through_the_helper_then_the_service() -> None:
    completion = {"choices": [{"index": 0, "text": "hey", "finish_reason": "stop"}]}
    together = sent("together", "text-generation", f"{ROUTER}/together/v1/completions")
    how, value = answer_reader(together, reads())(json.dumps(completion).encode())
    assert how == "helper" and value["generated_text"] == "hey"
    tgi = sent("hf-inference", "text-generation", f"{ROUTER}/hf-inference/models/org/m")
    assert answer_reader(tgi, reads())(b'{"generated_text": "hi"}') == (
        "body",
        {"generated_text": "hi"},
    )


def test_a_parser_that_reads_every_shape_itself_skips_the_helper() -> None:
    parse = Answer(from_bytes=len)  # embeddings: no from_value
    together = sent("together", "feature-extraction", f"{ROUTER}/together/v1/embeddings")
    assert answer_reader(together, parse) is len


def test_a_job_answer_is_the_first_step_to_follow() -> None:
    queued = {
        "request_id": "r1",
        "status": "IN_QUEUE",
        "response_url": "https://queue.fal.run/fal-ai/ltx/requests/r1",
        "status_url": "https://queue.fal.run/fal-ai/ltx/requests/r1/status",
    }
    fal = sent("fal-ai", "text-to-video", f"{ROUTER}/fal-ai/fal-ai/ltx/v1?_subdomain=queue")
    step = answer_reader(fal, None)(json.dumps(queued).encode())
    assert isinstance(step, Fetch)
    assert step.url.startswith(f"{ROUTER}/fal-ai/") and "r1/status" in step.url


def test_as_sent_is_the_decoded_answer_without_the_helper() -> None:
    together = sent("together", "text-generation", f"{ROUTER}/together/v1/completions")
    assert answer_reader(together, None, as_sent=True)(b'{"choices": []}') == {"choices": []}
    raw = sent("endpoint", "x", "https://ep.test", expect="bytes")
    assert answer_reader(raw, None, as_sent=True)(b"\x00\x01") == b"\x00\x01"


def test_the_helper_stream_format_picks_the_event_parser() -> None:
    asked = []

    def events(stream_format: str, context: ErrorContext) -> tuple[Any, bool]:
        asked.append((context.provider, stream_format))
        return str, stream_format != "tgi"

    answer = Answer(events=events, is_final=bool)
    together = sent("together", "text-generation", f"{ROUTER}/together/v1/completions")
    tgi = sent("hf-inference", "text-generation", f"{ROUTER}/hf-inference/models/org/m")
    assert event_reader(together, answer) == (str, True)
    assert event_reader(tgi, answer) == (str, False)
    assert asked == [("together", "openai-completions"), ("hf-inference", "tgi")]
