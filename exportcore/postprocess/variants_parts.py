"""A merged decoder is rebuilt from its two parts whenever its graph changes (a variant, an optimization level).

onnxruntime's fp16 converter and its transformer fusions break the merged decoder's ``If`` graph (a Cast of a
branch placed in the outer graph; fusions that do not look into branches), while each decoder alone converts
cleanly (docs/research/variants.md §3.1). So when a run asks for variants or ``--optimize``, the post-process
keeps the pinned and deduplicated ``decoder_model.onnx`` and ``decoder_with_past_model.onnx`` in
``UNMERGED_DIR`` inside the run folder; :func:`transform` applies a change to each and merges the results with
our own ``merge_decoders``, and :func:`discard` removes the folder before validation and publishing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from . import merge, onnx_files

#: Inside the run folder; never published.
UNMERGED_DIR = ".unmerged"
MERGED = "decoder_model_merged.onnx"
PARTS = ("decoder_model.onnx", "decoder_with_past_model.onnx")

#: (source file, file to write) -> whether the change applies to this file.
Change = Callable[[Path, Path], bool]


def keep_parts(run_dir: Path, protos: list) -> None:
    """Save the two decoders (protos, in ``PARTS`` order) for later transforms, their weights stored once."""
    from .dedupe import dedupe_initializers

    folder = run_dir / UNMERGED_DIR
    folder.mkdir(exist_ok=True)
    for name, proto in zip(PARTS, protos, strict=True):
        copy = type(proto)()
        copy.CopyFrom(proto)
        dedupe_initializers(copy)
        onnx_files.save_onnx(copy, folder / name)


def parts_of(run_dir: Path, name: str) -> list[Path] | None:
    """The kept parts of ``name`` when it is a merged decoder whose parts were kept, else None."""
    if Path(name).name != MERGED:
        return None
    parts = [run_dir / UNMERGED_DIR / part for part in PARTS]
    return parts if all(p.is_file() for p in parts) else None


def transform(run_dir: Path, source: str, out: str, change: Change, replace_parts: bool = False) -> bool:
    """Write ``out`` from ``source`` (names in ``run_dir``) with ``change``; a merged decoder is changed part by
    part and merged again. ``replace_parts``: the changed parts become the kept parts (an optimization level that
    the variants then build on). Returns False, writing nothing, when the change applies to no part."""
    parts = parts_of(run_dir, source)
    if parts is None:
        return change(run_dir / source, run_dir / out)
    # Named after the output: two builder processes may change the same parts at once (variant_processes).
    changed = [part.with_name(f"changed-{Path(out).stem}-{part.name}") for part in parts]
    try:
        applied = [change(part, target) for part, target in zip(parts, changed)]
        if not any(applied):
            return False
        inputs = [target if ok else part for part, target, ok in zip(parts, changed, applied)]
        merge.merge_decoders(*inputs, save_path=run_dir / out)
        if replace_parts:
            for part, target, ok in zip(parts, changed, applied):
                if ok:
                    onnx_files.remove(part)
                    _rename_onnx(target, part)
        return True
    finally:
        for target in changed:
            onnx_files.remove(target)


def _rename_onnx(path: Path, new: Path) -> None:
    """Rename an ONNX file with its external data (whose name is recorded inside the file)."""
    import onnx

    if onnx_files.external_data_files(path):
        model = onnx.load(str(path))
        onnx_files.save_onnx(model, new)
        onnx_files.remove(path)
    else:
        path.rename(new)


def discard(run_dir: Path) -> None:
    shutil.rmtree(run_dir / UNMERGED_DIR, ignore_errors=True)
