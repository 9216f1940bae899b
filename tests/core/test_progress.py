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


def test_the_bar_is_on_screen_while_each_stage_runs():
    """Each stage prints its line, which erases the bar: the stage's first progress event must draw it again at
    once (not wait out the redraw throttle), or a terminal shows no bar during the slow stages."""
    from exportcore.events import Progress, StageFinished, StageStarted

    stream = io.StringIO()
    reporter = ConsoleReporter(tty=True, stream=stream)
    for fraction, stage in ((0.0, "resolve"), (0.05, "load")):
        reporter(StageStarted(stage=stage, detail=""))
        reporter(Progress(fraction=fraction, stage=stage, message=stage))
        # what the terminal shows now: the text after the last line break, with the bar's own carriage returns
        assert stream.getvalue().rsplit("\n", 1)[-1].lstrip("\r").startswith("["), f"no bar during {stage}"
        reporter(StageFinished(stage=stage, seconds=0.0, detail=""))
        reporter(Progress(fraction=fraction + 0.05, stage=stage, message=f"{stage} done"))


def test_a_reader_that_went_away_does_not_fail_the_export():
    """`exportcore export … 2>&1 | head -3`: once the pipe is closed the output stops, the export goes on."""
    from exportcore.events import StageStarted

    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    reporter = ConsoleReporter(tty=False, stream=ClosedPipe())
    reporter(StageStarted(stage="load", detail=""))  # must not raise
    reporter(RESULT)
    reporter.close()
    assert reporter.gone
