"""Answers of the inference tasks -> typed results (no I/O).

Each parser takes the decoded JSON of a 2xx answer and returns what the service
method returns. Shapes follow WIRE.md §d.1, including where hf-inference differs from
the task specs: one-element lists ("take element 0"), text classification nested one
list per input, both zero-shot shapes, question answering as an object or a list.
A shape that fits none raises ``ValueError`` (the transport reports a ``ServerError``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import (
        AudioClassificationOutputElement,
        AudioToAudioOutputElement,
        AutomaticSpeechRecognitionOutput,
        DepthEstimationOutput,
        DocumentQuestionAnsweringOutputElement,
        FillMaskOutputElement,
        ImageClassificationOutputElement,
        ImageSegmentationOutputElement,
        ImageToTextOutput,
        ObjectDetectionOutputElement,
        QuestionAnsweringOutputElement,
        SummarizationOutput,
        TableQuestionAnsweringOutputElement,
        TextClassificationOutputElement,
        TokenClassificationOutputElement,
        TranslationOutput,
        VideoClassificationOutputElement,
        VisualQuestionAnsweringOutputElement,
        ZeroShotClassificationOutputElement,
        ZeroShotImageClassificationOutputElement,
        ZeroShotObjectDetectionOutputElement,
    )

__all__ = [
    "first",
    "parse_audio_classification",
    "parse_audio_to_audio",
    "parse_automatic_speech_recognition",
    "parse_depth_estimation",
    "parse_document_question_answering",
    "parse_fill_mask",
    "parse_fill_mask_batch",
    "parse_image_classification",
    "parse_image_segmentation",
    "parse_image_to_text",
    "parse_object_detection",
    "parse_question_answering",
    "parse_summarization",
    "parse_summarization_batch",
    "parse_table_question_answering",
    "parse_text_classification",
    "parse_text_classification_batch",
    "parse_token_classification",
    "parse_translation",
    "parse_translation_batch",
    "parse_video_classification",
    "parse_visual_question_answering",
    "parse_zero_shot_classification",
    "parse_zero_shot_image_classification",
    "parse_zero_shot_object_detection",
    "wrong_shape",
]


#: How much of a wrong-shaped answer an error message quotes.
_EXCERPT = 160


def wrong_shape(task: str, data: Any, exc: Exception) -> str:
    """Say why an answer is not a ``task`` answer: what is missing or wrong, and its start.

    Args:
        task: The task whose answer shape was expected.
        data: The decoded answer.
        exc: What the parser raised (a pydantic ``ValidationError`` or a ``ValueError``).

    Returns:
        E.g. ``it is not a text-classification answer (0.label: Field required; ...);
        the body began: [{"generated_text": "hi"}]``.

    Example:
        >>> wrong_shape("summarization", [], ValueError("expected a one-element list"))
        'it is not a summarization answer (expected a one-element list); the body began: []'
    """
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        details = [
            f"{'.'.join(str(part) for part in error.get('loc', ())) or 'body'}: {error.get('msg')}"
            for error in found[:3]
        ]
        more = f"; {len(found) - 3} more" if len(found) > 3 else ""
        why = "; ".join(details) + more
    else:
        why = str(exc)
    try:
        text = json.dumps(data, ensure_ascii=False, default=str)
    except ValueError:  # a circular value cannot come from JSON; be safe anyway
        text = repr(data)
    excerpt = text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"
    return f"it is not a {task} answer ({why}); the body began: {excerpt}"


def first(data: Any) -> Any:
    """Element 0 of a one-element-list answer; any other value as is.

    Raises:
        ValueError: ``data`` is an empty list.
    """
    if isinstance(data, list):
        if not data:
            raise ValueError("expected a one-element list, got an empty list")
        return data[0]
    return data


def parse_text_classification(data: Any) -> list[TextClassificationOutputElement]:
    """``[[{label, score}]]`` (one list per input, hf-inference) or the flat list."""
    from ..models import TextClassificationOutput

    root = TextClassificationOutput.model_validate(data).root
    if root and isinstance(root[0], list):
        return list(root[0])
    return list(root)  # type: ignore[arg-type]


def parse_text_classification_batch(data: Any) -> list[list[TextClassificationOutputElement]]:
    """A batch: one list of labels per input (``[[{label, score}], ...]``)."""
    from ..models import TextClassificationOutput

    root = TextClassificationOutput.model_validate(data).root
    if root and not isinstance(root[0], list):
        return [list(root)]  # type: ignore[arg-type]  # one flat list: a batch of one
    return [list(labels) for labels in root]  # type: ignore[arg-type]


def parse_token_classification(data: Any) -> list[TokenClassificationOutputElement]:
    """``[{entity_group, score, word, start, end}]`` in text order."""
    from ..models import TokenClassificationOutput

    return list(TokenClassificationOutput.model_validate(data).root)


def parse_zero_shot_classification(data: Any) -> list[ZeroShotClassificationOutputElement]:
    """``[{label, score}]`` today; the pre-2025 ``{sequence, labels, scores}`` becomes the same.

    The legacy object also comes wrapped in a one-element list (one per input text, as
    some deployments answer a single text): ``[{sequence, labels, scores}]``.
    """
    from ..models import (
        ZeroShotClassificationLegacyOutput,
        ZeroShotClassificationOutput,
        ZeroShotClassificationOutputElement,
    )

    if (
        isinstance(data, list)
        and len(data) == 1
        and isinstance(data[0], dict)
        and "labels" in data[0]
        and "scores" in data[0]
    ):
        data = data[0]  # the list-wrapped legacy shape
    root = ZeroShotClassificationOutput.model_validate(data).root
    if isinstance(root, ZeroShotClassificationLegacyOutput):
        if len(root.labels) != len(root.scores):
            raise ValueError("zero-shot answer: labels and scores differ in length")
        return [
            ZeroShotClassificationOutputElement(label=label, score=score)
            for label, score in zip(root.labels, root.scores, strict=True)
        ]
    return list(root)


def parse_fill_mask(data: Any) -> list[FillMaskOutputElement]:
    """``[{sequence, score, token, token_str}]``; several masks (a list per mask) are
    flattened, mask by mask (each element's ``sequence`` shows which mask it fills)."""
    from ..models import FillMaskOutput

    root = FillMaskOutput.model_validate(data).root
    out: list[FillMaskOutputElement] = []
    for item in root:
        if isinstance(item, list):
            out.extend(item)
        else:
            out.append(item)
    return out


def parse_fill_mask_batch(data: Any) -> list[list[FillMaskOutputElement]]:
    """A batch: one answer per input, each read like :func:`parse_fill_mask` (a flat list
    of candidates is a batch of one)."""
    answers = _batch_of(data)
    if answers and all(isinstance(item, dict) for item in answers):
        return [parse_fill_mask(answers)]
    return [parse_fill_mask(item) for item in answers]


def parse_question_answering(data: Any) -> list[QuestionAnsweringOutputElement]:
    """One ``{answer, score, start, end}`` object, or a list of them (``top_k`` > 1)."""
    from ..models import QuestionAnsweringOutput

    root = QuestionAnsweringOutput.model_validate(data).root
    return list(root) if isinstance(root, list) else [root]


def parse_table_question_answering(data: Any) -> TableQuestionAnsweringOutputElement:
    """``{answer, coordinates, cells, aggregator}`` (a list holding it is accepted)."""
    from ..models import TableQuestionAnsweringOutputElement

    return TableQuestionAnsweringOutputElement.model_validate(first(data))


def _batch_of(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise ValueError(f"a batch answer is a list, got {type(data).__name__}")
    return data


def parse_summarization_batch(data: Any) -> list[SummarizationOutput]:
    """A batch: ``[{summary_text}, ...]``, one per input."""
    from ..models import SummarizationOutput

    return [SummarizationOutput.model_validate(item) for item in _batch_of(data)]


def parse_translation_batch(data: Any) -> list[TranslationOutput]:
    """A batch: ``[{translation_text}, ...]``, one per input."""
    from ..models import TranslationOutput

    return [TranslationOutput.model_validate(item) for item in _batch_of(data)]


def parse_summarization(data: Any) -> SummarizationOutput:
    """``[{summary_text}]``: element 0."""
    from ..models import SummarizationOutput

    return SummarizationOutput.model_validate(first(data))


def parse_translation(data: Any) -> TranslationOutput:
    """``[{translation_text}]``: element 0."""
    from ..models import TranslationOutput

    return TranslationOutput.model_validate(first(data))


def parse_image_classification(data: Any) -> list[ImageClassificationOutputElement]:
    """``[{label, score}]``, best first."""
    from ..models import ImageClassificationOutput

    return list(ImageClassificationOutput.model_validate(data).root)


def parse_audio_classification(data: Any) -> list[AudioClassificationOutputElement]:
    """``[{label, score}]``, best first."""
    from ..models import AudioClassificationOutput

    return list(AudioClassificationOutput.model_validate(data).root)


def parse_video_classification(data: Any) -> list[VideoClassificationOutputElement]:
    """``[{label, score}]``, best first."""
    from ..models import VideoClassificationOutput

    return list(VideoClassificationOutput.model_validate(data).root)


def parse_zero_shot_image_classification(
    data: Any,
) -> list[ZeroShotImageClassificationOutputElement]:
    """``[{label, score}]``, best first."""
    from ..models import ZeroShotImageClassificationOutput

    return list(ZeroShotImageClassificationOutput.model_validate(data).root)


def parse_image_segmentation(data: Any) -> list[ImageSegmentationOutputElement]:
    """``[{label, score?, mask: base64 PNG}]``."""
    from ..models import ImageSegmentationOutput

    return list(ImageSegmentationOutput.model_validate(data).root)


def parse_object_detection(data: Any) -> list[ObjectDetectionOutputElement]:
    """``[{label, score, box{xmin, ymin, xmax, ymax}}]``."""
    from ..models import ObjectDetectionOutput

    return list(ObjectDetectionOutput.model_validate(data).root)


def parse_zero_shot_object_detection(data: Any) -> list[ZeroShotObjectDetectionOutputElement]:
    """``[{label, score, box}]``."""
    from ..models import ZeroShotObjectDetectionOutput

    return list(ZeroShotObjectDetectionOutput.model_validate(data).root)


def parse_image_to_text(data: Any) -> ImageToTextOutput:
    """``[{generated_text}]``: element 0."""
    from ..models import ImageToTextOutput

    return ImageToTextOutput.model_validate(first(data))


def parse_depth_estimation(data: Any) -> DepthEstimationOutput:
    """``{predicted_depth, depth: base64 PNG}`` (a one-element list is accepted)."""
    from ..models import DepthEstimationOutput

    return DepthEstimationOutput.model_validate(first(data))


def parse_visual_question_answering(data: Any) -> list[VisualQuestionAnsweringOutputElement]:
    """``[{answer, score}]``, best first (a single object is accepted)."""
    from ..models import VisualQuestionAnsweringOutput

    items = data if isinstance(data, list) else [data]
    return list(VisualQuestionAnsweringOutput.model_validate(items).root)


def parse_document_question_answering(
    data: Any,
) -> list[DocumentQuestionAnsweringOutputElement]:
    """``[{answer, score, start, end}]``, best first (a single object is accepted)."""
    from ..models import DocumentQuestionAnsweringOutput

    root = DocumentQuestionAnsweringOutput.model_validate(data).root
    return list(root) if isinstance(root, list) else [root]


def parse_automatic_speech_recognition(data: Any) -> AutomaticSpeechRecognitionOutput:
    """``{text, chunks?[{text, timestamp}]}`` (a one-element list is accepted)."""
    from ..models import AutomaticSpeechRecognitionOutput

    return AutomaticSpeechRecognitionOutput.model_validate(first(data))


def parse_audio_to_audio(data: Any) -> list[AudioToAudioOutputElement]:
    """``[{label, blob: base64 audio, "content-type"}]``."""
    from ..models import AudioToAudioOutput

    return list(AudioToAudioOutput.model_validate(data).root)
