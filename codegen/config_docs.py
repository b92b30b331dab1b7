"""Generate the configuration reference of docs/configuration.md from the code.

The table between the ``<!-- config-reference:start -->`` and ``<!-- config-reference:end
-->`` markers lists every field of :class:`HfInferenceConfig` with its type, default, the
environment variable that sets it (:data:`ENV_VARS`) and its description (the class
docstring's ``Attributes:`` section). Nothing else in the page is touched.

Usage, from the project root::

    python -m codegen.config_docs          # rewrite the table     (`make generate`)
    python -m codegen.config_docs --check  # exit 1 when stale     (`make check-generated`)
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
from typing import Any

from hf_inference_endpoints._config import ENV_VARS, HfInferenceConfig

from ._regions import ROOT, Region

__all__ = ["PAGE", "attribute_docs", "main", "reference_table", "render_page"]

PAGE = ROOT / "docs" / "configuration.md"
REGION = Region(PAGE, "config-reference")
START, END = REGION.start, REGION.end
_MIB = 1024 * 1024


def attribute_docs(cls: type) -> dict[str, str]:
    """``name -> description`` from the ``Attributes:`` section of ``cls``'s docstring."""
    doc = inspect.getdoc(cls) or ""
    section = doc.split("Attributes:", 1)[1] if "Attributes:" in doc else ""
    out: dict[str, str] = {}
    current: str | None = None
    for line in section.splitlines():
        if line and not line.startswith(" "):
            break  # the next section (Example:)
        match = re.match(r"^    (\w+): (.*)$", line)
        if match:
            current = match[1]
            out[current] = match[2].strip()
        elif current and line.strip():
            out[current] += " " + line.strip()
    return out


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:  # pragma: no cover - every field has a default
        return "required"
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= _MIB
        and not value % _MIB
    ):
        return f"`{value}` ({value // _MIB} MiB)"
    return f"`{value!r}`"


def _type(field: dataclasses.Field[Any]) -> str:
    return f"`{field.type}`".replace("|", "\\|")


def reference_table() -> str:
    """The Markdown table of every config field."""
    docs = attribute_docs(HfInferenceConfig)
    by_field = {name: var for var, name in ENV_VARS.items()}
    rows = [
        "| Field | Type | Default | Environment | Description |",
        "|---|---|---|---|---|",
    ]
    for field in dataclasses.fields(HfInferenceConfig):
        var = by_field.get(field.name)
        env = f"`{var}`" if var else ""
        if field.name == "token":
            env = "`HF_TOKEN`, else the token file (`HF_TOKEN_PATH`, `HF_HOME`)"
        description = docs.get(field.name, "").replace("|", "\\|")
        rows.append(
            f"| `{field.name}` | {_type(field)} | {_default(field)} | {env} | {description} |"
        )
    return "\n".join(rows)


def render_page(text: str) -> str:
    """``text`` with the table between the markers replaced by the current one."""
    return REGION.render(text, reference_table())


def main(argv: list[str] | None = None) -> int:
    """Rewrite the table, or with ``--check`` exit 1 when it is stale."""
    return REGION.main(argv, reference_table, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
