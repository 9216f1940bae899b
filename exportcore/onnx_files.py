"""ONNX files on disk: one layout whatever the exporter wrote.

Files under 2 GB are stored as one self-contained ``.onnx``; larger ones keep their weights in
``<name>.onnx_data`` (Optimum's naming). The dynamo exporter always writes ``<name>.onnx.data``:
``normalize_file`` rewrites that into the layout above.
"""

from __future__ import annotations

from pathlib import Path

TWO_GB = 2**31


def external_data_files(path: Path) -> list[Path]:
    import onnx
    from onnx.external_data_helper import _get_all_tensors, uses_external_data

    model = onnx.load(str(path), load_external_data=False)
    names = set()
    for tensor in _get_all_tensors(model):
        if uses_external_data(tensor):
            for entry in tensor.external_data:
                if entry.key == "location":
                    names.add(entry.value)
    return [path.parent / n for n in sorted(names)]


def save(model, path: Path) -> None:
    """Save ``model`` as one file, or with ``<name>.onnx_data`` when its weights exceed 2 GB."""
    import onnx

    size = model.ByteSize() if _fits_in_proto(model) else TWO_GB
    if size < TWO_GB:
        onnx.save_model(model, str(path))
    else:
        data = path.name + "_data"
        (path.parent / data).unlink(missing_ok=True)
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location=data, size_threshold=1024)


def _fits_in_proto(model) -> bool:
    try:
        return model.ByteSize() < TWO_GB
    except Exception:  # noqa: BLE001 - protobuf refuses to size messages over 2 GB
        return False


def normalize_file(path: Path, dedupe: bool = True) -> None:
    """Rewrite ``path`` into our layout (and store tied weights once when ``dedupe``)."""
    import onnx

    old_data = external_data_files(path)
    model = onnx.load(str(path), load_external_data=True)
    if dedupe:
        from .merge import dedupe_initializers

        dedupe_initializers(model)
    for data in old_data:
        data.unlink(missing_ok=True)
    save(model, path)


def read_opset(path: Path) -> int:
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def remove(path: Path) -> None:
    """Delete an ONNX file and its external data."""
    if path.exists():
        for data in external_data_files(path):
            data.unlink(missing_ok=True)
        path.unlink()
