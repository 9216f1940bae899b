"""The pre-flight as a user meets it: ``exportcore export`` / ``exportcore preflight`` against the fake Hub in real
subprocesses, and the inspect helper's ``preflight`` request. What is checked is what a user relies on: the exit
code, the one coded line with the numbers, nothing downloaded before a refusal (the fake Hub's request log), the task
said before the work and where it came from, and the download counted in bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLASSIFIER = "acme/bert-sentiment"


@pytest.fixture(scope="module")
def classifier_files(tmp_path_factory) -> dict[str, bytes]:
    """A tiny BERT text classifier (seeded) whose config.json names no architecture, as some Hub repos are."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    folder = tmp_path_factory.mktemp("classifier")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=128, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=37, max_position_embeddings=64, num_labels=3)
    BertForSequenceClassification(config).save_pretrained(folder)
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    raw = json.loads(files["config.json"])
    raw.pop("architectures", None)
    files["config.json"] = json.dumps(raw).encode()
    return files


@pytest.fixture
def classifier(fake_hub, classifier_files):
    from tests.fakehub import FakeRepo

    return fake_hub.add_repo(FakeRepo(CLASSIFIER, dict(classifier_files), pipeline_tag="text-classification"))


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OES_NO_SERVER": "1",
           "EXPORTSTUDIO_CACHE": str(tmp_path / "studio-cache")}
    return subprocess.run([sys.executable, "-m", "exportcore", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)


def _one_error(stderr: str, code: str) -> str:
    assert "Traceback" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.startswith("error [")]
    assert len(errors) == 1 and errors[0].startswith(f"error [{code}]: "), stderr[-3000:]
    return errors[0]


def _weights_fetched(fake_hub, repo_id: str) -> list[str]:
    return [r.path for r in fake_hub.requests_to(rf"^/{repo_id}/resolve/", method="GET")
            if r.path.endswith((".safetensors", ".bin"))]


def test_export_says_the_task_and_where_it_came_from_before_the_work(fake_hub, classifier, tmp_path):
    proc = _run(tmp_path, "export", CLASSIFIER, "out")
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stderr.splitlines()
    task_line = lines.index("task: text-classification (from the Hub's pipeline tag)")
    assert task_line < next(i for i, line in enumerate(lines) if line.startswith("▸ resolve"))
    assert any(line.startswith("download: ") for line in lines[:task_line + 3])
    plan = json.loads((tmp_path / "out" / "export_plan.json").read_text())
    assert (plan["task"], plan["task_source"]) == ("text-classification", "pipeline_tag")
    assert "logits" in plan["submodels"][0]["outputs"]  # the classification head was exported, not dropped


def test_export_refuses_an_unsupported_model_type_before_any_weight_byte(fake_hub, tmp_path):
    proc = _run(tmp_path, "export", "acme/mystery-model", "out")
    assert proc.returncode == 2
    assert "'mystery'" in _one_error(proc.stderr, "unsupported_model_type")
    assert _weights_fetched(fake_hub, "acme/mystery-model") == []
    assert not (tmp_path / "out").exists()


def test_export_refuses_a_download_the_cache_cannot_hold_with_the_numbers(fake_hub, hf_cache, tmp_path):
    repo = fake_hub.add_model("acme/huge", "bert", architectures=["BertModel"])
    repo.declared_sizes["model.safetensors"] = 145 * 10**15
    proc = _run(tmp_path, "export", "acme/huge", "out")
    assert proc.returncode == 3  # disk_full (README: "3 … disk")
    line = _one_error(proc.stderr, "disk_full")
    assert f"'{hf_cache}'" in line and " TB needed, " in line and " free" in line
    assert "network" not in proc.stderr
    assert _weights_fetched(fake_hub, "acme/huge") == []
    assert not (tmp_path / "out").exists()


