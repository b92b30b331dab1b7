"""File inputs (no network): every accepted form, MIME sniffing, size rules, WAV chunks,
chat image parts, and BinaryResult. Pillow-only paths skip cleanly without Pillow."""

from __future__ import annotations

import base64
import io
import wave
from pathlib import Path
from typing import Any

import pytest

from hf_inference_endpoints import BinaryResult, ValidationError, image_url_part
from hf_inference_endpoints._config import HfInferenceConfig
from hf_inference_endpoints._inputs import (
    Media,
    RemoteMedia,
    audio_chunks,
    check_media,
    load_media,
    media_mime,
    optimize_image,
    sniff_mime,
    split_wav,
    wav_duration,
)

from ..media import mp4, png, wav

PNG = png(3, 2)


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"BM6\x00\x00\x00", "image/bmp"),
        (wav(), "audio/wav"),
        (b"fLaC\x00\x00\x00\x22", "audio/flac"),
        (b"ID3\x04\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (mp4(), "video/mp4"),
        (b"\x1aE\xdf\xa3\x9fB\x86", "video/webm"),
        (b"%PDF-1.7\n", "application/pdf"),
    ],
)
def test_sniff_mime(head: bytes, mime: str) -> None:
    assert sniff_mime(head) == mime


def test_sniff_mime_unknown() -> None:
    assert sniff_mime(b"hello world") is None
    assert sniff_mime(b"hello world", "text/plain") == "text/plain"
    assert sniff_mime(b"") is None


def test_bytes_bytearray_and_memoryview() -> None:
    for value in (PNG, bytearray(PNG), memoryview(PNG)):
        assert load_media(value, "image") == Media(PNG, "image/png")


def test_a_path_as_str_or_pathlike(tmp_path: Path) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(PNG)
    assert load_media(path, "image") == Media(PNG, "image/png")
    assert load_media(str(path), "image") == Media(PNG, "image/png")


def test_unknown_bytes_take_the_file_name_then_the_kind(tmp_path: Path) -> None:
    path = tmp_path / "scan.tiff"
    path.write_bytes(b"II*\x00 not sniffed")
    assert load_media(path, "image").mime == "image/tiff"  # type: ignore[union-attr]
    # binary bytes no signature matches: the kind's default (docs/wire.md §4.6)
    assert load_media(b"\x00\x01raw pcm", "audio") == Media(b"\x00\x01raw pcm", "audio/mpeg")
    assert load_media(b"\x00raw", "video") == Media(b"\x00raw", "video/mp4")


@pytest.mark.parametrize(
    ("kind", "sent"),
    [
        ("image", "image/jpeg"),
        ("audio", "audio/mpeg"),
        ("video", "video/mp4"),
        ("document", "image/jpeg"),
    ],
)
def test_unrecognised_binary_bytes_are_sent_with_huggingface_hubs_default(
    kind: Any, sent: str
) -> None:
    # no signature, no declared type, no file name: sent (not refused), as the incumbent does
    data = b"\x00\x17\xfe\x80 no known signature"
    assert load_media(data, kind) == Media(data, sent)
    # the decision is for unknown bytes only: what is recognised keeps its own type
    assert load_media(PNG, "image") == Media(PNG, "image/png")
    # and a file name or a declared type is believed before the default
    assert media_mime(data, "image", name="photo.jp2") == "image/jp2"
    assert media_mime(data, "audio", declared="audio/x-raw") == "audio/x-raw"


def test_unrecognised_text_is_refused_not_defaulted() -> None:
    with pytest.raises(ValidationError, match=r"the audio is not an audio: .*text/plain"):
        load_media(b"RIFF? no, just text\n", "audio")


