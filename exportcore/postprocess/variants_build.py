"""Build the variant files of an export with onnxruntime's own tools (float16 conversion, dynamic quantization,
4-bit MatMul quantization); this module only chooses their settings and the order of work.

Settings and the reasons for them: docs/research/variants.md and docs/decisions.md ("Issue 12, the variant files").
A merged decoder is never converted as it is: each variant is built on the decoder and the decoder with past, then
merged (:mod:`.variants_parts`). Every file is written in our layout (``onnx_files.save_onnx``) with identical
weights stored once.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

import onnx

from ..errors import ExportError, library_failure_as
from . import onnx_files, variant_processes
from .dedupe import dedupe_initializers
from .shape_inference import infer_shapes_in_place
from .variants import variant_file_name
from .variants_parts import transform

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

Log = Callable[..., None]

#: Inside the run folder while the variants are built: the folds the builder processes share (``_shared_fold``).
FOLDS_DIR = ".folds"

#: q4: onnxruntime's MatMulNBits takes blocks of 16 or more; transformers.js used 32, symmetric.
Q4_BLOCK_SIZE = 32
#: A MatMul whose inner dimension is smaller than this is left in fp32 (nothing to gain, and MatMulNBits' minimum).
Q4_MIN_K = 16


#: Variants that share intermediate files (q8 = int8 or uint8; q4f16 is made from q4). With two builder processes
#: each group of a file is a job of its own, in this order: the 8-bit group first (the slowest; it makes the fold
#: that the 4-bit group reads, ``_shared_fold``), fp16 beside it, the 4-bit group last, when its fold is there.
#: With one, a file's variants are one job.
GROUPS = (("q8", "int8", "uint8"), ("fp16",), ("q4", "q4f16"))


def build_variants(run_dir: Path, fp32_files: list[str], variants: tuple[str, ...] | list[str], log: Log,
                   cancel: Any = None, processes: int | None = None) -> dict[str, dict[str, str]]:
    """Write each variant of each fp32 file beside it. Returns variant -> {fp32 file -> variant file}, names
    relative to ``run_dir``; a variant that does not apply to a file (q4 with no MatMul to quantize) is skipped
    with a log line and left out of the mapping (a variant that applies to no file maps to ``{}``).

    ``processes``: builder processes at a time (``variant_processes``; None: as the machine allows)."""
    return start_building(run_dir, fp32_files, variants, log, cancel, processes).finish(cancel)


def start_building(run_dir: Path, fp32_files: list[str], variants: tuple[str, ...] | list[str], log: Log,
                   cancel: Any = None, processes: int | None = None, background: bool = False) -> "Building":
    """Start building (``background``: in a manager process, returning at once) or build (the default) the
    variants; the ``Building`` hands each variant's files over as soon as all of them are made."""
    if processes is None:
        processes = variant_processes.how_many(largest_file(run_dir, fp32_files))
    if processes >= 2:
        jobs = [variant_processes.Job(fp32, tuple(v for v in group if v in variants))
                for group in GROUPS for fp32 in sorted(fp32_files, key=lambda f: -onnx_files.file_bytes(run_dir / f))]
        jobs = [job for job in jobs if job.variants]
    else:
        jobs = [variant_processes.Job(fp32, tuple(variants)) for fp32 in fp32_files]
    if processes >= 1:
        log(f"building the variants in {processes} process{'es' if processes > 1 else ''} at a time", "debug")
    building = Building(run_dir, fp32_files, variants, jobs, log)
    work = lambda job: _build_file(run_dir, job, cancel)  # noqa: E731
    if background and processes >= 1:
        building.background = variant_processes.InBackground(jobs, work, processes)
    else:
        variant_processes.run_jobs(jobs, work, processes, cancel, on_outcome=building.add)
    return building


def largest_file(run_dir: Path, fp32_files: list[str]) -> int:
    return max(onnx_files.file_bytes(run_dir / f) for f in fp32_files)


