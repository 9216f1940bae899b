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
import errno
import gc
import hashlib
import json
import os
import re
import shutil
import socket
import stat
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from . import __version__, cancel_signals
from .errors import (EXIT_FAILURE, FULL_DISK_ERRNOS, ExportError, causes, disk_full, exit_code_for,
                     full_disk_in_words, validation_failed)
from .events import Event, LogLine, PlanReady, Progress, RunResult, StageFinished, StageStarted, ValidationRow, error_event
from .options import ExportOptions, check_output_dir

#: Logs of failed runs kept in the studio cache (the newest ones).
KEPT_FAILURE_LOGS = 20
#: At most this much of the log's end goes into an error event.
DETAILS_CHARS = 50_000

#: Rough share of the run's time per stage, for the overall progress fraction.
STAGE_WEIGHTS = {"resolve": 0.05, "plan": 0.02, "load": 0.13, "export": 0.45, "post-process": 0.05, "validate": 0.28, "publish": 0.02}


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
        if os.environ.get("OES_SERVED_BY"):
            self.log(f"running in a process forked from exportcore serve (pid {os.environ['OES_SERVED_BY']})")
        try:
            destination = check_destination(options.output_dir, options.overwrite)
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
            if not options.force:  # --force: the user was told (pre-flight) and tries anyway
                check_free_space(run_dir, source.folder)
            with self.stage("load"):
                from .pipeline import ensure_pad_token, load_for_plan

                model = load_for_plan(plan, log=self.log)
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
                copy_model_files(source.folder, run_dir, self.log)
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
                    kept = keep_aside(run_dir, destination, "failed")
                    run_dir = None
                    self.log(f"validation failed; the files are kept in {kept}", "error")
                    diffs = [r.max_abs_diff for r in rows if not r.passed and r.max_abs_diff is not None]
                    raise validation_failed(failed, len(rows), str(kept), options.float_dtype,
                                            max(diffs) if diffs and len(diffs) == failed else None)
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
            path = folder / f"{beside_stem(destination)}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
            path.write_text("\n".join(self.log_lines) + "\n", encoding="utf-8")
            for old in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime)[:-KEPT_FAILURE_LOGS]:
                old.unlink(missing_ok=True)
        except OSError:
            return
        self.log(f"the log of this run is kept in {path}", "error")

    def _download_progress(self, done: int, total: int, filename: str | None = None) -> None:
        """A download's bytes (locate_weights paces the calls: at most about ten a second, and one per file)."""
        from .hub import TransferMeter

        if self.download_meter is None:
            self.download_meter = TransferMeter()
        fraction = self.done_weight + STAGE_WEIGHTS["resolve"] * (done / total if total else 0.0)
        self.emit(Progress(fraction=round(fraction, 4), stage="resolve",
                           message=f"downloading {filename}" if filename else "downloading",
                           bytes_done=done, bytes_total=total, bytes_per_second=self.download_meter.add(done)))


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
#: Room left in the longest path for the files a run writes in its folder (decoder_model_merged.onnx_data, …).
PATH_ROOM = 64


def check_destination(output_dir: str, overwrite: bool) -> Path:
    """The destination, resolved, once it is known to be a folder this run may publish to."""
    check_output_dir(output_dir)  # "" would mean the working directory
    try:
        destination = Path(output_dir).expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise ExportError("invalid_option", reason=f"the output path {output_dir} cannot be followed: {exc}") from None
    if destination == Path(destination.anchor):
        raise ExportError("invalid_option", reason=f"the output folder cannot be the root folder {destination}")
    check_name_lengths(destination)
    try:
        exists = destination.exists()
        is_dir = destination.is_dir()
        non_empty = is_dir and any(destination.iterdir())
    except OSError as exc:  # a folder on the way (or the destination itself) we may not read
        raise ExportError("output_not_writable", path=str(exc.filename or destination),
                          reason=exc.strerror or str(exc)) from None
    if exists and not is_dir:
        raise ExportError("invalid_option", reason=f"the output path {destination} is a file, not a folder")
    if non_empty and not overwrite:
        raise ExportError("destination_not_empty", path=str(destination))
    if overwrite and destination in protected_folders() and not holds_an_export(destination):
        raise ExportError("invalid_option", reason=f"--overwrite would replace {destination}, which is the working "
                          "folder, the home folder or one that holds them, and holds no earlier export; give a "
                          "folder of its own for the export")
    return destination


