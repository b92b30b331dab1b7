"""Ray Data on a real local Ray runtime: a Parquet dataset embedded by actors whose rate
limit is shared through the private redis-server; the emulator's own counters prove the
limit was never exceeded, the output holds every row exactly once with an error column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import client_config

ray = pytest.importorskip("ray")
# a loaded machine starts Ray's worker processes slowly: no test here waits on a clock
pytestmark = pytest.mark.timeout(300)
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

PROVIDER = "hf-inference"
MODEL = "org/embedder"
CLASSIFIER = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
LIMIT = 10  # requests per emulated minute (0.6 s), every actor together
ROWS = 60


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[None]:
    """A real local Ray runtime for this module (two CPUs, no dashboard), shut down after."""
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        namespace="hfie-tests",
    )
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    try:
        yield
    finally:
        ray.shutdown()


def test_actors_sharing_redis_stay_under_the_limit_and_write_every_row_once(
    ray_runtime: None, limited_emulator: Any, redis_url: str, tmp_path: Path
) -> None:
    from hf_inference_endpoints.integrations.ray import HfInferenceBatches

    limited_emulator.reset()
    limited_emulator.set_rate_limit(PROVIDER, LIMIT)
    texts: list[str | None] = [f"row {i}" for i in range(ROWS)]
    texts[7], texts[41] = None, ""  # bad rows: error cells, not failed batches
    source, target = tmp_path / "docs.parquet", tmp_path / "vectors"
    pq.write_table(pa.table({"id": list(range(ROWS)), "text": texts}), source, row_group_size=15)
    config = client_config(
        limited_emulator,
        rate_limit_url=redis_url,
        provider_rate_limits={PROVIDER: LIMIT},
        rate_limit_window=0.66,
        enable_embedding_cache=False,
        max_retries=0,  # a single 429 would be an error cell
    )
    # four blocks, so both actors get work (read_parquet merges a small file into one block)
    table = pq.read_table(source)
    blocks = ray.data.from_arrow([table.slice(start, 15) for start in range(0, ROWS, 15)])
    dataset = blocks.map_batches(
        HfInferenceBatches,
        fn_constructor_kwargs={"model": MODEL, "batch_size": 2, "config": config},
        batch_size=6,
        batch_format="pyarrow",
        concurrency=2,  # two actors, each with its own client
        num_cpus=0.25,  # leaves CPUs to the read and write tasks
    )
    dataset.write_parquet(str(target))
    rows = pq.read_table(target).to_pylist()
    assert sorted(r["id"] for r in rows) == list(range(ROWS))  # every row, exactly once
    failed = {r["id"]: r["error"]["type"] for r in rows if r["error"] is not None}
    assert failed == {7: "InvalidArgument", 41: "InvalidArgument"}
    assert all(len(r["embedding"]) > 0 for r in rows if r["error"] is None)
    counters = limited_emulator.rate_limit_counters(PROVIDER)
    requests = (ROWS - 2 + 1) // 2  # two texts per call, at least; more calls at batch edges
    assert counters["rejected"] == 0
    assert counters["peak"] <= LIMIT
    assert requests <= counters["accepted"] <= ROWS - 2


def test_a_task_on_ray_answers_json_per_row(ray_runtime: None, limited_emulator: Any) -> None:
    from hf_inference_endpoints.integrations.ray import HfInferenceBatches

    limited_emulator.reset()
    config = client_config(limited_emulator)
    dataset = ray.data.from_items([{"review": "I love it"}, {"review": "I hate it"}])
    rows = dataset.map_batches(
        HfInferenceBatches,
        fn_constructor_kwargs={
            "model": CLASSIFIER,
            "task": "text-classification",
            "column": "review",
            "config": config,
        },
        batch_format="pandas",
        concurrency=1,
        num_cpus=0.25,  # leaves CPUs to the read and write tasks
    ).take_all()
    assert sorted(r["review"] for r in rows) == ["I hate it", "I love it"]
    from hf_inference_endpoints import HfInferenceClient

    with HfInferenceClient(**config) as client:
        expected = {
            t: client.infer("text-classification", CLASSIFIER, t)
            for t in ("I love it", "I hate it")
        }
    for row in rows:
        assert row["error"] is None
        assert json.loads(row["output"]) == expected[row["review"]]
