"""Every typed task method against the local emulator over real sockets, on both twins.

SPEC §5.2 INT-006 (image classification) and INT-007 (ASR transcription), then one call
per task of every service family (text, images, documents, audio, video, ``infer``, chat
with an image part), with default models from the emulated Hub's task catalogue. The
emulator answers deterministic functions of the input (sizes, durations, hashes), so
the values below also prove the files arrived intact.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest

from hf_inference_endpoints import (
    AsyncHfInferenceClient,
    BinaryResult,
    ValidationError,
    image_url_part,
)
from hf_inference_endpoints.emulator.generation import REPLY_PREFIX
from hf_inference_endpoints.emulator.tasks import TASK_MODELS, image_size, wav_info

from ..conftest import EMULATOR_TOKEN
from ..media import mp4, png, wav


def client_for(emulator: Any, **config: Any) -> AsyncHfInferenceClient:
    config.setdefault("token", EMULATOR_TOKEN)
    return AsyncHfInferenceClient(
        router_url=emulator.router_url,
        hub_url=emulator.hub_url,
        endpoints_api_url=emulator.endpoints_api_url,
        **{"default_provider": "hf-inference", **config},
    )


def in_flight(client: AsyncHfInferenceClient) -> int:
    pool = client._transport.http_client._transport  # type: ignore[attr-defined]
    return int(pool.in_flight)


@pytest.mark.anyio
async def test_int_006_image_classification(emulator: Any, no_env: None) -> None:
    model = "google/vit-base-patch16-224"
    async with client_for(emulator) as client:
        raw = await client.images.classify(model=model, image=png(3, 2))
        top = await client.images.classify(model=model, image=png(5, 4), top_k=1)
        assert in_flight(client) == 0
    assert [(x.label, x.score) for x in raw] == [
        ("png 3x2", 0.9),
        ("checkerboard", 0.07),
        ("noise", 0.03),
    ]
    assert [(x.label, x.score) for x in top] == [("png 5x4", 0.9)]  # base64 JSON with top_k
    meta = raw[0].response_meta
    assert meta is not None and meta.provider == "hf-inference" and meta.request_id
    assert meta.url == f"{emulator.router_url}/hf-inference/models/{model}"


@pytest.mark.anyio
async def test_int_007_asr_transcription(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        out = await client.audio.transcribe(
            model="openai/whisper-large-v3", audio=wav(1.5), return_timestamps=True
        )
        flac = await client.audio.transcribe(
            model="openai/whisper-large-v3", audio=b"fLaC\x00\x00\x00\x22" + bytes(20)
        )
    assert out.text == "audio of 1.50 seconds"
    assert out.chunks is not None
    assert [(c.text, c.timestamp) for c in out.chunks] == [("audio of 1.50 seconds", [0.0, 1.5])]
    assert out.response_meta is not None and out.response_meta.status_code == 200
    assert flac.text == "flac audio of 28 bytes"


@pytest.mark.anyio
async def test_long_wav_is_transcribed_in_chunks_joined_in_order(
    emulator: Any, no_env: None
) -> None:
    async with client_for(emulator, max_audio_duration=1.0) as client:
        out = await client.audio.transcribe(
            model="openai/whisper-large-v3", audio=wav(2.5), return_timestamps=True
        )
        with pytest.raises(ValidationError, match="auto_chunk_long_audio"):
            async with client_for(
                emulator, max_audio_duration=1.0, auto_chunk_long_audio=False
            ) as strict:
                await strict.audio.transcribe(model="openai/whisper-large-v3", audio=wav(2.5))
    assert out.text == "audio of 1.00 seconds audio of 1.00 seconds audio of 0.50 seconds"
    assert out.chunks is not None
    assert [c.timestamp for c in out.chunks] == [[0.0, 1.0], [1.0, 2.0], [2.0, 2.5]]


@pytest.mark.anyio
async def test_text_family(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        labels = await client.text.classify(text="I like you")
        entities = await client.text.classify_tokens(text="My name is Sarah and I live in London")
        zero = await client.text.zero_shot_classify(
            text="The rocket reached orbit.", candidate_labels=["space", "cooking"]
        )
        multi = await client.text.zero_shot_classify(
            text="The rocket reached orbit.",
            candidate_labels=["space", "cooking"],
            multi_label=True,
        )
        masks = await client.text.fill_mask(text="The goal of life is <mask>.", top_k=2)
        [answer] = await client.text.answer(question="What is it?", context="The answer is 42")
        table = await client.text.answer_table(
            query="How many Stars?", table={"Repository": ["transformers"], "Stars": ["36542"]}
        )
        summary = await client.text.summarize(text="The tower is tall. It is in Paris.")
        french = await client.text.translate(text="Hello world", tgt_lang="fr_XX")
    assert [x.label for x in labels] in (["POSITIVE", "NEGATIVE"], ["NEGATIVE", "POSITIVE"])
    assert sum(x.score or 0 for x in labels) == pytest.approx(1.0)
    assert labels[0].response_meta is not None
    assert labels[0].response_meta.model == TASK_MODELS["text-classification"]  # Hub default
    assert [(e.word, e.start, e.end) for e in entities] == [("Sarah", 11, 16), ("London", 31, 37)]
    assert {x.label for x in zero} == {"space", "cooking"}
    assert sum(x.score or 0 for x in zero) == pytest.approx(1.0)
    assert sum(x.score or 0 for x in multi) != pytest.approx(1.0)
    assert len(masks) == 2 and all(m.sequence and m.token_str for m in masks)
    assert masks[0].sequence == f"The goal of life is {masks[0].token_str.strip()}."  # type: ignore[union-attr]
    assert (answer.answer, answer.start, answer.end) == ("42", 14, 16)
    assert (table.answer, table.coordinates, table.cells) == ("36542", [[0, 1]], ["36542"])
    assert summary.summary_text == "The tower is tall."
    assert french.translation_text == "[fr_XX] Hello world"


@pytest.mark.anyio
async def test_image_family(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        generated = await client.images.generate(prompt="a red fox", width=4, height=3, seed=1)
        transformed = await client.images.transform(image=png(5, 4))
        edited = await client.images.edit(image=png(6, 2), prompt="paint it blue")
        segments = await client.images.segment(image=png(2, 2), threshold=0.9)
        boxes = await client.images.detect(image=png(7, 5))
        zero = await client.images.zero_shot_classify(image=png(), candidate_labels=["cat", "dog"])
        found = await client.images.zero_shot_detect(image=png(4, 4), candidate_labels=["a", "b"])
        caption = await client.images.caption(image=png(8, 6))
        depth = await client.images.estimate_depth(image=png(2, 2))
        answers = await client.images.answer(image=png(), question="What format?", top_k=2)
        assert in_flight(client) == 0
    assert isinstance(generated, BinaryResult)
    assert generated.content_type == "image/png"
    assert image_size(generated.content) == (4, 3)
    assert generated.response_meta is not None
    assert generated.response_meta.model == "black-forest-labs/FLUX.1-dev"
    assert image_size(transformed.content) == (5, 4)
    assert image_size(edited.content) == (6, 2)
    assert [s.label for s in segments] == ["foreground"]
    assert base64.b64decode(segments[0].mask or "").startswith(b"\x89PNG")
    [box] = boxes
    assert box.box is not None and (box.box.xmax, box.box.ymax) == (7, 5)
    assert {z.label for z in zero} == {"cat", "dog"}
    assert [(f.label, f.box.xmin if f.box else None) for f in found] == [("a", 0), ("b", 2)]
    assert caption.generated_text == "a png image of 8x6 pixels"
    assert depth.predicted_depth == [[0.0, 0.25], [0.25, 0.5]]
    assert [a.answer for a in answers] == ["png", "yes"]


@pytest.mark.anyio
async def test_image_family_with_pillow(emulator: Any, no_env: None) -> None:
    Image = pytest.importorskip("PIL.Image")
    async with client_for(emulator) as client:
        out = await client.images.classify(image=Image.new("RGB", (9, 7), (1, 2, 3)))
        picture = await client.images.generate(prompt="a fox", width=3, height=2)
    assert out[0].label == "png 9x7"
    assert picture.to_pil().size == (3, 2)


@pytest.mark.anyio
async def test_documents_family(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        [answer] = await client.documents.answer(
            image=io.BytesIO(png(10, 12)), question="What is the invoice number?"
        )
    assert answer.answer == "invoice"
    assert answer.response_meta is not None
    assert answer.response_meta.model == "impira/layoutlm-document-qa"


@pytest.mark.anyio
async def test_audio_family(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        speech = await client.audio.synthesize(text="hello big world")
        music = await client.audio.synthesize(text="calm piano", task="text-to-audio")
        labels = await client.audio.classify(audio=wav(0.2), top_k=2)
        loud = await client.audio.classify(audio=wav(0.2, level=900))
        [track] = await client.audio.transform(audio=wav(0.25))
    assert speech.content_type == "audio/wav"
    assert wav_info(speech.content) is not None
    assert wav_info(speech.content)[0] == pytest.approx(0.15)  # type: ignore[index]
    assert music.response_meta is not None
    assert music.response_meta.model == "facebook/musicgen-small"
    assert [x.label for x in labels] == ["silence", "speech"]
    assert loud[0].label == "speech"
    assert track.content_type == "audio/wav"
    assert wav_info(base64.b64decode(track.blob or "")) == (0.25, 0)


@pytest.mark.anyio
async def test_video_family(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        clip = await client.video.generate(prompt="a cat surfing", num_frames=2)
        animated = await client.video.from_image(image=png(), prompt="the cat turns")
        with_text = await client.video.from_image(image=png(), task="image-text-to-video")
        labels = await client.video.classify(video=mp4(b"frames"), top_k=2)
    for video in (clip, animated, with_text):
        assert video.content_type == "video/mp4"
        assert video.content[4:8] == b"ftyp"
    assert len(clip.content) == 28 + 2 * 32
    assert with_text.response_meta is not None
    assert with_text.response_meta.model == "Wan-AI/Wan2.2-TI2V-5B"
    assert len(labels) == 2
    assert {x.label for x in labels} <= {"surfing", "skiing", "cooking", "dancing"}


@pytest.mark.anyio
async def test_infer_and_chat_with_an_image(emulator: Any, no_env: None) -> None:
    async with client_for(emulator) as client:
        raw = await client.infer("image-classification", None, png(3, 2), {"top_k": 1})
        image = await client.infer("text-to-image", None, "a fox", {"width": 2, "height": 2})
        reply = await client.chat.complete(
            model=TASK_MODELS["image-text-to-text"],
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "Describe it"}, image_url_part(png())],
                }
            ],
        )
    assert raw == [{"label": "png 3x2", "score": 0.9}]
    assert isinstance(image, BinaryResult) and image_size(image.content) == (2, 2)
    assert reply.choices[0].message is not None
    assert reply.choices[0].message.content == f"{REPLY_PREFIX} Describe it"


@pytest.mark.anyio
async def test_the_emulator_refuses_a_wrong_body(emulator: Any, no_env: None) -> None:
    # A WAV declared as a PNG (a data: URL's type is sent as declared, unchecked): the
    # emulator, like the real service, cannot read it. Undeclared, the client refuses it
    # before sending (tests/hostile).
    mislabelled = "data:image/png;base64," + base64.b64encode(wav()).decode()
    async with client_for(emulator) as client:
        with pytest.raises(ValidationError, match="cannot identify image file") as caught:
            await client.images.classify(model="google/vit-base-patch16-224", image=mislabelled)
    assert caught.value.status_code == 400
