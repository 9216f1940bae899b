"""Every Qt item model of the app passes pytest-qt's qtmodeltester, empty and filled."""

from __future__ import annotations

import sys

from conftest import FAKES

sys.path.insert(0, str(FAKES))
from plans import make_plan  # noqa: E402

from exportcore.events import ValidationRow  # noqa: E402

from app.export_job import ExportQueue  # noqa: E402
from app.inspector import PlannedFilesModel, TensorTableModel, format_axes, tensor_dtype  # noqa: E402
from app.results import FilesModel, HistoryModel, human_size  # noqa: E402
from app.queue_view import QueueModel  # noqa: E402
from app.run_models import StageListModel, ValidationModel  # noqa: E402

ROW = {"submodel": "model", "shape_set": "batch=1", "output": "logits", "expected_shape": [1, 7], "actual_shape": [1, 7],
       "shape_ok": True, "max_abs_diff": 1e-7, "atol": 1e-4, "passed": True, "note": ""}


def test_tensor_table_model(qtmodeltester):
    plan = make_plan("gpt2", {"int_dtype": "int32"})
    sub = plan["submodels"][0]
    model = TensorTableModel()
    qtmodeltester.check(model)
    model.set_tensors(sub["inputs"], sub, {"int_dtype": "int32"})
    qtmodeltester.check(model)
    names = [model.row(i)[0] for i in range(model.rowCount())]
    assert names == list(sub["inputs"])  # the plan's order, not sorted
    assert model.row(0)[1] == "int32"
    assert "0: batch_size" in model.row(0)[3]


def test_dtype_fallback_and_axes():
    assert tensor_dtype("input_ids", {}, {"int_dtype": "int32"}) == "int32"
    assert tensor_dtype("pixel_values", {}, {"float_dtype": "fp16"}) == "float16"
    assert tensor_dtype("logits", {}, {"float_dtype": "bf16"}) == "bfloat16"  # exportcore.dtypes names it
    assert tensor_dtype("use_cache_branch", {}) == "bool"
    assert tensor_dtype("x", {"input_dtypes": {"x": "int64"}}) == "int64"
    assert format_axes({"1": "seq", "0": "batch"}) == "0: batch  ·  1: seq"


def test_planned_files_model(qtmodeltester):
    model = PlannedFilesModel()
    qtmodeltester.check(model)
    model.set_files(["encoder_model.onnx", "decoder_model_merged.onnx"])
    qtmodeltester.check(model)
    assert model.files() == ["encoder_model.onnx", "decoder_model_merged.onnx"]


def test_stage_list_model(qtmodeltester):
    model = StageListModel()
    qtmodeltester.check(model)
    model.stage_started("resolve")
    model.stage_finished("resolve", 0.5)
    model.stage_started("export")  # plan and load were skipped
    model.stage_started("custom-stage")  # an unknown stage is appended
    qtmodeltester.check(model)
    assert model.state["plan"] == "skipped" and model.state["export"] == "running"
    model.fail_running()
    assert model.state["export"] == "failed"
    model.reset()
    qtmodeltester.check(model)


def test_validation_model(qtmodeltester):
    model = ValidationModel()
    qtmodeltester.check(model)
    model.add_rows([ValidationRow(**ROW)])
    model.add_rows([ValidationRow(**{**ROW, "passed": False, "max_abs_diff": 0.5, "shape_ok": False}),
                    ValidationRow(**{**ROW, "max_abs_diff": None})])
    qtmodeltester.check(model)
    assert model.counts() == (2, 1)
    assert model.max_diff() == 0.5


def test_files_and_history_models(qtmodeltester):
    files = FilesModel()
    qtmodeltester.check(files)
    files.set_files([{"name": "model.onnx", "bytes": 2048}, {"name": "config.json", "bytes": 10}])
    qtmodeltester.check(files)
    assert files.total() == 2058
    assert human_size(2048) == "2.0 kB" and human_size(10) == "10 B" and human_size(497_804_123) == "497.8 MB"
    history = HistoryModel()
    qtmodeltester.check(history)
    history.set_entries([{"when": 0, "model": "demo:tiny-bert", "outcome": "succeeded", "seconds": 1.0,
                          "output_dir": "/x", "options": {"model": "demo:tiny-bert", "task": "fill-mask"}}])
    history.add({"when": 1, "model": "m", "outcome": "crashed", "options": {"model": "m"}})
    qtmodeltester.check(history)
    assert history.rowCount() == 2


def test_queue_model(qtmodeltester, qtbot, tmp_path):
    queue = ExportQueue(runner=lambda opts, emit, cancelled: 0)
    model = QueueModel(queue)
    qtmodeltester.check(model)
    job = queue.enqueue({"model": "demo:tiny-bert", "output_dir": str(tmp_path / "a")})
    qtmodeltester.check(model)
    with qtbot.waitSignal(queue.jobFinished, timeout=5000):
        pass
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and job.is_done