class Building:
    """The variants of a run's fp32 files as their jobs finish (``start_building``)."""

    def __init__(self, run_dir: Path, fp32_files: list[str], variants, jobs: list["variant_processes.Job"],
                 log: Log) -> None:
        self.run_dir = run_dir
        self.fp32_files = list(fp32_files)
        self.jobs = jobs
        self.log = log
        self.background: variant_processes.InBackground | None = None
        self.made: dict[tuple[str, str], str | None] = {}
        #: variant -> the jobs it still waits for
        self.waiting = {variant: {i for i, job in enumerate(jobs) if variant in job.variants} for variant in variants}
        self.complete: list[str] = [variant for variant, jobs_left in self.waiting.items() if not jobs_left]
        self.handed: set[str] = set()
        self._outcomes: Iterator | None = None

    def add(self, index: int, outcome: "variant_processes.Outcome") -> None:
        job = self.jobs[index]
        for args in outcome.log:
            self.log(*args)
        self.made.update({(variant, job.fp32): out for variant, out in outcome.built.items()})
        for variant in job.variants:
            self.waiting[variant].discard(index)
            if not self.waiting[variant]:
                self.complete.append(variant)

    def files(self, variant: str) -> dict[str, str]:
        """{fp32 file -> variant file} of a complete variant."""
        return {fp32: self.made[variant, fp32] for fp32 in self.fp32_files if self.made.get((variant, fp32))}

    def ready(self, cancel: Any = None) -> Iterator[tuple[str, dict[str, str]]]:
        """(variant, its files) for each variant as soon as all its files are made, the first finished first."""
        if self._outcomes is None:
            self._outcomes = self.background.outcomes(cancel) if self.background is not None else iter(())
        while True:
            for variant in [v for v in self.complete if v not in self.handed]:
                self.handed.add(variant)
                yield variant, self.files(variant)
            if len(self.handed) == len(self.waiting):
                return
            self.add(*next(self._outcomes))

    def finish(self, cancel: Any = None) -> dict[str, dict[str, str]]:
        """Wait for every job; variant -> {fp32 file -> variant file} in the variants' order."""
        try:
            for _ in self.ready(cancel):
                pass
        finally:
            self.stop()
        return {variant: self.files(variant) for variant in self.waiting}

    def stop(self) -> None:
        """End the builders still running (nothing when there are none) and drop the folds they shared."""
        if self.background is not None:
            self.background.stop()
            self.background = None
        shutil.rmtree(self.run_dir / FOLDS_DIR, ignore_errors=True)


def _build_file(run_dir: Path, job: "variant_processes.Job", cancel: Any) -> "variant_processes.Outcome":
    from ..export.torch_stages import exporter_output_in_log

    outcome = variant_processes.Outcome()
    # onnxruntime's tools print remarks ("consider pre-processing"): to the run log, from a builder process too.
    with exporter_output_in_log(lambda *args: outcome.log.append(args)), \
            tempfile.TemporaryDirectory(dir=run_dir, prefix=".variant-") as work:
        scratch = Scratch(Path(work), run_dir / FOLDS_DIR)
        for variant in job.variants:
            if cancel is not None and cancel.is_set():
                raise ExportError("cancelled")
            out = variant_file_name(job.fp32, variant)
            if _build_one(run_dir, job.fp32, out, variant, scratch):
                outcome.built[variant] = out
                outcome.log.append((f"{out}: {variant} variant of {job.fp32}",))
            else:
                outcome.built[variant] = None
                outcome.log.append((f"{variant}: {job.fp32} has no MatMul with a constant weight large enough to "
                                    f"quantize; no {out}",))
    return outcome


class Scratch:
    """Intermediate files of one fp32 file that several variants share: the folded graph (q8, int8, uint8, q4; in
    ``shared``, for every builder process), the quantized graph of a weight type (q8 is int8 unless the graph has a
    Conv), the q4 graph (q4f16)."""

    def __init__(self, folder: Path, shared: Path) -> None:
        self.folder = folder
        self.shared = shared
        self.made: dict[tuple, Path | None] = {}
        self.count = 0

    def get(self, key: tuple, make: Callable[[Path], Path | None]) -> Path | None:
        """The file made for ``key`` (``make(path to write)`` returns it, or None when nothing applies)."""
        if key not in self.made:
            self.count += 1
            self.made[key] = make(self.folder / f"{self.count}-{key[0]}.onnx")
        return self.made[key]


