"""File tasks on the wire (WIRE.md §d.1, §b.2): raw bytes without options, base64 JSON with
them, the per-task shapes (VQA, document QA), Accept headers, and real answer shapes."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from hf_inference_endpoints._inputs import Media
from hf_inference_endpoints._request import RawBody
from hf_inference_endpoints._tasks import TASKS, answer_parser, build_body
from hf_inference_endpoints.models import (
    AudioClassificationOutputElement,
    AudioToAudioOutputElement,
    AutomaticSpeechRecognitionOutput,
    AutomaticSpeechRecognitionOutputChunk,
    BoundingBox,
    DepthEstimationOutput,
    DocumentQuestionAnsweringOutputElement,
    ImageClassificationOutputElement,
    ImageSegmentationOutputElement,
    ImageToTextOutput,
    ObjectDetectionOutputElement,
    VideoClassificationOutputElement,
    VisualQuestionAnsweringOutputElement,
    ZeroShotImageClassificationOutputElement,
    ZeroShotObjectDetectionOutputElement,
)

from ..media import mp4, png, wav
from .task_wire import ROUTER, json_of, parse, wire

PNG = Media(png(), "image/png")
B64_PNG = base64.b64encode(PNG.data).decode()
FLAC = Media(b"fLaC\x00\x00\x00\x22" + b"\x00" * 40, "audio/flac")
B64_FLAC = base64.b64encode(FLAC.data).decode()
WAV = Media(wav(), "audio/wav")
MP4 = Media(mp4(b"frames"), "video/mp4")

#: Tasks whose file goes raw when there are no options (WIRE §d.1's list, plus the
#: spec-level binary tasks our registry adds).
RAW_WITHOUT_OPTIONS = {
    "audio-classification": FLAC,
    "automatic-speech-recognition": FLAC,
    "image-classification": PNG,
    "image-segmentation": PNG,
    "image-to-text": PNG,
    "object-detection": PNG,
    "audio-to-audio": WAV,
    "image-to-image": PNG,
    "depth-estimation": PNG,
    "video-classification": MP4,
    "image-to-video": PNG,
}


@pytest.mark.parametrize("task", sorted(RAW_WITHOUT_OPTIONS))
def test_a_file_without_options_is_sent_raw(task: str) -> None:
    media = RAW_WITHOUT_OPTIONS[task]
    request = wire(task, media)
    assert request.url == f"{ROUTER}/org/model"
    assert request.content == media.data
    assert request.headers["content-type"] == media.mime
    accept = "image/png" if task == "image-to-image" else None
    assert request.headers.get("accept") == accept


def test_wire_list_is_covered() -> None:
    wire_list = {
        "audio-classification",
        "automatic-speech-recognition",
        "image-classification",
        "image-segmentation",
        "image-to-text",
        "object-detection",
        "audio-to-audio",
        "zero-shot-image-classification",
        "image-to-image",
        "visual-question-answering",
    }
    assert wire_list <= set(TASKS)
    # zero-shot image classification always has labels (so JSON) and VQA always has a
    # question (so JSON): the other eight go raw without options.
    assert wire_list - {"zero-shot-image-classification", "visual-question-answering"} <= set(
        RAW_WITHOUT_OPTIONS
    )


def test_image_classification() -> None:
    request = wire("image-classification", PNG, {"top_k": 3})
    assert json_of(request) == {"inputs": B64_PNG, "parameters": {"top_k": 3}}
    answer = [
        {"score": 0.1176738440990448, "label": "brassiere, bra, bandeau"},
        {"score": 0.0957278460264206, "label": "sombrero"},
    ]
    assert parse("image-classification", answer) == [
        ImageClassificationOutputElement(label="brassiere, bra, bandeau", score=0.1176738440990448),
        ImageClassificationOutputElement(label="sombrero", score=0.0957278460264206),
    ]


def test_image_segmentation() -> None:
    request = wire("image-segmentation", PNG, {"threshold": 0.9, "subtask": "panoptic"})
    assert json_of(request) == {
        "inputs": B64_PNG,
        "parameters": {"threshold": 0.9, "subtask": "panoptic"},
    }
    mask = base64.b64encode(png(2, 2, (255, 255, 255))).decode()
    out = parse(
        "image-segmentation",
        [{"label": "cat", "score": 0.99, "mask": mask}, {"label": "wall", "mask": mask}],
    )
    assert out == [
        ImageSegmentationOutputElement(label="cat", score=0.99, mask=mask),
        ImageSegmentationOutputElement(label="wall", mask=mask),
    ]
    assert out[1].score is None
    assert base64.b64decode(out[0].mask or "").startswith(b"\x89PNG")


def test_object_detection() -> None:
    request = wire("object-detection", PNG, {"threshold": 0.5})
    assert json_of(request) == {"inputs": B64_PNG, "parameters": {"threshold": 0.5}}
    answer = [
        {
            "score": 0.9486683011054993,
            "label": "person",
            "box": {"xmin": 59, "ymin": 39, "xmax": 420, "ymax": 510},
        }
    ]
    [found] = parse("object-detection", answer)
    assert found == ObjectDetectionOutputElement(
        label="person",
        score=0.9486683011054993,
        box=BoundingBox(xmin=59, ymin=39, xmax=420, ymax=510),
    )


def test_zero_shot_image_classification_is_json_with_labels() -> None:
    request = wire(
        "zero-shot-image-classification",
        PNG,
        {"candidate_labels": ["cat", "dog"], "hypothesis_template": "A photo of a {}."},
    )
    assert json_of(request) == {
        "inputs": B64_PNG,
        "parameters": {
            "candidate_labels": ["cat", "dog"],
            "hypothesis_template": "A photo of a {}.",
        },
    }
    assert parse("zero-shot-image-classification", [{"label": "cat", "score": 0.9}]) == [
        ZeroShotImageClassificationOutputElement(label="cat", score=0.9)
    ]


def test_zero_shot_object_detection() -> None:
    request = wire("zero-shot-object-detection", PNG, {"candidate_labels": ["mug"]})
    assert json_of(request) == {"inputs": B64_PNG, "parameters": {"candidate_labels": ["mug"]}}
    answer = [{"label": "mug", "score": 0.4, "box": {"xmin": 1, "ymin": 2, "xmax": 3, "ymax": 4}}]
    assert parse("zero-shot-object-detection", answer) == [
        ZeroShotObjectDetectionOutputElement(
            label="mug", score=0.4, box=BoundingBox(xmin=1, ymin=2, xmax=3, ymax=4)
        )
    ]


def test_image_to_text() -> None:
    request = wire(
        "image-to-text", PNG, {"max_new_tokens": 20, "generation_parameters": {"num_beams": 2}}
    )
    assert json_of(request) == {
        "inputs": B64_PNG,
        "parameters": {"max_new_tokens": 20, "generation_parameters": {"num_beams": 2}},
    }
    text = "a woman in a hat and dress posing for a photo"
    assert parse("image-to-text", [{"generated_text": text}]) == ImageToTextOutput(
        generated_text=text
    )
    assert parse("image-to-text", {"generated_text": text}) == ImageToTextOutput(
        generated_text=text
    )


def test_depth_estimation() -> None:
    depth = base64.b64encode(png(2, 1, (128, 128, 128))).decode()
    out = parse("depth-estimation", {"predicted_depth": [[1.5, 2.25]], "depth": depth})
    assert out == DepthEstimationOutput(predicted_depth=[[1.5, 2.25]], depth=depth)


def test_visual_question_answering_sends_the_recorded_nested_shape() -> None:
    request = wire(
        "visual-question-answering", {"image": PNG, "question": "What color?"}, {"top_k": 2}
    )
    assert json_of(request) == {
        "inputs": {"image": B64_PNG, "question": "What color?"},
        "parameters": {"top_k": 2},
    }
    assert json_of(
        wire("visual-question-answering", {"image": PNG, "question": "What color?"})
    ) == {"inputs": {"image": B64_PNG, "question": "What color?"}}
    answer = [{"answer": "red", "score": 0.97}, {"answer": "orange", "score": 0.01}]
    assert parse("visual-question-answering", answer) == [
        VisualQuestionAnsweringOutputElement(answer="red", score=0.97),
        VisualQuestionAnsweringOutputElement(answer="orange", score=0.01),
    ]


def test_document_question_answering() -> None:
    request = wire(
        "document-question-answering",
        {"image": PNG, "question": "What is the invoice number?"},
        {"lang": "en", "word_boxes": ["Invoice", [10.0, 20.0, 30.0, 40.0]]},
    )
    assert json_of(request) == {
        "inputs": {"image": B64_PNG, "question": "What is the invoice number?"},
        "parameters": {"lang": "en", "word_boxes": ["Invoice", [10.0, 20.0, 30.0, 40.0]]},
    }
    answer = [{"answer": "us-001", "score": 0.42, "start": 16, "end": 16}]
    assert parse("document-question-answering", answer) == [
        DocumentQuestionAnsweringOutputElement(answer="us-001", score=0.42, start=16, end=16)
    ]
    assert parse("document-question-answering", answer[0]) == parse(
        "document-question-answering", answer
    )


def test_text_to_image_asks_for_png_and_keeps_bytes() -> None:
    request = wire(
        "text-to-image",
        "An astronaut riding a horse on the moon.",
        {"height": 256, "width": 256, "seed": 7, "guidance_scale": 7},
    )
    assert request.headers["accept"] == "image/png"
    assert request.expect == "bytes"
    assert json_of(request) == {
        "inputs": "An astronaut riding a horse on the moon.",
        "parameters": {"height": 256, "width": 256, "seed": 7, "guidance_scale": 7},
    }
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF"
    assert answer_parser("text-to-image")(jpeg) == jpeg


def test_image_to_image_with_prompt_is_base64_json() -> None:
    request = wire(
        "image-to-image",
        PNG,
        {"prompt": "make it blue", "target_size": {"width": 64, "height": 32}},
    )
    assert request.headers["accept"] == "image/png"
    assert json_of(request) == {
        "inputs": B64_PNG,
        "parameters": {"prompt": "make it blue", "target_size": {"width": 64, "height": 32}},
    }


def test_image_text_to_image() -> None:
    request = wire("image-text-to-image", PNG, {"prompt": "paint it blue", "seed": 1})
    assert request.expect == "bytes"
    assert "accept" not in request.headers
    assert json_of(request) == {
        "inputs": B64_PNG,
        "parameters": {"prompt": "paint it blue", "seed": 1},
    }
    # a prompt alone (no image) is valid too
    assert build_body("image-text-to-image", None, {"prompt": "a cat"}) == {
        "parameters": {"prompt": "a cat"}
    }


def test_automatic_speech_recognition() -> None:
    request = wire(
        "automatic-speech-recognition",
        FLAC,
        {"return_timestamps": True, "generation_parameters": {"max_new_tokens": 50}},
    )
    assert json_of(request) == {
        "inputs": B64_FLAC,
        "parameters": {"return_timestamps": True, "generation_parameters": {"max_new_tokens": 50}},
    }
    answer = {
        "text": " A man said to the universe.",
        "chunks": [
            {"text": " A man said", "timestamp": [0.0, 1.2]},
            {"text": " to the universe.", "timestamp": [1.2, None]},
        ],
    }
    assert parse("automatic-speech-recognition", answer) == AutomaticSpeechRecognitionOutput(
        text=" A man said to the universe.",
        chunks=[
            AutomaticSpeechRecognitionOutputChunk(text=" A man said", timestamp=[0.0, 1.2]),
            AutomaticSpeechRecognitionOutputChunk(text=" to the universe.", timestamp=[1.2, None]),
        ],
    )


def test_text_to_speech_and_text_to_audio() -> None:
    request = wire("text-to-speech", "Hello world", {"do_sample": True, "max_new_tokens": 50})
    assert request.expect == "bytes"
    assert json_of(request) == {
        "inputs": "Hello world",
        "parameters": {"do_sample": True, "max_new_tokens": 50},
    }
    nested = wire(
        "text-to-audio", "A calm piano melody", {"generation_parameters": {"temperature": 0.7}}
    )
    assert json_of(nested) == {
        "inputs": "A calm piano melody",
        "parameters": {"generation_parameters": {"temperature": 0.7}},
    }


def test_audio_classification_and_audio_to_audio() -> None:
    request = wire("audio-classification", FLAC, {"top_k": 2})
    assert json_of(request) == {"inputs": B64_FLAC, "parameters": {"top_k": 2}}
    assert parse("audio-classification", [{"score": 0.6658844351768494, "label": "neu"}]) == [
        AudioClassificationOutputElement(label="neu", score=0.6658844351768494)
    ]
    blob = base64.b64encode(WAV.data).decode()
    [track] = parse(
        "audio-to-audio", [{"label": "speech", "blob": blob, "content-type": "audio/wav"}]
    )
    assert track == AudioToAudioOutputElement(label="speech", blob=blob, content_type="audio/wav")
    assert track.content_type == "audio/wav"


def test_video_tasks() -> None:
    generate = wire(
        "text-to-video", "A cat surfing", {"num_frames": 16, "negative_prompt": ["blurry"]}
    )
    assert generate.expect == "bytes"
    assert json_of(generate) == {
        "inputs": "A cat surfing",
        "parameters": {"num_frames": 16, "negative_prompt": ["blurry"]},
    }
    animate = wire("image-text-to-video", PNG, {"prompt": "the cat turns its head"})
    assert json_of(animate) == {
        "inputs": B64_PNG,
        "parameters": {"prompt": "the cat turns its head"},
    }
    classify = wire("video-classification", MP4, {"num_frames": 8, "top_k": 1})
    assert json_of(classify) == {
        "inputs": base64.b64encode(MP4.data).decode(),
        "parameters": {"num_frames": 8, "top_k": 1},
    }
    assert parse("video-classification", [{"label": "surfing", "score": 0.8}]) == [
        VideoClassificationOutputElement(label="surfing", score=0.8)
    ]


def test_provider_neutral_envelope_keeps_files_with_their_type() -> None:
    body = build_body("image-classification", PNG, {}, wire=False)
    assert body == {"inputs": RawBody(PNG.data, "image/png")}
    vqa = build_body("visual-question-answering", {"image": PNG, "question": "q"}, {}, wire=False)
    assert vqa == {"inputs": {"image": RawBody(PNG.data, "image/png"), "question": "q"}}


def test_unknown_task_gets_the_plain_envelope() -> None:
    body: Any = build_body("tabular-classification", {"col": ["1", "2"]}, {"x": None, "y": 1})
    assert body == {"inputs": {"col": ["1", "2"]}, "parameters": {"y": 1}}
    raw = build_body("some-file-task", PNG, {})
    assert raw == {"inputs": B64_PNG}
