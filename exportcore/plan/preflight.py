"""Pre-flight: what an export needs and whether it fits, decided before any weight byte is downloaded.

From the Hub's metadata (``model_info`` with file sizes and the safetensors parameter counts) and config.json
alone — or, for a local folder, its files' sizes and safetensors headers — it says whether the model type and task
are supported (and why not), what is still to download, the free disk in the HF cache and beside the output
folder, and an *estimate* of the export's peak memory against the memory this machine has available. The
refusals it implies (``disk_full``, ``insufficient_memory``) stop an export unless ``ExportOptions.force``; an
unsupported model type or task always stops it (the export would fail after the download). docs/preflight.md
explains the figures and the estimate's calibration.

Light module: no torch, no transformers (the app's inspect helper answers ``preflight`` requests with it).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .. import demo, dtypes, hub, registry
from ..configs.sentence_transformers import pooling_hint
from ..errors import ExportError, disk_full, insufficient_memory
from ..hub import format_size
from ..hub.download import CACHE_MARGIN
from ..machine import device, free_bytes, memory_available
from ..options import ExportOptions
from ..postprocess.variants import estimated_bytes
from ..source.model_source import ModelSource, model_kind
from ..weight_files import is_weight_file, safetensors_parameters, weight_files
from .light_config import NeedsTransformers
from .resolution import resolve
from .submodels import make_plan
from .task_choice import choose_task, describe_task

#: Peak memory of an export process before any weights: Python with torch, transformers and onnxruntime imported
#: (docs/benchmarks.md, "imports only (floor)": 348 MB).
MEMORY_FLOOR = 350 * 2**20
#: Peak memory above the floor per byte of weights in the export's dtype, fitted to the largest measured ratio
#: (docs/benchmarks.md, cold runs): GPT-2-small-sized with past, 124.4 M fp32 parameters (475 MiB) peaked at
#: 1196 MiB, (1196 - 348) / 475 = 1.79; BERT-base-sized, 109.5 M (418 MiB) peaked at 907, 1.34.
MEMORY_PER_WEIGHT_BYTE = 1.8
#: The ONNX files are about the size of the weights; a merged decoder run writes them about three times
#: (decoder, decoder with past, the merged file) before the first two are deleted. The same rule as the run's own
#: check once the weights are on disk (run/run_folder.py, ``check_free_space``).
OUTPUT_FACTOR = 3
#: With ``--variants`` the peak comes later, while the variants are built (PyTorch's weights already freed,
#: decision 132): above the floor, per byte of the fp32 file. The builders run in child processes, two at a time
#: only when the memory for two is there (decisions 134-135, 139): this is what one at a time needs. Measured with
#: docs/benchmarks.md's bench_variants (fp16+q8+q4, one builder, the process tree's PSS, highest of three runs):
#: GPT-2-small-sized 1802 MiB for a 475 MiB file, (1802 - 350) / 475 = 3.06; BERT-base-sized 1510 for 418, 2.8.
VARIANT_MEMORY_PER_FP32_BYTE = 3.1
OUTPUT_MARGIN = 50 * 2**20

#: A refusal the user may override with ``--force`` (the figures are estimates, or free space may appear).
FORCEABLE = ("disk_full", "insufficient_memory")
#: Errors that say "this model cannot be exported" rather than "this input is broken": reported as unsupported.
UNSUPPORTED_CODES = ("unsupported_model_type", "unsupported_task", "unknown_task", "task_not_inferable",
                     "generic_not_exportable")
#: A second pre-flight of the same export within this many seconds reuses the first (the CLI's, in the run).
REUSE_SECONDS = 60.0


@dataclass
class Preflight:
    """The figures of one pre-flight. Sizes in bytes; None where a figure cannot be known here."""

    model: str
    kind: str  # "hub" | "local" | "demo"
    model_type: str  # as config.json says
    supported: bool
    #: The task the export would use (with -with-past), and where it came from (a key of TASK_SOURCES).
    task: str | None = None
    task_source: str | None = None
    #: Which library exports a folder with modules.json, and how (``sentence_transformers.pooling_hint``).
    task_hint: str | None = None
    pipeline_tag: str | None = None  # the Hub's
    revision: str | None = None
    #: The weights the export loads: files, bytes on disk (or on the Hub), parameters, the files' dtype.
    weight_files: list[str] = field(default_factory=list)
    weights_bytes: int = 0
    parameters: int | None = None
    weights_dtype: str | None = None
    #: Files of the export still to download, and their bytes (0 for a local folder or a complete cache).
    download_files: int = 0
    download_bytes: int = 0
    cache_dir: str | None = None
    cache_needed_bytes: int = 0
    cache_free_bytes: int | None = None
    output_dir: str | None = None
    output_needed_bytes: int | None = None
    output_free_bytes: int | None = None
    #: Cache and output on one file system: the download and the export share its free space.
    same_disk: bool = False
    #: Estimated peak memory of the export (MEMORY_FLOOR + MEMORY_PER_WEIGHT_BYTE × weights in the export dtype).
    memory_estimate_bytes: int | None = None
    memory_available_bytes: int | None = None
    memory_total_bytes: int | None = None
    #: --variants: each variant's estimated size (its weights against the fp32 weights'), in the output's figure too.
    variant_bytes: dict[str, int] = field(default_factory=dict)
    #: Why the model cannot be exported (unsupported_model_type, unsupported_task, task_not_inferable, …).
    unsupported: ExportError | None = None
    #: What does not fit (disk_full, insufficient_memory); ``--force`` goes on anyway.
    refusals: list[ExportError] = field(default_factory=list)
    #: The Hub's ``hub.ModelDetails`` it read (the download reuses them); not in ``to_dict``.
    details: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "details"}
        data["unsupported"] = self.unsupported.to_dict() if self.unsupported is not None else None
        data["refusals"] = [error.to_dict() for error in self.refusals]
        data["memory_is_estimate"] = True
        return data

    @property
    def fits(self) -> bool:
        return not self.refusals

    def enforce(self, force: bool = False) -> None:
        """Raise what stops the export: the unsupported model or task always, a refusal unless ``force``."""
        if self.unsupported is not None:
            raise self.unsupported
        if self.refusals and not force:
            raise self.refusals[0]


# ---- the task ----------------------------------------------------------------------------------------------------
def _resolve_task(options: ExportOptions, source: Any) -> tuple[str, str]:
    """The task the export resolves to: plan.resolve itself, on config.json alone; or, for the rare configuration
    the light reader cannot vouch for, the registry's checks that resolve makes before it reads the configuration."""
    try:
        resolution = resolve(options, source, light=True)
        make_plan(options, resolution)  # its checks (a sequence longer than the model takes) before the download
        return resolution.choice.name, resolution.task_source
    except NeedsTransformers:
        pass
    choice, task_source, _ = choose_task(options, registry.canonical_model_type(source.model_type),
                                         lambda: source.architectures, source.pipeline_tag)
    source.check_task_source(task_source)
    return choice.name, task_source