@pytest.mark.parametrize(
    ("data", "name", "kind", "said"),
    [
        (b"just some notes\n", "notes.txt", "image", "text/plain"),
        (b"just some notes\n", None, "image", "text/plain"),
        (b'{"not": "audio"}', None, "audio", "text/plain"),
        (b"%PDF-1.7 ...", None, "image", "application/pdf"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None, "image", "audio/wav"),
        (b"\x89PNG\r\n\x1a\n....", None, "audio", "image/png"),
        (b"\x00\x01binary", "table.csv", "image", "text/csv"),
    ],
)
def test_a_file_of_another_kind_is_refused(
    tmp_path: Path, data: bytes, name: str | None, kind: Any, said: str
) -> None:
    value: Any = data
    if name is not None:
        value = tmp_path / name
        value.write_bytes(data)
    with pytest.raises(ValidationError, match=f"the {kind} is not an? {kind}: .*{said}"):
        load_media(value, kind)


def test_a_document_may_be_a_pdf_and_a_data_url_is_sent_as_declared() -> None:
    assert load_media(b"%PDF-1.7", "document") == Media(b"%PDF-1.7", "application/pdf")
    declared = "data:text/plain;base64,aGVsbG8="  # the caller's choice: no check
    assert load_media(declared, "image") == Media(b"hello", "text/plain")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        ValidationError, match=r"image must be bytes, a file path.*is not an existing file"
    ):
        load_media(str(tmp_path / "nope.png"), "image")


def test_urls_need_a_download_and_data_urls_do_not() -> None:
    assert load_media("https://example.com/a.png", "image") == RemoteMedia(
        "https://example.com/a.png"
    )
    assert load_media("http://example.com/a.wav", "audio") == RemoteMedia(
        "http://example.com/a.wav"
    )
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert load_media(data_url, "image") == Media(PNG, "image/png")


@pytest.mark.parametrize(
    "bad", ["data:image/png,notbase64", "data:image/png;base64,@@@", "data:image/png;base64,"]
)
def test_bad_data_urls(bad: str) -> None:
    with pytest.raises(ValidationError):
        load_media(bad, "image")


def test_file_objects() -> None:
    buffer = io.BytesIO(wav())
    assert load_media(buffer, "audio") == Media(wav(), "audio/wav")
    with pytest.raises(ValidationError, match="text mode"):
        load_media(io.StringIO("hello"), "audio")


def test_a_named_file_object_gives_its_type(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    path.write_bytes(b"moov....")
    with path.open("rb") as handle:
        assert load_media(handle, "video") == Media(b"moov....", "video/quicktime")


def test_unsupported_types_and_empty_files() -> None:
    with pytest.raises(ValidationError, match="got int"):
        load_media(42, "image")
    with pytest.raises(ValidationError, match="the audio is empty"):
        load_media(b"", "audio")


def test_media_encodings() -> None:
    media = Media(b"\x00\x01", "image/png")
    assert media.base64() == "AAE="
    assert media.data_url() == "data:image/png;base64,AAE="
    assert repr(media) == "Media(2 bytes, 'image/png')"


# ------------------------------------------------------------------------- size rules


def test_small_images_and_non_images_pass() -> None:
    config = HfInferenceConfig(max_image_size_bytes=10, auto_optimize_images=False)
    small = Media(PNG[:8], "image/png")
    assert check_media(small, "image", config) is small
    audio = Media(wav(1.0), "audio/wav")
    assert check_media(audio, "audio", config) is audio


def test_an_oversized_image_is_refused_when_optimising_is_off() -> None:
    config = HfInferenceConfig(max_image_size_bytes=10, auto_optimize_images=False)
    with pytest.raises(
        ValidationError,
        match=rf"the image is {len(PNG)} bytes, above max_image_size_bytes=10: resize it",
    ):
        check_media(Media(PNG, "image/png"), "image", config)


def test_an_image_that_cannot_be_made_small_enough_is_refused() -> None:
    config = HfInferenceConfig(max_image_size_bytes=10)
    with pytest.raises(ValidationError, match="above max_image_size_bytes=10"):
        check_media(Media(PNG, "image/png"), "document", config)


def test_optimising_without_pillow_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pil(name: str, *args: object, **kwargs: object) -> object:
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pil)
    assert optimize_image(Media(PNG, "image/png"), 10) is None
    config = HfInferenceConfig(max_image_size_bytes=10)
    with pytest.raises(
        ValidationError, match=r"install Pillow \(pip install 'hf-inference-endpoints\[images\]'\)"
    ):
        check_media(Media(PNG, "image/png"), "image", config)


