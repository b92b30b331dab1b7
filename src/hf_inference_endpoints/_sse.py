"""Incremental Server-Sent Events decoder (no I/O).

Implements the event-stream parsing algorithm of the WHATWG HTML standard
("Server-sent events", section *Interpreting an event stream*) over bytes that
arrive in arbitrary chunks. The streaming layer of each twin feeds it the raw
response body; turning ``data`` into JSON and recognising ``[DONE]`` or error
payloads happens elsewhere.

What the decoder follows from the standard:

* line endings LF, CR and CRLF, mixed freely, including a CRLF split between
  two chunks (the LF is then not mistaken for an empty line);
* one UTF-8 byte order mark at the very start of the stream is skipped;
  bytes that are not valid UTF-8 become U+FFFD (the standard's "UTF-8 decode");
* ``field:value`` with one leading space removed from the value; a line with
  no colon is a field with an empty value; lines starting with ``:`` are
  comments (keep-alives) and are ignored, as are unknown fields;
* ``data`` lines are joined with ``\\n``; ``event`` sets the type (default
  ``"message"``); ``id`` is ignored when it contains NUL and otherwise persists
  into every later event; ``retry`` is only honoured when it is ASCII digits;
* an empty line dispatches the event, unless no ``data`` field was seen;
* at end of stream an event without its terminating empty line is discarded.
  (sseclient-py and the huggingface_hub line parser deliver such a trailing
  event; the standard does not. :attr:`SSEDecoder.has_pending` lets the caller
  notice a stream cut off mid-event.)

Decoding is linear in the input: the chunks of a line that spans many of them are kept
(small ones gathered in one bytearray) and joined once, when the line ends. The cap on
one event's size is the stream's (``max_event_bytes``), not the decoder's.

Choices where the standard has no per-event notion:

* :attr:`ServerSentEvent.retry` is the reconnection time set by a valid
  ``retry`` field inside that event's own block (None otherwise); the latest
  value from any block, dispatched or not, is :attr:`SSEDecoder.retry`.
* :attr:`ServerSentEvent.id` is None until the stream has carried an ``id``
  field; an ``id`` field with an empty value sets it back to ``""``.
* Comment lines are not counted or exposed.
"""

from __future__ import annotations

from ._record import Record, record, set_field

__all__ = ["SSEDecoder", "ServerSentEvent", "SkipEvent"]

_BOM = b"\xef\xbb\xbf"
_CR = 13  # b"\r"[0]
_LF = 10  # b"\n"[0]
_COLON = 58  # b":"[0]
_SPACE = 32  # b" "[0]
_SMALL = 4096  # chunks below this size of a long line are gathered in one bytearray


class SkipEvent(Exception):
    """Raised by an event parser for an event that carries nothing for the caller.

    The stream drops the event and reads on (e.g. a usage-only chunk a completions
    stream sends after the chunk with the finish reason). Raising costs nothing on the
    events that do give an item, unlike a ``None`` check on every one.
    """


