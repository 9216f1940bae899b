"""Validation of each variant (fp16, q8, q4…) against PyTorch fp32, judged by its budget (``budgets.py``).

Phase 1 (``references``, while the model is loaded) computes PyTorch's outputs at the shape sets the fp32 files
are validated at, plus one larger agreement set for files with logits (enough positions that one flipped token
does not decide a top-1 figure), and PyTorch's greedy tokens when the export has a cache. Phase 2 (``validate_variants``, after the
model is freed) runs each variant's files in onnxruntime on the same inputs, accumulates the figures, decodes
greedily with the cache, times the variant against fp32 and emits one ``VariantResult`` per variant.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import ExportError, first_line
from ..events import VariantResult
from . import budgets
from .agreement import ReferenceFacts, Tally, output_kind
from .comparison import Case, Check, torch_references
from .greedy import GreedyReference, GreedyUnavailable, greedy_agreement, greedy_reference
from .latency import LatencyTimer, open_session, typical_feeds

#: The extra shape set of the variants' counted figures (files with logits): 16 × 12 = 192 positions per file.
AGREEMENT_SHAPES = {"batch_size": 16, "sequence_length": 12, "past_sequence_length": 4, "num_choices": 2,
                    "audio_sequence_length": 16000}


@dataclass
class References:
    fp32_cases: list[Case]  # what the fp32 files are compared at (comparison.compare)
    variant_cases: list[Case] = field(default_factory=list)  # the same plus the agreement set
    greedy: GreedyReference | None = None
    greedy_note: str = ""  # why greedy decoding is not checked, when the export has a cache and it is not
    facts: ReferenceFacts = field(default_factory=ReferenceFacts)  # shared by every variant's tally


def references(checks: Iterable[Check], shape_sets: list[dict[str, int]], atol, model, plan,
               cancelled: Callable[[], bool] = lambda: False, user_shapes: bool = False,
               variants: bool = False, agreement_set: bool = True) -> References:
    """Phase 1. Without variants, exactly ``comparison.torch_references``. ``agreement_set``: False for files with
    static axes, which only accept the traced shapes."""
    checks = list(checks)
    if not variants:
        return References(torch_references(checks, shape_sets, atol, cancelled, user_shapes))
    cases, fp32_cases = [], []
    for check in checks:
        # Counted figures (top-1) need the larger set; a lowest cosine does not, and encoders are the slow part.
        counted = agreement_set and any(output_kind(name) == "logits" for name in check.cfg.outputs)
        sets = shape_sets + ([AGREEMENT_SHAPES] if counted else [])
        check_cases = torch_references([check], sets, atol, cancelled, user_shapes)
        cases += check_cases
        fp32_cases += check_cases[:len(shape_sets)]
    try:
        return References(fp32_cases, cases, greedy_reference(plan, model, cancelled))
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - a model our plain loop cannot drive: the other figures still judge it
        return References(fp32_cases, cases, None, f"PyTorch's greedy decoding failed: {first_line(exc)}")


def _open(path: Path):
    try:
        return open_session(path)
    except ExportError:
        raise  # a cancel that arrived meanwhile stays a cancel
    except Exception as exc:  # noqa: BLE001
        raise ExportError("validation_error", reason=f"onnxruntime cannot load {path.name}: {exc}") from exc


def _name(run_dir: Path, path: Path) -> str:
    return path.relative_to(run_dir).as_posix() if path.is_relative_to(run_dir) else path.name


def validate_variants(refs: References, variant_files: dict[str, dict[str, str]] | Iterable[tuple[str, dict[str, str]]],
                      run_dir: Path, emit: Callable[[VariantResult], None], cancelled: Callable[[], bool] = lambda: False,
                      log: Callable[..., None] = lambda *a: None, latency: bool = True,
                      threads: int = 1) -> list[VariantResult]:
    """Phase 2: one ``VariantResult`` per variant, emitted as each is judged and returned in the variants' table
    order. ``variant_files``: variant -> {fp32 file -> variant file}, or (variant, files) pairs as the builders
    finish them (``Deployables.ready``). ``threads``: variants judged at once (decision 199; onnxruntime and numpy
    work without Python's lock, and every latency figure is the timed thread's own CPU time)."""
    from ..postprocess.variants import table_position

    lock = threading.Lock()
    timer = LatencyTimer() if latency else None
    stopping = threading.Event()  # the run stops (a failure, a cancel): the other thread ends at its next check

    def locked(function: Callable) -> Callable:
        def call(*args):
            with lock:
                return function(*args)
        return call

    log, emit = locked(log), locked(emit)
    if refs.greedy_note:  # set only when the run has variants: every one of them is judged without it
        log(f"greedy decoding of the variants not checked: {refs.greedy_note}", "warning")

    def stop_asked() -> bool:
        return stopping.is_set() or cancelled()

    def judge(variant: str, mapping: dict[str, str]) -> VariantResult:
        if stop_asked():
            raise ExportError("cancelled")
        result = _one_variant(refs, variant, mapping, run_dir, stop_asked, log, timer)
        emit(result)
        return result

    pairs = variant_files.items() if isinstance(variant_files, dict) else variant_files
    if threads <= 1:
        results = [judge(variant, mapping) for variant, mapping in pairs]
    else:
        try:
            results = _in_threads(pairs, judge, threads)
        finally:
            stopping.set()
    return sorted(results, key=lambda r: table_position(r.variant))


def _in_threads(pairs: Iterable[tuple[str, dict[str, str]]], judge: Callable[[str, dict[str, str]], VariantResult],
                threads: int) -> list[VariantResult]:
    """``judge`` each pair on ``threads`` threads as the pairs arrive. This thread only waits, so that a cancel
    signal, a failure of a check and a failure of a builder (raised while the pairs are waited for) each end the
    run at once: nothing waits for a check in progress, which sees the stop at its next step (the threads are
    daemons, so a check still inside onnxruntime does not hold the process either)."""
    import queue

    todo: queue.Queue = queue.Queue()
    done: queue.Queue = queue.Queue()  # ("result", r) | ("error", exc) | ("fed", count)

    def feed() -> None:
        count = 0
        try:
            for pair in pairs:
                todo.put(pair)
                count += 1
        except BaseException as exc:  # noqa: BLE001 - a builder's failure: raised in the waiting thread
            done.put(("error", exc))
            return
        finally:
            for _ in range(threads):
                todo.put(None)
        done.put(("fed", count))

    def work() -> None:
        while (pair := todo.get()) is not None:
            try:
                done.put(("result", judge(*pair)))
            except BaseException as exc:  # noqa: BLE001 - raised in the waiting thread
                done.put(("error", exc))

    for target in [feed] + [work] * threads:
        threading.Thread(target=target, name="variant-check", daemon=True).start()
    results: list[VariantResult] = []
    expected = None
    while expected is None or len(results) < expected:
        kind, value = _get(done)
        if kind == "error":
            raise value
        if kind == "fed":
            expected = value
        else:
            results.append(value)
    return results


def _get(done) -> tuple:
    """The next message, waiting in short steps: a signal's KeyboardInterrupt reaches this thread between them."""
    import queue

    while True:
        try:
            return done.get(timeout=0.2)
        except queue.Empty:
            continue