def protected_folders() -> set[Path]:
    """The working and home folders and every folder above them: --overwrite must never delete those."""
    places = []
    with contextlib.suppress(OSError):
        places.append(Path.cwd().resolve())
    with contextlib.suppress(OSError, RuntimeError, KeyError):  # no HOME and no passwd entry
        places.append(Path.home().resolve())
    return {folder for place in places for folder in (place, *place.parents)}


def holds_an_export(folder: Path) -> bool:
    """Our records in a folder: an earlier export, which --overwrite may replace."""
    try:
        record = json.loads((folder / "export_options.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "exportcore_version" in record


def check_name_lengths(destination: Path) -> None:
    """A name the file system cannot hold is bad input, said before any work (not an error at publish time)."""
    existing = next((p for p in (destination, *destination.parents) if os.path.isdir(p)), Path(destination.anchor))
    name_max, path_max = _limit(existing, "PC_NAME_MAX", 255), _limit(existing, "PC_PATH_MAX", 4096)
    for part in destination.parts[1:]:
        size = len(os.fsencode(part))
        if size > name_max:
            raise ExportError("invalid_option", reason=f"the output folder name '{part[:32]}…' is {size} bytes long; "
                              f"this file system allows {name_max}")
    size = len(os.fsencode(str(destination)))
    if size + PATH_ROOM > path_max:
        raise ExportError("invalid_option", reason=f"the output path is {size} bytes long; this file system allows "
                          f"{path_max} for a whole path, and the files in it need {PATH_ROOM} more")


def _limit(folder: Path, name: str, fallback: int) -> int:
    try:
        value = os.pathconf(folder, name)
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        return fallback
    return value if value and value > 0 else fallback


def beside_stem(destination: Path) -> str:
    """The destination's name as the start of the names beside it (run folder, kept runs, backup), shortened with
    a digest when a legal but long name would make those names longer than the file system allows."""
    name = destination.name
    budget = max(16, _limit(destination.parent, "PC_NAME_MAX", 255) - 105)  # room for ".partial-<pid>@<host>-…"
    if len(os.fsencode(name)) <= budget:
        return name
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    short = name
    while len(os.fsencode(short)) > budget - len(digest) - 1:
        short = short[:-1]
    return f"{short}~{digest}"


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
        prefix = f".{beside_stem(destination)}.partial-{os.getpid()}@{_host()}-"
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent)), created
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full(parent, quota=exc.errno == errno.EDQUOT) from exc
        raise ExportError("output_not_writable", path=str(parent), reason=exc.strerror or str(exc)) from exc


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:40]


def remove_abandoned_run_dirs(destination: Path) -> None:
    """A run killed outright (SIGKILL, power loss) cannot clean up: its folder names its process and host. Only
    folders of this host whose process is gone are removed (on a shared disk, another host's run is left alone)."""
    mine = re.compile(rf"\.{re.escape(beside_stem(destination))}\.partial-(\d+)@{re.escape(_host())}-[^/]+")
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
    """The pre-flight's rule (``preflight.output_needed``), again now that the weights are on disk."""
    from .preflight import output_needed

    weights = sum(p.stat().st_size for p in model_folder.glob("*") if p.suffix in (".safetensors", ".bin") and p.is_file())
    needed = output_needed(weights)
    free = shutil.disk_usage(run_dir).free
    if free < needed:
        raise disk_full(run_dir.parent, needed_bytes=needed, free_bytes=free)


#: Codes whose cause may be a full disk or a folder we may not write (the exporters wrap what they hit).
RECODED_WHEN_OS_ERROR = frozenset({"export_failed", "dynamo_unsupported", "merge_failed", "validation_error"})


