"""codegen/schema_drift.py on tiny upstream/ours fixture folders built in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen.schema_drift import compare, flatten, required_paths

REPO = Path(__file__).resolve().parents[2]


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")


COMMON_UPSTREAM = {
    "$id": "/inference/schemas/common-definitions.json",
    "definitions": {
        "Transform": {"type": "string", "enum": ["sigmoid", "softmax", "none"]},
        "Generation": {
            "type": "object",
            "properties": {"temperature": {"type": "number"}, "top_k": {"type": "integer"}},
        },
    },
}

UPSTREAM_INPUT = {
    "$id": "/inference/schemas/demo/input.json",
    "title": "DemoInput",
    "type": "object",
    "properties": {
        "inputs": {"type": "string"},
        "parameters": {"$ref": "#/$defs/DemoParameters"},
        "messages": {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "object", "properties": {"content": {"type": "string"}}},
                    {
                        "type": "object",
                        "properties": {"tool_calls": {"type": "array", "items": {}}},
                    },
                ]
            },
        },
    },
    "$defs": {
        "DemoParameters": {
            "type": "object",
            "properties": {
                "function_to_apply": {
                    "$ref": "/inference/schemas/common-definitions.json#/definitions/Transform"
                },
                "generation": {
                    "allOf": [
                        {
                            "$ref": (
                                "/inference/schemas/common-definitions.json#/definitions/Generation"
                            )
                        }
                    ],
                    "nullable": True,
                },
                "top_k": {"type": "integer"},
                "stop": {"type": "array", "items": {"type": "string"}},
            },
        }
    },
}

UPSTREAM_OUTPUT = {
    "$id": "/inference/schemas/demo/output.json",
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"label": {"type": "string"}, "score": {"type": "number"}},
    },
}

OURS_COMMON = {
    "$defs": {
        "Generation": {
            "title": "Generation",
            "type": "object",
            "properties": {"temperature": {"type": ["number", "null"]}},
        }
    }
}

OURS_INPUT = {
    "title": "DemoRequest",
    "type": "object",
    "properties": {
        "inputs": {"type": "string"},
        "parameters": {"$ref": "#/$defs/DemoParameters"},
        "messages": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "content": {"anyOf": [{"type": "string"}, {"type": "array"}]},
                    "tool_calls": {"type": ["array", "null"], "items": {}},
                    "name": {"type": "string"},
                },
            },
        },
    },
    "$defs": {
        "DemoParameters": {
            "title": "DemoParameters",
            "type": "object",
            "properties": {
                "function_to_apply": {"type": "string", "enum": ["sigmoid", "softmax"]},
                "generation": {
                    "anyOf": [{"$ref": "../common.json#/$defs/Generation"}, {"type": "null"}]
                },
                "top_k": {"type": "number"},
                "stop": {"anyOf": [{"type": "string"}, {"type": "array"}]},
            },
        }
    },
}

OURS_OUTPUT = {
    "type": "array",
    "items": {
        "title": "DemoLabel",
        "type": "object",
        "properties": {"label": {"type": "string"}, "score": {"type": ["number", "null"]}},
    },
}


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    upstream = tmp_path / "upstream"
    ours = tmp_path / "ours" / "schemas"
    _write(upstream / "common-definitions.json", COMMON_UPSTREAM)
    _write(upstream / "demo/spec/input.json", UPSTREAM_INPUT)
    _write(upstream / "demo/spec/output.json", UPSTREAM_OUTPUT)
    _write(upstream / "other-task/spec/input.json", {"type": "object", "properties": {}})
    _write(upstream / "placeholder/spec/input.json", {"type": "object", "properties": {}})
    _write(ours / "common.json", OURS_COMMON)
    _write(ours / "demo/input.json", OURS_INPUT)
    _write(ours / "demo/output.json", OURS_OUTPUT)
    _write(ours / "demo/stream_output.json", {"type": "object", "properties": {"x": {}}})
    _write(ours / "errors/error.json", {"type": "object", "properties": {"error": {}}})
    return ours, upstream


def test_flatten_follows_refs_combinators_and_items(folders: tuple[Path, Path]) -> None:
    ours, _ = folders
    assert flatten(ours / "demo/input.json") == {
        "inputs": {"string"},
        "parameters": {"object"},
        "parameters.function_to_apply": {"string"},
        "parameters.generation": {"object"},
        "parameters.generation.temperature": {"number"},
        "parameters.top_k": {"number"},
        "parameters.stop": {"array", "string"},
        "messages": {"array"},
        "messages[].content": {"array", "string"},
        "messages[].tool_calls": {"array"},
        "messages[].name": {"string"},
    }
    assert flatten(ours / "demo/output.json") == {"[].label": {"string"}, "[].score": {"number"}}


def test_report_lines(folders: tuple[Path, Path]) -> None:
    ours, upstream = folders
    report = compare(ours, upstream)
    assert report.compared_tasks == ["demo"]
    assert report.missing_tasks == ["other-task"]  # placeholder skipped, errors/ ignored
    assert list(report.lines()) == [
        "demo/input: + parameters.generation.top_k (integer)",
        "demo/input: - messages[].name (string)",
        "demo/input: ~ messages[].content (ours array|string, upstream string)",
        "demo/input: ~ parameters.stop (ours array|string, upstream array)",
        "demo/input: ~ parameters.top_k (ours number, upstream integer)",
        "demo/stream_output: upstream has no such document",
        "demo/stream_output: - x (any)",
        "other-task: not modelled (upstream task with no schemas/other-task/)",
    ]
    assert report.drifted


def test_no_drift_exits_zero(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    ours = tmp_path / "ours"
    _write(upstream / "demo/spec/output.json", UPSTREAM_OUTPUT)
    _write(ours / "schemas/demo/output.json", OURS_OUTPUT)
    proc = subprocess.run(
        [sys.executable, "-m", "codegen.schema_drift", str(upstream), "--root", str(ours)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "no drift (compared: demo)\n"


def test_cli_exit_codes_and_json(folders: tuple[Path, Path]) -> None:
    ours, upstream = folders
    cmd = [sys.executable, "-m", "codegen.schema_drift", str(upstream), "--root", str(ours.parent)]
    text = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    assert text.returncode == 1
    assert "demo/input: + parameters.generation.top_k (integer)" in text.stdout
    assert text.stdout.rstrip().endswith("1 upstream task(s) not modelled")

    as_json = subprocess.run(
        [*cmd, "--json"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert data["drift"] is True
    assert data["missing_tasks"] == ["other-task"]
    assert data["tasks"]["demo"]["input"]["added"] == {"parameters.generation.top_k": ["integer"]}
    assert data["tasks"]["demo"]["input"]["retyped"]["parameters.top_k"] == {
        "ours": ["number"],
        "upstream": ["integer"],
    }
    assert "output" not in data["tasks"]["demo"]

    missing = subprocess.run(
        [sys.executable, "-m", "codegen.schema_drift", str(upstream / "nope")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2


def test_recursive_schemas_terminate(tmp_path: Path) -> None:
    doc = {
        "type": "object",
        "properties": {"node": {"$ref": "#/$defs/Node"}},
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
            }
        },
    }
    _write(tmp_path / "tree.json", doc)
    flat = flatten(tmp_path / "tree.json")
    assert flat["node.value"] == {"integer"}
    assert flat["node.children"] == {"array"}
    assert "node.children[].value" not in flat  # a $ref already being expanded is not re-entered


def test_required_paths_follow_refs_unions_and_items(tmp_path: Path) -> None:
    doc = {
        "type": "array",
        "items": {
            "anyOf": [
                {"$ref": "#/$defs/Hit"},
                {"type": "object", "required": ["other"], "properties": {"other": {}}},
            ]
        },
        "$defs": {
            "Hit": {
                "type": "object",
                "required": ["label", "box"],
                "properties": {
                    "label": {"type": "string"},
                    "box": {"type": "object", "required": ["x"], "properties": {"x": {}}},
                },
            }
        },
    }
    _write(tmp_path / "out.json", doc)
    assert required_paths(tmp_path / "out.json") == {"[].label", "[].box", "[].box.x", "[].other"}


def test_required_differences_are_reported_apart_from_drift(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    ours = tmp_path / "schemas"
    _write(
        upstream / "demo/spec/output.json",
        {**UPSTREAM_OUTPUT, "items": {**UPSTREAM_OUTPUT["items"], "required": ["label", "score"]}},
    )
    _write(
        ours / "demo/output.json",
        {**OURS_OUTPUT, "items": {**OURS_OUTPUT["items"], "required": ["label"]}},
    )
    plain = compare(ours, upstream)
    assert not plain.drifted and list(plain.documents[0].required_lines()) == []
    report = compare(ours, upstream, required=True)
    assert not report.drifted  # required-ness is information, not drift
    assert list(report.documents[0].required_lines()) == [
        "demo/output: ! [].score (required upstream only)"
    ]
    # the other way round: required here, optional upstream
    _write(upstream / "demo/spec/output.json", UPSTREAM_OUTPUT)
    mirrored = compare(ours, upstream, required=True)
    assert list(mirrored.documents[0].required_lines()) == [
        "demo/output: ! [].label (required here only)"
    ]