# ---- weights -----------------------------------------------------------------------------------------------------
def _config_dtype(raw: dict) -> str | None:
    value = raw.get("dtype") or raw.get("torch_dtype")
    return value if isinstance(value, str) else None


def _dtype_of(counts: dict[str, int]) -> str | None:
    return max(counts, key=counts.get) if counts else None


def memory_estimate(weights_bytes: int, parameters: int | None, file_dtype: str | None, export_dtype: str) -> int:
    """Estimated peak memory of an export: ``MEMORY_FLOOR + MEMORY_PER_WEIGHT_BYTE × parameters × bytes per
    parameter in the export's dtype``. Without a parameter count, parameters = weights bytes / the files' element
    size (config.json's dtype, float32 when it names none or one we do not know)."""
    if parameters is None:
        parameters = weights_bytes // _itemsize(file_dtype)
    return int(MEMORY_FLOOR + MEMORY_PER_WEIGHT_BYTE * parameters * _itemsize(export_dtype))


def _itemsize(dtype: str | None) -> int:
    found = dtypes.find(dtype) if dtype else None
    return found.itemsize if found is not None else 4


def output_needed(weights_bytes: int) -> int:
    """Free space the export needs beside its output folder (the run folder is made there)."""
    return OUTPUT_FACTOR * weights_bytes + OUTPUT_MARGIN


# ---- the pre-flight ----------------------------------------------------------------------------------------------
_RECENT: dict[str, tuple[float, Preflight | ExportError]] = {}