def coded_os_error(exc: BaseException, destination: Path) -> ExportError | None:
    """``disk_full`` for ENOSPC/EDQUOT anywhere in the run (naming the folder), ``output_not_writable`` for a
    permission error beside the destination; None for anything else (it stays what it was)."""
    from .hub import free_bytes

    output = destination.parent
    chain = causes(exc)
    for error in chain:
        if not isinstance(error, OSError):
            continue
        written = Path(os.fsdecode(error.filename)) if error.filename else None
        if error.errno in FULL_DISK_ERRNOS:
            path = output  # the run folder, gone by now, was in it
            if written is not None and output not in written.parents:
                path = written.parent
            return disk_full(path, free_bytes=free_bytes(path), quota=FULL_DISK_ERRNOS[error.errno],
                             writing=written.name if written is not None else "")
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and written is not None and (
                written == output or output in written.parents):
            return ExportError("output_not_writable", path=str(written), reason=error.strerror or str(error))
    quota = full_disk_in_words(chain)  # C++ code (torch's and onnx's writers) words it in its own message
    if quota is not None:
        return disk_full(output, free_bytes=free_bytes(output), quota=quota)
    return None


# ---- what travels with the ONNX files ------------------------------------------------------------------------------
#: Files a tokenizer, processor, feature extractor, generation config or chat template reads, by the names transformers
#: gives them (tokenization_utils_base, processing_utils, each tokenizer's VOCAB_FILES_NAMES), and sentence-transformers'
#: descriptions of the pipeline around the model.
COPIED_NAMES = frozenset({
    "config.json", "generation_config.json",
    "tokenizer_config.json", "tokenizer.json", "special_tokens_map.json", "added_tokens.json",
    "vocab.txt", "vocab.json", "merges.txt", "bpe.codes", "dict.txt", "entity_vocab.json", "emoji.json",
    "byte_maps.json", "normalizer.json", "prophetnet.tokenizer", "target_vocab.json", "vocab-src.json",
    "vocab-tgt.json", "word_pronunciation.json", "word_shape.json",
    "sentencepiece.model", "sentencepiece.bpe.model", "spiece.model", "spm.model", "spm_char.model",
    "tokenizer.model", "tiktoken.model", "source.spm", "target.spm",
    "preprocessor_config.json", "processor_config.json", "video_preprocessor_config.json",
    "audio_tokenizer_config.json",
    "chat_template.json", "chat_template.jinja",
    "modules.json", "config_sentence_transformers.json", "sentence_bert_config.json",
})
#: tiktoken vocabularies are named per model (qwen.tiktoken, cl100k_base.tiktoken).
COPIED_SUFFIXES = (".tiktoken",)
COPIED_FOLDERS = ("additional_chat_templates",)
#: Configs whose entries may name more files: ``*_file`` keys and ``auto_map`` modules.
NAMING_CONFIGS = ("config.json", "tokenizer_config.json", "preprocessor_config.json", "processor_config.json")
#: Listed at most this many per line in export.log.
LISTED_NAMES = 100
_BLOB_NAME = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def copy_model_files(source: Path, run_dir: Path, log: Callable[..., None] = lambda *a: None) -> None:
    """Copy what a tokenizer, processor, generation config or chat template needs beside the ONNX files: the files
    named in ``COPIED_NAMES`` and those the model's configs name. Nothing else (notes, credentials, training data),
    and no link that leads out of the model folder (or its HF cache repository). export.log lists what stayed."""
    copier = _Copier(source, run_dir)
    wanted = wanted_files(source)
    skip = {run_dir.resolve()}
    for entry in sorted(source.iterdir()):
        if _real(entry) in skip:
            continue
        name = entry.name
        if name in wanted or name.endswith(COPIED_SUFFIXES) or name in COPIED_FOLDERS:
            copier.copy(entry, Path(name))
        elif any(w.startswith(name + "/") for w in wanted):  # only some files of a folder (1_Pooling/config.json)
            for inner in sorted(w for w in wanted if w.startswith(name + "/")):
                if os.path.lexists(source / inner):
                    copier.copy(source / inner, Path(inner))
        elif not name.startswith("."):  # .git, .cache, .gitattributes: not worth a mention
            copier.left.append(name + ("/" if entry.is_dir() else ""))
    if copier.copied:
        log(f"copied beside the ONNX files: {_names(copier.copied)}")
    if copier.left:
        log(f"left behind (not read by a tokenizer, processor, generation config or chat template; the weights are "
            f"in the ONNX files): {_names(copier.left)}")
    for problem in copier.refused:
        log(f"not copied: {problem}", "warning")


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED_NAMES])
    return shown + (f" … and {len(names) - LISTED_NAMES} more" if len(names) > LISTED_NAMES else "")


