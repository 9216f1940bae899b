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


def _download(done, total=3_500_000_000, rate=25_000_000.0, name="model.safetensors"):
    from exportcore.events import Progress

    return Progress(fraction=0.01, stage="resolve", message=f"downloading {name}", bytes_done=done,
                    bytes_total=total, bytes_per_second=rate)


def test_the_terminal_bar_counts_a_download_in_bytes_with_rate_and_time_left(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    stream = io.StringIO()
    reporter = ConsoleReporter(tty=True, stream=stream)
    reporter(_download(1_500_000_000))
    shown = stream.getvalue().rsplit("\r", 1)[-1]
    # the download's own fraction (the run's 1 % hardly moves during a 3.5 GB download)
    assert " 42.9% " in shown and len(shown) < 120
    assert "1.5 GB / 3.5 GB" in shown and "25.0 MB/s" in shown and "1 min 20 s left" in shown
    assert "downloading model.safetensors" in shown


def test_without_a_terminal_a_download_prints_a_line_now_and_then_and_at_the_end(monkeypatch):
    import exportcore.progress as progress

    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    stream = io.StringIO()
    reporter = ConsoleReporter(tty=False, stream=stream)
    for second in range(30):  # a 30 s download, ten reports a second
        for tenth in range(10):
            clock[0] = 100.0 + second + tenth / 10
            reporter(_download(int((second + tenth / 10) * 100_000_000), total=3_000_000_000, rate=100_000_000.0))
    reporter(_download(3_000_000_000, total=3_000_000_000, rate=100_000_000.0))
    lines = stream.getvalue().splitlines()
    assert 3 <= len(lines) <= 5, lines  # every 10 s, and the end
    assert lines[-1].strip().startswith("3.0 GB / 3.0 GB")
    assert all("downloading model.safetensors" in line for line in lines)


def test_a_download_with_nothing_to_fetch_prints_nothing():
    stream = io.StringIO()
    reporter = ConsoleReporter(tty=False, stream=stream)
    reporter(_download(0, total=0, rate=None, name="None"))
    assert stream.getvalue() == ""
