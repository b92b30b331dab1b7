"""codegen/upstream.py: the pin file, the allow-list verdict and the cached npm fetch.

Everything runs on tiny synthetic specs and tarballs built in tmp_path; "npm" is a small
Python script, so no test needs npm or a network.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from codegen.schema_drift import compare
from codegen.upstream import (
    PIN_FILE,
    Pin,
    UpstreamError,
    fetch,
    judge,
    load_pin,
    main,
    tarball_integrity,
)

REPO = Path(__file__).resolve().parents[2]

UPSTREAM_OUTPUT = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"label": {"type": "string"}, "score": {"type": "number"}},
    },
}
OURS_OUTPUT = {
    "type": "array",
    "items": {
        "title": "DemoLabel",
        "type": "object",
        "properties": {"label": {"type": "string"}, "index": {"type": "integer"}},
    },
}
SCORE_LINE = "demo/output: + [].score (number)"
INDEX_LINE = "demo/output: - [].index (integer)"


def _pin_text(differences: list[str], integrity: str = "sha512-AAAA", reason: str = "why") -> str:
    listed = "\n".join(f'      - "{line}"' for line in differences)
    return textwrap.dedent(
        f"""\
        package: "@demo/tasks"
        version: "1.2.3"
        integrity: "{integrity}"
        allowed:
          - reason: {reason!r}
            differences:
        """
    ) + (listed + "\n" if listed else "")


def _write_pin(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pin.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _tarball(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


SPEC_FILES = {
    "package/package.json": b"{}",
    "package/src/tasks/demo/spec/output.json": json.dumps(UPSTREAM_OUTPUT).encode(),
    "package/src/tasks/common-definitions.json": b'{"definitions": {}}',
    "package/src/tasks/../../escape.json": b"{}",
}


# --------------------------------------------------------------------------------------------
# The pin file
# --------------------------------------------------------------------------------------------


def test_load_pin_reads_package_version_and_reasons(tmp_path: Path) -> None:
    pin = load_pin(_write_pin(tmp_path, _pin_text([SCORE_LINE], reason="upstream  is   wrong")))
    assert pin == Pin("@demo/tasks", "1.2.3", "sha512-AAAA", {SCORE_LINE: "upstream is wrong"})
    assert pin.spec == "@demo/tasks@1.2.3"
    assert pin.folder_name == "demo-tasks-1.2.3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_pin_text([SCORE_LINE], reason=""), "has no reason"),
        (_pin_text([]), "lists no differences"),
        (_pin_text([SCORE_LINE, SCORE_LINE]), "listed twice"),
        (_pin_text([SCORE_LINE], integrity="md5-xyz"), "sha512"),
        ("version: 1\n", "`integrity` must be"),
        ("- a list\n", "mapping"),
    ],
)
def test_load_pin_refuses_malformed_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UpstreamError, match=message):
        load_pin(_write_pin(tmp_path, text))


def test_the_committed_pin_loads_and_every_entry_has_a_reason() -> None:
    pin = load_pin(PIN_FILE)
    assert pin.package == "@huggingface/tasks"
    assert pin.allowed
    assert all(len(reason) > 20 for reason in pin.allowed.values())


# --------------------------------------------------------------------------------------------
# Verdict
# --------------------------------------------------------------------------------------------


def test_judge_splits_allowed_unexplained_and_stale() -> None:
    stale = "demo/input: + gone (string)"
    pin = Pin("@demo/tasks", "1", "sha512-x", {SCORE_LINE: "a", stale: "b"})
    verdict = judge([SCORE_LINE, INDEX_LINE], pin)
    assert verdict.allowed == [SCORE_LINE]
    assert verdict.unexplained == [INDEX_LINE]
    assert verdict.stale == [stale]
    assert not verdict.ok
    assert judge([SCORE_LINE], Pin("p", "1", "sha512-x", {SCORE_LINE: "a"})).ok


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


def _cached_pin(tmp_path: Path, cache: Path) -> Pin:
    cache.mkdir(parents=True)
    tarball = _tarball(cache / "demo-tasks-1.2.3.tgz", SPEC_FILES)
    return Pin("@demo/tasks", "1.2.3", tarball_integrity(tarball))


def test_fetch_uses_the_cached_tarball_and_extracts_only_the_task_specs(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    pin = _cached_pin(tmp_path, cache)
    tasks = fetch(pin, cache, npm=("/nonexistent/npm",))  # npm would fail: not called
    assert tasks == cache / "demo-tasks-1.2.3" / "tasks"
    extracted = sorted(p.relative_to(tasks).as_posix() for p in tasks.rglob("*") if p.is_file())
    assert extracted == ["common-definitions.json", "demo/spec/output.json"]
    assert not (tmp_path / "escape.json").exists()
    assert not (cache / "escape.json").exists()
    # the extracted folder is reused as it is
    (tasks / "marker").write_text("kept")
    assert fetch(pin, cache, npm=("/nonexistent/npm",)) == tasks
    assert (tasks / "marker").read_text() == "kept"


def test_fetch_refuses_a_tarball_that_does_not_match_the_pin(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    pin = _cached_pin(tmp_path, cache)
    wrong = Pin(pin.package, pin.version, "sha512-" + "A" * 86 + "==")
    with pytest.raises(UpstreamError, match="does not match the pinned"):
        fetch(wrong, cache, npm=("/nonexistent/npm",))
    assert not (cache / "demo-tasks-1.2.3").exists()


FAKE_NPM = """
import json, shutil, sys
args = sys.argv[1:]
assert args[0] == "pack" and args[1] == "@demo/tasks@1.2.3", args
destination = args[args.index("--pack-destination") + 1]
shutil.copy(sys.argv[0] + ".tgz", destination + "/demo-tasks-1.2.3.tgz")
print(json.dumps([{"filename": "demo-tasks-1.2.3.tgz"}]))
"""


def test_fetch_runs_npm_pack_when_nothing_is_cached(tmp_path: Path) -> None:
    script = tmp_path / "npm.py"
    script.write_text(FAKE_NPM)
    source = _tarball(tmp_path / "npm.py.tgz", SPEC_FILES)
    pin = Pin("@demo/tasks", "1.2.3", tarball_integrity(source))
    tasks = fetch(pin, tmp_path / "cache", npm=(sys.executable, str(script)))
    assert (tasks / "demo/spec/output.json").is_file()
    assert (tmp_path / "cache" / "demo-tasks-1.2.3.tgz").read_bytes() == source.read_bytes()


def test_fetch_reports_a_failing_npm(tmp_path: Path) -> None:
    pin = Pin("@demo/tasks", "9.9.9", "sha512-x")
    failing = (sys.executable, "-c", "import sys; sys.exit('404 Not Found')")
    with pytest.raises(UpstreamError, match="404 Not Found"):
        fetch(pin, tmp_path / "cache", npm=failing)


# --------------------------------------------------------------------------------------------
# CLI (check / report) on a synthetic project
# --------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    upstream = tmp_path / "upstream"
    (upstream / "demo/spec").mkdir(parents=True)
    (upstream / "demo/spec/output.json").write_text(json.dumps(UPSTREAM_OUTPUT))
    root = tmp_path / "project"
    (root / "schemas/demo").mkdir(parents=True)
    (root / "schemas/demo/output.json").write_text(json.dumps(OURS_OUTPUT))
    assert list(compare(root / "schemas", upstream).lines()) == [SCORE_LINE, INDEX_LINE]
    return root, upstream


def _run(
    command: str, pin: Path, project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    root, upstream = project
    code = main([command, "--pin", str(pin), "--root", str(root), "--upstream", str(upstream)])
    return code, capsys.readouterr().out


def test_check_passes_when_every_difference_is_explained(
    tmp_path: Path, project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pin = _write_pin(tmp_path, _pin_text([SCORE_LINE, INDEX_LINE]))
    code, out = _run("check", pin, project, capsys)
    assert code == 0
    assert out == "@demo/tasks@1.2.3: 2 allowed, 0 unexplained, 0 stale\n"


def test_check_fails_on_an_unexplained_difference(
    tmp_path: Path, project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pin = _write_pin(tmp_path, _pin_text([SCORE_LINE]))
    code, out = _run("check", pin, project, capsys)
    assert code == 1
    assert f"UNEXPLAINED  {INDEX_LINE}" in out
    # report lists everything but does not fail
    code, out = _run("report", pin, project, capsys)
    assert code == 0
    assert out.splitlines()[:2] == [f"allowed      {SCORE_LINE}", f"UNEXPLAINED  {INDEX_LINE}"]


def test_check_fails_on_a_stale_entry(
    tmp_path: Path, project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    stale = "demo/output: + [].gone (string)"
    pin = _write_pin(tmp_path, _pin_text([SCORE_LINE, INDEX_LINE, stale]))
    code, out = _run("check", pin, project, capsys)
    assert code == 1
    assert f"STALE        {stale}" in out
    assert out.rstrip().endswith("2 allowed, 0 unexplained, 1 stale")


def test_cli_exit_2_on_a_bad_pin(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "codegen.upstream", "check", "--pin", str(tmp_path / "none")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "cannot read" in proc.stderr
