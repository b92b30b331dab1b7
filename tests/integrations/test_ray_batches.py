"""HfInferenceBatches called in this process on each of Ray's batch formats (the emulator).

tests/distributed/test_ray.py runs the same class on a real Ray runtime.
"""

from __future__ import annotations

import json
import pickle
import sys
from typing import Any

import pytest

from hf_inference_endpoints import ConfigurationError, InvalidArgument
from hf_inference_endpoints.emulator.embeddings import embed
from hf_inference_endpoints.integrations.ray import HfInferenceBatches

from ..conftest import EMULATOR_TOKEN
from .conftest import EMBEDDING_MODEL

pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

CLASSIFIER = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"


def config(emulator: Any, **extra: Any) -> dict[str, Any]:
    return {
        "token": EMULATOR_TOKEN,
        "router_url": emulator.router_url,
        "hub_url": emulator.hub_url,
        "default_provider": "hf-inference",
        "enable_embedding_cache": False,
        **extra,
    }


def vector(emulator: Any, text: str) -> list[float]:
    settings = emulator.settings
    exact = embed(
        EMBEDDING_MODEL,
        text,
        dim=settings.embedding_dim(EMBEDDING_MODEL),
        seed=settings.seed,
        normalize=True,
    )
    return [float(x) for x in np.asarray(exact, dtype=np.float32)]


def test_embeddings_of_a_numpy_batch_with_an_error_per_row(emulator: Any, no_env: None) -> None:
    mapper = HfInferenceBatches(EMBEDDING_MODEL, batch_size=2, in_flight=2, config=config(emulator))
    batch = {"id": np.arange(5), "text": np.array(["a", "b", "", "c", "d"], dtype=object)}
    try:
        table = mapper(batch)
    finally:
        mapper.close()
    assert table.column_names == ["id", "text", "embedding", "error"]
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [0, 1, 2, 3, 4]
    assert rows[2]["embedding"] is None
    assert rows[2]["error"] == {
        "type": "InvalidArgument",
        "message": "the input is not a non-empty string",
    }
    for row in (rows[0], rows[1], rows[3], rows[4]):
        assert row["error"] is None
        assert row["embedding"] == vector(emulator, row["text"])


def test_a_failed_call_is_an_error_cell_not_a_failed_batch(emulator: Any, no_env: None) -> None:
    mapper = HfInferenceBatches(
        EMBEDDING_MODEL, batch_size=2, config=config(emulator, max_retries=0)
    )
    emulator.set_fault(EMBEDDING_MODEL, "500:times=1")
    try:
        table = mapper(pa.table({"text": ["x", "y", "z"]}))
    finally:
        emulator.clear_faults()
        emulator.reset()
        mapper.close()
    errors = table.column("error").to_pylist()
    assert [e and e["type"] for e in errors] == ["ServerError", "ServerError", None]
    assert table.column("embedding").to_pylist()[2] == vector(emulator, "z")


def test_a_task_on_a_pandas_batch(emulator: Any, no_env: None) -> None:
    pd = pytest.importorskip("pandas")
    mapper = HfInferenceBatches(
        CLASSIFIER, task="text-classification", column="review", in_flight=2,
        config=config(emulator),
    )  # fmt: skip
    try:
        table = mapper(pd.DataFrame({"review": ["I love it", "I hate it"]}))
        direct = mapper.client.infer("text-classification", CLASSIFIER, "I love it")
    finally:
        mapper.close()
    assert table.column_names == ["review", "output", "error"]
    outputs = table.column("output").to_pylist()
    assert json.loads(outputs[0]) == direct
    assert table.column("error").to_pylist() == [None, None]


def test_shipped_to_an_actor_without_its_client(emulator: Any, no_env: None) -> None:
    mapper = HfInferenceBatches(EMBEDDING_MODEL, config=config(emulator))
    try:
        mapper(pa.table({"text": ["warm"]}))
        copy = pickle.loads(pickle.dumps(mapper))
    finally:
        mapper.close()
    assert copy._client is None  # the copy makes its own, on its first call
    try:
        assert copy(pa.table({"text": ["warm"]})).column("error").to_pylist() == [None]
    finally:
        copy.close()


def test_bad_arguments_and_batches_are_refused(emulator: Any, no_env: None) -> None:
    with pytest.raises(InvalidArgument, match="batch_size"):
        HfInferenceBatches(EMBEDDING_MODEL, batch_size=0)
    with pytest.raises(InvalidArgument, match="in_flight"):
        HfInferenceBatches(EMBEDDING_MODEL, in_flight=True)
    with pytest.raises(InvalidArgument, match="differ"):
        HfInferenceBatches(EMBEDDING_MODEL, output_column="error")
    with pytest.raises(InvalidArgument, match="timeout"):
        HfInferenceBatches(EMBEDDING_MODEL, timeout=-1)
    mapper = HfInferenceBatches(EMBEDDING_MODEL, config=config(emulator))
    with pytest.raises(InvalidArgument, match=r"no column 'text' \(columns: body\)"):
        mapper(pa.table({"body": ["a"]}))
    assert mapper._client is None  # refused before a client was made


def test_without_pyarrow_the_error_names_the_ray_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    mapper = HfInferenceBatches(EMBEDDING_MODEL)
    with pytest.raises(ConfigurationError, match=r"hf-inference-endpoints\[ray\]"):
        mapper({"text": ["a"]})