def _build_one(run_dir: Path, fp32: str, out: str, variant: str, scratch: Scratch) -> bool:
    with library_failure_as("variant_failed", variant=variant, file=fp32):
        return transform(run_dir, fp32, out, lambda src, dst: BUILDERS[variant](src, dst, scratch))


# ---- the builders: (fp32 file, variant file, shared intermediate files) -> whether the variant applies -------------
def fp16(src: Path, dst: Path, scratch: Scratch | None = None) -> bool:
    """Weights and compute in float16; inputs and outputs stay float32 (``keep_io_types``: Node has no
    Float16Array, and transformers.js 4.0/4.1 build an fp32 first-step cache), as do the ops onnxruntime's
    converter blocks (``DEFAULT_OP_BLOCK_LIST``)."""
    from onnxruntime.transformers import float16
    from onnxruntime.transformers.onnx_model import OnnxModel

    from .ort_hooks import faster_float16_clamp

    # The converter's own shape inference would write the model to a temporary file and read it back.
    model = infer_shapes_in_place(onnx.load(str(src)))
    with faster_float16_clamp():
        model = float16.convert_float_to_float16(model, keep_io_types=True, disable_shape_infer=True)
    wrapped = OnnxModel(model)
    wrapped.topological_sort()  # the converter appends its Casts at the end of the graph
    _save(wrapped.model, dst)
    return True


def _quantize_8bit(weight_type: str) -> Callable[[Path, Path, Scratch], bool]:
    def build(src: Path, dst: Path, scratch: Scratch) -> bool:
        folded = _folded(src, scratch)
        graph = onnx.load(str(folded), load_external_data=False).graph
        kind = weight_type
        if kind == "auto":  # transformers.js's q8: signed, unsigned where the graph has a Conv (onnxruntime-web)
            kind = "QUInt8" if _has_op(graph, {"Conv"}) else "QInt8"
        if not _has_op(graph, {"MatMul", "Gemm", "Conv", "Gather"}):
            return False
        del graph
        quantized = scratch.get(("8bit", str(src), kind), lambda out: _quantize_dynamic(folded, out, kind))
        _save(onnx.load(str(quantized)), dst)  # quantize_dynamic names its data `.data`; ours is `.onnx_data`
        return True
    return build


def _quantize_dynamic(folded: Path, out: Path, kind: str) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from .ort_hooks import quantizer_hooks

    with quantizer_hooks():
        quantize_dynamic(folded, out, weight_type=getattr(QuantType, kind), per_channel=True, reduce_range=False,
                         use_external_data_format=True,  # an intermediate file: no message with every weight
                         extra_options={"EnableSubgraph": True, "MatMulConstBOnly": True,
                                        # onnx's shape inference cannot type contrib ops' outputs (after O2/O3)
                                        "DefaultTensorType": onnx.TensorProto.FLOAT})
    return out


def q4(src: Path, dst: Path, scratch: Scratch) -> bool:
    """4-bit blocks (``MatMulNBits``) for every MatMul with a constant weight, after the weights were folded
    (tied and Linear weights reach their MatMul through a Transpose) and GPT-2's Gemm became MatMul + Add."""
    made = scratch.get(("q4", str(src)), lambda out: _q4_file(_folded(src, scratch), out))
    if made is None:
        return False
    _copy(made, dst)
    return True


def q4f16(src: Path, dst: Path, scratch: Scratch) -> bool:
    """q4 first, then fp16, as transformers.js made it (the 4-bit scales become fp16)."""
    made = scratch.get(("q4", str(src)), lambda out: _q4_file(_folded(src, scratch), out))
    return made is not None and fp16(made, dst)