def _one_variant(refs: References, variant: str, mapping: dict[str, str], run_dir: Path,
                 cancelled: Callable[[], bool], log, timer: LatencyTimer | None) -> VariantResult:
    budgets.budget_for(variant)  # an unknown variant fails before any work
    from ..postprocess.onnx_files import file_bytes

    sizes = dict(bytes=sum(file_bytes(run_dir / v) for v in mapping.values()),
                 fp32_bytes=sum(file_bytes(run_dir / k) for k in mapping))
    if not mapping:
        return VariantResult(variant=variant, files={}, figures=[], passed=True, note="no file to make", **sizes)
    tally = Tally(refs.facts)
    by_file: dict[str, list[Case]] = {}
    for case in refs.variant_cases:
        by_file.setdefault(_name(run_dir, case.check.onnx_path), []).append(case)
    # Greedy decoding runs the fp32 file in place of a part the variant left as it was (no file of its own).
    decoded = {name: run_dir / mapping.get(name, name) for name in by_file}
    by_file = {name: cases for name, cases in by_file.items() if name in mapping}
    feeds: dict[str, dict] = {}
    untimed = ""  # why the latency is not measured
    if timer is not None:
        try:
            for name, cases in by_file.items():  # before this variant's sessions are loaded: one fp32 session at a time
                feeds[name] = typical_feeds(cases[0].check)
                timer.time_fp32(run_dir / name, feeds[name])
        except Exception as exc:  # noqa: BLE001 - the timing input is not one a file accepts: no figure, no failure
            untimed = f"latency not measured: {first_line(exc)}"
    # One session per file for the checks, greedy decoding and the timing (decision 185).
    sessions = {}
    for fp32_name in by_file:
        try:
            sessions[fp32_name] = _open(run_dir / mapping[fp32_name])
        except ExportError as exc:
            if exc.code != "validation_error":  # a cancel
                raise
            tally.broken.append(f"{mapping[fp32_name]}: {exc.params.get('reason', exc.message)}")
    for fp32_name, session in sessions.items():
        wanted = {i.name for i in session.get_inputs()}
        for case in by_file[fp32_name]:
            if cancelled():
                raise ExportError("cancelled")
            where = f"{case.check.submodel} [{case.label}]"
            names = list(case.check.cfg.outputs)
            try:
                outputs = session.run(names, {k: v for k, v in case.feeds.items() if k in wanted})
            except Exception as exc:  # noqa: BLE001 - a variant onnxruntime cannot run is a failed variant
                tally.broken.append(f"{where}: onnxruntime failed: {first_line(exc)}")
                continue
            mask = case.feeds.get("attention_mask")
            for name, reference, actual in zip(names, case.reference, outputs):
                tally.add(where, name, reference, actual, mask)
    figures = tally.figures()
    notes = tally.notes() + ([f"greedy decoding not checked: {refs.greedy_note}"] if refs.greedy_note else [])
    if refs.greedy is not None and not tally.broken:
        try:
            greedy = greedy_agreement(refs.greedy, decoded, sessions, cancelled)
            figures.update(greedy=greedy.agreement, greedy_all=greedy.agreement_all)
            if greedy.agreement is None:
                notes.append(f"greedy not judged: PyTorch's choice is clear at only {greedy.clear_steps} of "
                             f"{greedy.steps * greedy.prompts} steps")
        except ExportError:
            raise  # a cancel, or the run stopping
        except GreedyUnavailable as exc:
            notes.append(f"greedy decoding not checked: {exc}")
            log(f"{variant}: greedy decoding not checked: {exc}", "warning")
        except Exception as exc:  # noqa: BLE001
            tally.broken.append(f"greedy decoding failed in onnxruntime: {first_line(exc)}")
    ratio = None
    if untimed:
        notes.append(untimed)
    elif timer is not None and not tally.broken:
        try:
            ratio = timer.ratio([(run_dir / name, sessions[name], feeds[name]) for name in by_file])
        except Exception as exc:  # noqa: BLE001 - the timing input is not one a file accepts: no figure, no failure
            notes.append(f"latency not measured: {first_line(exc)}")
    del sessions
    rows = budgets.judge(variant, figures)
    why = "; ".join(tally.broken[:3] + ([budgets.why_failed(rows)] if budgets.why_failed(rows) else []))
    return VariantResult(variant=variant, files=dict(mapping), figures=rows, passed=not why, why=why,
                         latency_ratio=ratio, note="; ".join(notes), **sizes)


def variants_section(results: list[VariantResult], moved: dict[str, str] | None = None) -> dict[str, dict]:
    """validation_report.json's ``variants``: per variant its files (fp32 file -> variant file, with the names the
    layout step gave them), sizes, each figure against its budget, whether it passed and why not, the latency."""
    moved = moved or {}
    section = {}
    for result in results:
        record = {k: v for k, v in result.to_dict().items() if k not in ("event", "time", "variant")}
        record["files"] = {moved.get(k, k): moved.get(v, v) for k, v in result.files.items()}
        section[result.variant] = record
    return section
