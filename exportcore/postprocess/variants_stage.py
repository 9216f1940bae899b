"""The end of the post-process stage when a run asks for ``--optimize`` or ``--variants``: optimize the fp32 files,
then make the variants from them, then drop the decoders kept for both (``variants_parts``).

The result stays on the run (``Runner.deployables``): validation takes each variant as it is made (``ready``:
variant -> {fp32 file -> variant file}, names relative to the run folder before the layout step), possibly while
the other variants are still being built (decision 199); the records list both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from ..plan import Plan
from . import variants_parts


@dataclass
class Deployables:
    #: variant -> {fp32 file -> variant file}; a variant that applies to no file maps to {}. Complete once
    #: ``finish`` returned.
    variant_files: dict[str, dict[str, str]] = field(default_factory=dict)
    #: One record per optimized file: level, what ran, op counts that changed ({op: [before, after]}).
    optimized: list[dict[str, Any]] = field(default_factory=list)
    #: The variants still being built while this process validates (variants_build.Building), until ``finish``.
    building: Any = None
    run_dir: Path | None = None

    def ready(self, cancel: Any = None) -> Iterator[tuple[str, dict[str, str]]]:
        """(variant, {fp32 file -> variant file}) for each variant as soon as its files are made."""
        if self.building is None:
            yield from self.variant_files.items()
        else:
            yield from self.building.ready(cancel)

    def finish(self, cancel: Any = None) -> None:
        """Wait for the builders still running, then drop the decoders kept for them."""
        if self.building is None:
            return
        try:
            self.variant_files = self.building.finish(cancel)
        finally:
            self.stop()

    def stop(self) -> None:
        """End the builders still running (a failed or cancelled run); nothing once they are done."""
        if self.building is not None:
            self.building.stop()
            self.building = None
            if self.run_dir is not None:
                variants_parts.discard(self.run_dir)

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


def make_deployables(plan: Plan, run_dir: Path, log: Callable[..., None], cancel: Any = None,
                     alongside: bool = False) -> Deployables:
    """Optimize the fp32 files and build the variants. ``alongside``: the run validates each variant as it is
    built (``Deployables.ready``); the builders then go on in the background where the machine has the cores
    and the memory for both (``variant_processes.validate_alongside``), and ``finish`` waits for them."""
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
            from . import variant_processes
            from .variants_build import largest_file, start_building

            largest = largest_file(run_dir, plan.files)
            processes = variant_processes.how_many(largest)
            background = alongside and variant_processes.validate_alongside(processes, largest)
            if background:
                from .. import cancel_signals

                # A cancel signal between the manager's fork and this record would leave it unknown to ``stop``:
                # here it only sets the flag, which validation looks at next.
                with cancel_signals.no_interrupt():
                    done.building = start_building(run_dir, plan.files, options.variants, log, cancel, processes,
                                                   background=True)
                    done.run_dir = run_dir
                log("each variant is validated as soon as it is built, while the builders go on", "debug")
                return done
            building = start_building(run_dir, plan.files, options.variants, log, cancel, processes)
            done.variant_files = building.finish(cancel)
    except BaseException:
        done.stop()
        raise
    finally:
        if done.building is None:
            variants_parts.discard(run_dir)
    return done
