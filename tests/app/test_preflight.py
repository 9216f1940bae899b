"""The pre-flight in the app (issue 11, item 4): its figures in the inspector before exporting, a question before a
download over the limit or an export that does not fit, and ``force`` only when the user said so (fake helpers)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

WAIT = 10000


def _ready(qtbot, w, model: str) -> None:
    w.select_model(model)
    qtbot.waitUntil(lambda: w.inspector.state == "plan" and w.export_button.isEnabled(), timeout=WAIT)


def _line(w, key: str) -> str:
    return w.inspector.preflight.labels[key][1].text()


@pytest.fixture
def answer(monkeypatch):
    """Answer the next question box by the text of one of its buttons; returns what it asked."""
    asked: list[str] = []
    choice = {"button": None}

    def fake_exec(box: QMessageBox) -> int:
        asked.append(f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}")
        if choice["button"] is not None:
            next(b for b in box.buttons() if b.text() == choice["button"]).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)

    def set_answer(button: str | None) -> list[str]:
        choice["button"] = button
        return asked

    return set_answer


def test_figures_are_shown_before_exporting(qtbot, make_window, out_dir):
    w = make_window()
    w.options.set_output_folder(str(out_dir), user=True)
    _ready(qtbot, w, "org/big-model")
    panel = w.inspector.preflight
    assert panel.isVisibleTo(w.inspector) and panel.state == "facts"
    assert _line(w, "support").startswith("Supported · task feature-extraction")
    assert _line(w, "download") == "3.5 GB to download (3 files)"
    assert "model cache 80.0 GB free" in _line(w, "disk") and "output needs about 10.6 GB" in _line(w, "disk")
    assert "at the peak (an estimate); 17.2 GB available" in _line(w, "memory")
    # the request carried the export's output folder (free space is measured there)
    assert str(out_dir) in w.session.preflight_key


def test_large_download_asks_and_cancel_exports_nothing(qtbot, make_window, out_dir, answer):
    w = make_window()
    w.options.set_output_folder(str(out_dir), user=True)
    _ready(qtbot, w, "org/big-model")
    asked = answer("Cancel")
    assert w.start_export() is None and not w.queue.jobs
    assert "This export first downloads 3.5 GB from the Hub." in asked[0] and "2 GB" in asked[0]
    asked = answer("Download and export")
    job = w.start_export()
    assert job is not None and job.options["force"] is False and len(asked) == 2
    # a higher limit (File ▸ Ask before downloads over … GB): no question any more
    w.set_download_limit(5)
    assert w.settings.download_warning_gb == 5 and "5 GB" in w.download_limit_action.text()
    assert w.start_export() is not None and len(asked) == 2


def test_small_export_asks_nothing(qtbot, make_window, out_dir, answer):
    w = make_window()
    w.options.set_output_folder(str(out_dir), user=True)
    _ready(qtbot, w, "demo:tiny-bert")
    asked = answer(None)
    job = w.start_export()
    assert job is not None and asked == [] and job.options["force"] is False


def test_what_does_not_fit_is_red_and_runs_with_force_only_when_confirmed(qtbot, make_window, out_dir, answer):
    w = make_window()
    w.options.set_output_folder(str(out_dir), user=True)
    _ready(qtbot, w, "org/huge-model")
    disk = w.inspector.preflight.labels["disk"][1]
    assert "#b3261e" in disk.styleSheet() and "model cache 8.4 MB free" in disk.text()
    asked = answer("Cancel")
    assert w.start_export() is None and not w.queue.jobs
    assert "It may not fit" in asked[0] and "/cache" in asked[0]
    assert "145.0 GB" in asked[0]
    answer("Export anyway")
    job = w.start_export()
    assert job is not None and job.options["force"] is True

    _ready(qtbot, w, "org/hungry-model")
    assert "#b3261e" in w.inspector.preflight.labels["memory"][1].styleSheet()
    asked = answer("Export anyway")
    job = w.start_export()
    assert job.options["force"] is True and "memory" in asked[-1]


def test_export_waits_for_the_preflight(qtbot, make_window, out_dir):
    w = make_window(inspect_args=("--delay", "0.3"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    qtbot.waitUntil(lambda: w.inspector.state == "plan", timeout=WAIT)
    assert w.inspector.preflight.state == "checking" and not w.export_button.isEnabled()
    assert "Checking what the export needs" in w.destination.text()
    assert w.start_export() is None
    qtbot.waitUntil(w.export_button.isEnabled, timeout=WAIT)
    assert w.inspector.preflight.state == "facts"