def run(options: ExportOptions, *, reuse: bool = True, token: str | bool | None = None,
        timeout: float | None = None, pipeline_tag: str | None = None) -> Preflight:
    """The pre-flight of an export with these options. For a Hub model: ``model_info`` and config.json (downloaded
    into the cache when not there), nothing else. Raises what makes the model unreadable (``hub_*``,
    ``missing_config``, ``malformed_config``, ``not_a_model``, …); an unsupported model type or task is recorded
    in ``unsupported`` instead, with the other figures. ``reuse``: the answer (or the error) of a pre-flight of the
    same options and environment made less than REUSE_SECONDS ago in this process is given again: the CLI's
    pre-flight and the run's own cost one round of requests (and one time-out when the Hub cannot be reached).
    ``pipeline_tag``: the Hub's, known to the caller for a model folder that does not carry it (the app's
    downloads); the Hub's own answer wins for a Hub id."""
    key = json.dumps([options.to_dict(), pipeline_tag, {k: v for k, v in os.environ.items() if k.startswith("HF_")}],
                     sort_keys=True, default=str)
    now = time.monotonic()
    if reuse and key in _RECENT and now - _RECENT[key][0] < REUSE_SECONDS:
        answer = _RECENT[key][1]
    else:
        try:
            answer = _run(options, token=token, timeout=timeout, pipeline_tag=pipeline_tag)
        except ExportError as exc:
            answer = exc
        _RECENT.clear()  # one entry is all the reuse is for
        _RECENT[key] = (now, answer)
    if isinstance(answer, ExportError):
        raise answer
    return answer


