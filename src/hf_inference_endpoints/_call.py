"""The one description of an inference call, made at the public method (no I/O).

A public method checks its arguments, builds the body and describes the call as a
:class:`Call`: the task, the body, how the answer is read (JSON, raw bytes or an event
stream, and the service's :class:`Answer`), the call options (:class:`CallOptions`:
provider, endpoint, fallback, bill_to, extra_headers, extra_body) and the call's one
:class:`Deadline`, started there from ``timeout=``. Everything after -- resolving the
target, building each provider's request, sending, failover, following jobs, reading
the answer -- reads this one frozen value (``client._prepare(call)``, ``_execute``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._options import NO_OPTIONS, CallOptions
from ._record import Record, record, set_field
from ._request import RawBody, ResponseKind

if TYPE_CHECKING:
    from ._errors import ErrorContext
    from ._retry import Deadline

__all__ = ["Answer", "Call", "EventReader"]

#: A stream's event parser for one provider: ``(its stream format, where the request
#: went) -> (parse one event's data, the stream ends with [DONE])``.
EventReader = Callable[[str, "ErrorContext"], "tuple[Callable[[str], Any], bool]"]


@record
class Answer(Record):
    """How a service reads a finished answer into its typed result.

    The provider's helper decides which reader applies (``_answers.first_answer_reader``):
    a provider that answers the task's HF shape as is (``ProviderHelper.answers_as_hf``)
    has its body read by ``from_bytes`` directly, the fast path; any other answer is
    decoded, turned into the HF shape by the helper's ``parse_response`` (following an
    async job if it is one) and read by ``from_value``.

    Attributes:
        from_bytes: Reads a body in the task's HF shape (None: no typed reading; the
            helper's value is the result).
        from_value: Reads the value a helper's ``parse_response`` gave (None:
            ``from_bytes`` reads every provider's answer itself, as the embeddings
            parser reads OpenAI's ``{"data": [...]}`` too).
        events: For streams: the event parser for one provider's stream format.
        is_final: For streams: whether an item is the last one the server meant to send.
    """

    from_bytes: Callable[[bytes], Any] | None = None
    from_value: Callable[[Any], Any] | None = None
    events: EventReader | None = None
    is_final: Callable[[Any], bool] | None = None

    def __init__(
        self,
        from_bytes: Callable[[bytes], Any] | None = None,
        from_value: Callable[[Any], Any] | None = None,
        events: EventReader | None = None,
        is_final: Callable[[Any], bool] | None = None,
    ) -> None:
        set_field(self, "from_bytes", from_bytes)
        set_field(self, "from_value", from_value)
        set_field(self, "events", events)
        set_field(self, "is_final", is_final)


@record
class Call(Record):
    """One inference call, described once at the public method and never changed.

    Attributes:
        task: The task (``conversational``, ``text-generation``, ``feature-extraction``...).
        body: The caller's fields in HF's shape, or a :class:`RawBody` (a file).
        deadline: The call's one deadline (``timeout=``), started at the public method:
            lookups, waits, every attempt, failover and job polls draw from it.
        model: The model (``org/name[:suffix]``, a URL), or None with an endpoint.
        options: The call options (provider, endpoint, fallback, bill_to, extra_headers,
            extra_body); ``timeout`` has become ``deadline``.
        kind: How the answer is read: ``"sse"`` (an event stream), ``"bytes"`` (a file),
            ``"json"``, or None (what the provider answers, its helper says).
        accept: The ``Accept`` header, when the service asks for a format.
        answer: How the service reads the answer (None: the helper's value as is).

    Example:
        >>> from hf_inference_endpoints._retry import Deadline
        >>> call = Call("conversational", {"messages": []}, Deadline(None, None, lambda: 0.0))
        >>> call.stream, call.options.provider
        (False, None)
    """

    task: str
    body: dict[str, Any] | RawBody
    deadline: Deadline
    model: str | None = None
    options: CallOptions = NO_OPTIONS
    kind: ResponseKind | None = None
    accept: str | None = None
    answer: Answer | None = None

    def __init__(
        self,
        task: str,
        body: dict[str, Any] | RawBody,
        deadline: Deadline,
        model: str | None = None,
        options: CallOptions = NO_OPTIONS,
        kind: ResponseKind | None = None,
        accept: str | None = None,
        answer: Answer | None = None,
    ) -> None:
        set_field(self, "task", task)
        set_field(self, "body", body)
        set_field(self, "deadline", deadline)
        set_field(self, "model", model)
        set_field(self, "options", options)
        set_field(self, "kind", kind)
        set_field(self, "accept", accept)
        set_field(self, "answer", answer)

    @property
    def stream(self) -> bool:
        """Whether the call asks for a server-sent event stream."""
        return self.kind == "sse"

    @property
    def expect(self) -> ResponseKind | None:
        """How a non-streamed answer is read (None: what the provider answers)."""
        return None if self.kind == "sse" else self.kind
