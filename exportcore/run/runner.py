"""One export, start to finish: resolve → plan → load → export → post-process → validate → publish.

Every stage emits typed events through ``on_event``; ``cancel`` (anything with ``is_set()``) is
honoured between stages and between validation rows. The run writes into a temporary folder beside
the destination and moves it into place only at the end: a failed, cancelled or killed run leaves
nothing at the destination (a run that fails validation is kept beside it as ``<dest>.failed-<time>``, one
whose destination filled up meanwhile as ``<dest>.unpublished-<time>``); publishing never replaces what it did not
check (see ``publish``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import cancel_signals, dtypes
from ..allocator import give_freed_memory_back
from ..errors import EXIT_FAILURE, ExportError, exit_code_for, validation_failed, variants_out_of_budget
from ..events import (STAGES, Event, LogLine, PlanReady, Progress, RunResult, StageFinished, StageStarted, ValidationRow,
                      error_event)
from ..option_rules import refuse
from ..options import ExportOptions
from .destination import beside_stem, check_destination, check_not_holding_the_model
from .disk_errors import RECODED_WHEN_OS_ERROR, coded_os_error
from .layout import apply_layout
from .model_files import complete_image_processor_files, copy_model_files
from .publish import DestinationTaken, keep_aside, publish
from .records import list_files, set_config_value, write_records
from .run_folder import check_free_space, make_run_dir, remove_empty

#: Logs of failed runs kept in the studio cache (the newest ones).
KEPT_FAILURE_LOGS = 20
#: At most this much of the log's end goes into an error event.
DETAILS_CHARS = 50_000

#: Rough share of the run's time per stage (``events.STAGES``, in their order), for the overall progress fraction.
STAGE_WEIGHTS = dict(zip(STAGES, (0.05, 0.02, 0.13, 0.45, 0.05, 0.28, 0.02), strict=True))


@dataclass
class RunOutcome:
    output_dir: Path
    files: list[dict]
    validation: str  # "passed" | "failed" | "skipped"
    rows: list[ValidationRow] = field(default_factory=list)
    seconds: float = 0.0


class _NeverCancelled:
    def is_set(self) -> bool:
        return False


class Runner:
    def __init__(self, options: ExportOptions, on_event: Callable[[Event], None] | None, cancel: Any) -> None:
        self.options = options
        self.emit = on_event or (lambda event: None)
        self.cancel = cancel or _NeverCancelled()
        self.done_weight = 0.0
        self.timings: dict[str, float] = {}
        self.log_lines: list[str] = []
        self.download_meter: Any = None  # hub.TransferMeter of the download, made at its first report
        #: --optimize and --variants: what was made (postprocess/variants_stage.Deployables), set in post-process.
        self.deployables: Any = None
        #: The variants judged against their budgets (validate/variant_checks.py), set in validate.
        self.variant_results: list = []

    # ---- plumbing -------------------------------------------------------------------------------
    def log(self, message: str, level: str = "info") -> None:
        self.log_lines.append(f"{time.strftime('%H:%M:%S')} {level.upper():7} {message}")
        self.emit(LogLine(level=level, message=message))

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise ExportError("cancelled")

    @contextlib.contextmanager
    def stage(self, name: str, detail: str = "", share: float = 1.0) -> Iterator[None]:
        """One stage (or ``share`` of one: the export stage runs once per submodel)."""
        self.check_cancel()
        self.emit(StageStarted(stage=name, detail=detail))
        self.emit(Progress(fraction=round(self.done_weight, 4), stage=name, message=detail or name))
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        self.done_weight += STAGE_WEIGHTS.get(name, 0.0) * share
        self.log(f"{name}{' ' + detail if detail else ''}: {seconds:.2f} s, peak memory {peak_rss_mb():.0f} MB", "debug")
        self.emit(StageFinished(stage=name, seconds=round(seconds, 4), detail=detail))
        self.emit(Progress(fraction=round(min(self.done_weight, 1.0), 4), stage=name, message=f"{name} done"))

    # ---- the run --------------------------------------------------------------------------------
    def run(self) -> RunOutcome:
        start = time.perf_counter()
        give_freed_memory_back()
        options = self.options
        destination = Path(options.output_dir or "output")  # for the failure log's name until it is checked
        run_dir: Path | None = None
        created_parents: list[Path] = []
        settled = contextlib.ExitStack()
        froze = False
        if os.environ.get("OES_SERVED_BY"):
            self.log(f"running in a process forked from exportcore serve (pid {os.environ['OES_SERVED_BY']})")
        try:
            destination = check_destination(options.output_dir, options.overwrite)
            refuse(None, options)
            with self.stage("resolve", options.model):
                from ..plan import resolve
                from ..source import locate_weights

                source = locate_weights(options, progress=self._download_progress, cancel=self.cancel,
                                        log=lambda message: self.log(message, "warning"))
                check_not_holding_the_model(destination, source.folder)
                resolution = resolve(options, source)
                self.log(f"{resolution.model_type} · {resolution.choice} · {resolution.config_class.__name__}")
            with self.stage("plan"):
                from ..plan import make_plan, plan_document

                plan = make_plan(options, resolution)
                document = plan_document(plan)
                refuse(document, options)
                self.emit(PlanReady(plan=document))
            run_dir, created_parents = make_run_dir(destination)
            if not options.force:  # --force: the user was told (pre-flight) and tries anyway
                check_free_space(run_dir, source.folder)
            with self.stage("load"):
                from ..export.torch_stages import ensure_pad_token, fit_threads_to_free_cores, load_for_plan

                # torch, transformers and their modules' objects live as long as the process: every full collection
                # from here on (the two below, and Python's own during the export) no longer walks them, and a
                # forked builder does not copy their pages by marking them. (Left alone if a caller froze.)
                froze = gc.get_freeze_count() == 0
                if froze:
                    gc.freeze()

                fit_threads_to_free_cores(self.log)
                model = load_for_plan(plan, log=self.log)
                pad_token_id = ensure_pad_token(plan, model, self.log)
            from ..export.torch_stages import export_all, may_hold_duplicate_weights
            from ..postprocess.steps import post_process

            traced_shapes: dict = {}
            for submodel in plan.submodels:
                with self.stage("export", submodel.name, share=1 / len(plan.submodels)):
                    export_all(plan, model, run_dir, [submodel], log=self.log, traced_shapes=traced_shapes)
            with self.stage("post-process"):
                from ..postprocess.variants_stage import make_deployables, wants_parts

                post_process(plan, run_dir, log=self.log, tied_weights=may_hold_duplicate_weights(plan, model), traced_shapes=traced_shapes,
                             keep_unmerged=wants_parts(options))
                references = None
                if options.validate and (options.variants or options.optimize):
                    # PyTorch's side of validation first, so that its weights are freed before onnxruntime's tools
                    # build the variants: one copy of the model in memory at a time (decision 132).
                    references = self.torch_references(plan, model, run_dir)
                    model = None
                    gc.collect()
                self.deployables = make_deployables(plan, run_dir, self.log, self.cancel, alongside=options.validate)
            rows: list[ValidationRow] = []
            validation = "skipped"
            if options.validate:
                with self.stage("validate"):
                    from ..validate.comparison import compare
                    from ..validate.end_to_end import compare_generation
                    from ..validate.variant_checks import validate_variants

                    refs, generations = references or self.torch_references(plan, model, run_dir)
                    model = None  # free the weights before onnxruntime loads the files: one copy in memory at a time
                    gc.collect()
                    rows = compare(refs.fp32_cases, on_row=self.emit, cancelled=self.cancel.is_set)
                    rows += compare_generation(plan, run_dir, generations, on_row=self.emit, cancelled=self.cancel.is_set)
                    if self.deployables is not None:
                        # each variant as soon as it is built, while the builders may still make the others
                        alongside = self.deployables.building is not None
                        self.variant_results = validate_variants(refs, self.deployables.ready(self.cancel), run_dir,
                                                                 self.emit, self.cancel.is_set, self.log,
                                                                 threads=2 if alongside else 1)
                        self.deployables.finish(self.cancel)
                    passed = all(r.passed for r in rows) and all(v.passed for v in self.variant_results)
                    validation = "passed" if passed else "failed"
            else:
                model = None
                from ..validate.structure import check_structure

                variant_files = self.deployables.variant_files if self.deployables else {}
                check_structure(run_dir, plan.files + [name for files in variant_files.values() for name in files.values()])
                self.done_weight += STAGE_WEIGHTS["validate"]  # skipped: the bar still ends full
            with self.stage("publish"):
                copy_model_files(source.folder, run_dir, self.log)
                first = plan.submodels[0].onnx_config
                if getattr(first, "end_to_end", None) == "image-text":
                    complete_image_processor_files(run_dir, self.log, first.TOP_LEVEL_TEXT_SIZES)
                if pad_token_id is not None:  # the folder must describe the model that was exported
                    set_config_value(run_dir / "config.json", "pad_token_id", pad_token_id)
                moved = apply_layout(run_dir, options.layout, self.log)
                planned = [moved.get(name, name) for name in plan.files]
                report = {"files": list_files(run_dir, planned), **self.deployables.report(moved)}
                if self.variant_results:
                    from ..validate.variant_checks import variants_section

                    report["variants"] = variants_section(self.variant_results, moved)
                write_records(run_dir, options, document, rows, validation, self.timings, self.log_lines, report)
                files = list_files(run_dir, planned)
                # From here the run is moved into place: a signal no longer interrupts it (only this last check).
                self.check_cancel()
                settled.enter_context(cancel_signals.no_interrupt())
                self.check_cancel()
                if validation == "failed":
                    failed = sum(not r.passed for r in rows)
                    kept = keep_aside(run_dir, destination, "failed")
                    run_dir = None
                    self.log(f"validation failed; the files are kept in {kept}", "error")
                    if all(r.passed for r in rows):  # the fp32 files passed: a variant is outside its budget
                        from ..validate.budgets import variants_failure

                        raise variants_out_of_budget(*variants_failure(self.variant_results), str(kept))
                    diffs = [r.max_abs_diff for r in rows if not r.passed and r.max_abs_diff is not None]
                    raise validation_failed(failed, len(rows), str(kept), dtypes.get(options.float_dtype),
                                            max(diffs) if diffs and len(diffs) == failed else None, options.atol)
                try:
                    publish(run_dir, destination, options.overwrite)
                except DestinationTaken as taken:
                    kept = keep_aside(run_dir, destination, "unpublished")
                    run_dir = None
                    self.log(f"{destination} {taken.what} while this run worked, so nothing was published; this "
                             f"run's files are kept in {kept}", "error")
                    raise ExportError("destination_not_empty", path=str(destination), kept=str(kept)) from None
                run_dir = None
            outcome = RunOutcome(destination, files, validation, rows, time.perf_counter() - start)
            self.emit(RunResult(output_dir=str(destination), files=files, validation=validation, seconds=round(outcome.seconds, 3)))
            return outcome
        except ExportError as exc:
            error = coded_os_error(exc, destination) if exc.code in RECODED_WHEN_OS_ERROR else None
            if error is not None:
                self.log(f"{exc.code}: {exc.message}", "debug")
            error = error or exc
            if exit_code_for(error.code) == EXIT_FAILURE:
                self.keep_log_of_failure(destination, error)
            self.emit(error_event(error, details=self.log_tail()))
            if error is exc:
                raise
            raise error from exc
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM / SIGHUP through cancel_signals
            error = ExportError("cancelled")
            self.emit(error_event(error, details=self.log_tail()))
            raise error from None
        except MemoryError as exc:
            error = ExportError("internal_error", reason="out of memory")
            self.emit(error_event(error, details=traceback.format_exc()))
            raise error from exc
        except Exception as exc:  # noqa: BLE001 - anything unexpected still becomes a coded error
            error = coded_os_error(exc, destination) or ExportError("internal_error", reason=f"{type(exc).__name__}: {exc}")
            self.log(traceback.format_exc(), "debug")
            self.keep_log_of_failure(destination, error)
            self.emit(error_event(error, details=traceback.format_exc()))
            raise error from exc
        finally:
            if self.deployables is not None:
                self.deployables.stop()  # builders still running when the run failed or was cancelled
            if run_dir is not None:  # the run did not finish: leave no trace of it
                shutil.rmtree(run_dir, ignore_errors=True)
                remove_empty(created_parents)
            settled.close()
            if froze:
                gc.unfreeze()  # a process that runs several exports (tests, the app's worker) collects this one's

    def torch_references(self, plan: Any, model: Any, run_dir: Path) -> tuple[Any, list]:
        """Phase 1 of validation, while the model is loaded: PyTorch's outputs at every shape set (and for the
        variants' agreement set), and its generations for files that only work together."""
        from ..export.torch_stages import fit_threads_to_free_cores
        from ..validate.checks import validation_checks
        from ..validate.comparison import DEFAULT_SHAPE_SETS
        from ..validate.end_to_end import generation_references
        from ..validate.variant_checks import references

        options = self.options
        fit_threads_to_free_cores(self.log)  # the machine's load may have changed since the model was loaded
        shape_sets = options.validation_shapes or DEFAULT_SHAPE_SETS
        if not options.dynamic_axes:  # a static file only accepts the traced shapes
            shape_sets = [plan.shapes]
            self.log("static axes (--no-dynamic-axes): validating at the traced shapes only", "warning")
        refs = references(validation_checks(plan, model, run_dir), shape_sets, plan.atol, model, plan,
                          self.cancel.is_set, user_shapes=bool(options.validation_shapes),
                          variants=bool(options.variants),
                          agreement_set=options.dynamic_axes and not options.validation_shapes)
        # Files that work together, generating at the shapes a runtime feeds (a static file takes none).
        generations = generation_references(plan, model, self.cancel.is_set) if options.dynamic_axes else []
        return refs, generations

    def log_tail(self) -> str:
        """The end of the run log for an error event (the app's "details"); a captured exporter dump can be long."""
        return "\n".join(self.log_lines[-20:])[-DETAILS_CHARS:]

    def keep_log_of_failure(self, destination: Path, exc: ExportError) -> None:
        """The run folder goes, its log must not: what the exporter printed is often the only clue."""
        from ..studio_cache import studio_cache

        self.log(f"{exc.code}: {exc.message}", "debug")
        try:
            folder = studio_cache() / "failed-runs"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{beside_stem(destination)}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
            path.write_text("\n".join(self.log_lines) + "\n", encoding="utf-8")
            for old in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime)[:-KEPT_FAILURE_LOGS]:
                old.unlink(missing_ok=True)
        except OSError:
            return
        self.log(f"the log of this run is kept in {path}", "error")

    def _download_progress(self, done: int, total: int, filename: str | None = None) -> None:
        """A download's bytes (locate_weights paces the calls: at most about ten a second, and one per file)."""
        from ..hub import TransferMeter

        if self.download_meter is None:
            self.download_meter = TransferMeter()
        fraction = self.done_weight + STAGE_WEIGHTS["resolve"] * (done / total if total else 0.0)
        self.emit(Progress(fraction=round(fraction, 4), stage="resolve",
                           message=f"downloading {filename}" if filename else "downloading",
                           bytes_done=done, bytes_total=total, bytes_per_second=self.download_meter.add(done)))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (what the benchmarks and the run log report)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_export(options: ExportOptions, on_event: Callable[[Event], None] | None = None, cancel: Any = None) -> RunOutcome:
    """Run a whole export. Raises ``ExportError`` (after emitting an error event) on any failure."""
    runner = Runner(options, on_event, cancel)
    with warnings_in_log(runner.log):
        return runner.run()


@contextlib.contextmanager
def warnings_in_log(log: Callable[[str, str], None]) -> Iterator[None]:
    """The libraries' warnings (huggingface_hub's disk check, transformers', torch's) go to the run log: on the
    console they were a site-packages path and a bare source line. The filters still decide which are shown."""
    def show(message, category, filename, lineno, file=None, line=None) -> None:
        log(f"{category.__name__}: {message} ({os.path.basename(filename)}:{lineno})", "debug")

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield
