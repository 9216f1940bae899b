"""ONNX files on disk: one layout whatever the exporter wrote.

Files under 2 GB are one self-contained ``.onnx``; larger ones keep their weights in ``<name>.onnx_data``
(Optimum's naming; ``merge.save_onnx`` decides). The dynamo exporter always writes ``<name>.onnx.data``:
``normalize_file`` rewrites that into the layout above.
"""

from __future__ import annotations

from pathlib import Path


def normalize_file(path: Path, dedupe: bool = True) -> None:
    """Rewrite ``path`` into our layout and, with ``dedupe``, store tied weights once.

    A single-file export that has nothing to dedupe is left as it is (no rewrite of large files for nothing).
    """
    import onnx

    from .merge import dedupe_initializers, external_data_files, save_onnx

    old_data = external_data_files(path)
    if not dedupe and all(p.name == path.name + "_data" for p in old_data):
        return  # already in our layout
    model = onnx.load(str(path), load_external_data=True)
    removed = dedupe_initializers(model) if dedupe else 0
    if not removed and not any(p.name != path.name + "_data" for p in old_data):
        return
    for data in old_data:
        data.unlink(missing_ok=True)
    save_onnx(model, path)


def structure_problem(path: Path) -> str | None:
    """What ONNX's checker with strict type and shape inference finds wrong in the file (the first line), or None.

    onnxruntime makes the same checks when it loads a file, so a validated export has passed them already; an
    unvalidated one (``--no-validation``) is checked here, e.g. a bfloat16 Conv below opset 22.
    """
    import onnx

    from .errors import first_line

    try:
        onnx.checker.check_model(str(path), full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        return first_line(exc)
    return None


def read_opset(path: Path) -> int:
    """The default-domain opset the file really has (exporters do not always honour the request)."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def remove(path: Path) -> None:
    """Delete an ONNX file and its external data."""
    from .merge import external_data_files

    if path.exists():
        for data in external_data_files(path):
            data.unlink(missing_ok=True)
        path.unlink()


def pin_static_output_dims(model, declared: dict[str, dict[int, str]], traced: dict[str, list[int]]) -> None:
    """Give output axes the configuration does not declare dynamic their traced size (in place).

    The TorchScript exporter names axes it cannot infer (Whisper's heads: ``Concatpresent.0.decoder.key_dim_1``);
    a runtime reading the file would take them for dynamic. Optimum pins them the same way.
    """
    for output in model.graph.output:
        shape = traced.get(output.name)
        if shape is None:
            continue
        dims = output.type.tensor_type.shape.dim
        for index, dim in enumerate(dims):
            if index not in declared.get(output.name, {}) and index < len(shape) and dim.HasField("dim_param"):
                dim.dim_value = shape[index]
