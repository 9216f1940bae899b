"""The terminal reporter's closing lines: the result, and a hint about `exportcore serve` only where it helps."""

from __future__ import annotations

import io

from exportcore.events import RunResult
from exportcore.progress import ConsoleReporter

RESULT = RunResult(output_dir="/out", files=[{"name": "model.onnx", "bytes": 2048}], validation="skipped", seconds=4.2)


def _closing(monkeypatch, tty: bool, served: bool) -> str:
    monkeypatch.delenv("OES_NO_SERVER", raising=False)
    if served:
        monkeypatch.setenv("OES_SERVED_BY", "123")
    else:
        monkeypatch.delenv("OES_SERVED_BY", raising=False)
    stream = io.StringIO()
    reporter = ConsoleReporter(tty=tty, stream=stream)
    reporter(RESULT)
    reporter.close()
    return stream.getvalue()


def test_a_cold_export_on_a_terminal_suggests_the_server(monkeypatch):
    text = _closing(monkeypatch, tty=True, served=False)
    assert "Exported to /out in 4.2 s" in text and "model.onnx" in text
    assert "exportcore serve" in text


def test_no_hint_when_served_or_not_on_a_terminal(monkeypatch):
    assert "exportcore serve" not in _closing(monkeypatch, tty=True, served=True)
    assert "exportcore serve" not in _closing(monkeypatch, tty=False, served=False)
