"""app.process_link with small Python children: lines split across writes, bad lines, typed worker events, a child
that dies in the middle of a line, stderr, stdin and a child that cannot start."""

from __future__ import annotations

import sys
import textwrap

import pytest

from exportcore.events import LogLine, StageStarted

from app.export_job import ExportJob
from app.job_state import JobState
from app.process_link import ProcessLink, as_event

WAIT = 10000


def child(code: str) -> list[str]:
    return [sys.executable, "-c", "import os, sys, time\n" + textwrap.dedent(code)]


@pytest.fixture
def run(qtbot):
    """Start a link on a child; returns what it reported once the child ended."""

    def start(code: str, *, events: bool = False, send: dict | None = None) -> dict:
        link = ProcessLink(events=events)
        got: dict = {"received": [], "bad": [], "stderr": [], "order": []}
        link.received.connect(lambda m: (got["received"].append(m), got["order"].append("message")))
        link.badLine.connect(lambda t: (got["bad"].append(t), got["order"].append("bad")))
        link.stderrLine.connect(got["stderr"].append)
        with qtbot.waitSignal(link.ended, timeout=WAIT) as ended:
            link.start(child(code))
            if send is not None:
                link.send(send)
                link.close_input()
        got["ended"] = ended.args
        got["order"].append("ended")
        return got

    return start


def test_a_message_split_across_writes_arrives_whole(run):
    got = run("""
        sys.stdout.write('{"id": 1, "te'); sys.stdout.flush(); time.sleep(0.2)
        sys.stdout.write('xt": "one"}\\n{"id": 2}\\n'); sys.stdout.flush()
    """)
    assert got["received"] == [{"id": 1, "text": "one"}, {"id": 2}]
    assert got["bad"] == [] and got["ended"] == [0, False]


def test_lines_that_are_no_message_are_bad_lines(run):
    got = run("""
        print("hello from a library"); print("[1, 2]"); print('{"broken": '); print(); print('{"ok": true}')
    """)
    assert got["received"] == [{"ok": True}]
    assert got["bad"] == ["hello from a library", "[1, 2]", '{"broken":']


def test_worker_lines_become_typed_events(run):
    got = run("""
        print('{"event": "stage_started", "stage": "export", "detail": "", "time": 1.0}')
        print('{"event": "no_such_kind"}')
        print('{"event": "stage_finished", "stage": "export"}')  # no "seconds": not an event
        print('{"event": "log", "level": "info", "message": "done", "extra": 1}')  # unknown fields are dropped
    """, events=True)
    started, log = got["received"]
    assert started == StageStarted(stage="export", detail="", time=1.0)
    assert isinstance(log, LogLine) and (log.level, log.message) == ("info", "done")
    assert len(got["bad"]) == 2 and "no_such_kind" in got["bad"][0]


def test_a_child_that_dies_mid_line_leaves_a_bad_line_then_ends(run):
    got = run("""
        sys.stdout.write('{"event": "log", "level": "info", "message": "whole"}\\n{"event": "log", "lev')
        sys.stdout.flush()
        os.kill(os.getpid(), 9)
    """, events=True)
    assert [e.message for e in got["received"]] == ["whole"]
    assert got["bad"] == ['{"event": "log", "lev']
    assert got["ended"][1] is True  # crashed
    assert got["order"] == ["message", "bad", "ended"]  # everything it wrote comes before the end


def test_the_last_line_needs_no_newline(run):
    got = run("""sys.stdout.write('{"ready": true}'); sys.stdout.flush(); sys.exit(3)""")
    assert got["received"] == [{"ready": True}] and got["ended"] == [3, False]


def test_stderr_lines_are_passed_on_whole(run):
    got = run("""
        sys.stderr.write("a warn"); sys.stderr.flush(); time.sleep(0.2)
        sys.stderr.write("ing\\n\\nsecond\\nno newline"); sys.stderr.flush()
    """)
    assert got["stderr"] == ["a warning", "second", "no newline"]
    assert got["received"] == [] and got["bad"] == []


def test_send_writes_one_line_to_stdin(run):
    got = run("""print(sys.stdin.readline().strip()); print(repr(sys.stdin.read()))""",
              send={"id": 7, "model": "démo"})
    assert got["received"] == [{"id": 7, "model": "démo"}]
    assert got["bad"] == ["''"]  # then EOF


def test_a_child_that_cannot_start(qtbot):
    link = ProcessLink()
    with qtbot.waitSignal(link.failedToStart, timeout=WAIT) as failed:
        link.start(["/nonexistent/program"])
    assert failed.args[0] and not link.running


def test_as_event():
    assert as_event({"event": "stage_started", "stage": "load", "time": 2.0}) == StageStarted(stage="load", time=2.0)
    assert as_event({"event": "stage_started"}) is None
    assert as_event({"ready": True}) is None


def test_a_worker_that_dies_mid_line_is_a_crashed_job(qtbot, tmp_path):
    """The export job on the link: the half event is shown as a log line, the job ends crashed."""
    command = child("""
        print('{"event": "stage_started", "stage": "resolve", "detail": ""}', flush=True)
        sys.stdout.write('{"event": "validation_row", "submodel": "mo'); sys.stdout.flush()
        os._exit(139)
    """)
    job = ExportJob({"model": "m", "output_dir": str(tmp_path / "o")}, command=command)
    with qtbot.waitSignal(job.finished, timeout=WAIT):
        job.start()
    assert job.state == JobState.CRASHED and job.error.code == "worker_crashed"
    assert "segmentation fault" in job.error.params["reason"]
    logs = [e.message for e in job.events if isinstance(e, LogLine)]
    assert '{"event": "validation_row", "submodel": "mo' in logs
    assert job.rows == [] and isinstance(job.events[0], StageStarted)
