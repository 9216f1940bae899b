"""Export every tiny model end to end and check what users rely on.

In-process (``exportcore.run.run_export`` with default options, ``--task auto``; see models.py), once per case:

- the files Optimum writes (``model.onnx``, or ``encoder_model.onnx`` + ``decoder_model_merged.onnx`` with a boolean
  ``use_cache_branch`` input) and nothing half-done (no unmerged decoders, no stray external data, no temporary
  folders beside the destination); tied weights stored once;
- the ONNX input and output names, in order, are the plan's (``export_plan.json``); for the merged decoder, Optimum's
  order: the first-step decoder's inputs, then the with-past decoder's new ones, then ``use_cache_branch``;
- the dynamic axes in the file (``dim_param``) are the ones the plan promises, and every other axis is static;
- ``validation_report.json`` says passed, with >= 3 shape sets per checked submodel including batch 1 and a batch
  >= 3 and, with a past, an empty past and a past > 0; both branches of the merged decoder checked;
- config.json, generation_config.json and tokenizer / processor files copied unchanged;
- the events: every stage started and finished in order, the plan event equals export_plan.json, one event per
  validation row, a result and no error.

Plus the CLI as a user runs it (``python -m exportcore export ...`` in a subprocess) for a few cases: exit code 0
and the human summary.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from exportcore.sizes import format_size
from exportcore.validate.structure import structure_problem
from tests.e2e.models import CASES, tiny_exports, tiny_models  # noqa: F401 - fixtures

REPO = Path(__file__).resolve().parents[2]
STAGES = ["resolve", "plan", "load", "export", "post-process", "validate", "publish"]
RECORDS = {"export_options.json", "export_plan.json", "validation_report.json", "export.log"}
TRACE = {"batch": 2, "sequence": 16}  # DEFAULT_SHAPES used for the trace
ALL = list(CASES)

#: Known deviations, one bug each (see the report of the e2e tests).




def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _params(marks: dict[str, pytest.MarkDecorator] | None = None):
    marks = marks or {}
    return [pytest.param(c, id=c, marks=[marks[c]] if c in marks else []) for c in ALL]


# --------------------------------------------------------------------------------------------- helpers
def _onnx(path: Path):
    import onnx

    return onnx.load(str(path), load_external_data=True)


def _dims(value_info) -> list:
    return [d.dim_param if d.dim_param else d.dim_value for d in value_info.type.tensor_type.shape.dim]


def _submodels(plan: dict) -> dict[str, dict]:
    return {s["name"]: s for s in plan["submodels"]}


def _expected_interface(plan: dict, file_name: str):
    """(input names in order, output names in order, input axes, output axes per name -> list of allowed symbols per axis)."""
    subs = _submodels(plan)
    if file_name == "decoder_model_merged.onnx":
        first, with_past = subs["decoder_model"], subs["decoder_with_past_model"]
        inputs = list(first["inputs"]) + [n for n in with_past["inputs"] if n not in first["inputs"]] + ["use_cache_branch"]
        outputs = list(first["outputs"])
        # merge.py: where both decoders name an input axis, the with-past name wins.
        in_axes = {**first["inputs"], **with_past["inputs"], "use_cache_branch": {}}
        # Output axes: the with-past name (the general one, "past_… + …"), except Optimum's fixed-size trick "1"
        # (the with-past logits): a merged file names that axis as Optimum's does, "decoder_sequence_length".
        out_axes = {}
        for name in outputs:
            later = with_past["outputs"].get(name, {})
            out_axes[name] = {axis: {symbol if later.get(axis, symbol).isdigit() else later.get(axis, symbol)}
                              for axis, symbol in first["outputs"][name].items()}
        return inputs, outputs, in_axes, out_axes
    sub = subs[file_name.removesuffix(".onnx")]
    out_axes = {name: {axis: {symbol} for axis, symbol in axes.items()} for name, axes in sub["outputs"].items()}
    return list(sub["inputs"]), list(sub["outputs"]), sub["inputs"], out_axes


def _parse_label(label: str) -> dict[str, int]:
    return {k.strip(): int(v) for k, v in (part.split("=") for part in label.split(","))}


# --------------------------------------------------------------------------------------------- in-process
@pytest.mark.parametrize("case_id", _params())
def test_files_records_and_copies(case_id, tiny_exports):
    export = tiny_exports(case_id)
    case, out = export.case, export.output_dir
    plan = export.json("export_plan.json")

    assert plan["model_type"] == case.model_type
    assert plan["task"] == case.task, "--task auto resolved another task"
    assert plan["files"] == list(case.files)
    assert plan["merge"] is case.merged
    assert export.outcome.validation == "passed"
    assert Path(export.outcome.output_dir) == out

    names = {p.name for p in out.iterdir()}
    onnx_files = sorted(n for n in names if ".onnx" in n)
    assert onnx_files == sorted(case.files), "unexpected ONNX files (unmerged decoders, external data ...)"
    for name in case.files:  # what an unvalidated run checks: ONNX's strict checker finds nothing wrong
        assert structure_problem(out / name) is None, name
    assert RECORDS <= names
    assert all(p.is_file() for p in out.iterdir()), "sub-folders in the output"
    # Nothing beside the destination: no .partial- run folder, no .old- backup, no .failed- folder.
    assert sorted(os.listdir(out.parent)) == [out.name]
    # The run folder is private while it runs; the published one is like any folder the user makes.
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~_umask()

    for name in case.copied:
        assert (out / name).read_bytes() == (export.model_dir / name).read_bytes(), f"{name} not copied as is"
    # Self-contained: everything of the model folder but its weights is beside the ONNX files.
    source_files = {p.name for p in export.model_dir.iterdir() if p.suffix != ".safetensors"}
    assert source_files == set(case.copied)
    assert source_files <= names
    # The outcome's file list is what is on disk, planned files first.
    listed = [f["name"] for f in export.outcome.files]
    assert listed[: len(case.files)] == list(case.files)
    assert names - RECORDS <= set(listed) <= names  # model files all listed (the run records may be)
    assert all(f["bytes"] == (out / f["name"]).stat().st_size for f in export.outcome.files)

    options = export.json("export_options.json")
    assert options["model"] == str(export.model_dir) and options["output_dir"] == str(out)
    assert options["cli"].startswith("exportcore export ")


@pytest.mark.parametrize("case_id", _params())
def test_onnx_names_in_plan_order_and_weights_stored_once(case_id, tiny_exports):
    import onnx

    export = tiny_exports(case_id)
    plan = export.json("export_plan.json")
    for file_name in plan["files"]:
        path = export.output_dir / file_name
        onnx.checker.check_model(str(path))
        model = _onnx(path)
        inputs, outputs, _, _ = _expected_interface(plan, file_name)
        assert [i.name for i in model.graph.input] == inputs, file_name
        assert [o.name for o in model.graph.output] == outputs, file_name
        if file_name == "decoder_model_merged.onnx":
            branch = next(i for i in model.graph.input if i.name == "use_cache_branch")
            assert branch.type.tensor_type.elem_type == onnx.TensorProto.BOOL
            assert _dims(branch) == [1]
            # One If on use_cache_branch; beside it only Transposes of shared weights (a tied LM head stored once).
            ifs = [n for n in model.graph.node if n.op_type == "If"]
            assert len(ifs) == 1 and list(ifs[0].input) == ["use_cache_branch"]
            initializers = {t.name for t in model.graph.initializer}
            for node in model.graph.node:
                assert node is ifs[0] or (node.op_type == "Transpose" and set(node.input) <= initializers), node
        if any(n.startswith("past_key_values.") for n in inputs):
            assert any(n.startswith("present.") for n in outputs)
        # Tied / shared weights stored once: no two large tensors with the same contents, or one the transpose of
        # the other (a tied LM head), in the whole file (both branches of a merged decoder included).
        seen: dict[str, str] = {}
        for tensor in _all_tensors(model.graph):
            data = onnx.numpy_helper.to_array(tensor)
            if data.nbytes < 1024:
                continue
            digests = [_digest(data)] + ([_digest(data.T)] if data.ndim == 2 else [])
            clash = [seen[d] for d in digests if d in seen]
            assert not clash, f"{file_name}: {tensor.name} duplicates {clash[0]}"
            seen.update((d, tensor.name) for d in digests)


def _digest(array) -> str:
    import numpy as np

    array = np.ascontiguousarray(array)
    return hashlib.sha1(array.tobytes() + str((array.dtype, array.shape)).encode()).hexdigest()


def _all_tensors(graph):
    yield from graph.initializer
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("g"):
                yield from _all_tensors(attr.g)
            for sub in attr.graphs:
                yield from _all_tensors(sub)


@pytest.mark.parametrize("case_id", _params())
def test_dynamic_axes_in_file_are_the_plans(case_id, tiny_exports):
    export = tiny_exports(case_id)
    plan = export.json("export_plan.json")
    problems = []
    for file_name in plan["files"]:
        model = _onnx(export.output_dir / file_name)
        _, _, in_axes, out_axes = _expected_interface(plan, file_name)
        for value in model.graph.input:
            axes = in_axes.get(value.name, {})
            for index, dim in enumerate(_dims(value)):
                if str(index) in axes:
                    if dim != axes[str(index)]:
                        problems.append(f"{file_name} input {value.name}[{index}] is {dim!r}, plan says {axes[str(index)]!r}")
                elif not (isinstance(dim, int) and dim > 0):
                    problems.append(f"{file_name} input {value.name}[{index}] is {dim!r}, plan says static")
        for value in model.graph.output:
            axes = out_axes[value.name]
            for index, dim in enumerate(_dims(value)):
                if str(index) in axes:
                    if dim not in axes[str(index)]:
                        problems.append(f"{file_name} output {value.name}[{index}] is {dim!r}, plan says {sorted(axes[str(index)])}")
                elif not (isinstance(dim, int) and dim > 0):
                    problems.append(f"{file_name} output {value.name}[{index}] is {dim!r}, plan says static")
    assert not problems, "\n".join(problems[:12])


@pytest.mark.parametrize("case_id", _params())
def test_validation_report_proves_the_dynamic_axes(case_id, tiny_exports):
    export = tiny_exports(case_id)
    case, plan = export.case, export.json("export_plan.json")
    report = export.json("validation_report.json")
    rows = report["rows"]
    assert report["status"] == "passed"
    assert report["failed"] == 0 and report["checks"] == len(rows) > 0
    for row in rows:
        assert row["passed"] and row["shape_ok"] and row["expected_shape"] == row["actual_shape"], row
        assert row["max_abs_diff"] is not None and 0 <= row["max_abs_diff"] <= row["atol"], row

    by_submodel: dict[str, list[dict]] = {}
    for row in rows:
        by_submodel.setdefault(row["submodel"], []).append(row)
    if case.merged:
        expected = {"encoder_model", "decoder_model_merged (first step)", "decoder_model_merged (with cache)"}
    else:
        expected = {"model"}
    assert set(by_submodel) == expected

    subs = _submodels(plan)
    for submodel, sub_rows in by_submodel.items():
        labels = {r["shape_set"] for r in sub_rows}
        shapes = [_parse_label(label) for label in labels]
        assert len(shapes) >= 3, f"{submodel}: only {labels}"
        assert any(s["batch"] == 1 for s in shapes) and any(s["batch"] >= 3 for s in shapes), labels
        assert sum(s != {**s, **TRACE} for s in shapes) >= 2, f"{submodel}: not enough shape sets off the trace shapes"
        with_past = submodel == "decoder_model_merged (with cache)" or any(
            n.startswith("past_key_values.") for n in subs.get(submodel, {}).get("inputs", {})
        )
        if with_past:
            pasts = {s.get("past_sequence") for s in shapes}
            assert 0 in pasts and any(p and p > 0 for p in pasts), f"{submodel}: pasts {pasts}"
        # Every output of the file is compared at every shape set.
        file_name = "decoder_model_merged.onnx" if submodel.startswith("decoder_model_merged") else submodel + ".onnx"
        _, outputs, _, _ = _expected_interface(plan, file_name)
        compared = {r["output"] for r in sub_rows}
        if submodel == "decoder_model_merged (with cache)":
            # The cache branch passes the cross-attention past through; the rest is compared.
            outputs = [o for o in outputs if ".encoder." not in o]
        assert compared == set(outputs), f"{submodel}: compared {sorted(compared)}"
        assert len(sub_rows) == len(labels) * len(outputs)


@pytest.mark.parametrize("case_id", _params())
def test_events_of_the_run(case_id, tiny_exports):
    from exportcore.events import ErrorEvent, PlanReady, Progress, RunResult, StageFinished, StageStarted, ValidationRow

    export = tiny_exports(case_id)
    events = export.events
    assert not [e for e in events if isinstance(e, ErrorEvent)]
    started = [e.stage for e in events if isinstance(e, StageStarted)]
    finished = [e.stage for e in events if isinstance(e, StageFinished)]
    assert started == finished
    assert list(dict.fromkeys(started)) == STAGES
    assert started.count("export") == len([s for s in export.json("export_plan.json")["submodels"]])
    plans = [e.plan for e in events if isinstance(e, PlanReady)]
    assert plans == [export.json("export_plan.json")]
    rows = [e for e in events if isinstance(e, ValidationRow)]
    assert len(rows) == export.json("validation_report.json")["checks"]
    fractions = [e.fraction for e in events if isinstance(e, Progress)]
    assert all(0.0 <= f <= 1.0 for f in fractions), fractions
    assert fractions == sorted(fractions), fractions
    assert fractions[-1] == pytest.approx(1.0)
    # 100 % only at the end: the validation stage starts below it.
    assert next(e.fraction for e in events if isinstance(e, Progress) and e.stage == "validate") < 1.0
    assert isinstance(events[-1], RunResult) and events[-1].validation == "passed"
    assert events[-1].output_dir == str(export.output_dir)


# --------------------------------------------------------------------------------------------- CLI
def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf-home"),
        "EXPORTSTUDIO_CACHE": str(tmp_path / "studio-cache"),
        "TOKENIZERS_PARALLELISM": "false",
        "PYTHONPATH": str(REPO),
    }


@pytest.mark.parametrize(
    "case_id, extra",
    [
        pytest.param("bert-text-classification", ["--task", "text-classification"], id="bert-text-classification"),
        pytest.param("t5", [], id="t5-merged"),
    ],
)
def test_cli_export_summary(case_id, extra, tiny_models, tmp_path):
    source = tiny_models(case_id)
    out = tmp_path / "exported"
    proc = subprocess.run(
        [sys.executable, "-m", "exportcore", "export", str(source), str(out), *extra],
        capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path, timeout=180,
    )
    text = proc.stdout + proc.stderr
    assert proc.returncode == 0, text
    assert "Traceback" not in text
    assert "\r" not in proc.stderr, "a progress bar was drawn on a pipe"
    for stage in STAGES:
        assert f"▸ {stage}" in proc.stderr
    report = json.loads((out / "validation_report.json").read_text())
    match = re.search(r"Validation passed: (\d+)/(\d+) checks over (\d+) submodel × shape sets", proc.stderr)
    assert match, proc.stderr
    assert int(match.group(1)) == int(match.group(2)) == report["checks"]
    assert f"Exported to {out}" in proc.stderr
    for name in CASES[case_id].files:
        assert (out / name).is_file()
        # its size, in the units of every other size we show (the pre-flight, the variants' lines, the app)
        size = format_size((out / name).stat().st_size)
        assert re.search(rf"^\s+{re.escape(name)}\s+{re.escape(size)}$", proc.stderr, re.M), f"{name} not listed"
    assert report["status"] == "passed"
    assert not [n for n in os.listdir(tmp_path) if ".partial-" in n or ".failed-" in n or ".old-" in n]


def test_every_tokenizer_processor_and_template_file_travels_with_the_model(tiny_models, tmp_path):
    """transformers names tokenizer files per model (deberta-v2's spm.model, marian's source.spm/target.spm, …) and
    keeps chat templates beside them: the exported folder must be usable without the source folder."""
    from exportcore.options import ExportOptions
    from tests.e2e.models import run_collecting

    source = tmp_path / "model"
    shutil.copytree(tiny_models("bert-feature-extraction"), source)
    extra = {
        "spm.model": b"sentencepiece model bytes",
        "source.spm": b"source side",
        "target.spm": b"target side",
        "chat_template.json": b'{"chat_template": "{{ messages }}"}',
        "additional_chat_templates/tool_use.jinja": b"{{ tools }}",
        "bpe.codes": b"phobert merges",
        "tokenization_custom.py": b"class CustomTokenizer: ...",  # named in auto_map below
    }
    not_copied = {"optimizer.pt": b"training state", "notes.md": b"# my notes", "train.py": b"import torch"}
    tokenizer_config = json.loads((source / "tokenizer_config.json").read_text())
    tokenizer_config["auto_map"] = {"AutoTokenizer": ["tokenization_custom.CustomTokenizer", None]}
    extra["tokenizer_config.json"] = json.dumps(tokenizer_config).encode()
    for name, data in {**extra, **not_copied}.items():
        (source / name).parent.mkdir(exist_ok=True)
        (source / name).write_bytes(data)
    out = tmp_path / "out"
    run_collecting(ExportOptions(model=str(source), output_dir=str(out), validate=False))
    for name, data in extra.items():
        assert (out / name).read_bytes() == data, f"{name} was not copied"
    assert not {n for n in not_copied if (out / n).exists()}, "files that are neither configs nor tokenizer files"
