"""ExportJob / ExportQueue with the fake worker: events -> signals, failures, cancel, kill, queue, in-process mode."""

from __future__ import annotations

import time

from conftest import fake_worker_cmd

from app.export_job import ExportJob, ExportQueue


def _job(tmp_path, *args, **kw):
    return ExportJob({"model": "demo:tiny-bert", "output_dir": str(tmp_path / "out")}, command=fake_worker_cmd(*args),
                     **kw)


def test_success_emits_every_kind_of_event(qtbot, tmp_path):
    job = _job(tmp_path, "--rows", "5")
    got = {"stages": [], "rows": [], "plan": [], "result": [], "progress": []}
    job.stageFinished.connect(lambda s, secs, d: got["stages"].append(s))
    job.validationRow.connect(got["rows"].append)
    job.planReceived.connect(got["plan"].append)
    job.resultReady.connect(got["result"].append)
    job.progress.connect(lambda f, s, m: got["progress"].append(f))
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        job.start()
    assert blocker.args == ["succeeded"]
    assert got["stages"] == ["resolve", "plan", "load", "export", "post-process", "validate", "publish"]
    assert len(got["rows"]) == 5 and all(r.passed for r in got["rows"])
    assert got["plan"][0]["model_type"] == "bert"
    assert {f["name"] for f in got["result"][0].files} >= {"model.onnx"}
    assert got["progress"][-1] == 1.0
    assert (tmp_path / "out" / "model.onnx").is_file()
    assert job.exit_code == 0 and job.elapsed() > 0


def test_validation_failure(qtbot, tmp_path):
    job = _job(tmp_path, "--rows", "3", "--fail-validation")
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        job.start()
    assert blocker.args == ["validation_failed"]
    assert [r.passed for r in job.rows] == [True, True, False]
    assert job.error.code == "validation_failed"


def test_error_event(qtbot, tmp_path):
    job = _job(tmp_path, "--error-at", "export:export_failed")
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        job.start()
    assert blocker.args == ["failed"]
    assert job.error.code == "export_failed"


def test_segfaulting_child_is_an_error_row(qtbot, tmp_path):
    job = _job(tmp_path, "--crash-at", "export")
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        job.start()
    assert blocker.args == ["crashed"]
    assert job.error.code == "worker_crashed"
    assert "noise on stderr" in job.error.details  # stderr tail kept for the details


def test_exit_139_is_reported_as_segfault(qtbot, tmp_path):
    job = _job(tmp_path, "--exit-at", "load:139")
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        job.start()
    assert blocker.args == ["crashed"]
    assert "segmentation fault" in job.error.params["reason"]


def test_cancel_honoured_by_sigterm(qtbot, tmp_path):
    job = _job(tmp_path, "--hang-at", "validate")
    with qtbot.waitSignal(job.stageStarted, timeout=10000, check_params_cb=lambda s, d: s == "validate"):
        job.start()
    with qtbot.waitSignal(job.finished, timeout=3000) as blocker:
        job.cancel()
    assert blocker.args == ["cancelled"]
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "out.partial-fake").exists()


def test_cancel_kills_a_child_that_ignores_sigterm_within_2s(qtbot, tmp_path):
    job = _job(tmp_path, "--ignore-term", "--hang-at", "export")
    with qtbot.waitSignal(job.stageStarted, timeout=10000, check_params_cb=lambda s, d: s == "export"):
        job.start()
    t0 = time.monotonic()
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        job.cancel()
    assert time.monotonic() - t0 < 2.0
    assert blocker.args == ["cancelled"]
    assert not (tmp_path / "out").exists()


def test_worker_that_cannot_start(qtbot, tmp_path):
    job = ExportJob({"model": "m", "output_dir": str(tmp_path / "o")}, command=["/nonexistent/worker"])
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        job.start()
    assert blocker.args == ["failed"]
    assert job.error.code == "worker_not_started"


