"""One export, start to finish: resolve → plan → load → export → post-process → validate → publish.

Every stage emits typed events through ``on_event``; ``cancel`` (anything with ``is_set()``) is
honoured between stages and between validation rows. The run writes into a temporary folder beside
the destination and moves it into place only at the end: a failed, cancelled or killed run leaves
nothing at the destination (a run that fails validation is kept beside it as ``<dest>.failed-<time>``).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import shutil
import socket
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from . import __version__, cancel_signals
from .errors import EXIT_FAILURE, ExportError, exit_code_for
from .events import Event, LogLine, PlanReady, Progress, RunResult, StageFinished, StageStarted, ValidationRow, error_event
from .options import ExportOptions

#: Logs of failed runs kept in the studio cache (the newest ones).
KEPT_FAILURE_LOGS = 20
#: At most this much of the log's end goes into an error event.
DETAILS_CHARS = 50_000

#: Rough share of the run's time per stage, for the overall progress fraction.
STAGE_WEIGHTS = {"resolve": 0.05, "plan": 0.02, "load": 0.13, "export": 0.45, "post-process": 0.05, "validate": 0.28, "publish": 0.02}

#: Copied next to the ONNX files so that the folder is self-contained: configs and every tokenizer, processor and
#: chat-template file (transformers names these per model: spm.model, source.spm, vocab.txt, chat_template.json, …).
COPIED_SUFFIXES = (".json", ".txt", ".model", ".spm", ".vocab", ".tiktoken", ".jinja", ".codes", ".tokenizer")
COPIED_FOLDERS = ("additional_chat_templates",)
#: Records this run writes itself, and weight indexes (the weights are in the ONNX files).
NOT_COPIED = ("export_options.json", "export_plan.json", "validation_report.json")


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
        destination = Path(options.output_dir).expanduser().resolve()
        run_dir: Path | None = None
        created_parents: list[Path] = []
        settled = contextlib.ExitStack()
        if os.environ.get("OES_SERVED_BY"):
            self.log(f"running in a process forked from exportcore serve (pid {os.environ['OES_SERVED_BY']})")
        try:
            check_destination(destination, options.overwrite)
            if options.float_dtype == "bf16" and options.validate:
                raise ExportError("invalid_option", reason="onnxruntime's CPU provider cannot run bfloat16 models, so "
                                  "a bf16 export cannot be validated here; add --no-validation to export it unvalidated")
            with self.stage("resolve", options.model):
                from .plan import resolve
                from .weights import locate_weights

                source = locate_weights(options, progress=self._download_progress, cancel=self.cancel,
                                        log=lambda message: self.log(message, "warning"))
                check_not_holding_the_model(destination, source.folder)
                resolution = resolve(options, source)
                self.log(f"{resolution.model_type} · {resolution.task} · {resolution.config_class.__name__}")
            with self.stage("plan"):
                from .plan import make_plan, plan_document

                plan = make_plan(options, resolution)
                document = plan_document(plan)
                self.emit(PlanReady(plan=document))
            run_dir, created_parents = make_run_dir(destination)
            check_free_space(run_dir, source.folder)
            with self.stage("load"):
                from .pipeline import ensure_pad_token, load_for_plan

                model = load_for_plan(plan)
                pad_token_id = ensure_pad_token(plan, model, self.log)
            from .pipeline import export_all, may_hold_duplicate_weights, post_process, validation_checks

            traced_shapes: dict = {}
            for submodel in plan.submodels:
                with self.stage("export", submodel.name, share=1 / len(plan.submodels)):
                    export_all(plan, model, run_dir, [submodel], log=self.log, traced_shapes=traced_shapes)
            with self.stage("post-process"):
                post_process(plan, run_dir, log=self.log, tied_weights=may_hold_duplicate_weights(plan, model), traced_shapes=traced_shapes)
            rows: list[ValidationRow] = []
            validation = "skipped"
            if options.validate:
                with self.stage("validate"):
                    from .validate import DEFAULT_SHAPE_SETS, compare, torch_references

                    shape_sets = options.validation_shapes or DEFAULT_SHAPE_SETS
                    if not options.dynamic_axes:  # a static file only accepts the traced shapes
                        shape_sets = [plan.shapes]
                        self.log("static axes (--no-dynamic-axes): validating at the traced shapes only", "warning")
                    atol = (lambda cfg: options.atol) if options.atol is not None else (lambda cfg: cfg.atol)
                    cases = torch_references(validation_checks(plan, model, run_dir), shape_sets, atol, self.cancel.is_set,
                                             user_shapes=bool(options.validation_shapes))
                    del model  # free the weights before onnxruntime loads the files: one copy in memory at a time
                    gc.collect()
                    rows = compare(cases, on_row=self.emit, cancelled=self.cancel.is_set)
                    validation = "passed" if all(r.passed for r in rows) else "failed"
            else:
                del model
                check_structure(run_dir, plan.files)
                self.done_weight += STAGE_WEIGHTS["validate"]  # skipped: the bar still ends full
            with self.stage("publish"):
                copy_model_files(source.folder, run_dir)
                if pad_token_id is not None:  # the folder must describe the model that was exported
                    set_config_value(run_dir / "config.json", "pad_token_id", pad_token_id)
                write_records(run_dir, options, document, rows, validation, self.timings, self.log_lines)
                files = list_files(run_dir, plan.files)
                # From here the run is moved into place: a signal no longer interrupts it (only this last check).
                self.check_cancel()
                settled.enter_context(cancel_signals.no_interrupt())
                self.check_cancel()
                if validation == "failed":
                    failed = sum(not r.passed for r in rows)
                    kept = keep_failed_run(run_dir, destination)
                    run_dir = None
                    self.log(f"validation failed; the files are kept in {kept}", "error")
                    raise ExportError("validation_failed", failed=failed, total=len(rows), kept=str(kept))
                publish(run_dir, destination)
                run_dir = None
            outcome = RunOutcome(destination, files, validation, rows, time.perf_counter() - start)
            self.emit(RunResult(output_dir=str(destination), files=files, validation=validation, seconds=round(outcome.seconds, 3)))
            return outcome
        except ExportError as exc:
            if exit_code_for(exc.code) == EXIT_FAILURE:
                self.keep_log_of_failure(destination, exc)
            self.emit(error_event(exc, details=self.log_tail()))
            raise
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM / SIGHUP through cancel_signals
            error = ExportError("cancelled")
            self.emit(error_event(error, details=self.log_tail()))
            raise error from None
        except MemoryError as exc:
            error = ExportError("internal_error", reason="out of memory")
            self.emit(error_event(error, details=traceback.format_exc()))
            raise error from exc
        except Exception as exc:  # noqa: BLE001 - anything unexpected still becomes a coded error
            error = ExportError("internal_error", reason=f"{type(exc).__name__}: {exc}")
            self.log(traceback.format_exc(), "debug")
            self.keep_log_of_failure(destination, error)
            self.emit(error_event(error, details=traceback.format_exc()))
            raise error from exc
        finally:
            if run_dir is not None:  # the run did not finish: leave no trace of it
                shutil.rmtree(run_dir, ignore_errors=True)
                remove_empty(created_parents)
            settled.close()

    def log_tail(self) -> str:
        """The end of the run log for an error event (the app's "details"); a captured exporter dump can be long."""
        return "\n".join(self.log_lines[-20:])[-DETAILS_CHARS:]

    def keep_log_of_failure(self, destination: Path, exc: ExportError) -> None:
        """The run folder goes, its log must not: what the exporter printed is often the only clue."""
        from .demo import studio_cache

        self.log(f"{exc.code}: {exc.message}", "debug")
        try:
            folder = studio_cache() / "failed-runs"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{destination.name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
            path.write_text("\n".join(self.log_lines) + "\n", encoding="utf-8")
            for old in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime)[:-KEPT_FAILURE_LOGS]:
                old.unlink(missing_ok=True)
        except OSError:
            return
        self.log(f"the log of this run is kept in {path}", "error")

    def _download_progress(self, done: int, total: int, filename: str = "") -> None:
        fraction = self.done_weight + STAGE_WEIGHTS["resolve"] * (done / total if total else 0.0)
        self.emit(Progress(fraction=round(fraction, 4), stage="resolve", message=f"downloading {filename}"))


def give_freed_memory_back() -> None:
    """Pin glibc's mmap threshold at its 128 KiB default so that freed tensors go back to the system.

    glibc raises the threshold (up to 32 MiB) each time a large block is freed; after torch has freed some, later
    weight-sized blocks come from the heap and stay there when freed. Measured on BERT-base: the model freed
    before validation, onnxruntime's load then peaked 225 MB higher and the process kept 330 MB more.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (what the benchmarks and the run log report)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_export(options: ExportOptions, on_event: Callable[[Event], None] | None = None, cancel: Any = None) -> RunOutcome:
    """Run a whole export. Raises ``ExportError`` (after emitting an error event) on any failure."""
    return Runner(options, on_event, cancel).run()


# ---- the run folder ------------------------------------------------------------------------------
def check_destination(destination: Path, overwrite: bool) -> None:
    if not str(destination) or destination == Path(destination.anchor):
        raise ExportError("invalid_option", reason="an output folder is required")
    if destination.exists() and not destination.is_dir():
        raise ExportError("invalid_option", reason=f"the output path {destination} is a file, not a folder")
    if destination.is_dir() and any(destination.iterdir()) and not overwrite:
        raise ExportError("destination_not_empty", path=str(destination))


def check_not_holding_the_model(destination: Path, model_folder: Path) -> None:
    """Publishing replaces the destination: it must not be the model's folder or one that holds it or its files
    (a folder of symlinks into the HF cache)."""
    places = [model_folder.resolve(), *(p.resolve() for p in model_folder.iterdir() if p.is_symlink())]
    if any(destination == place or destination in place.parents for place in places):  # symlinked weights too
        raise ExportError("invalid_option", reason=f"the output folder {destination} holds the model being "
                          "exported, which publishing the export would delete; choose another output folder")


def make_run_dir(destination: Path) -> tuple[Path, list[Path]]:
    """The private run folder beside the destination, and the parent folders made for it (deepest first), which a
    failed run removes again. Run folders of killed runs for the same destination are removed first."""
    parent = destination.parent
    created = [p for p in (parent, *parent.parents) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned_run_dirs(destination)
        return Path(tempfile.mkdtemp(prefix=f".{destination.name}.partial-{os.getpid()}@{_host()}-", dir=parent)), created
    except OSError as exc:
        raise ExportError("output_not_writable", path=str(parent), reason=exc.strerror or str(exc)) from exc


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:40]


def remove_abandoned_run_dirs(destination: Path) -> None:
    """A run killed outright (SIGKILL, power loss) cannot clean up: its folder names its process and host. Only
    folders of this host whose process is gone are removed (on a shared disk, another host's run is left alone)."""
    mine = re.compile(rf"\.{re.escape(destination.name)}\.partial-(\d+)@{re.escape(_host())}-[^/]+")
    for entry in destination.parent.iterdir():
        match = mine.fullmatch(entry.name)
        if match and entry.is_dir() and not process_exists(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            return


def check_structure(run_dir: Path, names: list[str]) -> None:
    from .onnx_files import structure_problem

    for name in names:
        problem = structure_problem(run_dir / name)
        if problem:
            raise ExportError("export_failed", submodel=name.removesuffix(".onnx"),
                              reason=f"the file is not valid ONNX ({problem})")


def check_free_space(run_dir: Path, model_folder: Path) -> None:
    """ONNX files are about the size of the weights; a merged decoder run writes them ~3 times."""
    weights = sum(p.stat().st_size for p in model_folder.glob("*") if p.suffix in (".safetensors", ".bin") and p.is_file())
    needed = 3 * weights + 50 * 2**20
    free = shutil.disk_usage(run_dir).free
    if free < needed:
        raise ExportError("disk_full", path=str(run_dir.parent), needed_mb=needed // 2**20, free_mb=free // 2**20)


def copy_model_files(source: Path, run_dir: Path) -> None:
    code = remote_code_modules(source)
    for path in sorted(source.iterdir()):
        if path.is_dir() and path.name in COPIED_FOLDERS:
            shutil.copytree(path, run_dir / path.name)
        elif path.is_file() and (is_copied_file(path.name) or path.name in code):
            shutil.copy2(path, run_dir / path.name)


def remote_code_modules(source: Path) -> set[str]:
    """The repository's own Python files that its configs name in ``auto_map`` (a custom tokenizer, processor or
    config class): the exported folder needs them to load its tokenizer the same way."""
    modules = set()
    for name in ("config.json", "tokenizer_config.json", "preprocessor_config.json", "processor_config.json"):
        try:
            auto_map = json.loads((source / name).read_text(encoding="utf-8")).get("auto_map")
        except (OSError, ValueError, AttributeError):
            continue
        for value in auto_map.values() if isinstance(auto_map, dict) else ():
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and "." in ref:  # "[repo--]module.Class"
                    modules.add(ref.split("--")[-1].rsplit(".", 1)[0] + ".py")
    return modules


def is_copied_file(name: str) -> bool:
    return name.endswith(COPIED_SUFFIXES) and not name.endswith(".index.json") and name not in NOT_COPIED


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def set_config_value(path: Path, key: str, value: Any) -> None:
    if path.is_file():
        write_json(path, {**json.loads(path.read_text(encoding="utf-8")), key: value})


def list_files(run_dir: Path, planned: list[str]) -> list[dict]:
    names = [n for n in planned if (run_dir / n).exists()]
    names += sorted(p.name for p in run_dir.iterdir() if p.is_file() and p.name not in names)
    return [{"name": n, "bytes": (run_dir / n).stat().st_size} for n in names]


def write_records(run_dir: Path, options: ExportOptions, plan: dict, rows: list[ValidationRow], validation: str,
                  timings: dict[str, float], log_lines: list[str]) -> None:
    def dump(name: str, data: Any) -> None:
        write_json(run_dir / name, data)

    dump("export_options.json", {**options.to_dict(), "cli": options.to_cli_command(), "exportcore_version": __version__})
    dump("export_plan.json", plan)
    dump(
        "validation_report.json",
        {
            "status": validation,
            "checks": len(rows),
            "failed": sum(not r.passed for r in rows),
            "rows": [{k: v for k, v in r.to_dict().items() if k not in ("event", "time")} for r in rows],
            "stage_seconds": {k: round(v, 3) for k, v in timings.items()},
        },
    )
    (run_dir / "export.log").write_text("\n".join(log_lines) + "\n", encoding="utf-8")


def publish(run_dir: Path, destination: Path) -> None:
    """Move the finished run into place; an existing destination (``--overwrite``) is replaced."""
    open_up(run_dir)
    backup = None
    if destination.exists():
        backup = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        destination.rename(backup)
    try:
        run_dir.rename(destination)
    except OSError:
        if backup is not None:
            backup.rename(destination)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def keep_failed_run(run_dir: Path, destination: Path) -> Path:
    """Move a run that failed validation beside the destination, under a name no earlier failed run holds."""
    open_up(run_dir)
    stem = f"{destination.name}.failed-{time.strftime('%Y%m%d-%H%M%S')}"
    for attempt in range(1, 1000):
        kept = destination.with_name(stem if attempt == 1 else f"{stem}-{attempt}")
        if kept.exists():
            continue
        try:
            run_dir.rename(kept)
            return kept
        except OSError:
            if not kept.exists():  # not a race with another run: a real failure
                raise
    raise ExportError("output_not_writable", path=str(destination.parent), reason="no free name for the failed run")


def open_up(run_dir: Path) -> None:
    """The run folder was made private (mkdtemp, 0700); the published folder gets the permissions of a folder the
    user would have made (0777 minus the umask)."""
    run_dir.chmod(0o777 & ~current_umask())


def current_umask() -> int:
    with contextlib.suppress(OSError, StopIteration, ValueError):  # Linux: read it without changing it
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
