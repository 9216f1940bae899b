"""exportcore.dtypes: one dtype vocabulary, checked against the libraries that define the names (torch, NumPy,
ml_dtypes, onnx, onnxruntime, safetensors) and through the places that read it (the adapter, the dummy inputs, the
initializer writer, the plan document, the pre-flight, the configurations' tolerance)."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
import torch
from onnx import TensorProto, helper

from exportcore import dtypes
from exportcore.errors import ExportError
from exportcore.options import FLOAT_DTYPES, INT_DTYPES

ROOT = Path(__file__).resolve().parents[2]
ALL = [pytest.param(d, id=d.name) for d in dtypes.DTYPES]


@pytest.mark.parametrize("d", ALL)
def test_torch_names(d):
    t = getattr(torch, d.torch)
    assert isinstance(t, torch.dtype) and str(t) == f"torch.{d.torch}"
    assert t.itemsize == d.itemsize
    assert t.is_floating_point == (d.kind == "float")
    assert t.is_signed == (d.kind in ("float", "int"))
    assert dtypes.to_torch(d.name) is t and dtypes.find(t) is d
    for alias in d.aliases:
        if alias.startswith("torch."):
            assert getattr(torch, alias.removeprefix("torch.")) is t


@pytest.mark.parametrize("d", ALL)
def test_numpy_names(d):
    scalar = dtypes.to_numpy(d.name)
    if d.name == "bf16":
        assert scalar is ml_dtypes.bfloat16
    else:
        assert scalar is getattr(np, d.numpy)
    dt = np.dtype(scalar)
    assert dt.name == d.numpy and dt.itemsize == d.itemsize
    assert dt.kind == {"float": "f", "int": "i", "uint": "u", "bool": "b"}[d.kind] or d.name == "bf16"
    assert dtypes.find(dt) is d and dtypes.find(scalar) is d


@pytest.mark.parametrize("d", ALL)
def test_onnx_names_and_numbers(d):
    assert getattr(TensorProto, d.onnx) == d.onnx_type
    assert helper.tensor_dtype_to_np_dtype(d.onnx_type) == np.dtype(dtypes.to_numpy(d.name))
    assert helper.np_dtype_to_tensor_dtype(np.dtype(dtypes.to_numpy(d.name))) == d.onnx_type
    assert dtypes.find(d.onnx_type) is d and dtypes.find(getattr(TensorProto, d.onnx)) is d


def test_onnxruntime_type_strings():
    import onnxruntime as ort

    for d in dtypes.DTYPES:
        x = helper.make_tensor_value_info("x", d.onnx_type, [1])
        y = helper.make_tensor_value_info("y", d.onnx_type, [1])
        graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
        model.ir_version = 10
        session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        assert session.get_inputs()[0].type == d.ort, d.name
        assert dtypes.find(d.ort) is d


def test_safetensors_names(tmp_path):
    from safetensors.torch import save_file

    tensors = {d.name: torch.zeros(1, dtype=dtypes.to_torch(d.name)) for d in dtypes.DTYPES}
    path = tmp_path / "t.safetensors"
    save_file(tensors, str(path))
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    for d in dtypes.DTYPES:
        assert header[d.name]["dtype"] == d.safetensors
        assert dtypes.find(d.safetensors) is d


def test_every_spelling_finds_its_dtype_whatever_the_case():
    seen: dict[str, str] = {}
    for d in dtypes.DTYPES:
        for spelling in d.spellings:
            for variant in (spelling, spelling.upper(), spelling.lower(), f" {spelling} "):
                assert dtypes.find(variant) is d, variant
            assert seen.setdefault(spelling.lower(), d.name) == d.name
    assert dtypes.find("float16").name == "fp16" and dtypes.find("half").name == "fp16"
    assert dtypes.find("float").name == "fp32"  # ONNX's FLOAT, torch.float (NumPy's "float" is not read)
    assert dtypes.find("int") is None  # torch.int is int32, NumPy's int is int64: ambiguous, so unknown
    assert dtypes.find("fp8") is None and dtypes.find(99) is None and dtypes.find(True) is None


def test_get_refuses_unknown_names_as_invalid_dtype():
    assert dtypes.get("bfloat16").name == "bf16"
    assert dtypes.name_of("torch.float16") == "fp16"
    with pytest.raises(ExportError) as info:
        dtypes.get("fp8")
    assert info.value.code == "invalid_dtype" and "fp32, fp16, bf16, fp64" in info.value.message
    with pytest.raises(ExportError) as info:
        dtypes.get("fp64", among=FLOAT_DTYPES, kind="float dtype")
    assert info.value.params == {"kind": "float dtype", "value": "fp64", "choices": "fp32, fp16, bf16"}


def test_kinds():
    assert [dtypes.is_half(n) for n in ("fp16", "bf16", "float16", "BF16", "fp32", "int16", "nonsense")] == [
        True, True, True, True, False, False, False]
    assert dtypes.is_half(torch.bfloat16) and dtypes.is_half(np.float16) and not dtypes.is_half(np.float32)
    assert all(dtypes.is_integer(n) for n in (*INT_DTYPES, "uint8", "I64", TensorProto.INT32))
    assert not any(dtypes.is_integer(n) for n in ("bool", "fp32", "nonsense"))
    assert all(dtypes.is_float(n) for n in FLOAT_DTYPES) and not dtypes.is_float("int64")
    assert set(FLOAT_DTYPES) | set(INT_DTYPES) <= set(dtypes.NAMES)


def test_half_precision_tolerance_is_the_configurations():
    from exportcore import registry

    for model_type, task in (("bert", "feature-extraction"), ("whisper", "automatic-speech-recognition")):
        cls = registry.get_config_class(model_type, task)
        for float_dtype in FLOAT_DTYPES:
            cfg = cls(None, task=task, float_dtype=float_dtype)
            assert dtypes.validation_atol(float_dtype, cls.ATOL_FOR_VALIDATION) == cfg.atol


# ---- the places that read it -----------------------------------------------------------------------------------------
def test_the_adapter_and_the_dummy_inputs_read_it():
    from exportcore.configs import dummy_inputs
    from exportcore.export import adapter

    for name in FLOAT_DTYPES:
        for spelling in dtypes.get(name).spellings:
            assert adapter.to_torch_dtype(spelling) is dtypes.to_torch(name), spelling
        floats = np.zeros(2, dtype=np.float32)
        assert dummy_inputs.to_framework(floats, "pt", name).dtype is dtypes.to_torch(name)
        assert dummy_inputs.to_framework(floats, "np", name).dtype == np.dtype(dtypes.to_numpy(name))
    with pytest.raises(ExportError) as info:
        adapter.to_torch_dtype("int64")  # a dtype, but not one to load a model in
    assert info.value.params["choices"] == ", ".join(FLOAT_DTYPES)
    for name in INT_DTYPES:
        generator = dummy_inputs.DummyTextInputGenerator("feature-extraction", None, int_dtype=name)
        assert generator.values("attention_mask", [1, 2]).dtype == np.dtype(dtypes.to_numpy(name))


def test_agrees_with_the_initializer_writer():
    from exportcore.export import initializers

    for d in dtypes.DTYPES:
        assert initializers._onnx_type(torch.zeros(1, dtype=dtypes.to_torch(d.name))) == d.onnx_type


def test_agrees_with_the_plan_document_and_the_preflight():
    from exportcore.options import ExportOptions
    from exportcore.plan import inspect
    from exportcore.plan import preflight

    for float_dtype in FLOAT_DTYPES:
        doc = inspect(ExportOptions(model="demo:tiny-bert", float_dtype=float_dtype, int_dtype="int32"))
        sub = doc["submodels"][0]
        assert set(sub["output_dtypes"].values()) == {dtypes.get(float_dtype).long_name}
        assert set(sub["input_dtypes"].values()) == {"int32"}
        per_parameter = preflight.memory_estimate(0, 10**6, None, float_dtype) - preflight.MEMORY_FLOOR
        assert per_parameter == int(preflight.MEMORY_PER_WEIGHT_BYTE * 10**6 * dtypes.get(float_dtype).itemsize)
    for name in ("float16", "bfloat16", "float32", "float", "half", "double", "F16", None, "float8_e4m3fn"):
        parameters = (preflight.memory_estimate(8 * 10**6, None, name, "fp32") - preflight.MEMORY_FLOOR) / (
            preflight.MEMORY_PER_WEIGHT_BYTE * 4)
        itemsize = dtypes.find(name).itemsize if name and dtypes.find(name) else 4  # unknown: float32, as before
        assert round(parameters) == 8 * 10**6 // itemsize, name


def test_the_module_is_light():
    code = ("import sys, exportcore.dtypes as d\n"
            "d.get('bfloat16'); d.is_half('fp16'); d.find(16)\n"
            "print(sorted(m for m in ('torch', 'numpy', 'onnx', 'ml_dtypes', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
