"""How one provider's answer to a call is read: the helper's contract, in one place (no I/O).

Every inference answer -- chat, TGI text generation, embeddings, every task -- is read
here, through the provider's helper (``_routing/providers``):

* a helper that answers the task in its HF shape (``answers_as_hf``: OpenAI chat on every
  provider, TGI's text generation) has the body read by the service's own parser
  (:attr:`Answer.from_bytes`), the fast path; so has a service whose parser reads every
  provider's shape itself (embeddings: no ``Answer.from_value``);
* any other answer is decoded (JSON, or the bytes of a file) and turned into the HF shape,
  or into the first step of an async job, by the helper's ``parse_response``; the
  service's :attr:`Answer.from_value` then reads the value (after the job, if there is one).

Streams: the helper's ``stream_format`` picks the service's event parser
(:attr:`Answer.events`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._routing.providers import answer_helper
from ._routing.providers._base import Fetch, JobContext, ProviderHelper

if TYPE_CHECKING:
    from ._call import Answer
    from ._request import PreparedRequest, ResponseKind

__all__ = ["answer_reader", "decode", "event_reader", "helper_of"]


def helper_of(prepared: PreparedRequest) -> ProviderHelper:
    """The helper that reads the answers of ``prepared`` (by the provider it went to)."""
    return answer_helper(prepared.context.provider, prepared.task)


def decode(content: bytes, kind: ResponseKind) -> Any:
    """An answer's body as its kind says: the bytes of a file, or decoded JSON."""
    return content if kind == "bytes" else json.loads(content)


def answer_reader(
    prepared: PreparedRequest, answer: Answer | None, *, as_sent: bool = False
) -> Callable[[bytes], Any]:
    """The reader of the first answer to ``prepared``: its body -> the value, or a job.

    Args:
        prepared: One request of the call (one provider of a failover chain).
        answer: How the service reads the answer (None: the helper's value as is).
        as_sent: The answer as the provider sent it (decoded), no helper reading (for
            ``client.infer`` of a task the client has no spec for).

    Returns:
        A parser the transport applies to the 2xx body: the value (what the service's
        Answer reads, or the helper's value), or the first :class:`Fetch` of an async
        job (its value read by ``Answer.from_value`` once it is done).

    Example:
        >>> from hf_inference_endpoints._request import PreparedRequest
        >>> from hf_inference_endpoints._errors import ErrorContext
        >>> sent = PreparedRequest("POST", "https://x", {}, context=ErrorContext(provider="endpoint"))
        >>> answer_reader(sent, None)(b'{"ok": true}')
        {'ok': True}
    """
    kind = prepared.expect
    if as_sent:
        return lambda content: decode(content, kind)
    helper = helper_of(prepared)
    task = prepared.task
    if answer is not None and answer.from_bytes is not None:
        as_is = answer.from_value is None or helper.answers_as_hf(task)
        if as_is:  # the fast path: the service's parser reads the body
            return answer.from_bytes
    job = JobContext.of(prepared)
    from_value = None if answer is None else answer.from_value

    def read(content: bytes) -> Any:
        data = decode(content, kind)
        if from_value is not None and isinstance(data, dict) and data.get("error") is not None:
            from ._generation import raise_if_error_body

            raise_if_error_body(content)  # a 2xx that carries an error, not a result
        step = helper.parse_response(task, data, job)
        if isinstance(step, Fetch):
            return step  # an async job: followed, then read by from_value
        return step.value if from_value is None else from_value(step.value)

    return read


def event_reader(prepared: PreparedRequest, answer: Answer) -> tuple[Callable[[str], Any], bool]:
    """The event parser of ``prepared``'s stream (by its helper's ``stream_format``), and
    whether the stream ends with ``[DONE]``.

    Raises:
        TypeError: ``answer`` does not read streams (no ``events``).
    """
    if answer.events is None:
        raise TypeError("this call's Answer reads no event stream (Answer.events is None)")
    helper = helper_of(prepared)
    return answer.events(helper.stream_format(prepared.task), prepared.context)
