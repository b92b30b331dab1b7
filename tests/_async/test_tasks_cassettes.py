"""Every typed task on the hf-inference router against this project's cassettes
(cassettes/tasks/<task>.yaml), on both twins.

Each cassette holds the request WIRE.md §d.1 prescribes for the call (the JSON envelope,
or the raw file when a file task has no options) and a realistic answer. vcrpy matches
method, URL and body (JSON as JSON, raw files byte for byte), and each test also checks
the request as it left the client (Content-Type, Accept, body) and every parsed value.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import httpx2
import pytest

from hf_inference_endpoints import AsyncHfInferenceClient, BinaryResult, image_url_part
from hf_inference_endpoints.models import (
    BoundingBox,
    FillMaskOutputElement,
    ImageClassificationOutputElement,
    QuestionAnsweringOutputElement,
    TokenClassificationOutputElement,
    ZeroShotClassificationOutputElement,
)

from ..media import mp4, png, wav

ROUTER = "https://router.huggingface.co/hf-inference/models"
UseCassette = Callable[[str], AbstractContextManager[Any]]
PNG = png(2, 2)
PNG_B64 = base64.b64encode(PNG).decode()
WAV = wav(0.05, 8000)
JSON = "application/json"


class Wire:
    """Keeps every request the client puts on the wire (an httpx2 request event hook)."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> None:
        self.requests.append(request)

    def only(self) -> httpx2.Request:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


@asynccontextmanager
async def open_client(token: str, wire: Wire) -> AsyncIterator[AsyncHfInferenceClient]:
    async with (
        httpx2.AsyncClient(event_hooks={"request": [wire]}) as http,
        AsyncHfInferenceClient(
            default_provider="hf-inference", token=token, http_client=http
        ) as client,
    ):
        yield client


def assert_sent(
    request: httpx2.Request,
    token: str,
    model: str,
    body: Any,
    *,
    content_type: str = JSON,
    accept: str = "*/*",
) -> None:
    """The request's URL and headers, and its body: JSON (compared as JSON) or raw bytes."""
    assert request.method == "POST"
    assert str(request.url) == f"{ROUTER}/{model}"
    assert request.headers["authorization"] == f"Bearer {token}"
    assert request.headers["content-type"] == content_type
    assert request.headers["accept"] == accept
    assert request.headers["user-agent"].startswith("hf-inference-endpoints/0.1.0; python/")
    if isinstance(body, bytes):
        assert request.content == body
    else:
        assert json.loads(request.content) == body


def assert_meta(result: Any, model: str) -> None:
    meta = result.response_meta
    assert meta is not None
    assert meta.status_code == 200
    assert meta.provider == "hf-inference"
    assert meta.model == model
    assert meta.request_id and meta.request_id.startswith("Root=1-68d3")


# ------------------------------------------------------------------------- text


@pytest.mark.anyio
async def test_text_classification(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
    wire = Wire()
    with cassette("tasks/text-classification.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.classify(model=model, text="I like you")
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, {"inputs": "I like you"})
    assert [(x.label, x.score) for x in out] == [
        ("POSITIVE", 0.9998695850372314),
        ("NEGATIVE", 0.0001304351753788069),
    ]
    assert_meta(out[0], model)
    assert out[1].response_meta is out[0].response_meta


@pytest.mark.anyio
async def test_token_classification(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "dslim/bert-base-NER"
    text = "My name is Sarah Jessica Parker but you can call me Jessica"
    wire = Wire()
    with cassette("tasks/token-classification.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.classify_tokens(
                model=model, text=text, aggregation_strategy="simple"
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": text, "parameters": {"aggregation_strategy": "simple"}},
    )
    assert out == [
        TokenClassificationOutputElement(
            entity_group="PER",
            score=0.9991335868835449,
            word="Sarah Jessica Parker",
            start=11,
            end=31,
        ),
        TokenClassificationOutputElement(
            entity_group="PER", score=0.9979913234710693, word="Jessica", start=52, end=59
        ),
    ]
    assert text[out[0].start : out[0].end] == "Sarah Jessica Parker"  # type: ignore[misc]
    assert_meta(out[0], model)


@pytest.mark.anyio
async def test_zero_shot_classification(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "facebook/bart-large-mnli"
    text = (
        "A new model offers an explanation for how the Galilean satellites formed around the "
        "solar system's largest world."
    )
    labels = ["space & cosmos", "scientific discovery", "microbiology"]
    wire = Wire()
    with cassette("tasks/zero-shot-classification.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.zero_shot_classify(
                model=model, text=text, candidate_labels=labels
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": text, "parameters": {"candidate_labels": labels, "multi_label": False}},
    )
    assert out == [
        ZeroShotClassificationOutputElement(label="scientific discovery", score=0.8134612441062927),
        ZeroShotClassificationOutputElement(label="space & cosmos", score=0.18122130632400513),
        ZeroShotClassificationOutputElement(label="microbiology", score=0.005317448545247316),
    ]
    assert_meta(out[0], model)


@pytest.mark.anyio
async def test_fill_mask(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "distilbert/distilroberta-base"
    wire = Wire()
    with cassette("tasks/fill-mask.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.fill_mask(
                model=model, text="The goal of life is <mask>.", top_k=2
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": "The goal of life is <mask>.", "parameters": {"top_k": 2}},
    )
    assert out == [
        FillMaskOutputElement(
            score=0.06897063553333282,
            token=11098,
            token_str=" happiness",
            sequence="The goal of life is happiness.",
        ),
        FillMaskOutputElement(
            score=0.06554922461509705,
            token=45075,
            token_str=" immortality",
            sequence="The goal of life is immortality.",
        ),
    ]
    assert_meta(out[1], model)


@pytest.mark.anyio
async def test_question_answering(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "deepset/roberta-base-squad2"
    context = "My name is Clara and I live in Berkeley."
    wire = Wire()
    with cassette("tasks/question-answering.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.answer(
                model=model, question="What is my name?", context=context
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": {"question": "What is my name?", "context": context}},
    )
    assert out == [
        QuestionAnsweringOutputElement(score=0.9326565265655518, start=11, end=16, answer="Clara")
    ]
    assert context[11:16] == "Clara"
    assert_meta(out[0], model)


@pytest.mark.anyio
async def test_table_question_answering(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "google/tapas-base-finetuned-wtq"
    query = "How many stars does the transformers repository have?"
    table = {
        "Repository": ["Transformers", "Datasets", "Tokenizers"],
        "Stars": ["36542", "4512", "3934"],
        "Contributors": ["651", "77", "34"],
        "Programming language": ["Python", "Python", "Rust, Python and NodeJS"],
    }
    wire = Wire()
    with cassette("tasks/table-question-answering.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.answer_table(model=model, query=query, table=table)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, {"inputs": {"query": query, "table": table}})
    assert out.answer == "AVERAGE > 36542"
    assert out.coordinates == [[0, 1]]
    assert out.cells == ["36542"]
    assert out.aggregator == "AVERAGE"
    assert_meta(out, model)


@pytest.mark.anyio
async def test_summarization(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "facebook/bart-large-cnn"
    text = (
        "The tower is 324 metres (1,063 ft) tall, about the same height as an 81-storey "
        "building, and the tallest structure in Paris. Its base is square, measuring 125 "
        "metres (410 ft) on each side."
    )
    wire = Wire()
    with cassette("tasks/summarization.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.summarize(
                model=model, text=text, generate_parameters={"max_length": 40}
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": text, "parameters": {"generate_parameters": {"max_length": 40}}},
    )
    assert out.summary_text == (
        "The tower is 324 metres (1,063 ft) tall, about the same height as an 81-storey "
        "building. Its base is square, measuring 125 metres (410 ft) on each side."
    )
    assert_meta(out, model)


@pytest.mark.anyio
async def test_translation(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "facebook/mbart-large-50-many-to-many-mmt"
    wire = Wire()
    with cassette("tasks/translation.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.text.translate(
                model=model, text="Hello world", src_lang="en_XX", tgt_lang="fr_XX"
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": "Hello world", "parameters": {"src_lang": "en_XX", "tgt_lang": "fr_XX"}},
    )
    assert out.translation_text == "Bonjour le monde"
    assert_meta(out, model)


# ----------------------------------------------------------------------- images


@pytest.mark.anyio
async def test_text_to_image(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "black-forest-labs/FLUX.1-dev"
    prompt = "An astronaut riding a horse on the moon."
    wire = Wire()
    with cassette("tasks/text-to-image.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.generate(
                model=model, prompt=prompt, width=16, height=8, seed=42, num_inference_steps=4
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {
            "inputs": prompt,
            "parameters": {"width": 16, "height": 8, "seed": 42, "num_inference_steps": 4},
        },
        accept="image/png",
    )
    assert isinstance(out, BinaryResult)
    assert out.content_type == "image/jpeg"  # what the server sent, despite Accept: image/png
    assert out.content.startswith(b"\xff\xd8\xff")
    assert out.extension == ".jpg"
    assert_meta(out, model)


@pytest.mark.anyio
async def test_image_to_image_sends_the_raw_file(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "timbrooks/instruct-pix2pix"
    wire = Wire()
    with cassette("tasks/image-to-image.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.transform(model=model, image=PNG)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, PNG, content_type="image/png", accept="image/png")
    assert out.content == png(2, 2, (0, 0, 255))
    assert out.content_type == "image/png"
    assert_meta(out, model)


@pytest.mark.anyio
async def test_image_classification(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "google/vit-base-patch16-224"
    wire = Wire()
    with cassette("tasks/image-classification.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.classify(model=model, image=PNG)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, PNG, content_type="image/png")
    assert out == [
        ImageClassificationOutputElement(label="red wine", score=0.2810298502445221),
        ImageClassificationOutputElement(label="velvet", score=0.09301579743623734),
        ImageClassificationOutputElement(label="pomegranate", score=0.0652637705206871),
    ]
    assert_meta(out[2], model)


@pytest.mark.anyio
async def test_image_segmentation(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "nvidia/segformer-b0-finetuned-ade-512-512"
    wire = Wire()
    with cassette("tasks/image-segmentation.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.segment(
                model=model, image=PNG, threshold=0.9, subtask="semantic"
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": PNG_B64, "parameters": {"threshold": 0.9, "subtask": "semantic"}},
    )
    [segment] = out
    assert (segment.label, segment.score) == ("wall", None)
    assert base64.b64decode(segment.mask or "") == png(2, 2, (255, 255, 255))
    assert_meta(segment, model)


@pytest.mark.anyio
async def test_object_detection(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "facebook/detr-resnet-50"
    wire = Wire()
    with cassette("tasks/object-detection.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            [found] = await client.images.detect(model=model, image=PNG)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, PNG, content_type="image/png")
    assert (found.label, found.score) == ("person", 0.9486683011054993)
    assert found.box == BoundingBox(xmin=0, ymin=0, xmax=2, ymax=2)
    assert_meta(found, model)


@pytest.mark.anyio
async def test_zero_shot_image_classification(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "openai/clip-vit-large-patch14"
    wire = Wire()
    with cassette("tasks/zero-shot-image-classification.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.zero_shot_classify(
                model=model,
                image=PNG,
                candidate_labels=["a red square", "a blue circle"],
                hypothesis_template="This is a photo of {}.",
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {
            "inputs": PNG_B64,
            "parameters": {
                "candidate_labels": ["a red square", "a blue circle"],
                "hypothesis_template": "This is a photo of {}.",
            },
        },
    )
    assert [(x.label, x.score) for x in out] == [
        ("a red square", 0.9962320923805237),
        ("a blue circle", 0.0037679164670407772),
    ]
    assert_meta(out[0], model)


@pytest.mark.anyio
async def test_zero_shot_object_detection(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "google/owlvit-base-patch32"
    wire = Wire()
    with cassette("tasks/zero-shot-object-detection.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            [found] = await client.images.zero_shot_detect(
                model=model, image=PNG, candidate_labels=["square"]
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": PNG_B64, "parameters": {"candidate_labels": ["square"]}},
    )
    assert (found.label, found.score) == ("square", 0.28734081983566284)
    assert found.box == BoundingBox(xmin=0, ymin=0, xmax=2, ymax=2)
    assert_meta(found, model)


@pytest.mark.anyio
async def test_image_to_text(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "Salesforce/blip-image-captioning-large"
    wire = Wire()
    with cassette("tasks/image-to-text.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.caption(model=model, image=PNG)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, PNG, content_type="image/png")
    assert out.generated_text == "a red square on a white background"
    assert_meta(out, model)


@pytest.mark.anyio
async def test_depth_estimation(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "Intel/dpt-large"
    wire = Wire()
    with cassette("tasks/depth-estimation.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.estimate_depth(model=model, image=PNG)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, PNG, content_type="image/png")
    assert out.predicted_depth == [[2.8125, 2.796875], [2.8046875, 2.78125]]
    assert base64.b64decode(out.depth or "") == png(2, 2, (128, 128, 128))
    assert_meta(out, model)


@pytest.mark.anyio
async def test_visual_question_answering(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "dandelin/vilt-b32-finetuned-vqa"
    wire = Wire()
    with cassette("tasks/visual-question-answering.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.answer(
                model=model, image=PNG, question="What color is it?", top_k=2
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {
            "inputs": {"image": PNG_B64, "question": "What color is it?"},
            "parameters": {"top_k": 2},
        },
    )
    assert [(x.answer, x.score) for x in out] == [
        ("red", 0.9841179251670837),
        ("pink", 0.009017959982156754),
    ]
    assert_meta(out[0], model)


@pytest.mark.anyio
async def test_document_question_answering(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "impira/layoutlm-document-qa"
    wire = Wire()
    with cassette("tasks/document-question-answering.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            [answer] = await client.documents.answer(
                model=model, image=PNG, question="What is the invoice number?"
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": {"image": PNG_B64, "question": "What is the invoice number?"}},
    )
    assert (answer.answer, answer.score, answer.start, answer.end) == (
        "us-001",
        0.42514491081237793,
        16,
        16,
    )
    assert_meta(answer, model)


@pytest.mark.anyio
async def test_image_text_to_image(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "Qwen/Qwen-Image-Edit"
    wire = Wire()
    with cassette("tasks/image-text-to-image.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.images.edit(
                model=model, image=PNG, prompt="Turn the square blue", seed=7
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": PNG_B64, "parameters": {"prompt": "Turn the square blue", "seed": 7}},
    )
    assert out.content == png(2, 2, (0, 0, 255))
    assert out.content_type == "image/png"
    assert_meta(out, model)


@pytest.mark.anyio
async def test_image_text_to_text_through_chat(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "Qwen/Qwen2.5-VL-7B-Instruct"
    content = [
        {"type": "text", "text": "Describe this image in one sentence."},
        image_url_part(PNG),
    ]
    messages = [{"role": "user", "content": content}]
    wire = Wire()
    with cassette("tasks/image-text-to-text.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.chat.complete(model=model, messages=messages, max_tokens=20)
    assert cass.all_played
    request = wire.only()
    assert str(request.url) == f"{ROUTER}/{model}/v1/chat/completions"
    assert json.loads(request.content) == {
        "model": model,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Describe this image in one sentence."},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
                ],
            }
        ],
        "max_tokens": 20,
    }
    assert out.choices[0].message is not None
    assert out.choices[0].message.content == "A small solid red square."
    assert out.usage is not None and out.usage.total_tokens == 39


# ------------------------------------------------------------------------ audio


@pytest.mark.anyio
async def test_automatic_speech_recognition(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "openai/whisper-large-v3"
    wire = Wire()
    with cassette("tasks/automatic-speech-recognition.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.audio.transcribe(model=model, audio=WAV)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, WAV, content_type="audio/wav")
    assert out.text == " A man said to the universe, Sir, I exist."
    assert out.chunks is None
    assert_meta(out, model)


@pytest.mark.anyio
async def test_text_to_speech(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "espnet/kan-bayashi_ljspeech_vits"
    wire = Wire()
    with cassette("tasks/text-to-speech.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.audio.synthesize(model=model, text="Hello world")
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, {"inputs": "Hello world"})
    assert out.content_type == "audio/flac"
    assert out.content.startswith(b"fLaC")
    assert_meta(out, model)


@pytest.mark.anyio
async def test_text_to_audio(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "facebook/musicgen-small"
    wire = Wire()
    with cassette("tasks/text-to-audio.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.audio.synthesize(
                model=model,
                text="A calm piano melody",
                task="text-to-audio",
                generation_parameters={"do_sample": True, "max_new_tokens": 64},
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {
            "inputs": "A calm piano melody",
            "parameters": {"generation_parameters": {"do_sample": True, "max_new_tokens": 64}},
        },
    )
    assert out.content == wav(0.02, 8000)
    assert out.content_type == "audio/wav"
    assert_meta(out, model)


@pytest.mark.anyio
async def test_audio_classification(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "MIT/ast-finetuned-audioset-10-10-0.4593"
    wire = Wire()
    with cassette("tasks/audio-classification.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.audio.classify(model=model, audio=WAV)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, WAV, content_type="audio/wav")
    assert [(x.label, x.score) for x in out] == [
        ("Silence", 0.6658844351768494),
        ("Speech", 0.1802878975868225),
    ]
    assert_meta(out[0], model)


@pytest.mark.anyio
async def test_audio_to_audio(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "speechbrain/sepformer-wham"
    wire = Wire()
    with cassette("tasks/audio-to-audio.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            [track] = await client.audio.transform(model=model, audio=WAV)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, WAV, content_type="audio/wav")
    assert (track.label, track.content_type) == ("label_0", "audio/flac")
    assert base64.b64decode(track.blob or "") == wav(0.05, 8000)
    assert_meta(track, model)


# ------------------------------------------------------------------------ video


@pytest.mark.anyio
async def test_text_to_video(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "Wan-AI/Wan2.1-T2V-14B"
    wire = Wire()
    with cassette("tasks/text-to-video.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.video.generate(
                model=model,
                prompt="A young man walking on the street",
                num_frames=16,
                negative_prompt="blurry",
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {
            "inputs": "A young man walking on the street",
            "parameters": {"num_frames": 16, "negative_prompt": ["blurry"]},
        },
    )
    assert out.content == mp4(b"synthetic frames")
    assert (out.content_type, out.extension) == ("video/mp4", ".mp4")
    assert_meta(out, model)


@pytest.mark.anyio
async def test_image_to_video(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "Wan-AI/Wan2.1-I2V-14B-720P"
    wire = Wire()
    with cassette("tasks/image-to-video.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.video.from_image(
                model=model, image=PNG, prompt="The square slowly spins", num_inference_steps=20
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {
            "inputs": PNG_B64,
            "parameters": {"prompt": "The square slowly spins", "num_inference_steps": 20},
        },
    )
    assert out.content == mp4(b"synthetic frames")
    assert_meta(out, model)


@pytest.mark.anyio
async def test_image_text_to_video(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "Wan-AI/Wan2.2-TI2V-5B"
    wire = Wire()
    with cassette("tasks/image-text-to-video.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.video.from_image(
                model=model,
                image=PNG,
                prompt="The square turns blue",
                seed=3,
                task="image-text-to-video",
            )
    assert cass.all_played
    assert_sent(
        wire.only(),
        hf_token,
        model,
        {"inputs": PNG_B64, "parameters": {"prompt": "The square turns blue", "seed": 3}},
    )
    assert out.content_type == "video/mp4"
    assert_meta(out, model)


@pytest.mark.anyio
async def test_video_classification(cassette: UseCassette, hf_token: str, no_env: None) -> None:
    model = "MCG-NJU/videomae-base-finetuned-kinetics"
    clip = mp4(b"frames")
    wire = Wire()
    with cassette("tasks/video-classification.yaml") as cass:
        async with open_client(hf_token, wire) as client:
            out = await client.video.classify(model=model, video=clip)
    assert cass.all_played
    assert_sent(wire.only(), hf_token, model, clip, content_type="video/mp4")
    assert [(x.label, x.score) for x in out] == [("walking the dog", 0.1453), ("jogging", 0.0921)]
    assert_meta(out[0], model)


# ---------------------------------------------------------------------- infer


@pytest.mark.anyio
async def test_infer_returns_the_raw_answer(
    cassette: UseCassette, hf_token: str, no_env: None
) -> None:
    model = "google/vit-base-patch16-224"
    wire = Wire()
    with cassette("tasks/image-classification.yaml"):
        async with open_client(hf_token, wire) as client:
            out = await client.infer("image-classification", model, PNG)
    assert_sent(wire.only(), hf_token, model, PNG, content_type="image/png")
    assert out == [
        {"label": "red wine", "score": 0.2810298502445221},
        {"label": "velvet", "score": 0.09301579743623734},
        {"label": "pomegranate", "score": 0.0652637705206871},
    ]
    wire = Wire()
    with cassette("tasks/text-to-speech.yaml"):
        async with open_client(hf_token, wire) as client:
            speech = await client.infer(
                "text-to-speech", "espnet/kan-bayashi_ljspeech_vits", "Hello world"
            )
    assert isinstance(speech, BinaryResult) and speech.content_type == "audio/flac"
