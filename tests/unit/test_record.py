"""Record classes behave as the frozen slotted dataclasses they replace (issue 17)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import MISSING, FrozenInstanceError, dataclass, field
from typing import Any

import pytest

from hf_inference_endpoints._call import Answer, Call
from hf_inference_endpoints._config import HfInferenceConfig
from hf_inference_endpoints._errors import ErrorContext
from hf_inference_endpoints._meta import ResponseMeta
from hf_inference_endpoints._options import CallOptions
from hf_inference_endpoints._progress import ProgressEvent
from hf_inference_endpoints._ratelimit import ProviderLimit
from hf_inference_endpoints._record import Record, record, set_field
from hf_inference_endpoints._request import PreparedRequest, RawBody, Routed
from hf_inference_endpoints._retry import Deadline, RetryPolicy
from hf_inference_endpoints._routing.mapping import Candidate, MappingEntry, Plan
from hf_inference_endpoints._routing.providers._base import Done, Fetch, JobContext, Route
from hf_inference_endpoints._routing.targets import Target
from hf_inference_endpoints._sse import ServerSentEvent
from hf_inference_endpoints._storage.urls import StorageURL
from hf_inference_endpoints._waits import Pause

RECORDS = [
    Answer,
    Call,
    CallOptions,
    Candidate,
    Deadline,
    Done,
    ErrorContext,
    Fetch,
    HfInferenceConfig,
    JobContext,
    MappingEntry,
    Plan,
    Pause,
    PreparedRequest,
    ProgressEvent,
    ProviderLimit,
    RawBody,
    ResponseMeta,
    RetryPolicy,
    Route,
    Routed,
    ServerSentEvent,
    StorageURL,
    Target,
]


@record
class Pair(Record):
    """The record twin of :class:`PairDataclass`."""

    name: str
    size: int = 0
    note: Any = field(default=None, repr=False, compare=False)

    def __init__(self, name: str, size: int = 0, note: Any = None) -> None:
        set_field(self, "name", name)
        set_field(self, "size", size)
        set_field(self, "note", note)


@dataclass(frozen=True, slots=True)
class PairDataclass:
    name: str
    size: int = 0
    note: Any = field(default=None, repr=False, compare=False)


def test_a_record_behaves_as_the_frozen_slotted_dataclass() -> None:
    mine, theirs = Pair("a", 2, note="x"), PairDataclass("a", 2, note="x")
    assert repr(mine) == repr(theirs).replace("PairDataclass", "Pair") == "Pair(name='a', size=2)"
    assert mine == Pair("a", 2, note="other")  # note is not compared, as in the dataclass
    assert mine != Pair("a", 3)
    assert mine != theirs  # another class: never equal
    assert hash(mine) == hash(Pair("a", 2)) == hash(theirs)  # same tuple of compared fields
    assert Pair.__slots__ == PairDataclass.__slots__ == ("name", "size", "note")
    assert Pair.__match_args__ == PairDataclass.__match_args__
    assert not hasattr(mine, "__dict__")
    assert dataclasses.is_dataclass(mine)
    assert dataclasses.asdict(mine) == dataclasses.asdict(theirs)
    assert dataclasses.replace(mine, size=5) == Pair("a", 5)
    with pytest.raises(FrozenInstanceError):
        mine.size = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del mine.size  # type: ignore[misc]
    for again in (copy.copy(mine), copy.deepcopy(mine), pickle.loads(pickle.dumps(mine))):
        assert again == mine and again.note == "x"
    match mine:
        case Pair("a", size):
            assert size == 2
        case _:
            pytest.fail("match args")


def test_record_refuses_a_class_without_its_own_init() -> None:
    class NoInit(Record):
        x: int

    with pytest.raises(TypeError, match="writes its __init__"):
        record(NoInit)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_each_records_init_takes_its_fields_in_order_with_their_defaults(cls: type) -> None:
    # the hand-written __init__ must stay what @dataclass would generate
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    for param, f in zip(params, fields, strict=True):
        assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if f.default is not MISSING:
            assert param.default == f.default, f.name
        elif f.default_factory is not MISSING:
            assert param.default is not inspect.Parameter.empty, f.name
        else:
            assert param.default is inspect.Parameter.empty, f.name
    required = {p.name: f"<{p.name}>" for p in params if p.default is inspect.Parameter.empty}
    made = cls(**required)
    for f in fields:  # every field set, the given ones as given
        value = getattr(made, f.name)
        if f.name in required:
            assert value == required[f.name]
        elif f.default_factory is not MISSING:
            assert value == f.default_factory()
        else:
            assert value is f.default or value == f.default


def test_a_default_factory_field_gets_a_new_value_each_time() -> None:
    first = PreparedRequest("GET", "http://x", {})
    assert first.context == ErrorContext()
    assert first.context is not PreparedRequest("GET", "http://x", {}).context
    given = ErrorContext(model="m")
    assert PreparedRequest("GET", "http://x", {}, context=given).context is given


def test_the_config_keeps_a_dict_and_validates_in_init_as_the_dataclass_did() -> None:
    config = HfInferenceConfig(token="hf_abc", router_url="http://r/")
    assert config.router_url == "http://r"  # __post_init__ ran
    assert vars(config)["max_retries"] == 3  # not slotted, as before
    assert dataclasses.replace(config, max_retries=0).max_retries == 0
    assert config == HfInferenceConfig(token="hf_abc", router_url="http://r")
    with pytest.raises(FrozenInstanceError):
        config.max_retries = 1  # type: ignore[misc]


def test_a_record_says_it_is_frozen_so_a_frozen_dataclass_may_extend_it() -> None:
    params = Pair.__dataclass_params__
    assert (params.init, params.repr, params.eq, params.frozen) == (True, True, True, True)

    @dataclass(frozen=True)
    class Triple(Pair):
        extra: int = 9

    made = Triple("a", 2, None, 3)
    assert (made.name, made.size, made.extra) == ("a", 2, 3)
    assert made == Triple("a", 2, "ignored", 3)
    with pytest.raises(FrozenInstanceError):
        made.extra = 1  # type: ignore[misc]
    with pytest.raises(TypeError, match="non-frozen"):

        @dataclass
        class Thawed(Pair):
            extra: int = 9


def test_a_read_only_dataclass_params_object_is_stood_in_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a Python whose dataclass parameters cannot be changed gets a stand-in, not an error
    from hf_inference_endpoints import _record

    class ReadOnlyParams:
        __slots__ = ()
        init = repr = eq = frozen = order = False

        def __setattr__(self, name: str, value: Any) -> None:
            raise AttributeError(f"{name} is read-only")

    real_dataclass = dataclasses.dataclass

    def read_only_dataclass(**options: Any) -> Any:
        def build(cls: type) -> type:
            made = real_dataclass(**options)(cls)
            made.__dataclass_params__ = ReadOnlyParams()  # type: ignore[attr-defined]
            return made

        return build

    monkeypatch.setattr(_record.dataclasses, "dataclass", read_only_dataclass)

    class Point(Record):
        x: int

        def __init__(self, x: int) -> None:
            set_field(self, "x", x)

    made = record(Point)
    monkeypatch.undo()
    params = made.__dataclass_params__  # type: ignore[attr-defined]
    assert (params.init, params.repr, params.eq, params.frozen) == (True, True, True, True)
    assert params.order is False  # read from the original

    @dataclass(frozen=True)
    class Point3(made):  # type: ignore[valid-type,misc]
        z: int = 0

    assert (Point3(1, 2).x, Point3(1, 2).z) == (1, 2)
