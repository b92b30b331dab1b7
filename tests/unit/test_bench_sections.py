"""bench/RESULTS.md holds two benchmarks: bench.run's rewrite keeps bench.bulk_embed's section."""

from __future__ import annotations

from pathlib import Path

from bench.sections import BEGIN, END, keep_section, replace_section


def test_the_bulk_section_is_replaced_in_place_and_kept_by_a_rewrite(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nclient overhead\n")
    replace_section(results, "## Bulk embed\n\nfirst run")
    replace_section(results, "## Bulk embed\n\nsecond run")
    text = results.read_text()
    assert (
        text
        == f"# Benchmark results\n\nclient overhead\n\n{BEGIN}\n## Bulk embed\n\nsecond run\n{END}\n"
    )
    rewritten = keep_section(results, "# Benchmark results\n\nnew overhead numbers\n")
    assert rewritten.startswith("# Benchmark results\n\nnew overhead numbers\n\n")
    assert rewritten.count(BEGIN) == 1
    assert "second run" in rewritten
    assert keep_section(tmp_path / "missing.md", "report") == "report"