def test_optimising_with_pillow_reencodes_below_the_limit() -> None:
    Image = pytest.importorskip("PIL.Image")
    noisy = Image.effect_noise((256, 256), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    big = Media(buffer.getvalue(), "image/png")
    limit = len(big.data) // 4
    config = HfInferenceConfig(max_image_size_bytes=limit)
    smaller = check_media(big, "image", config)
    assert smaller.mime == "image/jpeg"
    assert len(smaller.data) <= limit
    assert Image.open(io.BytesIO(smaller.data)).format == "JPEG"


def test_optimising_keeps_a_png_when_lossless_is_enough() -> None:
    Image = pytest.importorskip("PIL.Image")
    flat = Image.new("RGB", (200, 200), (10, 20, 30))
    buffer = io.BytesIO()
    flat.save(buffer, format="PNG", compress_level=0)
    big = Media(buffer.getvalue(), "image/png")
    out = optimize_image(big, len(big.data) // 10)
    assert out is not None and out.mime == "image/png"
    assert Image.open(io.BytesIO(out.data)).size == (200, 200)


def test_optimising_non_images_gives_up() -> None:
    pytest.importorskip("PIL.Image")
    assert optimize_image(Media(b"not an image at all", "image/png"), 5) is None


def test_pil_images_are_encoded() -> None:
    Image = pytest.importorskip("PIL.Image")
    image = Image.new("RGB", (4, 3), (0, 255, 0))
    media = load_media(image, "image")
    assert isinstance(media, Media) and media.mime == "image/png"
    assert Image.open(io.BytesIO(media.data)).size == (4, 3)
    jpeg = Image.open(io.BytesIO(_jpeg(image)))
    assert load_media(jpeg, "image").mime == "image/jpeg"  # type: ignore[union-attr]


def _jpeg(image: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")  # type: ignore[attr-defined]
    return buffer.getvalue()


# ------------------------------------------------------------------------------ audio


def test_wav_duration() -> None:
    assert wav_duration(wav(2.5, 8000)) == 2.5
    assert wav_duration(b"fLaC\x00\x00") is None
    assert wav_duration(b"RIFF\x00\x00\x00\x00WAVEjunk") is None


def test_split_wav_keeps_every_frame_in_order() -> None:
    rate = 1000
    frames = b"".join(i.to_bytes(2, "little", signed=True) for i in range(2500))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(frames)
    chunks = split_wav(buffer.getvalue(), 1.0)
    assert [wav_duration(c) for c in chunks] == [1.0, 1.0, 0.5]
    joined = b""
    for chunk in chunks:
        with wave.open(io.BytesIO(chunk), "rb") as reader:
            assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (
                1,
                2,
                rate,
            )
            joined += reader.readframes(reader.getnframes())
    assert joined == frames


def test_split_wav_short_audio_and_errors() -> None:
    short = wav(0.5)
    assert split_wav(short, 1.0) == [short]
    with pytest.raises(ValidationError, match="only PCM WAV"):
        split_wav(b"fLaC", 1.0)
    with pytest.raises(ValidationError, match="must be > 0"):
        split_wav(short, 0)


def test_audio_chunks_follow_the_config() -> None:
    long = Media(wav(2.5, 800), "audio/wav")
    pieces = audio_chunks(long, HfInferenceConfig(max_audio_duration=1.0))
    assert [(offset, wav_duration(m.data)) for offset, m in pieces] == [
        (0.0, 1.0),
        (1.0, 1.0),
        (2.0, 0.5),
    ]
    assert all(m.mime == "audio/wav" for _, m in pieces)
    assert audio_chunks(long, HfInferenceConfig(max_audio_duration=5.0)) == [(0.0, long)]
    flac = Media(b"fLaC" + bytes(100), "audio/flac")
    assert audio_chunks(flac, HfInferenceConfig(max_audio_duration=0.001)) == [(0.0, flac)]
    with pytest.raises(
        ValidationError,
        match=r"lasts 2\.5 s, above max_audio_duration=1 s: turn on auto_chunk_long_audio",
    ):
        audio_chunks(long, HfInferenceConfig(max_audio_duration=1.0, auto_chunk_long_audio=False))


# ---------------------------------------------------------------------- chat parts


def test_image_url_part(tmp_path: Path) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(PNG)
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert image_url_part(path) == {"type": "image_url", "image_url": {"url": url}}
    assert image_url_part(PNG, detail="low") == {
        "type": "image_url",
        "image_url": {"url": url, "detail": "low"},
    }
    assert image_url_part("https://example.com/cat.png") == {
        "type": "image_url",
        "image_url": {"url": "https://example.com/cat.png"},
    }
    unknown = image_url_part(b"\x00\x01")  # no known signature: still an image part
    assert unknown["image_url"]["url"] == "data:image/jpeg;base64,AAE="  # §4.6


def test_image_parts_validate_as_chat_content() -> None:
    from hf_inference_endpoints._generation import chat_body

    messages = [
        {
            "role": "user",
            "content": [{"type": "text", "text": "What is this?"}, image_url_part(PNG)],
        }
    ]
    body = chat_body(messages, {})
    assert body["messages"][0]["content"][1]["image_url"]["url"].startswith(
        "data:image/png;base64,"
    )


# -------------------------------------------------------------------- BinaryResult


def test_binary_result_type_and_extension(tmp_path: Path) -> None:
    result = BinaryResult(PNG, "image/png; charset=binary")
    assert result.content_type == "image/png"
    assert result.extension == ".png"
    assert bytes(result) == PNG and len(result) == len(PNG)
    assert repr(result) == f"BinaryResult({len(PNG)} bytes, 'image/png')"
    assert result.response_meta is None
    assert BinaryResult(wav()).content_type == "audio/wav"
    assert BinaryResult(wav(), "application/octet-stream").content_type == "audio/wav"
    assert BinaryResult(b"???", None).content_type == "application/octet-stream"
    assert BinaryResult(b"???", None).extension == ".bin"
    assert BinaryResult(b"x", "audio/flac").extension == ".flac"
    assert BinaryResult(b"x", "image/svg+xml").extension == ".svg"
    assert BinaryResult(PNG) == BinaryResult(PNG, "image/png")
    assert BinaryResult(PNG) != BinaryResult(wav())


def test_binary_result_save(tmp_path: Path) -> None:
    result = BinaryResult(mp4(b"x"), "video/mp4")
    assert result.save(tmp_path / "clip.mp4") == tmp_path / "clip.mp4"
    assert (tmp_path / "clip.mp4").read_bytes() == result.content
    assert result.save(tmp_path) == tmp_path / "output.mp4"
    assert (tmp_path / "output.mp4").read_bytes() == result.content


def test_binary_result_to_pil() -> None:
    pytest.importorskip("PIL.Image")
    image = BinaryResult(PNG, "image/png").to_pil()
    assert image.size == (3, 2)
    assert image.getpixel((0, 0)) == (255, 0, 0)
    with pytest.raises(ValueError, match="not an image Pillow reads"):
        BinaryResult(wav(), "audio/wav").to_pil()


def test_binary_result_to_pil_without_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(
        ImportError, match=r"needs Pillow: pip install 'hf-inference-endpoints\[images\]'"
    ):
        BinaryResult(PNG, "image/png").to_pil()