def _run(options: ExportOptions, *, token: str | bool | None, timeout: float | None,
         pipeline_tag: str | None = None) -> Preflight:
    model = options.model
    details = None
    kind, folder = model_kind(model)
    if kind == "demo":
        source = ModelSource.read(model, folder, "demo")
        built = demo.built_folder(model)
        weight_paths = weight_files(built) if built is not None else []
    elif kind == "local":
        source = ModelSource.read(model, folder, "local")
        weight_paths = weight_files(folder)
    else:
        kwargs: dict[str, Any] = {"revision": options.revision, "cache_dir": options.cache_dir, "token": token}
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            details = hub.model_info(model, **kwargs)
        except ExportError as exc:
            # The download falls back to a cached snapshot when the Hub cannot be reached (hub.snapshot_download):
            # the pre-flight reads the same snapshot.
            if exc.code not in ("hub_unreachable", "hub_unavailable") or hub.find_cached_snapshot(
                    model, options.revision or "main", cache_dir=options.cache_dir) is None:
                raise
            details = hub.model_info(model, revision=options.revision or "main", offline=True,
                                     cache_dir=options.cache_dir)
        config = hub.download_file(model, "config.json", offline=details.from_cache or None, **kwargs)
        source = ModelSource.read(model, config.parent, "hub", options.revision, pipeline_tag=details.pipeline_tag,
                                  pipeline_tag_known=details.pipeline_tag_known)
        weight_paths = []

    source.pipeline_tag = source.pipeline_tag or pipeline_tag
    source.pipeline_tag_known = source.pipeline_tag_known or bool(pipeline_tag)
    check = Preflight(model=model, kind=source.kind, model_type=source.model_type, supported=True,
                      pipeline_tag=source.pipeline_tag, revision=options.revision, details=details)
    try:
        check.task, check.task_source = _resolve_task(options, source)
        check.task_hint = pooling_hint(source.folder, options.task, check.task, options.library)
    except ExportError as exc:
        if exc.code not in UNSUPPORTED_CODES:
            raise
        check.supported, check.unsupported = False, exc

    file_dtype = _config_dtype(source.raw_config)
    counts: dict[str, int] | None = None
    if details is not None:
        export_files = hub.select_export_files(details.files)
        weights = [f for f in export_files if is_weight_file(f.path)]
        check.weight_files = [f.path for f in weights]
        check.weights_bytes = sum(f.size or 0 for f in weights)
        counts = dict(details.parameters) or None
        if counts and any(not isinstance(n, int) or n < 0 for n in counts.values()):
            counts = None  # an impossible count from the Hub tells nothing; the downloaded file is checked
        cache = Path(options.cache_dir).expanduser() if options.cache_dir else hub.default_cache_dir()
        pending = hub.pending_files(model, export_files, details.sha, cache_dir=cache)
        check.download_files = len(pending)
        check.download_bytes = sum(f.size or 0 for f in pending)
        check.cache_dir = str(cache)
        check.cache_needed_bytes = check.download_bytes + CACHE_MARGIN if pending else 0
        check.cache_free_bytes = free_bytes(cache)
    else:
        check.weight_files = [p.name for p in weight_paths]
        check.weights_bytes = sum(p.stat().st_size for p in weight_paths)
        # Headers are read (and a damaged one refused) only for a model we could export: unsupported is said first.
        if check.supported and weight_paths and all(p.suffix == ".safetensors" for p in weight_paths):
            counts = {}
            for p in weight_paths:
                found = safetensors_parameters(p)
                if found is None:
                    counts = None
                    break
                for dtype, n in found.items():
                    counts[dtype] = counts.get(dtype, 0) + n
    if counts:
        check.parameters = sum(counts.values())
        check.weights_dtype = _dtype_of(counts)
    else:
        check.weights_dtype = file_dtype
    check.memory_estimate_bytes = memory_estimate(check.weights_bytes, check.parameters, check.weights_dtype,
                                                  options.float_dtype)
    check.memory_available_bytes, check.memory_total_bytes = memory_available()

    fp32_bytes = (check.parameters or check.weights_bytes // _itemsize(check.weights_dtype)) * 4
    check.variant_bytes = {variant: estimated_bytes(variant, fp32_bytes) for variant in options.variants}
    if options.variants:
        check.memory_estimate_bytes = max(check.memory_estimate_bytes,
                                          int(MEMORY_FLOOR + VARIANT_MEMORY_PER_FP32_BYTE * fp32_bytes))
    if options.output_dir:
        output = Path(options.output_dir).expanduser().absolute()
        check.output_dir = str(output)
        check.output_needed_bytes = output_needed(check.weights_bytes) + sum(check.variant_bytes.values())
        check.output_free_bytes = free_bytes(output)
        if check.cache_dir is not None:
            check.same_disk = device(output) is not None and device(output) == device(Path(check.cache_dir))
    _refusals(check)
    return check


def _refusals(check: Preflight) -> None:
    if check.cache_dir is not None and check.cache_needed_bytes and check.cache_free_bytes is not None \
            and check.cache_free_bytes < check.cache_needed_bytes:
        check.refusals.append(disk_full(check.cache_dir, needed_bytes=check.cache_needed_bytes,
                                        free_bytes=check.cache_free_bytes))
    elif check.output_needed_bytes is not None and check.output_free_bytes is not None:
        needed = check.output_needed_bytes + (check.cache_needed_bytes if check.same_disk else 0)
        if check.output_free_bytes < needed:
            check.refusals.append(disk_full(check.output_dir, needed_bytes=needed, free_bytes=check.output_free_bytes))
    if check.memory_estimate_bytes is not None and check.memory_available_bytes is not None \
            and check.memory_estimate_bytes > check.memory_available_bytes:
        check.refusals.append(insufficient_memory(check.model, check.memory_estimate_bytes,
                                                  check.memory_available_bytes))


def _count(n: int) -> str:
    for size, unit in ((1e9, " B"), (1e6, " M"), (1e3, " k")):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def task_line(check: Preflight) -> str:
    """``task: feature-extraction (from …)``, with the hint when there is one."""
    line = f"task: {describe_task(check.task, check.task_source)}"
    return f"{line}; {check.task_hint}" if check.task_hint else line


def summary_lines(check: Preflight) -> list[str]:
    """The figures in a few lines (``exportcore preflight`` and the head of ``exportcore export``)."""
    lines = []
    if check.supported:
        lines.append(task_line(check))
    else:
        lines.append(f"not supported: {check.unsupported.message if check.unsupported else '?'}")
    if check.weight_files:
        weights = format_size(check.weights_bytes)
    else:
        weights = "built on first use (a tiny demo model)" if check.kind == "demo" else "none found"
    if check.parameters:
        weights += f", {_count(check.parameters)} parameters"
    if check.weights_dtype:
        weights += f" ({check.weights_dtype})"
    lines.append(f"weights: {weights}")
    if check.kind == "hub":
        download = (f"{format_size(check.download_bytes)} in {check.download_files} file"
                    f"{'s' if check.download_files != 1 else ''}") if check.download_files else "nothing (all in the cache)"
        lines.append(f"download: {download}; cache {check.cache_dir}: {format_size(check.cache_free_bytes)} free")
    if check.output_dir is not None:
        shared = " (the same disk as the cache)" if check.same_disk else ""
        lines.append(f"output: needs about {format_size(check.output_needed_bytes)}, "
                     f"{format_size(check.output_free_bytes)} free{shared}")
    if check.variant_bytes:
        lines.append("variants (estimates): " + ", ".join(f"{variant} about {format_size(size)}"
                                                          for variant, size in check.variant_bytes.items()))
    available = format_size(check.memory_available_bytes) if check.memory_available_bytes is not None else "unknown"
    lines.append(f"memory: about {format_size(check.memory_estimate_bytes)} at its peak (an estimate), "
                 f"{available} available")
    return lines