def _q4_file(folded: Path, out: Path) -> Path | None:
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    from onnxruntime.quantization.onnx_model import ONNXModel

    wrapped = ONNXModel(onnx.load(str(folded)))
    wrapped.replace_gemm_with_matmul()
    excluded = [node.name for node in _quantizable_matmuls(wrapped.model.graph, small=True)]
    if not list(_quantizable_matmuls(wrapped.model.graph, small=False)):
        return None
    quantizer = MatMulNBitsQuantizer(wrapped.model, block_size=Q4_BLOCK_SIZE, is_symmetric=True,
                                     nodes_to_exclude=excluded, op_types_to_quantize=("MatMul",))
    logging.getLogger("onnxruntime.quantization").setLevel(logging.WARNING)  # its import asks for every step
    quantizer.process()
    _save(quantizer.model.model, out)
    return out


def _quantizable_matmuls(graph, small: bool):
    """MatMuls whose B is a 2-D initializer: with ``small`` those below ``Q4_MIN_K`` (left fp32), else the others."""
    weights = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "MatMul" and len(node.input) > 1 and node.input[1] in weights:
            dims = weights[node.input[1]].dims
            if len(dims) == 2 and (dims[0] < Q4_MIN_K) == small:
                yield node
        for attr in node.attribute:
            for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                yield from _quantizable_matmuls(sub, small)


def _folded(src: Path, scratch: Scratch) -> Path:
    return scratch.get(("fold", str(src)), lambda own: _shared_fold(src, scratch.shared, own))  # type: ignore[return-value]


def _shared_fold(src: Path, folder: Path, own: Path) -> Path:
    """The fold of ``src``, made once for every builder process: the 8-bit and the 4-bit builders both need it, and
    it costs each 2-3 s of CPU (decision 200). The first to ask makes it; another waits on its lock. Where the
    folder cannot be locked (a network share without locking), this builder makes its own at ``own``."""
    folder.mkdir(exist_ok=True)
    key = hashlib.sha1(str(src).encode()).hexdigest()[:16]
    out, done = folder / f"{key}.onnx", folder / f"{key}.done"
    with open(folder / f"{key}.lock", "w") as lock:
        if fcntl is not None:  # elsewhere (no fork) the builders run one after the other in this process
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when its process dies
            except OSError:
                return _fold_weights(src, own)
        if not done.exists():
            _fold_weights(src, out)
            done.touch()
    return out


def _fold_weights(src: Path, out: Path) -> Path:
    """onnxruntime's basic level (constant folding, portable): ``Transpose(W)`` in front of a MatMul becomes a
    transposed initializer, which the weight quantizers need. A tied weight is then stored once per use, each copy
    quantized (docs/decisions.md)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(out)
    # Weights written beside the folded graph, never serialized into one message with it, and not pre-packed for
    # a session that never runs: a third of the memory (BERT-base-sized: 1215 -> 565 MiB; decision 136). (It is
    # also needed when the source has external data: onnxruntime would point the new file at the old data.)
    options.add_session_config_entry("session.optimized_model_external_initializers_file_name",
                                     onnx_files.external_data_name(out))
    options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    options.add_session_config_entry("session.disable_prepacking", "1")
    ort.InferenceSession(str(src), options, providers=["CPUExecutionProvider"])
    return out


def _has_op(graph, ops: set[str]) -> bool:
    for node in graph.node:
        if node.op_type in ops:
            return True
        for attr in node.attribute:
            for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                if _has_op(sub, ops):
                    return True
    return False


def _copy(made: Path, dst: Path) -> None:
    """An intermediate file that is already in its final form, as ``dst``."""
    if onnx_files.external_data_files(made):  # the data file's name is written inside the graph
        onnx_files.save_onnx(onnx.load(str(made)), dst)
    else:
        shutil.copyfile(made, dst)


def _save(model, dst: Path) -> None:
    dedupe_initializers(model, transposed=False)
    onnx_files.save_onnx(model, dst)


BUILDERS: dict[str, Callable[[Path, Path, Scratch], bool]] = {
    "fp16": fp16,
    "q8": _quantize_8bit("auto"),
    "int8": _quantize_8bit("QInt8"),
    "uint8": _quantize_8bit("QUInt8"),
    "q4": q4,
    "q4f16": q4f16,
}
