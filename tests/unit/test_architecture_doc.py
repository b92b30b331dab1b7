"""docs/ARCHITECTURE.md lists every module of the library (generated ones by folder; the
provider helpers in the table of ``_routing/providers/README.md``, which it points to)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "hf_inference_endpoints"
GENERATED = {"models", "_sync"}


def _listed(path: Path, doc: str) -> bool:
    return path.name in doc or path.stem in doc


def test_every_module_is_listed() -> None:
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    providers = PACKAGE / "_routing" / "providers"
    table = (providers / "README.md").read_text(encoding="utf-8")
    missing = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        if not GENERATED & set(path.relative_to(PACKAGE).parts)
        and path.name != "__init__.py"
        and not _listed(path, table if path.parent == providers else doc)
    ]
    assert missing == [], f"add these modules to docs/ARCHITECTURE.md: {missing}"