def _real(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None


class _Copier:
    def __init__(self, source: Path, run_dir: Path) -> None:
        self.roots = trusted_roots(source)
        self.run_dir = run_dir
        self.copied: list[str] = []
        self.left: list[str] = []
        self.refused: list[str] = []
        self.visited: set[Path] = set()

    def allowed(self, real: Path) -> bool:
        """Inside the model folder or its HF cache repository; or a blob of an HF cache (a ``--local-dir`` download
        links its large files there; such a blob is a Hub file, named by its hash)."""
        if any(real == root or root in real.parents for root in self.roots):
            return True
        return (real.parent.name == "blobs" and real.parent.parent.name.startswith("models--")
                and _BLOB_NAME.fullmatch(real.name) is not None)

    def copy(self, path: Path, relative: Path) -> None:
        real = _real(path)
        if real is None or not os.path.exists(real):
            self.refused.append(f"{relative.as_posix()} (a broken link)")
            return
        if not self.allowed(real):
            self.refused.append(f"{relative.as_posix()} (a link to {real}, outside the model folder)")
            return
        if real.is_dir():
            if real in self.visited:  # a link back up the tree
                return
            self.visited.add(real)
            for entry in sorted(real.iterdir()):
                self.copy(path / entry.name, relative / entry.name)
            return
        if not stat.S_ISREG(real.stat().st_mode):  # a pipe or a device would block or never end
            self.refused.append(f"{relative.as_posix()} (not a regular file)")
            return
        target = self.run_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real, target)
        shutil.copystat(real, target)
        self.copied.append(relative.as_posix())


def trusted_roots(source: Path) -> list[Path]:
    """Where a model folder's links may lead: the folder itself, and for a snapshot of the HF cache
    (``…/models--org--name/snapshots/<revision>``) its repository, whose ``blobs/`` hold the files."""
    real = source.resolve()
    roots = [real]
    if real.parent.name == "snapshots" and real.parent.parent.name.startswith(("models--", "datasets--", "spaces--")):
        roots.append(real.parent.parent)
    return roots


def wanted_files(source: Path) -> set[str]:
    """Relative paths of the files to copy: the known names, the files the configs name, the Python modules their
    ``auto_map`` names (a custom tokenizer) with the modules those import and the files they name, and the configs
    of sentence-transformers' modules (``1_Pooling/config.json``)."""
    wanted = set(COPIED_NAMES)
    for name in NAMING_CONFIGS:
        config = _read_json(source / name)
        if isinstance(config, dict):
            wanted |= named_files(config)
            wanted |= remote_code_modules_of(config)
    for module in sorted(m for m in wanted if m.endswith(".py")):
        wanted |= module_needs(source / module)
    modules = _read_json(source / "modules.json")
    for module in modules if isinstance(modules, list) else []:
        folder = module.get("path") if isinstance(module, dict) else None
        if isinstance(folder, str) and folder:
            wanted.add(f"{folder.strip('/')}/config.json")
    return {w for w in wanted if _is_inside(w)}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_inside(relative: str) -> bool:
    path = Path(relative)
    return bool(relative) and not path.is_absolute() and ".." not in path.parts


def named_files(config: dict) -> set[str]:
    """Files a config names itself (``"vocab_file": "vocab.txt"``, ``"merges_file"``, ``"tokenizer_file"`` …).
    Old tokenizers saved absolute paths of the machine they were made on: only the name counts then."""
    names = set()
    for key, value in config.items():
        if not (key.endswith("_file") or key.endswith("_files")):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item:
                names.add(Path(item).name if Path(item).is_absolute() else item.removeprefix("./"))
    return names


