"""Compare ``schemas/`` with a pinned release of ``@huggingface/tasks``, as a routine.

Usage, from the project root (``make schema-drift`` / ``make schema-drift-check``)::

    python -m codegen.upstream report            # fetch the pin (cached), print the drift
    python -m codegen.upstream report --required # ... and which fields only one side requires
    python -m codegen.upstream check             # exit 1 on any unexplained or stale entry
    python -m codegen.upstream fetch             # only fetch; print the task-spec folder
    python -m codegen.upstream report --upstream DIR   # compare with a folder instead

The pin and the allow-list live in ``schemas/upstream-drift.yaml``: the npm package, its
version, the tarball's ``integrity`` (as ``npm view <pkg>@<ver> dist.integrity`` prints it)
and every difference we keep on purpose, each with its reason. ``check`` fails when

* the report has a difference the allow-list does not name (*unexplained*: adopt it in
  ``schemas/`` or list it with a reason), or
* the allow-list names a difference the report no longer has (*stale*: delete the entry).

The tarball is fetched with ``npm pack`` (the registry npm is configured with) into the
gitignored ``.cache/upstream/`` and reused from there; its sha512 must match the pinned
integrity. Only ``package/src/tasks/`` is extracted. Docs: ``docs/upstream.md``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from codegen.schema_drift import DriftError, compare

__all__ = [
    "Pin",
    "UpstreamError",
    "Verdict",
    "fetch",
    "judge",
    "load_pin",
    "main",
    "tarball_integrity",
]

ROOT = Path(__file__).resolve().parent.parent
PIN_FILE = ROOT / "schemas" / "upstream-drift.yaml"
CACHE_DIR = ROOT / ".cache" / "upstream"
TASKS_PREFIX = PurePosixPath("package/src/tasks")


class UpstreamError(Exception):
    """The pin file is malformed, or the pinned package cannot be fetched or verified."""


@dataclass(frozen=True)
class Pin:
    """The pinned upstream package and the differences we keep from it."""

    package: str
    version: str
    integrity: str
    allowed: dict[str, str] = field(default_factory=dict)  # report line -> reason

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def folder_name(self) -> str:
        return f"{self.package.lstrip('@').replace('/', '-')}-{self.version}"


@dataclass(frozen=True)
class Verdict:
    """A drift report judged against the allow-list."""

    allowed: list[str]
    unexplained: list[str]  # in the report, not in the allow-list
    stale: list[str]  # in the allow-list, not in the report

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.stale


# --------------------------------------------------------------------------------------------
# The pin file
# --------------------------------------------------------------------------------------------


def _text(doc: dict[str, Any], key: str, where: Path) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise UpstreamError(f"{where}: `{key}` must be a non-empty string")
    return value.strip()


def load_pin(path: Path = PIN_FILE) -> Pin:
    """Read the pin and allow-list.

    Raises:
        UpstreamError: the file is missing, or an entry has no reason or repeats a difference.
    """
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UpstreamError(f"{path}: cannot read: {exc}") from None
    if not isinstance(doc, dict):
        raise UpstreamError(f"{path}: expected a mapping at the top level")
    integrity = _text(doc, "integrity", path)
    if not integrity.startswith("sha512-"):
        raise UpstreamError(f"{path}: `integrity` must be npm's sha512-<base64> form")
    allowed: dict[str, str] = {}
    groups = doc.get("allowed") or []
    if not isinstance(groups, list):
        raise UpstreamError(f"{path}: `allowed` must be a list")
    for number, group in enumerate(groups, 1):
        if not isinstance(group, dict):
            raise UpstreamError(f"{path}: allowed entry {number} is not a mapping")
        reason = group.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise UpstreamError(f"{path}: allowed entry {number} has no reason")
        differences = group.get("differences")
        if not isinstance(differences, list) or not differences:
            raise UpstreamError(f"{path}: allowed entry {number} lists no differences")
        for line in differences:
            if not isinstance(line, str):
                raise UpstreamError(f"{path}: allowed entry {number}: {line!r} is not a string")
            if line in allowed:
                raise UpstreamError(f"{path}: {line!r} is listed twice")
            allowed[line] = " ".join(reason.split())
    return Pin(
        package=_text(doc, "package", path),
        version=_text(doc, "version", path),
        integrity=integrity,
        allowed=allowed,
    )


def judge(lines: Iterable[str], pin: Pin) -> Verdict:
    """Split report ``lines`` into allowed and unexplained, and find stale allow-list entries."""
    seen = list(lines)
    present = set(seen)
    return Verdict(
        allowed=[line for line in seen if line in pin.allowed],
        unexplained=[line for line in seen if line not in pin.allowed],
        stale=[line for line in pin.allowed if line not in present],
    )


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


def tarball_integrity(path: Path) -> str:
    """npm's ``sha512-<base64>`` integrity string of a file."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _npm_pack(pin: Pin, destination: Path, npm: Sequence[str]) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    command = [*npm, "pack", pin.spec, "--json", "--pack-destination", str(destination)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UpstreamError(f"cannot run {' '.join(command)}: {exc}") from None
    if proc.returncode != 0:
        raise UpstreamError(f"`npm pack {pin.spec}` failed:\n{proc.stderr.strip()}")
    try:
        filename = json.loads(proc.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError):
        raise UpstreamError(f"`npm pack` printed no tarball name: {proc.stdout[:200]!r}") from None
    # npm names scoped tarballs "huggingface-tasks-<ver>.tgz" (older npm: "@huggingface/...")
    tarball = destination / Path(str(filename)).name.lstrip("@").replace("/", "-")
    if not tarball.is_file():
        raise UpstreamError(f"`npm pack` reported {filename!r} but wrote no {tarball}")
    return tarball


