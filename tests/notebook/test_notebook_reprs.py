"""Results show themselves in a real Jupyter kernel (nbclient), against the emulator.

One notebook, run as a user would run it: images render inline (image/png), audio and
video as players (text/html), embeddings and classifications as tables, and the async
client works with top-level ``await``. The kernel inherits the hf_emulator environment.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints.emulator.testing import HfEmulator

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

CELLS = [
    "from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceClient\n"
    "client = HfInferenceClient()",
    "client.images.generate(\n"
    '    "black-forest-labs/FLUX.1-dev", "a red fox", width=3, height=2, provider="hf-inference"\n'
    ")",
    'client.audio.synthesize(text="hello there")',
    'client.video.generate(prompt="a fox running", num_frames=2)',
    'client.embeddings.create("BAAI/bge-small-en-v1.5", ["one", "two", "one"])',
    'client.text.classify("distilbert/distilbert-base-uncased-finetuned-sst-2-english", "I like you")',
    "aclient = AsyncHfInferenceClient()\n"
    "reply = await aclient.chat.complete(\n"
    '    model="meta-llama/Llama-3.1-8B-Instruct", messages=[{"role": "user", "content": "Hi"}]\n'
    ")\n"
    "await aclient.aclose()\n"
    "reply.choices[0].message.content",
    "client.close()",
]


def _result(cell: Any) -> dict[str, Any]:
    (output,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    data: dict[str, Any] = output.data
    return data


def test_results_display_richly_in_a_kernel(hf_emulator: HfEmulator, tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = nbclient.NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [o for c in notebook.cells for o in c.outputs if o.output_type == "error"]
    assert errors == []
    cells = notebook.cells

    image = _result(cells[1])
    png = base64.b64decode(image["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png[16:24] == (3).to_bytes(4, "big") + (2).to_bytes(4, "big")  # IHDR 3x2
    assert "text/html" not in image

    audio = _result(cells[2])["text/html"]
    assert audio.startswith('<audio controls src="data:audio/wav;base64,')
    video = _result(cells[3])["text/html"]
    assert video.startswith('<video controls src="data:video/mp4;base64,')

    embeddings = _result(cells[4])["text/html"]
    assert "<caption>3 embeddings of 384 dimensions (1 request, 0 from the cache)</caption>" in (
        embeddings
    )
    assert embeddings.count("<tr>") == 4  # header + one row per input

    labels = _result(cells[5])["text/html"]
    assert "<th>label</th><th>score</th>" in labels
    assert "NEGATIVE" in labels and "POSITIVE" in labels

    assert _result(cells[6])["text/plain"] == "'Emulated reply: Hi'"
