"""The app's warm export engine (``app.export_engine``) with a fake ``exportcore serve``: ready, stopped with the
window, and an engine that another process runs is used while it lives, then replaced by our own."""

from __future__ import annotations

import sys
from pathlib import Path

from app.export_engine import ExportEngine

FAKE = Path(__file__).parent / "fakes" / "fake_engine.py"


def test_starts_reports_ready_and_stops_with_its_socket(qtbot, tmp_path):
    socket = tmp_path / "engine.sock"
    engine = ExportEngine([sys.executable, str(FAKE), str(socket)])
    with qtbot.waitSignal(engine.stateChanged, check_params_cb=lambda s: s == "ready", timeout=10000):
        engine.start()
    assert engine.is_ready and socket.exists()
    engine.shutdown_now()
    assert not socket.exists()


def test_uses_a_running_engine_and_takes_over_when_it_goes(qtbot, tmp_path):
    socket = tmp_path / "engine.sock"
    socket.touch()  # someone else's engine is serving
    engine = ExportEngine([sys.executable, str(FAKE), str(socket)])
    with qtbot.waitSignal(engine.stateChanged, check_params_cb=lambda s: s == "ready", timeout=10000):
        engine.start()
    qtbot.wait(200)
    assert engine.is_ready  # the fake exited 0 after "already running": still ready
    socket.unlink()  # the other engine went away
    # ours started and serves now (it creates the socket a moment before it says so)
    qtbot.waitUntil(lambda: socket.exists() and engine.is_ready, timeout=10000)
    engine.shutdown_now()
    assert not socket.exists()


def test_an_engine_that_cannot_start_is_reported_failed(qtbot, tmp_path):
    engine = ExportEngine([sys.executable, "-c", "import sys; sys.exit(3)"])
    with qtbot.waitSignal(engine.stateChanged, check_params_cb=lambda s: s == "failed", timeout=10000):
        engine.start()