def test_queue_runs_jobs_one_after_another(qtbot, tmp_path):
    queue = ExportQueue(command=fake_worker_cmd("--rows", "2", "--sleep", "0.02"))
    order = []
    queue.jobStarted.connect(lambda j: order.append(("start", j.number, queue.running is j)))
    queue.jobFinished.connect(lambda j: order.append(("end", j.number, j.state)))
    jobs = [queue.enqueue({"model": "demo:tiny-bert", "output_dir": str(tmp_path / f"o{i}")}) for i in range(3)]
    assert [j.state for j in jobs] == ["queued"] * 3
    qtbot.waitUntil(lambda: all(j.is_done for j in jobs), timeout=20000)
    n = [j.number for j in jobs]
    assert order == [("start", n[0], True), ("end", n[0], "succeeded"), ("start", n[1], True),
                     ("end", n[1], "succeeded"), ("start", n[2], True), ("end", n[2], "succeeded")]


def test_cancel_a_queued_job(qtbot, tmp_path):
    queue = ExportQueue(command=fake_worker_cmd("--hang-at", "export"))
    first = queue.enqueue({"model": "a", "output_dir": str(tmp_path / "a")})
    second = queue.enqueue({"model": "b", "output_dir": str(tmp_path / "b")})
    qtbot.waitUntil(lambda: first.state == "running", timeout=5000)
    queue.cancel(second)
    assert second.state == "cancelled"
    with qtbot.waitSignal(first.finished, timeout=5000):
        queue.cancel(first)
    qtbot.wait(100)
    assert second.started_at is None  # never ran


def test_in_process_mode(qtbot, tmp_path):
    def runner(options, emit, cancelled):
        emit({"event": "stage_started", "stage": "export", "detail": ""})
        for i in range(3):
            emit({"event": "validation_row", "submodel": "model", "shape_set": f"s{i}", "output": "y",
                  "expected_shape": [1], "actual_shape": [1], "shape_ok": True, "max_abs_diff": 0.0, "atol": 1e-5,
                  "passed": True})
        emit({"event": "result", "output_dir": options["output_dir"], "files": [], "validation": "passed",
              "seconds": 0.1})
        return 0

    job = ExportJob({"model": "x", "output_dir": str(tmp_path / "o")}, runner=runner)
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        job.start()
    assert blocker.args == ["succeeded"] and len(job.rows) == 3


def test_in_process_runner_exception_and_cancel(qtbot, tmp_path):
    def broken(options, emit, cancelled):
        raise RuntimeError("boom")

    job = ExportJob({"model": "x", "output_dir": str(tmp_path / "o")}, runner=broken)
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        job.start()
    assert blocker.args == ["crashed"] or blocker.args == ["failed"]
    assert job.error.code == "internal_error"

    def slow(options, emit, cancelled):
        while not cancelled():
            time.sleep(0.01)
        emit({"event": "error", "code": "cancelled", "message": "cancelled", "params": {}})
        return 130

    job2 = ExportJob({"model": "x", "output_dir": str(tmp_path / "o")}, runner=slow)
    job2.start()
    qtbot.wait(50)
    with qtbot.waitSignal(job2.finished, timeout=5000) as blocker:
        job2.cancel()
    assert blocker.args == ["cancelled"]


def test_a_flood_of_rows_arrives_complete_in_order_and_in_few_batches(qtbot, tmp_path):
    """A worker writing hundreds of rows at once: every row reaches the run view, in order, in batches (one table
    insertion each) rather than one GUI update per row."""
    from app.run_view import RunView

    job = _job(tmp_path, "--rows", "300")
    singles, batches = [], []
    job.validationRow.connect(singles.append)
    job.validationRows.connect(batches.append)
    view = RunView()
    qtbot.addWidget(view)
    view.attach(job)
    with qtbot.waitSignal(job.finished, timeout=20000):
        job.start()
    labels = [(r.shape_set, r.output) for r in singles]
    assert labels == [(f"set{i // 2}", ("last_hidden_state", "pooler")[i % 2]) for i in range(300)]
    assert [r for batch in batches for r in batch] == singles
    assert len(batches) < 100
    assert view.validation.rowCount() == 300
    assert [view.validation.rows[i].shape_set for i in (0, 299)] == ["set0", "set149"]
    assert view.progress.value() == 1000
