"""Issue 14 "by the app": a vision-language model and a hybrid decoder, opened as local folders the way a user opens
one (Local tab ▸ Open a model folder…), inspected by the real helper and exported by clicking Export, in the real
worker (``python -m exportcore.worker``). The end-to-end check (generation through the parts in onnxruntime against
PyTorch ``generate``) must show in the validation table.

The tiny seeded models are built in a child process with the e2e tests' builders, so this (app) process stays free
of torch. Set ``OES_TEST_SCREENSHOTS=DIR`` to also save the inspector and the finished run as PNGs there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
VLM_PARTS = ["vision_encoder.onnx", "embed_tokens.onnx", "decoder_model_merged.onnx"]


def build_in_child(module: str, model_type: str, folder: Path) -> Path:
    code = f"import sys; from pathlib import Path; from {module} import build; build({model_type!r}, Path(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=300,
                          cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return folder


@pytest.fixture
def real_window(qtbot, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("EXPORTSTUDIO_CACHE", str(tmp_path / "studio-cache"))
    from app.main_window import MainWindow

    cache = str(tmp_path / "hf-cache")
    w = MainWindow(settings, hub_options={"auto_search": False, "offline": True, "cache_dir": cache},
                   cache_options={"cache_dir": cache}, warm_engine=False)  # each export in its own worker
    w.ask_before_quit = False
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    w.close()


def open_folder_and_export(w, qtbot, monkeypatch, folder: Path, out: Path, shots: str = ""):
    """Local tab ▸ Open a model folder… (the dialog answers ``folder``), wait for the plan, click Export, wait."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    w.sources.show_tab("local")
    w.options.set_output_folder(str(out), user=True)
    qtbot.mouseClick(w.sources.local.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.inspector.state == "plan", timeout=180000)
    assert w.session.ref == str(folder)
    names = w.inspector.submodel_tabs
    tabs = {names.tabText(i): w.inspector.pages[i] for i in range(names.count())}
    qtbot.waitUntil(w.export_button.isEnabled, timeout=120000)  # the real helper's pre-flight
    w.inspector.submodel_tabs.setCurrentIndex(w.inspector.submodel_tabs.count() - 1)  # the decoder: the most to see
    save_shot(w, shots, "inspector")
    qtbot.mouseClick(w.export_button, Qt.MouseButton.LeftButton)
    job = w.session.shown_job
    assert job is not None
    qtbot.waitUntil(lambda: job.is_done, timeout=900000)
    assert job.state == "succeeded", (job.error, [getattr(e, "message", "") for e in job.events][-8:])
    qtbot.waitUntil(lambda: w.results.files.rowCount() > 0, timeout=10000)
    return tabs, job


def input_names(page) -> list[str]:
    return [row[0] for row in page.inputs_model.row_items()]


def end_to_end_rows(w) -> list:
    return [r for r in w.run_view.validation.rows if str(r.submodel).startswith("end-to-end")]


def save_shot(w, prefix: str, name: str) -> None:
    if prefix:
        from PySide6.QtWidgets import QApplication

        for _ in range(20):
            QApplication.processEvents()
        w.grab().save(f"{prefix}-{name}.png")


def test_a_vision_language_model_exports_by_clicking(real_window, qtbot, monkeypatch, tmp_path):
    w = real_window
    shots = os.environ.get("OES_TEST_SCREENSHOTS", "")
    base = Path(tempfile.mkdtemp(prefix="oes-vlm-", dir=shots)) if shots else tmp_path  # a short path on screen
    folder = build_in_child("tests.e2e.test_multimodal", "llava", base / "tiny-llava")
    tabs, job = open_folder_and_export(w, qtbot, monkeypatch, folder, base / "exports",
                                       shots and os.path.join(shots, "vlm-app"))
    assert list(tabs) == ["vision_encoder", "embed_tokens", "decoder_model_merged"]
    assert input_names(tabs["vision_encoder"])[0] == "pixel_values"
    assert input_names(tabs["embed_tokens"]) == ["input_ids"]
    decoder = input_names(tabs["decoder_model_merged"])
    assert decoder[:2] == ["inputs_embeds", "attention_mask"] and "past_key_values.0.key" in decoder
    assert [f["name"] for f in w.results.files.files if f["name"].endswith(".onnx")] == VLM_PARTS
    assert all((Path(job.options["output_dir"]) / name).is_file() for name in VLM_PARTS)
    e2e = end_to_end_rows(w)
    assert {r.shape_set for r in e2e} >= {"batch 1, 1 image", "batch 2 left-padded, 1 image each"}
    assert all(r.passed for r in e2e), [r for r in e2e if not r.passed][:3]
    parts = {r.submodel for r in w.run_view.validation.rows}
    assert {"vision_encoder", "embed_tokens", "decoder_model_merged"} <= parts
    assert w.run_view.banner.kind == "ok"
    w.run_view.lower_tabs.setCurrentIndex(1)  # the validation table
    save_shot(w, shots and os.path.join(shots, "vlm-app"), "run")


def test_a_hybrid_decoder_exports_by_clicking(real_window, qtbot, monkeypatch, tmp_path):
    w = real_window
    folder = build_in_child("tests.e2e.test_hybrid", "lfm2", tmp_path / "tiny-lfm2")
    tabs, job = open_folder_and_export(w, qtbot, monkeypatch, folder, tmp_path / "out")
    assert list(tabs) == ["model"]
    # LFM2: layers 0 and 2 are convolutions, layer 1 attention
    assert input_names(tabs["model"])[3:] == ["past_key_values.1.key", "past_key_values.1.value", "past_conv.0",
                                              "past_conv.2"]
    outputs = [row[0] for row in tabs["model"].outputs_model.row_items()]
    assert "present_conv.0" in outputs and "present_conv.2" in outputs
    assert [f["name"] for f in w.results.files.files if f["name"].endswith(".onnx")] == ["model.onnx"]
    e2e = end_to_end_rows(w)
    assert e2e and all(r.passed for r in e2e), [r for r in e2e if not r.passed][:3]
    assert {"batch 1, prompt 14", "batch 2 left-padded, prompt 14"} <= {r.shape_set for r in e2e}
