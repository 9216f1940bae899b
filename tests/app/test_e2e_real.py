"""End to end with the real helper processes: exportcore.inspect_server, the warm export engine (exportcore serve)
and exportcore.worker on a demo model.

The app process itself still imports neither torch nor transformers; the children do. ~15 s on 2 cores.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from exportcore.events import LogLine

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("exportcore.worker") is None or importlib.util.find_spec("exportcore.inspect_server") is None,
    reason="exportcore worker / inspect server not available")


def test_demo_model_through_the_real_children(qtbot, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("EXPORTSTUDIO_CACHE", str(tmp_path / "demo-cache"))  # demo weights built here
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    sockets = tmp_path / "sockets"
    sockets.mkdir(mode=0o700)
    monkeypatch.setenv("OES_SERVER_SOCKET", str(sockets / "exportcore.sock"))
    monkeypatch.delenv("OES_NO_SERVER", raising=False)
    from app.main_window import MainWindow

    cache = str(tmp_path / "hf-cache")
    w = MainWindow(settings, hub_options={"auto_search": False, "offline": True, "cache_dir": cache},
                   cache_options={"cache_dir": cache})
    qtbot.addWidget(w)
    w.show()
    w.options.set_output_folder(str(tmp_path / "out"), user=True)
    w.select_model("demo:tiny-bert")
    qtbot.waitUntil(lambda: w.inspector.state == "plan", timeout=60000)
    plan = w.inspector.plan
    assert plan["model_type"] == "bert" and plan["files"] == ["model.onnx"]
    assert w.inspector.pages[0].inputs_model.row(0)[0] == "input_ids"
    # once warm, an option change is answered quickly by the helper
    w.options.int_dtype.setCurrentText("int32")
    qtbot.waitUntil(lambda: w.inspector.pages[0].inputs_model.row(0)[1] == "int32", timeout=5000)
    assert w.client.last_latency is not None and w.client.last_latency < 1.0

    assert settings.warm_engine and w.engine_action.isChecked()  # on by default
    qtbot.waitUntil(lambda: w.engine.is_ready, timeout=60000)
    assert (sockets / "exportcore.sock").exists()
    assert "loaded" in w.engine_status.text()

    qtbot.waitUntil(w.export_button.isEnabled, timeout=30000)  # the plan and the real helper's pre-flight
    assert w.inspector.preflight.state == "facts" and "Supported" in w.inspector.preflight.labels["support"][1].text()
    job = w.start_export()
    with qtbot.waitSignal(job.finished, timeout=120000):
        pass
    logs = [e.message for e in job.events if isinstance(e, LogLine)]
    assert job.state == "succeeded", (job.error, logs[-5:])
    assert any("forked from exportcore serve" in m for m in logs), logs[:3]  # the export ran warm
    assert len(job.rows) >= 3 and all(r.passed for r in job.rows)
    out = job.options["output_dir"]
    assert os.path.isfile(os.path.join(out, "model.onnx"))
    assert w.results.files.rowCount() >= 1
    assert w.run_view.banner.kind == "ok"

    w.engine_action.setChecked(False)  # File ▸ Keep the export engine loaded: off, and remembered
    assert not settings.warm_engine
    qtbot.waitUntil(lambda: not (sockets / "exportcore.sock").exists(), timeout=10000)
    w.close()
