"""The end of the post-process stage when a run asks for ``--optimize`` or ``--variants``: optimize the fp32 files,
then make the variants from them, then drop the decoders kept for both (``variants_parts``).

The result stays on the run (``Runner.deployables``): validation reads ``variant_files`` (variant -> {fp32 file
-> variant file}, names relative to the run folder before the layout step), the records list both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..plan import Plan
from . import variants_parts


@dataclass
class Deployables:
    #: variant -> {fp32 file -> variant file}; a variant that applies to no file maps to {}.
    variant_files: dict[str, dict[str, str]] = field(default_factory=dict)
    #: One record per optimized file: level, what ran, op counts that changed ({op: [before, after]}).
    optimized: list[dict[str, Any]] = field(default_factory=list)

    def report(self, moved: dict[str, str] | None = None) -> dict[str, Any]:
        """For validation_report.json, with the names the layout step gave the files."""
        moved = moved or {}
        return {
            "variant_files": {variant: {moved.get(fp32, fp32): moved.get(out, out) for fp32, out in files.items()}
                         for variant, files in self.variant_files.items()},
            "optimized": [{**record, "file": moved.get(record["file"], record["file"])} for record in self.optimized],
        }


def wants_parts(options: Any) -> bool:
    """Whether the post-process must keep the unmerged decoders for this run."""
    return bool(options.variants or options.optimize)


def make_deployables(plan: Plan, run_dir: Path, log: Callable[..., None], cancel: Any = None) -> Deployables:
    from ..export.torch_stages import exporter_output_in_log

    options = plan.options
    done = Deployables()
    if not wants_parts(options):
        return done
    try:
        # onnxruntime's tools print their remarks ("consider pre-processing", shape inference notes): to the run log.
        with exporter_output_in_log(log):
            if options.optimize:
                from .optimize import optimize_files

                done.optimized = optimize_files(run_dir, plan.files, options.optimize, plan.resolution.model_type,
                                                log)
            if options.variants:
                from .variants_build import build_variants

                done.variant_files = build_variants(run_dir, plan.files, options.variants, log, cancel)
    finally:
        variants_parts.discard(run_dir)
    return done
