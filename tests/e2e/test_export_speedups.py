"""Our two changes to how the TorchScript exporter runs change nothing in what it writes.

``exportcore.export`` streams the weights into the file itself (``initializers``) and gives the exporter's ONNX shape
inference only the parameters that can matter to a shape. For every end-to-end model (every submodel, before
merging) the file is byte for byte the one ``torch.onnx.export`` writes on its own with ``export_params=True``.
"""

from __future__ import annotations

import contextlib
import warnings

import pytest
import torch

from exportcore.export import onnx_export, torch_hooks
from exportcore.options import ExportOptions
from exportcore.export.torch_stages import folds_constants, load_for_plan
from exportcore.plan import make_plan, resolve
from tests.e2e.models import CASES, model_dir


@pytest.mark.parametrize("case_id", list(CASES))
def test_files_are_byte_identical_to_torchs_own_export(case_id, tmp_path, tmp_path_factory, monkeypatch):
    folder = model_dir(case_id, tmp_path_factory)
    options = ExportOptions(model=str(folder), task=CASES[case_id].task)
    plan = make_plan(options, resolve(options))
    model = load_for_plan(plan)
    fold = folds_constants(plan, model)

    def plain_torch(module, args, path, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(module, args, str(path), dynamo=False, **kwargs)

    for submodel in plan.submodels:
        cfg = submodel.onnx_config
        common = dict(opset=cfg.DEFAULT_ONNX_OPSET, shapes=plan.shapes, constant_folding=fold, submodel_name=submodel.name)
        ours = tmp_path / f"ours-{submodel.file_name}"
        onnx_export.export_submodel(model, cfg, ours, **common)
        with monkeypatch.context() as patch:
            patch.setattr(onnx_export, "_export_torchscript", plain_torch)
            patch.setattr(torch_hooks, "shape_inference_without_weights", contextlib.nullcontext)
            theirs = tmp_path / f"torch-{submodel.file_name}"
            onnx_export.export_submodel(model, cfg, theirs, **common)
        assert ours.read_bytes() == theirs.read_bytes(), f"{submodel.name} differs from torch's own export"


def test_a_model_past_the_protobuf_limit_exports_validates_and_publishes_its_data_file(tmp_path, tmp_path_factory,
                                                                                        monkeypatch):
    """The whole run with weights in ``model.onnx_data`` (the limit lowered so that a tiny model counts as > 2 GB)."""
    from exportcore.export import initializers
    from exportcore.run import run_export

    monkeypatch.setattr(initializers, "EXTERNAL_DATA_THRESHOLD", 4096)
    out = tmp_path / "out"
    outcome = run_export(ExportOptions(model=str(model_dir("bert-text-classification", tmp_path_factory)),
                                       output_dir=str(out)))
    assert outcome.validation == "passed" and len(outcome.rows) >= 3
    assert sorted(p.name for p in out.glob("model.onnx*")) == ["model.onnx", "model.onnx_data"]
    assert (out / "model.onnx").stat().st_size < (out / "model.onnx_data").stat().st_size
    import onnx

    onnx.checker.check_model(str(out / "model.onnx"))  # resolves the data file beside it
