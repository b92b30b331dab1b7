"""Task models (schemas/<task>/, schemas/tei/, schemas/common.json) against real answer shapes.

The JSON below is written for these tests in the shapes hf-inference, TEI and the providers
send (see schemas/README.md and each schema's descriptions): nested text-classification lists,
both zero-shot shapes, question answering as one object or a list, Whisper chunks with an open
end, base64 masks, integer boxes, TEI /info. Laziness of ``hf_inference_endpoints.models`` is
checked in test_models.py.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pydantic
import pytest

from hf_inference_endpoints import models
from hf_inference_endpoints.models import (
    AudioClassificationOutput,
    AudioClassificationOutputElement,
    AudioToAudioOutput,
    AutomaticSpeechRecognitionInput,
    AutomaticSpeechRecognitionOutput,
    AutomaticSpeechRecognitionParameters,
    BoundingBox,
    ClassificationOutput,
    DepthEstimationOutput,
    DocumentQuestionAnsweringInput,
    DocumentQuestionAnsweringOutput,
    DocumentQuestionAnsweringOutputElement,
    FeatureExtractionOutput,
    FeatureExtractionParameters,
    FeatureExtractionRequest,
    FillMaskOutput,
    FillMaskOutputElement,
    GenerationParameters,
    ImageClassificationOutput,
    ImageClassificationOutputElement,
    ImageSegmentationOutput,
    ImageTextToImageInput,
    ImageToImageInput,
    ImageToImageParameters,
    ImageToTextOutput,
    ObjectDetectionOutput,
    OpenAIEmbeddingsRequest,
    OpenAIEmbeddingsResponse,
    QuestionAnsweringInput,
    QuestionAnsweringOutput,
    QuestionAnsweringOutputElement,
    SentenceSimilarityInput,
    SentenceSimilarityOutput,
    SummarizationOutput,
    TableQuestionAnsweringInput,
    TableQuestionAnsweringOutput,
    TableQuestionAnsweringOutputElement,
    TargetSize,
    TeiEmbedOutput,
    TeiEmbedRequest,
    TeiInfo,
    TextClassificationInput,
    TextClassificationOutput,
    TextClassificationOutputElement,
    TextClassificationParameters,
    TextToImageOutput,
    TextToImageParameters,
    TextToSpeechInput,
    TextToSpeechParameters,
    TextToVideoParameters,
    TokenClassificationOutput,
    TokenClassificationParameters,
    TranslationOutput,
    VideoClassificationOutput,
    VideoClassificationOutputElement,
    VisualQuestionAnsweringInput,
    VisualQuestionAnsweringInputData,
    VisualQuestionAnsweringOutput,
    ZeroShotClassificationInput,
    ZeroShotClassificationLegacyOutput,
    ZeroShotClassificationOutput,
    ZeroShotClassificationOutputElement,
    ZeroShotImageClassificationOutput,
    ZeroShotImageClassificationOutputElement,
    ZeroShotObjectDetectionOutput,
)

PNG_1X1 = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


# --------------------------------------------------------------------------------------------
# The contract: class names per module (the services are written against these)
# --------------------------------------------------------------------------------------------

CONTRACT: dict[str, set[str]] = {
    "common": {"BoundingBox", "ClassificationOutput", "GenerationParameters", "TargetSize"},
    "audio_classification": {
        "AudioClassificationInput",
        "AudioClassificationOutput",
        "AudioClassificationOutputElement",
        "AudioClassificationParameters",
    },
    "audio_to_audio": {
        "AudioToAudioInput",
        "AudioToAudioOutput",
        "AudioToAudioOutputElement",
        "AudioToAudioParameters",
    },
    "automatic_speech_recognition": {
        "AutomaticSpeechRecognitionInput",
        "AutomaticSpeechRecognitionOutput",
        "AutomaticSpeechRecognitionOutputChunk",
        "AutomaticSpeechRecognitionParameters",
    },
    "depth_estimation": {
        "DepthEstimationInput",
        "DepthEstimationOutput",
        "DepthEstimationParameters",
    },
    "document_question_answering": {
        "DocumentQuestionAnsweringInput",
        "DocumentQuestionAnsweringInputData",
        "DocumentQuestionAnsweringOutput",
        "DocumentQuestionAnsweringOutputElement",
        "DocumentQuestionAnsweringParameters",
    },
    "feature_extraction": {
        "FeatureExtractionOutput",
        "FeatureExtractionParameters",
        "FeatureExtractionRequest",
    },
    "fill_mask": {"FillMaskInput", "FillMaskOutput", "FillMaskOutputElement", "FillMaskParameters"},
    "image_classification": {
        "ImageClassificationInput",
        "ImageClassificationOutput",
        "ImageClassificationOutputElement",
        "ImageClassificationParameters",
    },
    "image_segmentation": {
        "ImageSegmentationInput",
        "ImageSegmentationOutput",
        "ImageSegmentationOutputElement",
        "ImageSegmentationParameters",
    },
    "image_text_to_image": {
        "ImageTextToImageInput",
        "ImageTextToImageOutput",
        "ImageTextToImageParameters",
    },
    "image_text_to_video": {
        "ImageTextToVideoInput",
        "ImageTextToVideoOutput",
        "ImageTextToVideoParameters",
    },
    "image_to_image": {"ImageToImageInput", "ImageToImageOutput", "ImageToImageParameters"},
    "image_to_text": {"ImageToTextInput", "ImageToTextOutput", "ImageToTextParameters"},
    "image_to_video": {"ImageToVideoInput", "ImageToVideoOutput", "ImageToVideoParameters"},
    "object_detection": {
        "ObjectDetectionInput",
        "ObjectDetectionOutput",
        "ObjectDetectionOutputElement",
        "ObjectDetectionParameters",
    },
    "question_answering": {
        "QuestionAnsweringInput",
        "QuestionAnsweringInputData",
        "QuestionAnsweringOutput",
        "QuestionAnsweringOutputElement",
        "QuestionAnsweringParameters",
    },
    "sentence_similarity": {
        "SentenceSimilarityInput",
        "SentenceSimilarityInputData",
        "SentenceSimilarityOutput",
        "SentenceSimilarityParameters",
    },
    "summarization": {"SummarizationInput", "SummarizationOutput", "SummarizationParameters"},
    "table_question_answering": {
        "TableQuestionAnsweringInput",
        "TableQuestionAnsweringInputData",
        "TableQuestionAnsweringOutput",
        "TableQuestionAnsweringOutputElement",
        "TableQuestionAnsweringParameters",
    },
    "tei": {
        "OpenAIEmbedding",
        "OpenAIEmbeddingsRequest",
        "OpenAIEmbeddingsResponse",
        "OpenAIEmbeddingsUsage",
        "TeiClassifierModel",
        "TeiEmbedOutput",
        "TeiEmbedRequest",
        "TeiEmbeddingModel",
        "TeiInfo",
        "TeiModelType",
    },
    "text_classification": {
        "TextClassificationInput",
        "TextClassificationOutput",
        "TextClassificationOutputElement",
        "TextClassificationParameters",
    },
    "text_to_audio": {"TextToAudioInput", "TextToAudioOutput", "TextToAudioParameters"},
    "text_to_image": {"TextToImageInput", "TextToImageOutput", "TextToImageParameters"},
    "text_to_speech": {"TextToSpeechInput", "TextToSpeechOutput", "TextToSpeechParameters"},
    "text_to_video": {"TextToVideoInput", "TextToVideoOutput", "TextToVideoParameters"},
    "token_classification": {
        "TokenClassificationInput",
        "TokenClassificationOutput",
        "TokenClassificationOutputElement",
        "TokenClassificationParameters",
    },
    "translation": {"TranslationInput", "TranslationOutput", "TranslationParameters"},
    "video_classification": {
        "VideoClassificationInput",
        "VideoClassificationOutput",
        "VideoClassificationOutputElement",
        "VideoClassificationParameters",
    },
    "visual_question_answering": {
        "VisualQuestionAnsweringInput",
        "VisualQuestionAnsweringInputData",
        "VisualQuestionAnsweringOutput",
        "VisualQuestionAnsweringOutputElement",
        "VisualQuestionAnsweringParameters",
    },
    "zero_shot_classification": {
        "ZeroShotClassificationInput",
        "ZeroShotClassificationLegacyOutput",
        "ZeroShotClassificationOutput",
        "ZeroShotClassificationOutputElement",
        "ZeroShotClassificationParameters",
    },
    "zero_shot_image_classification": {
        "ZeroShotImageClassificationInput",
        "ZeroShotImageClassificationOutput",
        "ZeroShotImageClassificationOutputElement",
        "ZeroShotImageClassificationParameters",
    },
    "zero_shot_object_detection": {
        "ZeroShotObjectDetectionInput",
        "ZeroShotObjectDetectionOutput",
        "ZeroShotObjectDetectionOutputElement",
        "ZeroShotObjectDetectionParameters",
    },
}


@pytest.mark.parametrize("module", sorted(CONTRACT))
def test_module_exports_exactly_the_contracted_classes(module: str) -> None:
    mapping: dict[str, str] = models._MODULE_OF  # type: ignore[attr-defined]
    exported = {name for name, mod in mapping.items() if mod == module}
    assert exported == CONTRACT[module]
    for name in CONTRACT[module]:
        assert isinstance(getattr(models, name), type)


def test_every_task_has_parameters_and_a_request_envelope() -> None:
    for module, names in CONTRACT.items():
        if module in ("common", "tei"):
            continue
        assert any(n.endswith("Parameters") for n in names), module
        assert any(n.endswith(("Input", "Request")) for n in names), module


# --------------------------------------------------------------------------------------------
# Classification-like answers
# --------------------------------------------------------------------------------------------


def test_text_classification_nested_and_flat() -> None:
    nested = TextClassificationOutput.model_validate_json(
        '[[{"label":"POSITIVE","score":0.9991},{"label":"NEGATIVE","score":0.0009}]]'
    )
    assert isinstance(nested.root[0], list)
    first = nested.root[0][0]
    assert isinstance(first, TextClassificationOutputElement)
    assert isinstance(first, ClassificationOutput)
    assert (first.label, first.score) == ("POSITIVE", 0.9991)

    flat = TextClassificationOutput.model_validate([{"label": "joy", "score": 0.7}])
    element = flat.root[0]
    assert isinstance(element, TextClassificationOutputElement)
    assert element.label == "joy"


@pytest.mark.parametrize(
    ("output", "element"),
    [
        (AudioClassificationOutput, AudioClassificationOutputElement),
        (ImageClassificationOutput, ImageClassificationOutputElement),
        (VideoClassificationOutput, VideoClassificationOutputElement),
        (ZeroShotImageClassificationOutput, ZeroShotImageClassificationOutputElement),
    ],
)
def test_label_score_lists(output: Any, element: type[ClassificationOutput]) -> None:
    parsed = output.model_validate_json(
        '[{"score":0.61,"label":"calm"},{"score":0.22,"label":"sad","rank":2}]'
    )
    assert [type(e) for e in parsed.root] == [element, element]
    assert [(e.label, e.score) for e in parsed.root] == [("calm", 0.61), ("sad", 0.22)]
    assert parsed.root[1].model_extra == {"rank": 2}


def test_zero_shot_classification_current_shape() -> None:
    parsed = ZeroShotClassificationOutput.model_validate_json(
        '[{"label":"space","score":0.93},{"label":"sports","score":0.07}]'
    )
    assert isinstance(parsed.root, list)
    assert all(isinstance(e, ZeroShotClassificationOutputElement) for e in parsed.root)
    assert parsed.root[0].label == "space"


def test_zero_shot_classification_legacy_shape() -> None:
    parsed = ZeroShotClassificationOutput.model_validate_json(
        '{"sequence":"Jupiter has 95 moons.","labels":["space","sports"],"scores":[0.93,0.07]}'
    )
    legacy = parsed.root
    assert isinstance(legacy, ZeroShotClassificationLegacyOutput)
    assert legacy.sequence == "Jupiter has 95 moons."
    assert dict(zip(legacy.labels, legacy.scores, strict=True)) == {"space": 0.93, "sports": 0.07}


def test_token_classification_grouped_and_per_token() -> None:
    parsed = TokenClassificationOutput.model_validate(
        [
            {"entity_group": "PER", "score": 0.998, "word": "Ada Lovelace", "start": 0, "end": 12},
            {
                "entity": "B-LOC",
                "score": 0.95,
                "index": 5,
                "word": "London",
                "start": 27,
                "end": 33,
            },
            {"entity_group": "MISC", "score": 0.6, "word": "##x", "start": None, "end": None},
        ]
    )
    grouped, token, slow = parsed.root
    assert (grouped.entity_group, grouped.word, grouped.start, grouped.end) == (
        "PER",
        "Ada Lovelace",
        0,
        12,
    )
    assert grouped.entity is None
    assert (token.entity, token.index) == ("B-LOC", 5)
    assert slow.start is None


def test_fill_mask_one_and_several_masks() -> None:
    one = FillMaskOutput.model_validate_json(
        '[{"score":0.07,"token":2108,"token_str":" joy","sequence":"Life is joy."}]'
    )
    element = one.root[0]
    assert isinstance(element, FillMaskOutputElement)
    assert (element.token, element.token_str, element.sequence) == (2108, " joy", "Life is joy.")

    def candidate(token: int) -> dict[str, Any]:
        return {"score": 0.5, "token": token, "token_str": "x", "sequence": "x"}

    several = FillMaskOutput.model_validate([[candidate(1)], [candidate(2)]])
    assert isinstance(several.root[1], list)
    assert several.root[1][0].token == 2
    with pytest.raises(ValueError, match="token_str"):  # the spec requires all four fields
        FillMaskOutput.model_validate([[{"token": 1}]])


# --------------------------------------------------------------------------------------------
# Question answering family
# --------------------------------------------------------------------------------------------


def test_question_answering_object_or_list() -> None:
    single = QuestionAnsweringOutput.model_validate_json(
        '{"score":0.98,"start":31,"end":36,"answer":"Paris"}'
    )
    answer = single.root
    assert isinstance(answer, QuestionAnsweringOutputElement)
    assert (answer.answer, answer.start, answer.end) == ("Paris", 31, 36)

    several = QuestionAnsweringOutput.model_validate(
        [
            {"score": 0.9, "start": 0, "end": 2, "answer": "42"},
            {"score": 0.1, "start": 5, "end": 6, "answer": "4"},
        ]
    )
    assert isinstance(several.root, list)
    assert [a.answer for a in several.root] == ["42", "4"]
    with pytest.raises(ValueError, match="start"):  # the spec requires the span
        QuestionAnsweringOutput.model_validate([{"score": 0.1, "answer": "4"}])


def test_document_question_answering_list_or_object() -> None:
    listed = DocumentQuestionAnsweringOutput.model_validate(
        [{"answer": "us-001", "score": 0.42, "start": 16, "end": 16}]
    )
    assert isinstance(listed.root, list)
    assert listed.root[0].answer == "us-001"
    single = DocumentQuestionAnsweringOutput.model_validate(
        {"answer": "x", "score": 0.1, "start": 1, "end": 1}
    )
    assert isinstance(single.root, DocumentQuestionAnsweringOutputElement)
    with pytest.raises(ValueError, match="start"):
        DocumentQuestionAnsweringOutput.model_validate({"answer": "x", "score": 0.1})


def test_visual_question_answering_answers() -> None:
    parsed = VisualQuestionAnsweringOutput.model_validate_json(
        '[{"score":0.95,"answer":"two"},{"score":0.03,"answer":"three"}]'
    )
    assert [(a.answer, a.score) for a in parsed.root] == [("two", 0.95), ("three", 0.03)]


def test_table_question_answering_object_or_list() -> None:
    body = {
        "answer": "SUM > 12, 30",
        "coordinates": [[0, 1], [1, 1]],
        "cells": ["12", "30"],
        "aggregator": "SUM",
    }
    single = TableQuestionAnsweringOutput.model_validate(body)
    answer = single.root
    assert isinstance(answer, TableQuestionAnsweringOutputElement)
    assert answer.coordinates == [[0, 1], [1, 1]]
    assert answer.cells == ["12", "30"]
    assert answer.aggregator == "SUM"
    listed = TableQuestionAnsweringOutput.model_validate([body, {**body, "answer": "x"}])
    assert isinstance(listed.root, list)
    assert listed.root[1].answer == "x"
    with pytest.raises(ValueError, match="cells"):  # the spec requires cells and coordinates
        TableQuestionAnsweringOutput.model_validate({"answer": "x"})


# --------------------------------------------------------------------------------------------
# Text generation family (one-element lists on the wire)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "wire", "field", "value"),
    [
        (
            SummarizationOutput,
            '[{"summary_text":"A short text."}]',
            "summary_text",
            "A short text.",
        ),
        (
            TranslationOutput,
            '[{"translation_text":"Hallo Welt"}]',
            "translation_text",
            "Hallo Welt",
        ),
        (
            ImageToTextOutput,
            '[{"generated_text":"a cat on a mat"}]',
            "generated_text",
            "a cat on a mat",
        ),
    ],
)
def test_one_element_list_answers(model: Any, wire: str, field: str, value: str) -> None:
    data = json.loads(wire)
    parsed = model.model_validate(data[0])  # services take element 0
    assert getattr(parsed, field) == value


# --------------------------------------------------------------------------------------------
# Audio and vision
# --------------------------------------------------------------------------------------------


def test_speech_recognition_with_chunks() -> None:
    parsed = AutomaticSpeechRecognitionOutput.model_validate_json(
        '{"text":" Hello there. General Kenobi.","chunks":['
        '{"text":" Hello there.","timestamp":[0.0,1.24]},'
        '{"text":" General Kenobi.","timestamp":[1.24,null]}]}'
    )
    assert parsed.text == " Hello there. General Kenobi."
    assert parsed.chunks is not None
    assert [c.text for c in parsed.chunks] == [" Hello there.", " General Kenobi."]
    assert parsed.chunks[0].timestamp == [0.0, 1.24]
    assert parsed.chunks[1].timestamp == [1.24, None]
    assert AutomaticSpeechRecognitionOutput.model_validate({"text": "hi"}).chunks is None


def test_audio_to_audio_tracks() -> None:
    blob = base64.b64encode(b"fLaC\x00\x00\x00\x22").decode()
    parsed = AudioToAudioOutput.model_validate_json(
        json.dumps([{"label": "speech_0", "blob": blob, "content-type": "audio/flac"}])
    )
    track = parsed.root[0]
    assert track.label == "speech_0"
    assert track.content_type == "audio/flac"
    assert track.blob is not None
    assert base64.b64decode(track.blob).startswith(b"fLaC")
    assert track.model_dump(by_alias=True)["content-type"] == "audio/flac"


def test_image_segmentation_masks() -> None:
    parsed = ImageSegmentationOutput.model_validate(
        [
            {"score": 0.99, "label": "cat", "mask": PNG_1X1},
            {"score": None, "label": "sky", "mask": PNG_1X1},
            {"label": "road", "mask": PNG_1X1},
        ]
    )
    cat, sky, road = parsed.root
    assert (cat.label, cat.score) == ("cat", 0.99)
    assert sky.score is None
    assert road.score is None
    assert cat.mask is not None
    assert base64.b64decode(cat.mask).startswith(b"\x89PNG\r\n\x1a\n")


def test_object_detection_boxes() -> None:
    parsed = ObjectDetectionOutput.model_validate_json(
        '[{"score":0.97,"label":"person","box":{"xmin":61,"ymin":40,"xmax":418,"ymax":509}},'
        '{"score":0.5,"label":"dog","box":{"xmin":1.5,"ymin":2,"xmax":3,"ymax":4}}]'
    )
    person, dog = parsed.root
    assert person.label == "person"
    assert isinstance(person.box, BoundingBox)
    assert (person.box.xmin, person.box.ymin, person.box.xmax, person.box.ymax) == (
        61,
        40,
        418,
        509,
    )
    assert isinstance(person.box.xmin, int)
    assert dog.box is not None
    assert dog.box.xmin == 1.5


def test_zero_shot_object_detection_boxes() -> None:
    parsed = ZeroShotObjectDetectionOutput.model_validate(
        [{"label": "a cat", "score": 0.31, "box": {"xmin": 1, "ymin": 2, "xmax": 3, "ymax": 4}}]
    )
    found = parsed.root[0]
    assert found.label == "a cat"
    assert found.box == BoundingBox(xmin=1, ymin=2, xmax=3, ymax=4)


def test_depth_estimation() -> None:
    parsed = DepthEstimationOutput.model_validate(
        {"predicted_depth": [[1.5, 1.25], [0.5, 0.75]], "depth": PNG_1X1}
    )
    assert parsed.predicted_depth == [[1.5, 1.25], [0.5, 0.75]]
    assert parsed.depth is not None
    assert base64.b64decode(parsed.depth)[:4] == b"\x89PNG"


def test_binary_answers_are_wrapped_as_bytes() -> None:
    out = TextToImageOutput(image=b"\x89PNG\r\n\x1a\n")
    assert out.image == b"\x89PNG\r\n\x1a\n"
    assert out.response_meta is None


def test_sentence_similarity_scores() -> None:
    parsed = SentenceSimilarityOutput.model_validate_json("[0.605, 0.894, 0.1]")
    assert parsed.root == [0.605, 0.894, 0.1]


# --------------------------------------------------------------------------------------------
# Embeddings: feature extraction and TEI
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wire",
    [
        [0.1, -0.2, 0.3],
        [[0.1, -0.2, 0.3], [0.4, 0.5, 0.6]],
        [[[0.1, 0.2], [0.3, 0.4]]],
    ],
)
def test_feature_extraction_depths(wire: list[Any]) -> None:
    assert FeatureExtractionOutput.model_validate(wire).root == wire


def test_feature_extraction_request_is_flat() -> None:
    request = FeatureExtractionRequest(
        inputs=["query: a", "query: b"], normalize=True, truncate=True, truncation_direction="Left"
    )
    assert isinstance(request, FeatureExtractionParameters)
    assert request.model_dump(exclude_none=True) == {
        "inputs": ["query: a", "query: b"],
        "normalize": True,
        "truncate": True,
        "truncation_direction": "Left",
    }
    options = FeatureExtractionParameters(prompt_name="query", dimensions=256)
    body = {"inputs": "x", **options.model_dump(exclude_none=True)}
    assert FeatureExtractionRequest.model_validate(body).dimensions == 256


def test_tei_info() -> None:
    info = TeiInfo.model_validate_json(
        '{"model_id":"/repository","model_sha":null,"model_dtype":"float16",'
        '"model_type":{"embedding":{"pooling":"mean"}},"served_model_name":"/repository",'
        '"max_concurrent_requests":512,"max_input_length":512,"max_batch_tokens":16384,'
        '"max_batch_requests":null,"max_client_batch_size":32,"auto_truncate":false,'
        '"tokenization_workers":4,"version":"1.9.3","sha":"0d124dc","docker_label":"sha-0d124dc",'
        '"prompts":null}'
    )
    assert info.model_id == "/repository"
    assert info.max_client_batch_size == 32
    assert info.model_type is not None
    assert info.model_type.embedding is not None
    assert info.model_type.embedding.pooling == "mean"
    assert info.model_type.classifier is None
    assert info.model_extra == {"prompts": None}

    reranker = TeiInfo.model_validate(
        {"model_type": {"reranker": {"id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}}}}
    )
    assert reranker.model_type is not None
    assert reranker.model_type.reranker is not None
    assert reranker.model_type.reranker.id2label == {"0": "LABEL_0"}


def test_tei_embed_and_openai_embeddings() -> None:
    assert TeiEmbedOutput.model_validate_json("[[0.5,0.25],[1.0,0.0]]").root == [
        [0.5, 0.25],
        [1.0, 0.0],
    ]
    request = TeiEmbedRequest(inputs=["hello", [101, 7592, 102]], normalize=False)
    assert request.model_dump(exclude_none=True) == {
        "inputs": ["hello", [101, 7592, 102]],
        "normalize": False,
    }
    reply = OpenAIEmbeddingsResponse.model_validate_json(
        '{"object":"list","data":[{"object":"embedding","embedding":[0.5,0.25],"index":0},'
        '{"object":"embedding","embedding":"AAAAPwAAgD4=","index":1}],'
        '"model":"/repository","usage":{"prompt_tokens":7,"total_tokens":7}}'
    )
    assert reply.model == "/repository"
    assert [d.index for d in reply.data] == [0, 1]
    assert reply.data[0].embedding == [0.5, 0.25]
    assert reply.data[1].embedding == "AAAAPwAAgD4="
    assert reply.usage is not None
    assert reply.usage.prompt_tokens == 7
    assert OpenAIEmbeddingsResponse.model_validate({}).data == []
    body = OpenAIEmbeddingsRequest(input=["a", "b"], encoding_format="base64")
    assert body.model_dump(exclude_none=True) == {"input": ["a", "b"], "encoding_format": "base64"}


# --------------------------------------------------------------------------------------------
# Requests: wire bodies and type errors
# --------------------------------------------------------------------------------------------


def test_request_envelopes_serialise_to_the_wire_body() -> None:
    qa = QuestionAnsweringInput.model_validate(
        {
            "inputs": {"question": "Where?", "context": "In Paris."},
            "parameters": {"top_k": 2, "handle_impossible_answer": True},
        }
    )
    assert qa.model_dump(exclude_none=True) == {
        "inputs": {"question": "Where?", "context": "In Paris."},
        "parameters": {"top_k": 2, "handle_impossible_answer": True},
    }
    zs = ZeroShotClassificationInput.model_validate(
        {"inputs": "x", "parameters": {"candidate_labels": ["a", "b"], "multi_label": True}}
    )
    assert zs.parameters.candidate_labels == ["a", "b"]
    table = TableQuestionAnsweringInput.model_validate(
        {"inputs": {"query": "How many?", "table": {"Repo": ["a", "b"], "Stars": ["1", "2"]}}}
    )
    assert table.inputs.table["Stars"] == ["1", "2"]
    similarity = SentenceSimilarityInput.model_validate(
        {"inputs": {"source_sentence": "a", "sentences": ["b", "c"]}}
    )
    assert similarity.inputs.sentences == ["b", "c"]
    image_edit = ImageToImageInput(
        inputs=PNG_1X1,
        parameters=ImageToImageParameters(
            prompt="in winter", target_size=TargetSize(width=512, height=256)
        ),
    )
    assert image_edit.model_dump(exclude_none=True)["parameters"] == {
        "prompt": "in winter",
        "target_size": {"width": 512, "height": 256},
    }
    prompt_only = ImageTextToImageInput.model_validate({"parameters": {"prompt": "a fox"}})
    assert prompt_only.inputs is None
    asr = AutomaticSpeechRecognitionInput(
        inputs="AAAA",
        parameters=AutomaticSpeechRecognitionParameters(
            return_timestamps=True, generation_parameters=GenerationParameters(num_beams=2)
        ),
    )
    assert asr.model_dump(exclude_none=True)["parameters"] == {
        "return_timestamps": True,
        "generation_parameters": {"num_beams": 2},
    }


def test_text_to_speech_parameters_flat_or_nested() -> None:
    flat = TextToSpeechInput.model_validate(
        {"inputs": "Hello", "parameters": {"do_sample": True, "max_new_tokens": 50}}
    )
    assert flat.parameters is not None
    assert isinstance(flat.parameters, GenerationParameters)
    assert flat.parameters.max_new_tokens == 50
    nested = TextToSpeechParameters.model_validate(
        {"generation_parameters": {"temperature": 0.7, "early_stopping": "never"}}
    )
    assert nested.generation_parameters is not None
    assert nested.generation_parameters.early_stopping == "never"


def test_visual_question_answering_both_request_shapes() -> None:
    spec = VisualQuestionAnsweringInput.model_validate(
        {"inputs": {"image": PNG_1X1, "question": "What is it?"}, "parameters": {"top_k": 1}}
    )
    assert isinstance(spec.inputs, VisualQuestionAnsweringInputData)
    hub = VisualQuestionAnsweringInput.model_validate(
        {"inputs": PNG_1X1, "image": PNG_1X1, "question": "What is it?", "parameters": {}}
    )
    assert hub.inputs == PNG_1X1
    assert hub.question == "What is it?"


def test_document_question_answering_word_boxes() -> None:
    request = DocumentQuestionAnsweringInput.model_validate(
        {
            "inputs": {"image": PNG_1X1, "question": "Invoice number?"},
            "parameters": {"word_boxes": ["Invoice", [10, 20, 110, 40]], "lang": "eng"},
        }
    )
    assert request.parameters is not None
    assert request.parameters.word_boxes == ["Invoice", [10, 20, 110, 40]]


BAD_REQUESTS: list[tuple[Any, dict[str, Any], tuple[str | int, ...]]] = [
    (TextClassificationInput, {"inputs": 42}, ("inputs",)),
    (TextClassificationInput, {}, ("inputs",)),
    (TextClassificationParameters, {"top_k": "three"}, ("top_k",)),
    (TextClassificationParameters, {"top_k": 0}, ("top_k",)),
    (TextClassificationParameters, {"function_to_apply": "relu"}, ("function_to_apply",)),
    (TokenClassificationParameters, {"aggregation_strategy": "mean"}, ("aggregation_strategy",)),
    (ZeroShotClassificationInput, {"inputs": "x"}, ("parameters",)),
    (ZeroShotClassificationInput, {"inputs": "x", "parameters": {}}, ("parameters", "candidate_labels")),
    (ZeroShotClassificationInput, {"inputs": "x", "parameters": {"candidate_labels": []}}, ("parameters", "candidate_labels")),
    (QuestionAnsweringInput, {"inputs": {"question": "q"}}, ("inputs", "context")),
    (TableQuestionAnsweringInput, {"inputs": {"query": "q", "table": {"a": [1]}}}, ("inputs", "table", "a", 0)),
    (FeatureExtractionRequest, {"inputs": "x", "normalize": "maybe"}, ("normalize",)),
    (FeatureExtractionRequest, {"inputs": "x", "truncation_direction": "up"}, ("truncation_direction",)),
    (FeatureExtractionRequest, {"inputs": [1, 2]}, ("inputs",)),
    (TeiEmbedRequest, {"inputs": {"text": "x"}}, ("inputs",)),
    (OpenAIEmbeddingsRequest, {"input": "x", "encoding_format": "int8"}, ("encoding_format",)),
    (TextToImageParameters, {"width": "wide"}, ("width",)),
    (TextToVideoParameters, {"negative_prompt": "blurry"}, ("negative_prompt",)),
    (TextToVideoParameters, {"num_frames": 2.5}, ("num_frames",)),
    (ImageToImageParameters, {"target_size": {"width": 512}}, ("target_size", "height")),
    (TextToSpeechParameters, {"generation_parameters": {"num_beams": "two"}}, ("generation_parameters", "num_beams")),
    (AutomaticSpeechRecognitionParameters, {"return_timestamps": "sometimes"}, ("return_timestamps",)),
    (GenerationParameters, {"early_stopping": "always"}, ("early_stopping",)),
]  # fmt: skip


@pytest.mark.parametrize(("model", "body", "loc"), BAD_REQUESTS)
def test_requests_reject_wrong_types(
    model: Any, body: dict[str, Any], loc: tuple[str | int, ...]
) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        model.model_validate(body)
    assert any(error["loc"][: len(loc)] == loc for error in info.value.errors()), (
        info.value.errors()
    )


def test_requests_keep_unknown_keys_for_the_wire() -> None:
    params = TextClassificationParameters.model_validate({"top_k": 1, "new_server_option": True})
    assert params.model_dump(exclude_none=True) == {"top_k": 1, "new_server_option": True}


def test_answers_must_have_what_the_task_specs_require() -> None:
    # These parsed as all-None results before; the HF task specs require the fields.
    for model, body in [
        (QuestionAnsweringOutputElement, {}),
        (TableQuestionAnsweringOutputElement, {"answer": None}),
        (AutomaticSpeechRecognitionOutput, {"text": None}),
        (AutomaticSpeechRecognitionOutput, {"generated_text": "hi"}),
        (ZeroShotClassificationLegacyOutput, {}),
    ]:
        with pytest.raises(ValueError):
            model.model_validate(body)
    assert TeiInfo.model_validate({}).max_client_batch_size is None  # server info: lenient
