"""The session model (app.session) on its own: no window, no widget, no helper process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FAKES

sys.path.insert(0, str(FAKES))
from plans import make_plan, make_preflight  # noqa: E402

from exportcore.errors import ExportError  # noqa: E402
from exportcore.options import ExportOptions  # noqa: E402

from app.export_job import ExportQueue  # noqa: E402
from app.plan_facts import PlanFacts  # noqa: E402
from app.session import Readiness, Session, export_name, inspect_fields  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def succeed(options, emit, cancelled):
    emit({"event": "result", "output_dir": options["output_dir"], "files": [{"name": "model.onnx", "bytes": 3}],
          "validation": "passed", "seconds": 0.1})
    return 0


@pytest.fixture
def session(settings, tmp_path):
    s = Session(settings, ExportQueue(runner=succeed))
    s.set_options(None, output_folder=str(tmp_path / "out"))
    return s


def choose(session: Session, ref: str, **fields) -> dict:
    """Choose ``ref`` with these options, as the options panel would write them; returns the inspect request."""
    session.choose_model(ref)
    session.set_options(ExportOptions(model=ref, **fields), output_folder=session.output_folder)
    return {"model": ref, "options": session.inspect_options()}


def resolve(session: Session, ref: str, **fields) -> dict:
    """Choose ``ref``, and the helper answers with its plan and its pre-flight."""
    request = choose(session, ref, **fields)
    assert session.plan_arrived(request, make_plan(ref, request["options"]))
    asked = session.preflight_request()
    assert session.preflight_arrived({"model": ref, "options": asked}, make_preflight(ref, asked))
    return request


def test_the_session_module_imports_no_widgets():
    code = ("import sys, app.session\n"
            "print(sorted(m for m in ('PySide6.QtWidgets', 'PySide6.QtGui', 'torch', 'transformers')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT),
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_inspect_fields_say_only_what_is_set():
    fields = ExportOptions(model="m").to_dict()
    assert set(inspect_fields(fields, seq2seq=False)) == {"task", "float_dtype", "int_dtype", "opset", "dynamo",
                                                            "shapes", "atol", "library"}
    seq2seq = inspect_fields({**fields, "use_past": False, "monolith": True}, seq2seq=True)
    assert seq2seq["use_past"] is False and "use_past_in_inputs" not in seq2seq
    assert seq2seq["monolith"] is True and seq2seq["post_process"] is True


def test_plan_facts_read_the_plans_facts_and_the_cores_rules():
    from exportcore.options import ExportOptions

    facts = PlanFacts().learn(make_plan("demo:tiny-t5"))
    assert facts.is_seq2seq and facts.model_type == "t5" and facts.tasks_known
    assert facts.base_tasks == ("feature-extraction", "text2text-generation")
    # a monolith plan has one submodel: still an encoder–decoder (a fact of the model, not of the plan's files)
    assert facts.learn(make_plan("demo:tiny-t5", {"monolith": True})).is_seq2seq
    gpt2 = PlanFacts().learn(make_plan("fake/gpt2", {"task": "text-classification"}))
    assert not gpt2.is_seq2seq and gpt2.resolved_task == "text-classification"
    assert gpt2.rules(ExportOptions(model="fake/gpt2", task="text-classification"))["pad_token_id"].enabled
    bert = PlanFacts().learn(make_plan("fake/bert", {"task": "text-classification"}))
    assert not bert.rules(ExportOptions(model="fake/bert", task="text-classification"))["pad_token_id"].enabled
    # what the plan's facts say wins over what its class names suggest
    plan = make_plan("fake/gpt2", {"task": "text-classification"})
    plan["facts"]["decoder_only_tasks"] = []
    assert not PlanFacts().learn(plan).rules(ExportOptions(model="m", task="text-classification"))[
        "pad_token_id"].enabled
    assert PlanFacts().offering("fill-mask").base_tasks == ("fill-mask",)
    assert PlanFacts().learn({**make_plan("fake/bert"), "task_source": "option"}).resolved_task == ""


def test_choosing_a_model_forgets_what_was_resolved_for_the_last(session):
    resolve(session, "demo:tiny-t5")
    assert session.plan is not None and session.facts.is_seq2seq and session.preflight_done()
    models = []
    session.modelChanged.connect(models.append)
    session.choose_model("demo:tiny-t5")  # again: its plan and facts stay, what was resolved must be asked again
    assert session.plan is not None and session.facts.is_seq2seq
    assert session.planned is None and not session.preflight_done() and session.options is not None
    session.choose_model("demo:tiny-bert", "fill-mask")
    assert session.plan is None and session.facts == PlanFacts() and session.options is None
    assert session.pipeline_tag == "fill-mask" and models == ["demo:tiny-t5", "demo:tiny-bert"]
    assert session.settings.recent_models[:2] == ["demo:tiny-bert", "demo:tiny-t5"]


def test_a_plan_holds_only_for_the_model_and_options_it_was_made_for(session):
    request = choose(session, "demo:tiny-gpt2", opset=14)
    assert not session.plan_arrived({"model": "demo:tiny-bert", "options": {}}, make_plan("demo:tiny-bert"))
    assert session.plan is None
    assert session.plan_arrived(request, make_plan("demo:tiny-gpt2", request["options"]))
    assert session.plan_resolved()
    session.set_options(ExportOptions(model="demo:tiny-gpt2", opset=15), output_folder=session.output_folder)
    assert not session.plan_resolved()  # asked for 14
    assert session.inspection_failed({"model": "demo:tiny-gpt2"}, {"code": "unsupported_model_type"})
    assert session.readiness() is Readiness.INSPECT_ERROR


def test_readiness_says_what_export_waits_for_in_order(session):
    assert session.readiness() is Readiness.NO_MODEL
    request = choose(session, "org/huge-model")
    session.set_options(session.options, output_folder=session.output_folder, problems=("atol",))
    assert session.readiness() is Readiness.PROBLEMS
    session.set_options(session.options, output_folder=session.output_folder)
    assert session.readiness() is Readiness.RESOLVING
    session.plan_arrived(request, make_plan("org/huge-model", request["options"]))
    assert session.readiness() is Readiness.CHECKING
    asked = session.preflight_request()
    unsupported = {**make_preflight("org/huge-model", asked), "supported": False,
                   "unsupported": {"code": "unsupported_task", "params": {}}}
    session.preflight_arrived({"model": "org/huge-model", "options": asked}, unsupported)
    assert session.readiness() is Readiness.UNSUPPORTED
    resolve(session, "org/huge-model")  # chosen again: asked again (it does not fit, but may be forced)
    assert session.readiness() is Readiness.READY


def test_the_preflight_is_asked_again_only_when_its_figures_can_change(session, tmp_path):
    request = choose(session, "org/big-model")
    session.plan_arrived(request, make_plan("org/big-model", request["options"]))
    first = session.preflight_request()
    assert first["output_dir"] == str(tmp_path / "out" / "big-model-onnx") and first["model"] == "org/big-model"
    assert session.preflight_request() is None  # asked already
    session.set_options(ExportOptions(model="org/big-model", atol=0.01), output_folder=session.output_folder)
    assert session.preflight_request() is None  # the tolerance changes no figure
    stale = {"model": "org/big-model", "options": first}
    session.set_options(ExportOptions(model="org/big-model"), output_folder=str(tmp_path / "elsewhere"))
    assert session.preflight_request()["output_dir"].startswith(str(tmp_path / "elsewhere"))
    assert not session.preflight_arrived(stale, make_preflight("org/big-model", first))  # for the old folder
    assert session.preflight is None


def test_destinations_are_free_folders(session, tmp_path):
    choose(session, "org/some-model")
    base = tmp_path / "out" / "some-model-onnx"
    assert session.destination_for("org/some-model") == str(base)
    base.mkdir(parents=True)
    assert session.destination_for("org/some-model") == str(base)  # empty: fine
    (base / "model.onnx").write_text("x")
    assert session.destination_for("org/some-model") == f"{base}-2"
    assert session.destination_for("org/some-model", {"overwrite": True}) == str(base)
    assert export_name("demo:tiny-bert") == "tiny-bert" and export_name("/data/my model/") == "my model"


def test_an_export_names_the_task_the_inspector_showed(session):
    request = choose(session, "/models/snapshot")
    plan = {**make_plan("/models/snapshot", {"task": "text-classification"}), "task_source": "pipeline_tag"}
    session.plan_arrived(request, plan)
    options = session.export_options(force=True)
    assert options.task == "text-classification" and options.force is True
    assert options.output_dir == session.destination_for("/models/snapshot")
    session.options, session.options_error = None, ExportError("invalid_option", reason="batch_size=300")
    with pytest.raises(ExportError):
        session.export_options()


def test_exports_are_shown_and_remembered(qtbot, session, settings):
    resolve(session, "demo:tiny-bert")
    shown = []
    session.jobShown.connect(shown.append)
    added = []
    session.historyAdded.connect(added.append)
    with qtbot.waitSignal(session.queue.jobFinished, timeout=5000):
        job = session.export()
    assert shown == [job] and session.shown_job is job and job.expected_task == "feature-extraction"
    assert job.state == "succeeded" and added and added[0]["outcome"] == "succeeded"
    assert added[0]["files"] == [{"name": "model.onnx", "bytes": 3}]
    assert session.history[0] == added[0] and settings.history[0]["model"] == "demo:tiny-bert"
    # a second export while the first one is shown: the run view follows the new one
    with qtbot.waitSignal(session.queue.jobFinished, timeout=5000):
        second = session.export()
    assert session.shown_job is second and shown == [job, second]
    cleared = []
    session.historyCleared.connect(lambda: cleared.append(True))
    session.clear_history()
    assert cleared and session.history == [] and settings.history == []


def test_run_again_writes_into_a_new_folder(qtbot, session, tmp_path):
    folder = tmp_path / "done"
    folder.mkdir()
    (folder / "model.onnx").write_text("x")
    with qtbot.waitSignal(session.queue.jobFinished, timeout=5000):
        job = session.rerun({"options": {"model": "demo:tiny-bert", "output_dir": str(folder)}})
    assert job.options["output_dir"] == f"{folder}-2"
    assert session.rerun({"options": {}}) is None
