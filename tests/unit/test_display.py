"""Notebook displays (IPython's _repr_*_ protocol), without IPython."""

from __future__ import annotations

import pytest

from hf_inference_endpoints import BinaryResult, EmbeddingResult, SimilarityScores
from hf_inference_endpoints._display import MAX_ROWS, Results, html_table
from hf_inference_endpoints.models import TextClassificationOutputElement
from tests.media import mp4, png, wav


def test_png_and_jpeg_render_as_images_not_html() -> None:
    image = BinaryResult(png(2, 2))
    assert image._repr_png_() == image.content
    assert image._repr_jpeg_() is None and image._repr_html_() is None
    jpeg = BinaryResult(b"\xff\xd8\xff\xe0fake", "image/jpeg")
    assert jpeg._repr_jpeg_() == jpeg.content and jpeg._repr_png_() is None


@pytest.mark.parametrize(
    ("content", "content_type", "start"),
    [
        (wav(0.01), "audio/wav", '<audio controls src="data:audio/wav;base64,'),
        (mp4(b"x"), "video/mp4", '<video controls src="data:video/mp4;base64,'),
        (b"GIF89a....", "image/gif", '<img src="data:image/gif;base64,'),
    ],
)
def test_audio_video_and_other_images_get_html(
    content: bytes, content_type: str, start: str
) -> None:
    result = BinaryResult(content, content_type)
    assert result._repr_png_() is None
    assert (result._repr_html_() or "").startswith(start)


def test_other_files_have_no_rich_display() -> None:
    assert BinaryResult(b"%PDF-1.7", "application/pdf")._repr_html_() is None


def test_results_are_lists_with_a_table() -> None:
    labels = Results(
        [
            TextClassificationOutputElement(label="POSITIVE", score=0.75),
            TextClassificationOutputElement(label="<b>NEG</b>", score=0.25),
        ]
    )
    assert isinstance(labels, list) and labels == list(labels)
    table = labels._repr_html_()
    assert table.startswith("<table><thead><tr><th>label</th><th>score</th></tr>")
    assert "<td>POSITIVE</td><td>0.7500<span" in table and "width:45px" in table
    assert "&lt;b&gt;NEG&lt;/b&gt;" in table  # escaped


def test_long_tables_are_cut_with_a_count() -> None:
    table = html_table(["value"], [[i] for i in range(MAX_ROWS + 5)])
    assert table.count("<tr>") == 1 + MAX_ROWS + 1
    assert "… 5 more" in table


def test_embeddings_and_similarity_tables() -> None:
    result = EmbeddingResult([[0.5, 0.25, 0.125, 1.0, 2.0], None], errors={1: None}, requests=1)  # type: ignore[dict-item]
    table = result._repr_html_()
    assert "<caption>2 embeddings of 5 dimensions (1 request, 0 from the cache, 1 failed)" in table
    assert "<td>[0.5000, 0.2500, 0.1250, 1.0000, …]</td>" in table
    assert "<td>failed</td>" in table
    scores = SimilarityScores([0.9, 0.1])._repr_html_()
    assert "<th>sentence</th><th>score</th>" in scores and "0.9000" in scores
