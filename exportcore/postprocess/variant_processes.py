"""Run the variant builders in child processes: each job (one fp32 file, a group of variants) in a process of its
own, two at a time when the machine has the cores and the memory, else one at a time.

Why (docs/decisions.md 134-135): onnxruntime's builders are single-threaded Python and hold copies of the file
they convert; memory a Python process freed mostly stays with it. A child returns all of it to the system when it
ends, and two children use both cores. Children are forked, so they start at once, need no entry point of their
own (a bundled app has no ``python -m``) and inherit what the parent set up (tests' monkeypatches included); the
parent's memory is shared with them, not copied. Where there is no ``fork`` (Windows) the jobs run here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import ExportError

#: Peak memory of one builder process, per byte of the largest fp32 file: q8 of the GPT-2-small-sized benchmark
#: model peaked at 1325 MiB for its 475 MiB file (2.8; BERT-base-sized 903 for 415, fp16 1062 for 475).
CHILD_MEMORY_PER_FP32_BYTE = 2.8
#: Memory left to everything else when deciding whether two builders fit.
RESERVE_BYTES = 512 * 2**20
#: ``OES_VARIANT_PROCESSES``: 1 or 2 builder processes at a time, 0 to build in this process (benchmarks, tests).
ENV = "OES_VARIANT_PROCESSES"


@dataclass
class Job:
    fp32: str
    variants: tuple[str, ...]


@dataclass
class Outcome:
    #: variant -> its file, or None when the variant does not apply to the job's file.
    built: dict[str, str | None] = field(default_factory=dict)
    #: ``log``'s arguments, in order, replayed in the parent.
    log: list[tuple] = field(default_factory=list)


def how_many(largest_fp32_bytes: int) -> int:
    """Builder processes at a time: 2 where two cores are idle enough and the memory for two builders is there,
    else 1; 0 where processes cannot be forked (the jobs then run in this process)."""
    wanted = os.environ.get(ENV, "").strip()
    if wanted in ("0", "1", "2"):
        return int(wanted) if hasattr(os, "fork") or wanted == "0" else 0
    if not hasattr(os, "fork"):
        return 0
    from ..machine import memory_available

    available, _total = memory_available()
    two = 2 * CHILD_MEMORY_PER_FP32_BYTE * largest_fp32_bytes + RESERVE_BYTES
    cores = os.cpu_count() or 1
    # A second builder gains only where the machine has a core to give it (docs/benchmarks.md, 2 cores: at load 2
    # two builders took BERT-base-sized's post-process from 26 to 14 s; at load 4-5 they were slower than one).
    idle = _load_average() < cores + 1.5
    return 2 if cores >= 2 and idle and available is not None and available >= two else 1


def _load_average() -> float:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return 0.0


def run_jobs(jobs: list[Job], work: Callable[[Job], Outcome], processes: int, cancel: Any = None) -> list[Outcome]:
    """``work(job)`` for every job, ``processes`` at a time in forked children (0: here, in order). Outcomes in the
    jobs' order. The first failure stops the others and is raised here as the child raised it: an ``ExportError``
    with its code, an ``OSError`` with its errno (a full disk stays ``disk_full``)."""
    if processes <= 0:
        outcomes = []
        for job in jobs:
            if cancel is not None and cancel.is_set():
                raise ExportError("cancelled")
            outcomes.append(work(job))
        return outcomes
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    pending = list(enumerate(jobs))
    running: dict[Any, tuple[int, Job, Any]] = {}  # connection -> (index, job, process)
    outcomes: dict[int, Outcome] = {}
    _release_free_memory()  # what the parent freed (PyTorch's weights) is not copied into every child's page tables
    try:
        while pending or running:
            while pending and len(running) < processes:
                index, job = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(send, work, job), daemon=True)
                process.start()
                send.close()
                running[receive] = (index, job, process)
            for conn in wait(list(running), timeout=0.2):
                index, job, process = running.pop(conn)
                try:
                    message = conn.recv()
                except EOFError:
                    message = ("died", None)
                conn.close()
                process.join()
                if message[0] != "ok":
                    raise _failure(message, job, process.exitcode)
                outcomes[index] = message[1]
            if cancel is not None and cancel.is_set():
                raise ExportError("cancelled")
    finally:
        for _conn, (_index, _job, process) in running.items():
            process.kill()
            process.join()
    return [outcomes[i] for i in range(len(jobs))]


def _child(send, work: Callable[[Job], Outcome], job: Job) -> None:
    try:
        try:
            message: tuple = ("ok", work(job))
        except ExportError as exc:
            message = ("coded", exc.code, exc.params)
        except OSError as exc:
            message = ("os", exc.errno, exc.strerror, exc.filename)
        except BaseException as exc:  # noqa: BLE001 - whatever it was, the parent raises it with its words
            message = ("other", type(exc).__name__, str(exc))
        send.send(message)
    finally:
        send.close()


def _failure(message: tuple, job: Job, exitcode: int | None) -> BaseException:
    kind = message[0]
    if kind == "coded":
        return ExportError(message[1], **message[2])
    if kind == "os":
        return OSError(message[1], message[2], message[3]) if message[1] is not None else OSError(message[2])
    if kind == "other":
        return RuntimeError(f"{message[1]}: {message[2]}")
    killed = exitcode is not None and exitcode < 0 and -exitcode == 9
    reason = ("its process was killed (out of memory?)" if killed else f"its process ended with status {exitcode}")
    return ExportError("variant_failed", variant=",".join(job.variants), file=job.fp32, reason=reason)


def _release_free_memory() -> None:
    """Give the pages glibc's allocator holds free back to the system (Linux; elsewhere nothing)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass

