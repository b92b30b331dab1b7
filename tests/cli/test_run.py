"""``hfie run TASK`` against the emulator (real sockets): text, files, objects, options,
file answers saved with --output, --json everywhere, and the usage errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hf_inference_endpoints.cli import main
from hf_inference_endpoints.emulator.tasks import image_size, wav_info

from ..conftest import EMULATOR_TOKEN
from ..media import png, wav


@pytest.fixture
def env(emulator: Any, no_env: None) -> dict[str, str]:
    return {
        "HF_DEFAULT_PROVIDER": "hf-inference",  # these tests use models hf-inference serves
        "HF_TOKEN": EMULATOR_TOKEN,
        "HF_ROUTER_URL": emulator.router_url,
        "HF_ENDPOINT": emulator.hub_url,
        "HF_ENDPOINTS_API_URL": emulator.endpoints_api_url,
    }


def run(env: dict[str, str], *args: str, stdin: str | bytes | None = None) -> Any:
    return CliRunner().invoke(main, ["run", *args], env=env, input=stdin, catch_exceptions=False)


def test_text_task_json(env: dict[str, str]) -> None:
    result = run(env, "translation", "-i", "Hello world", "-p", "tgt_lang=fr_XX", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"translation_text": "[fr_XX] Hello world"}]


def test_text_task_human(env: dict[str, str]) -> None:
    result = run(env, "translation", "-i", "Hello world", "-p", "tgt_lang=fr_XX")
    assert result.exit_code == 0, result.output
    assert result.output == "[fr_XX] Hello world\n"


def test_text_from_stdin(env: dict[str, str]) -> None:
    result = run(env, "summarization", stdin="First sentence. Second one.\n")
    assert result.exit_code == 0, result.output
    assert result.output == "First sentence.\n"


def test_image_file_by_path(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(png(3, 2))
    result = run(
        env, "image-classification", "-m", "google/vit-base-patch16-224", "-i", str(path), "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"label": "png 3x2", "score": 0.9},
        {"label": "checkerboard", "score": 0.07},
        {"label": "noise", "score": 0.03},
    ]
    human = run(env, "image-classification", "-i", str(path), "-p", "top_k=1")
    assert human.output == "png 3x2\t0.9\n"


def test_audio_from_stdin(env: dict[str, str]) -> None:
    result = run(env, "automatic-speech-recognition", "-i", "-", stdin=wav(0.5))
    assert result.exit_code == 0, result.output
    assert result.output == "audio of 0.50 seconds\n"


def test_options_are_json_when_they_parse(env: dict[str, str]) -> None:
    result = run(
        env,
        "zero-shot-classification",
        "-i",
        "The rocket reached orbit",
        "-p",
        'candidate_labels=["space", "cooking"]',
        "-p",
        "multi_label=false",
        "--json",
    )
    assert result.exit_code == 0, result.output
    labels = json.loads(result.output)
    assert {x["label"] for x in labels} == {"space", "cooking"}
    assert sum(x["score"] for x in labels) == pytest.approx(1.0)


def test_object_inputs(env: dict[str, str], tmp_path: Path) -> None:
    qa = run(
        env,
        "question-answering",
        "-i",
        json.dumps({"question": "What is it?", "context": "The answer is 42"}),
        "--json",
    )
    assert qa.exit_code == 0, qa.output
    answer = json.loads(qa.output)
    assert (answer["answer"], answer["start"], answer["end"]) == ("42", 14, 16)
    assert 0 < answer["score"] < 1
    image = tmp_path / "page.png"
    image.write_bytes(png(4, 4))
    vqa = run(
        env,
        "visual-question-answering",
        "-i",
        json.dumps({"image": str(image), "question": "Which format?"}),
        "-p",
        "top_k=1",
        "--json",
    )
    assert vqa.exit_code == 0, vqa.output
    assert [a["answer"] for a in json.loads(vqa.output)] == ["png"]


def test_file_answers_need_and_use_output(env: dict[str, str], tmp_path: Path) -> None:
    missing = CliRunner().invoke(main, ["run", "text-to-image", "-i", "a fox"], env=env)
    assert missing.exit_code == 2
    assert "text-to-image answers a file (image/png): pass --output FILE" in missing.output
    target = tmp_path / "fox.png"
    result = run(
        env, "text-to-image", "-i", "a fox", "-p", "width=4", "-p", "height=3", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"saved {target.stat().st_size} bytes of image/png to {target}\n"
    assert image_size(target.read_bytes()) == (4, 3)
    speech = run(env, "text-to-speech", "-i", "hello world", "-o", str(tmp_path), "--json")
    assert speech.exit_code == 0, speech.output
    summary = json.loads(speech.output)
    assert summary["output"] == str(tmp_path / "output.wav")
    assert summary["content_type"] == "audio/wav"
    assert wav_info(Path(summary["output"]).read_bytes()) is not None


def test_json_answers_can_be_written_too(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run(env, "fill-mask", "-i", "Life is <mask>.", "-p", "top_k=1", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"saved the answer to {target}\n"
    [candidate] = json.loads(target.read_text())
    assert candidate["sequence"].startswith("Life is ")


def test_usage_errors(env: dict[str, str]) -> None:
    runner = CliRunner()
    bad_param = runner.invoke(main, ["run", "translation", "-i", "x", "-p", "nokey"], env=env)
    assert bad_param.exit_code == 2
    assert "'nokey' is not KEY=VALUE" in bad_param.output
    bad_object = runner.invoke(main, ["run", "question-answering", "-i", "not json"], env=env)
    assert bad_object.exit_code == 2
    assert "question-answering takes a JSON object as --input" in bad_object.output
    no_file = runner.invoke(main, ["run", "image-classification", "-i", "-"], env=env, input=b"")
    assert no_file.exit_code == 2
    assert "image-classification needs a file" in no_file.output


def test_server_and_input_errors_are_one_line(env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", "image-classification", "-i", str(tmp_path / "missing.png")], env=env
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: InvalidArgument: image must be bytes, a file path")
    refused = CliRunner().invoke(
        main, ["run", "image-classification", "-i", "-"], env=env, input=wav()
    )
    assert refused.exit_code == 2  # a WAV is no image: refused before sending
    assert "InvalidArgument: the image is not an image" in refused.output
    assert "audio/wav" in refused.output
