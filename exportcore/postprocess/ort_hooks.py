"""Every use of onnxruntime's internals, in one place (as ``export/torch_hooks.py`` for torch); checked on
onnxruntime 1.32.

``quantize_dynamic`` infers shapes twice, each time through copies of the whole model: once by writing the model
to a temporary file, inferring and reading it back, and once more in ``ONNXQuantizer``, after it turned Gemm into
MatMul, through a deep copy written out as external data and read back. Three copies of every weight at the peak,
for facts no weight decides. While :func:`lighter_shape_inference` is active those two helpers infer on the model
itself (``shape_inference.infer_shapes_in_place``): the model they return is the same, made without the copies
(decision 136; tests/core/test_variant_building.py compares the files). If a future onnxruntime renames a helper,
it is left alone: slower, never different.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

#: (module, name) of the helpers replaced, in every module that imported them by name.
_MODULES = ("quantize", "onnx_quantizer", "base_quantizer", "quant_utils")
_LOAD = "load_model_with_shape_infer"
_RELOAD = "save_and_reload_model_with_shape_infer"


@contextmanager
def lighter_shape_inference() -> Iterator[None]:
    import importlib

    import onnx

    from .shape_inference import infer_shapes_in_place

    utils = importlib.import_module("onnxruntime.quantization.quant_utils")
    mark = getattr(utils, "add_infer_metadata", None)
    if mark is None:
        yield
        return

    def load(model_path: Path):
        model = infer_shapes_in_place(onnx.load(str(model_path)))
        mark(model)
        return model

    def reload(model):
        # The original leaves the caller's model as it was (a deep copy); its callers here replace theirs by the
        # result, so inferring in place changes nothing they keep.
        infer_shapes_in_place(model)
        mark(model)
        return model

    saved = []
    for name in _MODULES:
        module = importlib.import_module(f"onnxruntime.quantization.{name}")
        for helper, light in ((_LOAD, load), (_RELOAD, reload)):
            if hasattr(module, helper):
                saved.append((module, helper, getattr(module, helper)))
                setattr(module, helper, light)
    try:
        yield
    finally:
        for module, helper, original in saved:
            setattr(module, helper, original)