def _extract_tasks(tarball: Path, target: Path) -> None:
    """Extract ``package/src/tasks/**`` (regular files only) from ``tarball`` into ``target``."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    count = 0
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = PurePosixPath(member.name)
            if not member.isfile() or ".." in name.parts or name.is_absolute():
                continue
            try:
                relative = name.relative_to(TASKS_PREFIX)
            except ValueError:
                continue
            source = archive.extractfile(member)
            if source is None:
                continue
            out = partial.joinpath(*relative.parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(source.read())
            count += 1
    if not count:
        shutil.rmtree(partial, ignore_errors=True)
        raise UpstreamError(f"{tarball}: no files under {TASKS_PREFIX}/")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def fetch(pin: Pin, cache_dir: Path = CACHE_DIR, npm: Sequence[str] = ("npm",)) -> Path:
    """Return the folder of the pinned task specs, fetching and extracting it once.

    A cached tarball is reused (no network); a fresh one comes from ``npm pack``. Either must
    match the pinned integrity.

    Raises:
        UpstreamError: npm fails, or the tarball does not match the pinned integrity.
    """
    tasks_dir = cache_dir / pin.folder_name / "tasks"
    stamp = cache_dir / pin.folder_name / "integrity"
    if tasks_dir.is_dir() and stamp.is_file() and stamp.read_text().strip() == pin.integrity:
        return tasks_dir
    tarball = cache_dir / f"{pin.folder_name}.tgz"
    if not tarball.is_file():
        tarball = _npm_pack(pin, cache_dir, npm)
    actual = tarball_integrity(tarball)
    if actual != pin.integrity:
        raise UpstreamError(
            f"{tarball}: integrity {actual} does not match the pinned {pin.integrity} "
            f"(delete the file to fetch it again, or fix the pin)"
        )
    _extract_tasks(tarball, tasks_dir)
    stamp.write_text(pin.integrity + "\n")
    return tasks_dir


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def _print_verdict(verdict: Verdict, pin: Pin, listing: bool, reasons: bool) -> None:
    if listing:
        for line in verdict.allowed:
            print(f"allowed      {line}")
            if reasons:
                print(f"             ({pin.allowed[line]})")
    for line in verdict.unexplained:
        print(f"UNEXPLAINED  {line}")
    for line in verdict.stale:
        print(f"STALE        {line}  (no longer reported: remove it from the allow-list)")
    print(
        f"{pin.spec}: {len(verdict.allowed)} allowed, {len(verdict.unexplained)} unexplained, "
        f"{len(verdict.stale)} stale"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m codegen.upstream",
        description="Compare schemas/ with the pinned @huggingface/tasks release.",
    )
    parser.add_argument("command", choices=["fetch", "report", "check"])
    parser.add_argument("--pin", type=Path, default=PIN_FILE, help="pin and allow-list file")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="tarball cache folder")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root holding schemas/")
    parser.add_argument(
        "--upstream", type=Path, default=None, help="compare with this folder (no fetch)"
    )
    parser.add_argument("--reasons", action="store_true", help="report: print each reason")
    parser.add_argument(
        "--required",
        action="store_true",
        help="report: also list paths only one side requires (information, never checked)",
    )
    args = parser.parse_args(argv)
    try:
        pin = load_pin(args.pin)
        upstream = args.upstream or fetch(pin, args.cache)
        if args.command == "fetch":
            print(upstream)
            return 0
        report = compare(args.root / "schemas", upstream, required=args.required)
    except (UpstreamError, DriftError) as exc:
        print(f"codegen.upstream: {exc}", file=sys.stderr)
        return 2
    verdict = judge(report.lines(), pin)
    _print_verdict(verdict, pin, listing=args.command == "report", reasons=args.reasons)
    if args.command == "report" and args.required:
        for document in report.documents:
            for line in document.required_lines():
                print(f"info         {line}")
    if args.command == "check":
        return 0 if verdict.ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
