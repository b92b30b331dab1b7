"""The task table: for each inference task, its method, inputs, parameters and answer (no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .._inputs import MediaKind
from . import parsers as p

__all__ = ["TASKS", "InputKind", "TaskSpec", "get_task"]

InputKind = Literal[
    "text",
    "image",
    "audio",
    "video",
    "optional-image",
    "question-context",
    "table",
    "image-question",
    "document-question",
]
"""What ``inputs`` holds for a task.

* ``text``: a string.
* ``image`` / ``audio`` / ``video``: a file (:class:`~.._inputs.Media` once loaded).
* ``optional-image``: an image or None (the prompt is a parameter).
* ``question-context``: ``{"question": str, "context": str}``.
* ``table``: ``{"query": str, "table": {column: [cells]}}``.
* ``image-question`` / ``document-question``: ``{"image": <file>, "question": str}``.
"""

_MEDIA: Mapping[str, MediaKind] = {
    "image": "image",
    "audio": "audio",
    "video": "video",
    "optional-image": "image",
    "image-question": "image",
    "document-question": "document",
}


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """How one task goes on the wire (hf-inference, WIRE.md §d.1).

    Attributes:
        name: The task (pipeline tag).
        method: The public method serving it.
        inputs: What ``inputs`` holds (see :data:`InputKind`).
        parameters: Name of the ``<Task>Parameters`` model the options are checked
            against (strictly), in ``hf_inference_endpoints.models``.
        raw_when_no_parameters: A binary-input task: without parameters the body is the
            raw file (``Content-Type`` = its MIME type), else base64 in the JSON envelope.
        accept: The ``Accept`` header to send (``image/png`` for text-to-image and
            image-to-image, as huggingface_hub does).
        binary_output: The answer is a file (image, audio, video), not JSON.
        parse: Decoded JSON answer -> typed result (None for binary answers).
        parse_batch: For a task the service runs on a batch (``inputs`` a list of texts):
            the answer -> one result per input, in order. None: one input per call.
    """

    name: str
    method: str
    inputs: InputKind
    parameters: str | None
    raw_when_no_parameters: bool = False
    accept: str | None = None
    binary_output: bool = False
    parse: Callable[[Any], Any] | None = None
    parse_batch: Callable[[Any], list[Any]] | None = None

    @property
    def media_kind(self) -> MediaKind | None:
        """The kind of file the task takes, if any."""
        return _MEDIA.get(self.inputs)


def _spec(*args: Any, **kwargs: Any) -> tuple[str, TaskSpec]:
    spec = TaskSpec(*args, **kwargs)
    return spec.name, spec


#: Every task this client types (feature-extraction and sentence-similarity are served by
#: ``client.embeddings`` and are not listed here).
TASKS: Mapping[str, TaskSpec] = dict(
    [
        # ---------------------------------------------------------------- text
        _spec(
            "text-classification",
            "text.classify",
            "text",
            "TextClassificationParameters",
            parse=p.parse_text_classification,
            parse_batch=p.parse_text_classification_batch,
        ),
        _spec(
            "token-classification",
            "text.classify_tokens",
            "text",
            "TokenClassificationParameters",
            parse=p.parse_token_classification,
        ),
        _spec(
            "zero-shot-classification",
            "text.zero_shot_classify",
            "text",
            "ZeroShotClassificationParameters",
            parse=p.parse_zero_shot_classification,
        ),
        _spec(
            "fill-mask",
            "text.fill_mask",
            "text",
            "FillMaskParameters",
            parse=p.parse_fill_mask,
            parse_batch=p.parse_fill_mask_batch,
        ),
        _spec(
            "question-answering",
            "text.answer",
            "question-context",
            "QuestionAnsweringParameters",
            parse=p.parse_question_answering,
        ),
        _spec(
            "table-question-answering",
            "text.answer_table",
            "table",
            "TableQuestionAnsweringParameters",
            parse=p.parse_table_question_answering,
        ),
        _spec(
            "summarization",
            "text.summarize",
            "text",
            "SummarizationParameters",
            parse=p.parse_summarization,
            parse_batch=p.parse_summarization_batch,
        ),
        _spec(
            "translation",
            "text.translate",
            "text",
            "TranslationParameters",
            parse=p.parse_translation,
            parse_batch=p.parse_translation_batch,
        ),
        # -------------------------------------------------------------- images
        _spec(
            "text-to-image",
            "images.generate",
            "text",
            "TextToImageParameters",
            accept="image/png",
            binary_output=True,
        ),
        _spec(
            "image-to-image",
            "images.transform",
            "image",
            "ImageToImageParameters",
            raw_when_no_parameters=True,
            accept="image/png",
            binary_output=True,
        ),
        _spec(
            "image-classification",
            "images.classify",
            "image",
            "ImageClassificationParameters",
            raw_when_no_parameters=True,
            parse=p.parse_image_classification,
        ),
        _spec(
            "image-segmentation",
            "images.segment",
            "image",
            "ImageSegmentationParameters",
            raw_when_no_parameters=True,
            parse=p.parse_image_segmentation,
        ),
        _spec(
            "object-detection",
            "images.detect",
            "image",
            "ObjectDetectionParameters",
            raw_when_no_parameters=True,
            parse=p.parse_object_detection,
        ),
        _spec(
            "zero-shot-image-classification",
            "images.zero_shot_classify",
            "image",
            "ZeroShotImageClassificationParameters",
            raw_when_no_parameters=True,
            parse=p.parse_zero_shot_image_classification,
        ),
        _spec(
            "zero-shot-object-detection",
            "images.zero_shot_detect",
            "image",
            "ZeroShotObjectDetectionParameters",
            raw_when_no_parameters=True,
            parse=p.parse_zero_shot_object_detection,
        ),
        _spec(
            "image-to-text",
            "images.caption",
            "image",
            "ImageToTextParameters",
            raw_when_no_parameters=True,
            parse=p.parse_image_to_text,
        ),
        _spec(
            "depth-estimation",
            "images.estimate_depth",
            "image",
            "DepthEstimationParameters",
            raw_when_no_parameters=True,
            parse=p.parse_depth_estimation,
        ),
        _spec(
            "visual-question-answering",
            "images.answer",
            "image-question",
            "VisualQuestionAnsweringParameters",
            parse=p.parse_visual_question_answering,
        ),
        _spec(
            "image-text-to-image",
            "images.edit",
            "optional-image",
            "ImageTextToImageParameters",
            raw_when_no_parameters=True,
            binary_output=True,
        ),
        # ----------------------------------------------------------- documents
        _spec(
            "document-question-answering",
            "documents.answer",
            "document-question",
            "DocumentQuestionAnsweringParameters",
            parse=p.parse_document_question_answering,
        ),
        # --------------------------------------------------------------- audio
        _spec(
            "automatic-speech-recognition",
            "audio.transcribe",
            "audio",
            "AutomaticSpeechRecognitionParameters",
            raw_when_no_parameters=True,
            parse=p.parse_automatic_speech_recognition,
        ),
        _spec(
            "text-to-speech",
            "audio.synthesize",
            "text",
            "TextToSpeechParameters",
            binary_output=True,
        ),
        _spec(
            "text-to-audio",
            "audio.synthesize",
            "text",
            "TextToAudioParameters",
            binary_output=True,
        ),
        _spec(
            "audio-classification",
            "audio.classify",
            "audio",
            "AudioClassificationParameters",
            raw_when_no_parameters=True,
            parse=p.parse_audio_classification,
        ),
        _spec(
            "audio-to-audio",
            "audio.transform",
            "audio",
            "AudioToAudioParameters",
            raw_when_no_parameters=True,
            parse=p.parse_audio_to_audio,
        ),
        # --------------------------------------------------------------- video
        _spec(
            "text-to-video",
            "video.generate",
            "text",
            "TextToVideoParameters",
            binary_output=True,
        ),
        _spec(
            "image-to-video",
            "video.from_image",
            "image",
            "ImageToVideoParameters",
            raw_when_no_parameters=True,
            binary_output=True,
        ),
        _spec(
            "image-text-to-video",
            "video.from_image",
            "optional-image",
            "ImageTextToVideoParameters",
            raw_when_no_parameters=True,
            binary_output=True,
        ),
        _spec(
            "video-classification",
            "video.classify",
            "video",
            "VideoClassificationParameters",
            raw_when_no_parameters=True,
            parse=p.parse_video_classification,
        ),
    ]
)


def get_task(task: str) -> TaskSpec | None:
    """The spec of ``task``, or None for a task this table does not type."""
    return TASKS.get(task)