@record
class ServerSentEvent(Record):
    """One dispatched server-sent event.

    Attributes:
        event: Event type; ``"message"`` when the block had no (or an empty) ``event`` field.
        data: The ``data`` lines of the block joined with ``\\n``.
        id: Last event ID in effect when the event was dispatched, or None if the
            stream has not sent an ``id`` field yet.
        retry: Reconnection time in milliseconds from a valid ``retry`` field in this
            event's block, or None.
    """

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def __init__(
        self,
        event: str = "message",
        data: str = "",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        set_field(self, "event", event)
        set_field(self, "data", data)
        set_field(self, "id", id)
        set_field(self, "retry", retry)

    @property
    def is_done(self) -> bool:
        """True for the OpenAI-style end-of-stream sentinel ``data: [DONE]``."""
        return self.data.strip() == "[DONE]"


# The generated __init__ of a frozen dataclass sets each field through
# object.__setattr__; writing the slots through their descriptors is a third
# cheaper, and the decoder builds one event per token. Same object either way.
_set_event = ServerSentEvent.__dict__["event"].__set__
_set_data = ServerSentEvent.__dict__["data"].__set__
_set_id = ServerSentEvent.__dict__["id"].__set__
_set_retry = ServerSentEvent.__dict__["retry"].__set__
_new = object.__new__


def _event(event: str, data: str, id: str | None, retry: int | None) -> ServerSentEvent:
    """Build a ServerSentEvent like its constructor does, only faster."""
    obj: ServerSentEvent = _new(ServerSentEvent)
    _set_event(obj, event)
    _set_data(obj, data)
    _set_id(obj, id)
    _set_retry(obj, retry)
    return obj


class SSEDecoder:
    """Incremental, I/O-free decoder of a ``text/event-stream`` body.

    Feed it the body bytes as they arrive, in chunks of any size and split at
    any point; it returns the events completed by each chunk. One decoder
    serves one stream; :meth:`flush` ends the stream (and readies the decoder
    for a new one, keeping the last event ID and retry as the standard does
    across reconnections).

    Example:
        >>> decoder = SSEDecoder()
        >>> decoder.feed(b'data: {"token": 1}\\n\\ndata:')
        [ServerSentEvent(event='message', data='{"token": 1}', id=None, retry=None)]
        >>> decoder.feed(b" [DONE]\\n\\n")[0].is_done
        True
        >>> decoder.flush()
        []
    """

    __slots__ = (
        "_at_start",
        "_data",
        "_event_retry",
        "_event_type",
        "_last_event_id",
        "_more",
        "_retry",
        "_skip_lf",
        "_tail",
    )

    def __init__(self) -> None:
        self._tail = b""  # bytes of the current, not yet terminated line
        # Later chunks of that line when they held no line ending: joined once, when the
        # line ends (``tail + data`` on each chunk would be quadratic in a long line).
        # Small chunks are gathered in a bytearray, so a line trickled in tiny pieces
        # takes its size in memory, not a Python object per piece.
        self._more: list[bytes | bytearray] = []
        self._skip_lf = False  # previous chunk ended in CR: a leading LF completes that CRLF
        self._at_start = True  # nothing decoded yet: a BOM may still come
        self._data: list[bytes] = []  # data buffer, one entry per data line
        self._event_type = ""  # event type buffer
        self._event_retry: int | None = None  # valid retry seen in the current block
        self._last_event_id: str | None = None  # last event ID buffer
        self._retry: int | None = None  # reconnection time

    @property
    def last_event_id(self) -> str | None:
        """The last event ID set by the stream (None if it never sent an ``id`` field)."""
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The latest reconnection time (ms) the stream asked for, or None."""
        return self._retry

    @property
    def has_pending(self) -> bool:
        """Whether an event would still be dispatched if the stream sent an empty line now.

        True when ``data`` has been buffered (or a ``data`` line is half received)
        since the last dispatch; such an event is lost if the stream ends here.
        """
        tail = self._tail
        if len(tail) < 5 and self._more:
            for piece in self._more:  # the first five bytes of the line are enough
                tail += piece[:5]
                if len(tail) >= 5:
                    break
        return bool(self._data) or tail == b"data" or tail.startswith(b"data:")

    def feed(self, data: bytes) -> list[ServerSentEvent]:
        """Decode the next chunk of the stream.

        Args:
            data: The next bytes of the body, split anywhere (even inside a UTF-8
                character or between the CR and LF of a CRLF).

        Returns:
            The events whose terminating empty line is in this chunk, in order
            (often empty).
        """
        if (  # fast path: the chunk is exactly one event of one data line, the usual case
            data[-1:] == b"\n"
            and data.find(b"\n") == len(data) - 2
            and not self._tail
            and not self._data
            and data.startswith(b"data:")
            and b"\r" not in data
        ):
            self._at_start = self._skip_lf = False  # starts with "data:": no BOM, no LF
            event = _event(
                self._event_type or "message",
                (data[6:-2] if data[5] == _SPACE else data[5:-2]).decode("utf-8", "replace"),
                self._last_event_id,
                self._event_retry,
            )
            self._event_type = ""
            self._event_retry = None
            return [event]
        if not data:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if data[0] == _LF:
                data = data[1:]
                if not data:
                    return []
        tail = self._tail
        if tail:
            if b"\n" not in data and b"\r" not in data:  # the line goes on
                more = self._more
                if len(data) >= _SMALL:
                    more.append(data)
                elif more and type(more[-1]) is bytearray:
                    more[-1] += data  # type: ignore[operator]
                else:
                    more.append(bytearray(data))
                return []
            if self._more:  # a long line ends: each byte is copied once
                data = b"".join([tail, *self._more, data])
                self._more = []
            else:
                data = tail + data
        if self._at_start:
            if len(data) < 3 and _BOM.startswith(data):
                self._tail = data
                return []
            self._at_start = False
            if data.startswith(_BOM):
                data = data[3:]
        if b"\r" in data:
            # A CR ending the chunk ends a line whatever follows; remember to drop
            # a LF at the start of the next chunk, so CRLF stays one line ending.
            self._skip_lf = data[-1] == _CR
            # Left to right, so CRLF wins over CR followed by LF, as in the grammar.
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        self._tail = lines.pop()
        if not lines:
            return []
        return self._process(lines)

    def flush(self) -> list[ServerSentEvent]:
        """End the stream.

        Follows the standard: an event whose terminating empty line never came is
        discarded, so this returns an empty list (check :attr:`has_pending` first to
        detect a truncated stream). The decoder is then ready for a new stream; the
        last event ID and the retry value are kept.

        Returns:
            The events completed by the end of the stream: always none.
        """
        self._tail = b""
        self._more = []
        self._skip_lf = False
        self._at_start = True
        self._data = []
        self._event_type = ""
        self._event_retry = None
        return []

    def _process(self, lines: list[bytes]) -> list[ServerSentEvent]:
        """Interpret complete lines (without their line endings)."""
        events: list[ServerSentEvent] = []
        buf = self._data
        for line in lines:
            if line.startswith(b"data:"):  # the hot path: data lines
                buf.append(line[6:] if line[5:6] == b" " else line[5:])
                continue
            if not line:  # empty line: dispatch
                if buf:
                    events.append(
                        _event(
                            self._event_type or "message",
                            b"\n".join(buf).decode("utf-8", "replace"),
                            self._last_event_id,
                            self._event_retry,
                        )
                    )
                    buf = self._data = []
                self._event_type = ""
                self._event_retry = None
                continue
            if line[0] == _COLON:  # comment / keep-alive
                continue
            colon = line.find(b":")
            if colon < 0:
                name, value = line, b""
            else:
                name = line[:colon]
                value = (
                    line[colon + 2 :] if line[colon + 1 : colon + 2] == b" " else line[colon + 1 :]
                )
            if name == b"data":  # only "data" without a colon gets here
                buf.append(value)
            elif name == b"event":
                self._event_type = value.decode("utf-8", "replace")
            elif name == b"id" and b"\x00" not in value:  # an id with NUL is ignored
                self._last_event_id = value.decode("utf-8", "replace")
            elif name == b"retry" and value.isdigit():  # ASCII digits only, non-empty
                self._retry = self._event_retry = int(value)
            # any other field is ignored
        return events