def test_force_tries_an_export_the_estimate_says_will_not_fit(fake_hub, classifier, tmp_path):
    classifier.parameters = {"F32": 10**13}  # what the Hub claims: ten trillion parameters
    proc = _run(tmp_path, "export", CLASSIFIER, "refused")
    assert proc.returncode == 3  # like a full disk: this machine cannot do it, the request itself is fine
    line = _one_error(proc.stderr, "insufficient_memory")
    assert " TB of memory (an estimate); this machine has " in line
    assert "--force" in proc.stderr
    assert _weights_fetched(fake_hub, CLASSIFIER) == []
    proc = _run(tmp_path, "export", CLASSIFIER, "forced", "--force", "--no-validation")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert any("--force" in line and "memory" in line for line in proc.stderr.splitlines()
               if line.lstrip().startswith("warning:"))
    assert (tmp_path / "forced" / "model.onnx").is_file()


def test_the_preflight_command_prints_the_figures_without_downloading_weights(fake_hub, classifier, hf_cache,
                                                                              tmp_path):
    proc = _run(tmp_path, "preflight", CLASSIFIER, "out", "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout)
    weights = len(classifier.files["model.safetensors"])
    assert figures["supported"] is True and figures["task"] == "text-classification"
    assert figures["task_source"] == "pipeline_tag"
    assert figures["weights_bytes"] == weights and figures["download_bytes"] >= weights
    assert figures["cache_dir"] == str(hf_cache) and figures["output_dir"] == str(tmp_path / "out")
    assert figures["memory_estimate_bytes"] > 0 and figures["memory_is_estimate"] is True
    assert figures["refusals"] == []
    assert _weights_fetched(fake_hub, CLASSIFIER) == []
    classifier.parameters = {"F32": 10**13}
    proc = _run(tmp_path, "preflight", CLASSIFIER)
    assert proc.returncode == 3
    assert "memory: about " in proc.stdout and "(an estimate)" in proc.stdout
    _one_error(proc.stderr, "insufficient_memory")


def _padded(safetensors: bytes, padding: int) -> bytes:
    """The same tensors with ``padding`` more bytes of header metadata: a larger file that still loads."""
    import struct

    (length,) = struct.unpack("<Q", safetensors[:8])
    header = json.loads(safetensors[8:8 + length])
    header["__metadata__"] = {**header.get("__metadata__", {}), "padding": "x" * padding}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + safetensors[8 + length:]


def test_the_download_is_counted_in_bytes(fake_hub, classifier_files, tmp_path):
    """Reports move inside a file, not only at its boundaries: huggingface_hub reads 10 MiB before it reports, so
    a 7.9 MB file at 220 kB/s showed "0 B / 7.9 MB" for 36 s. Here a 1 MB file arrives in 32 KiB pieces."""
    from tests.fakehub import FakeRepo

    files = {**classifier_files, "model.safetensors": _padded(classifier_files["model.safetensors"], 1_000_000)}
    fake_hub.add_repo(FakeRepo("acme/bert-sentiment-slow", files, pipeline_tag="text-classification"))
    fake_hub.chunk_size, fake_hub.chunk_delay = 32 * 1024, 0.03
    weights = len(files["model.safetensors"])
    proc = _run(tmp_path, "export", "acme/bert-sentiment-slow", "out", "--no-validation", "--json-events")
    assert proc.returncode == 0, proc.stderr[-3000:]
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    downloads = [e for e in events if e["event"] == "progress" and e.get("bytes_done") is not None]
    assert downloads, "no progress event carries bytes"
    total = downloads[-1]["bytes_total"]
    assert total >= weights and downloads[-1]["bytes_done"] == total
    # while the weights arrive, the message names them (not the last file that finished), several times
    arriving = [e["bytes_done"] for e in downloads if e["message"] == "downloading model.safetensors"]
    start = min(arriving)
    inside = sorted({done for done in arriving if start < done < total})
    assert len(inside) >= 3, f"{len(inside)} reports inside the weights file: {inside}"
    assert any(e.get("bytes_per_second") for e in downloads), "no rate while the weights arrive"
    fake_hub.chunk_delay = 0
    proc = _run(tmp_path, "export", "acme/bert-sentiment-slow", "again", "--no-validation")  # cached now
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "download:" not in proc.stderr


def test_the_download_shows_in_the_terminal_output(fake_hub, classifier, tmp_path):
    proc = _run(tmp_path, "export", CLASSIFIER, "out", "--no-validation")
    assert proc.returncode == 0, proc.stderr[-3000:]
    size = len(classifier.files["model.safetensors"])
    lines = [line for line in proc.stderr.splitlines() if " / " in line and "downloading" in line]
    assert lines, proc.stderr
    from exportcore.hub import format_size

    assert format_size(size) in lines[-1] or any(format_size(size) in line for line in lines)


def test_the_inspect_helper_answers_preflight_requests(fake_hub, classifier, tmp_path):
    requests = [
        {"id": 1, "cmd": "preflight", "model": CLASSIFIER, "options": {"output_dir": str(tmp_path / "out")}},
        {"id": 2, "cmd": "preflight", "model": "acme/mystery-model"},
        {"id": 3, "cmd": "preflight", "model": "acme/no-such-model"},
        {"id": 4, "cmd": "frobnicate", "model": CLASSIFIER},
        {"id": 5, "model": "demo:tiny-bert"},
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "exportcore.inspect_server"], env=env, cwd=tmp_path, timeout=120,
                          input="".join(json.dumps(r) + "\n" for r in requests), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    replies = {r.get("id"): r for r in map(json.loads, proc.stdout.splitlines()) if "ready" not in r}
    first = replies[1]["preflight"]
    assert first["task"] == "text-classification" and first["output_dir"] == str(tmp_path / "out")
    assert first["download_bytes"] >= len(classifier.files["model.safetensors"])
    unsupported = replies[2]["preflight"]
    assert unsupported["supported"] is False and unsupported["unsupported"]["code"] == "unsupported_model_type"
    assert replies[3]["error"]["code"] in ("hub_not_found", "hub_gated")
    assert replies[4]["error"]["code"] == "invalid_option"
    assert replies[5]["plan"]["model_type"] == "bert"
    assert _weights_fetched(fake_hub, CLASSIFIER) == []



def _bf16_refusal(job: dict):
    from exportcore.option_rules import check
    from exportcore.options import ExportOptions

    [error] = check(None, ExportOptions.from_dict(job))
    assert error.code == "invalid_option" and "bfloat16" in error.message and "--no-validation" in error.message
    return error


@pytest.mark.parametrize("events", [False, True], ids=["terminal", "json-events"])
def test_an_impossible_combination_is_refused_before_the_hub_is_asked(fake_hub, classifier, tmp_path, events):
    """bf16 with validation cannot work for any model (option_rules.check without a plan): refused before the
    pre-flight, so the Hub hears nothing (the run used to refuse it, after the pre-flight's requests)."""
    expected = _bf16_refusal({"model": CLASSIFIER, "output_dir": "out", "float_dtype": "bf16"})
    proc = _run(tmp_path, "export", CLASSIFIER, "out", "--dtype", "bf16", *(["--json-events"] if events else []))
    assert proc.returncode == 2
    assert _one_error(proc.stderr, "invalid_option") == f"error [invalid_option]: {expected.message}"
    if events:
        [event] = [json.loads(line) for line in proc.stdout.splitlines()]
        assert (event["event"], event["code"], event["message"]) == ("error", expected.code, expected.message)
    assert fake_hub.requests_to(".*") == []
    assert not (tmp_path / "out").exists()


def test_the_worker_refuses_an_impossible_combination_before_the_hub_is_asked(fake_hub, classifier, tmp_path):
    job = {"model": CLASSIFIER, "output_dir": str(tmp_path / "out"), "float_dtype": "bf16"}
    expected = _bf16_refusal(job)
    (tmp_path / "job.json").write_text(json.dumps(job), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "OES_NO_SERVER": "1",
           "EXPORTSTUDIO_CACHE": str(tmp_path / "studio-cache")}
    proc = subprocess.run([sys.executable, "-m", "exportcore.worker", str(tmp_path / "job.json")], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2, proc.stderr[-3000:]
    [event] = [json.loads(line) for line in proc.stdout.splitlines()]
    assert (event["event"], event["code"], event["message"]) == ("error", expected.code, expected.message)
    assert fake_hub.requests_to(".*") == []
    assert not (tmp_path / "out").exists()


def test_library_warnings_go_to_the_run_log_not_the_console(fake_hub, classifier, tmp_path):
    """With --force and a full cache, huggingface_hub's own disk check warned on the console: a site-packages path
    and a bare `warnings.warn(` line. Library warnings belong in export.log."""
    full_disk = ("import shutil; real = shutil.disk_usage; shutil.disk_usage = lambda p: real(p)._replace(free=1000); "
                 "from exportcore.cli import console_main; console_main()")
    env = {**os.environ, "PYTHONPATH": str(REPO), "OES_NO_SERVER": "1",
           "EXPORTSTUDIO_CACHE": str(tmp_path / "studio-cache")}
    proc = subprocess.run([sys.executable, "-c", full_disk, "export", CLASSIFIER, "out", "--force", "--no-validation"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Warning" not in proc.stderr and "warnings.warn" not in proc.stderr, proc.stderr[-3000:]
    assert "site-packages" not in proc.stderr
    log = (tmp_path / "out" / "export.log").read_text(encoding="utf-8")
    assert "UserWarning: Not enough free disk space to download the file" in log, log[-3000:]


def test_offline_the_task_still_comes_from_the_pipeline_tag_the_export_recorded(fake_hub, classifier, tmp_path):
    """Offline, a classifier repository without `architectures` (and without a model card) lost its pipeline tag:
    feature-extraction, head dropped, exit 0. The download records the tag beside the snapshot."""
    assert _run(tmp_path, "export", CLASSIFIER, "online", "--no-validation").returncode == 0
    offline = subprocess.run([sys.executable, "-m", "exportcore", "export", CLASSIFIER, "offline", "--no-validation"],
                             capture_output=True, text=True, cwd=tmp_path, timeout=300,
                             env={**os.environ, "PYTHONPATH": str(REPO), "OES_NO_SERVER": "1", "HF_HUB_OFFLINE": "1",
                                  "EXPORTSTUDIO_CACHE": str(tmp_path / "studio-cache")})
    assert offline.returncode == 0, offline.stderr[-3000:]
    assert "task: text-classification (from the Hub's pipeline tag)" in offline.stderr.splitlines()
    plan = json.loads((tmp_path / "offline" / "export_plan.json").read_text())
    assert "logits" in plan["submodels"][0]["outputs"]


def test_offline_a_task_that_cannot_be_known_is_said_not_guessed(hf_cache, classifier_files, tmp_path):
    """A cached repository whose config.json names no architecture, with no model card and no recorded tag (another
    tool downloaded it): the default task would drop the head, so the export asks for --task."""
    hf_cache.add(CLASSIFIER, classifier_files)
    env = {**os.environ, "PYTHONPATH": str(REPO), "OES_NO_SERVER": "1", "HF_HUB_OFFLINE": "1",
           "EXPORTSTUDIO_CACHE": str(tmp_path / "studio-cache")}
    for command in (["export", CLASSIFIER, "out"], ["inspect", CLASSIFIER], ["preflight", CLASSIFIER]):
        proc = subprocess.run([sys.executable, "-m", "exportcore", *command], capture_output=True, text=True,
                              cwd=tmp_path, env=env, timeout=300)
        assert proc.returncode == 2, (command, proc.stderr[-3000:])
        assert "pipeline tag is not in the cache (offline)" in _one_error(proc.stderr, "task_not_inferable")
    assert not (tmp_path / "out").exists()
    proc = subprocess.run([sys.executable, "-m", "exportcore", "export", CLASSIFIER, "out", "--task",
                           "text-classification", "--no-validation"], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