def remote_code_modules_of(config: dict) -> set[str]:
    """The repository's own Python files its config names in ``auto_map`` (a custom tokenizer, processor or config
    class): the exported folder needs them to load its tokenizer the same way."""
    modules = set()
    auto_map = config.get("auto_map")
    for value in auto_map.values() if isinstance(auto_map, dict) else ():
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, str) and "." in ref and "--" not in ref:  # "module.Class"; "repo--…" is another repo's
                modules.add(ref.rsplit(".", 1)[0] + ".py")
    return modules


def module_needs(module: Path) -> set[str]:
    """What a custom tokenizer module needs beside it: the modules it imports relatively and the files its
    ``VOCAB_FILES_NAMES`` names (read from its source, never run)."""
    import ast

    try:
        tree = ast.parse(module.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError):
        return set()
    needs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            modules = [node.module] if node.module else [alias.name for alias in node.names]  # from . import x
            needs.update(m.replace(".", "/") + ".py" for m in modules)
        elif (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "VOCAB_FILES_NAMES"
                                                   for t in node.targets)):
            with contextlib.suppress(ValueError, TypeError, SyntaxError, RecursionError):
                names = ast.literal_eval(node.value)
                for value in names.values() if isinstance(names, dict) else ():
                    needs.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    return needs


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


class DestinationTaken(Exception):
    """The destination filled up (or became a file) while the run worked: publishing would replace it."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def publish(run_dir: Path, destination: Path, overwrite: bool) -> None:
    """Move the finished run into place.

    Without ``overwrite`` this is one rename(2), which moves a folder onto a path that does not exist or onto an
    empty folder, atomically, and fails on anything else: two runs to the same new folder cannot both publish, and
    files that appeared in the destination meanwhile are never replaced (``DestinationTaken``). With ``overwrite``
    a non-empty destination is replaced by ``replace``.
    """
    open_up(run_dir)
    try:
        os.rename(run_dir, destination)
        return
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise DestinationTaken("became a file") from None
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        if not overwrite:
            raise DestinationTaken("was filled by another run or program") from None
    replace(run_dir, destination)


def replace(run_dir: Path, destination: Path) -> None:
    """Swap the run folder and the destination in one step (Linux renameat2 RENAME_EXCHANGE), then delete the old
    folder, now at the run folder's path. Elsewhere the old folder is moved aside first and moved back if the run
    folder cannot take its place; if even that fails, the error says where it is."""
    if exchange(run_dir, destination):
        shutil.rmtree(run_dir, ignore_errors=True)  # what was the destination
        return
    backup = destination.with_name(f".{beside_stem(destination)}.old-{os.getpid()}")
    destination.rename(backup)
    try:
        run_dir.rename(destination)
    except OSError as exc:
        kept = put_back(backup, destination)
        where = "it still holds what it held" if kept == destination else f"what it held is now in {kept}"
        raise ExportError("output_not_writable", path=str(destination), reason=f"{exc.strerror or exc}; {where}") from exc
    shutil.rmtree(backup, ignore_errors=True)


def put_back(backup: Path, destination: Path) -> Path:
    """Return the folder that was moved aside to its place, or else to a visible name beside it."""
    for target in (destination, destination.with_name(f"{beside_stem(destination)}.previous-{time.strftime('%Y%m%d-%H%M%S')}")):
        try:
            backup.rename(target)
            return target
        except OSError:
            continue
    return backup


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ≥ 3.15, most local file systems). False where that is not available."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without renameat2
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # the kernel or the file system cannot swap
        return False
    raise OSError(code, os.strerror(code), str(b))


def keep_aside(run_dir: Path, destination: Path, label: str) -> Path:
    """Move a run that is not published (``failed`` validation, ``unpublished`` because the destination filled up)
    beside the destination as ``<dest>.<label>-<time>``, under a name no earlier kept run holds."""
    open_up(run_dir)
    stem = f"{beside_stem(destination)}.{label}-{time.strftime('%Y%m%d-%H%M%S')}"
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
    raise ExportError("output_not_writable", path=str(destination.parent), reason=f"no free name for the {label} run")


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
