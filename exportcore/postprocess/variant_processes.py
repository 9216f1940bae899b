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
from typing import Any, Callable, Iterator

from ..allocator import release_free_memory, reuse_freed_memory
from ..errors import ExportError

#: Peak memory of one builder process when two run at once, per byte of the largest fp32 file. Each then keeps all it
#: freed (``allocator.reuse_freed_memory``): 1645 MiB for the GPT-2-small-sized benchmark model's 475 MiB file, 1164
#: for BERT-base-sized's 415 (3.46 and 2.8; 1882 and 1704 before each file was written without protobuf measuring
#: it by serializing it, decision 204). 3.8 leaves a margin for models unlike these two, and for a file written
#: from protobuf's own serialization (unknown fields), which costs one more copy of it.
CHILD_MEMORY_PER_FP32_BYTE = 3.8
#: What validating variants beside the builders adds: an fp32 session and two variant sessions (two threads),
#: PyTorch's references.
VALIDATION_MEMORY_PER_FP32_BYTE = 3.0
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


def validate_alongside(processes: int, largest_fp32_bytes: int) -> bool:
    """Whether this process validates each variant as soon as it is built, while the builders go on (decision 199):
    with two builders, when the memory for them and for validation's sessions is there too."""
    if processes < 2:
        return False
    from ..machine import memory_available

    available, _total = memory_available()
    needed = (2 * CHILD_MEMORY_PER_FP32_BYTE + VALIDATION_MEMORY_PER_FP32_BYTE) * largest_fp32_bytes + RESERVE_BYTES
    return available is not None and available >= needed


def _load_average() -> float:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return 0.0


def run_jobs(jobs: list[Job], work: Callable[[Job], Outcome], processes: int, cancel: Any = None,
             on_outcome: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:
    """``work(job)`` for every job, ``processes`` at a time in forked children (0: here, in order). Outcomes in the
    jobs' order; ``on_outcome(index, outcome)`` is called as each job finishes. The first failure stops the others
    and is raised here as the child raised it: an ``ExportError`` with its code, an ``OSError`` with its errno (a
    full disk stays ``disk_full``)."""
    outcomes: dict[int, Outcome] = {}

    def finished(index: int, outcome: Outcome) -> None:
        outcomes[index] = outcome
        if on_outcome is not None:
            on_outcome(index, outcome)

    if processes <= 0:
        for index, job in enumerate(jobs):
            if cancel is not None and cancel.is_set():
                raise ExportError("cancelled")
            finished(index, work(job))
        return [outcomes[i] for i in range(len(jobs))]
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    pending = list(enumerate(jobs))
    running: dict[Any, tuple[int, Job, Any]] = {}  # connection -> (index, job, process)
    release_free_memory()  # what the parent freed (PyTorch's weights) is not copied into every child's page tables
    try:
        while pending or running:
            while pending and len(running) < processes:
                index, job = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                # Two builders run only where the memory is there: each then trades some of it for speed (198).
                process = context.Process(target=_child, args=(send, work, job, processes >= 2), daemon=True)
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
                finished(index, message[1])
            if cancel is not None and cancel.is_set():
                raise ExportError("cancelled")
    finally:
        for _conn, (_index, _job, process) in running.items():
            process.kill()
            process.join()
    return [outcomes[i] for i in range(len(jobs))]


class InBackground:
    """``run_jobs`` in a forked manager process, so that this process can go on (validate what is built) while the
    jobs run; ``outcomes()`` yields (job index, outcome) in the order the jobs finish.

    The manager forks the builders itself: this process forks once, before it loads anything else, and never while
    its own onnxruntime sessions run threads. ``stop()`` ends the manager, which kills its builders; should this
    process die, the kernel ends the manager and the builders with it (``_die_with_parent``)."""

    def __init__(self, jobs: list[Job], work: Callable[[Job], Outcome], processes: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.jobs = jobs
        self.receive, send = context.Pipe(duplex=False)
        release_free_memory()
        # Not a daemon: multiprocessing forbids a daemon children of its own. ``stop`` always ends it.
        self.process = context.Process(target=_manage, args=(send, jobs, work, processes))
        self.process.start()
        send.close()

    def outcomes(self, cancel: Any = None) -> Iterator[tuple[int, Outcome]]:
        for _ in self.jobs:
            while not self.receive.poll(0.2):
                if cancel is not None and cancel.is_set():
                    raise ExportError("cancelled")
            try:
                message = self.receive.recv()
            except EOFError:  # the manager itself was killed
                self.process.join()
                everything = Job(", ".join(dict.fromkeys(job.fp32 for job in self.jobs)),
                                 tuple(dict.fromkeys(v for job in self.jobs for v in job.variants)))
                raise _failure(("died", None), everything, self.process.exitcode) from None
            if message[0] != "ok":
                raise _failure(message, None, None)
            yield message[1]

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
        self.process.join()
        self.receive.close()


def _manage(send, jobs: list[Job], work: Callable[[Job], Outcome], processes: int) -> None:
    import signal
    import sys

    _die_with_parent(signal.SIGTERM)
    # SIGTERM (``stop``, or this process's parent gone) unwinds run_jobs, whose ``finally`` kills the builders.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        try:
            run_jobs(jobs, work, processes, on_outcome=lambda index, outcome: send.send(("ok", (index, outcome))))
        except SystemExit:
            pass  # ``stop``: the builders are killed; nothing to say, and the parent may no longer read the pipe
        except BaseException as exc:  # noqa: BLE001 - sent as it came: the parent raises it
            send.send(getattr(exc, "child_message", None) or _message(exc))
    finally:
        send.close()


def _die_with_parent(signum: int) -> None:
    """Linux: the kernel sends ``signum`` to this process when the process that forked it ends."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(send, work: Callable[[Job], Outcome], job: Job, reuse_memory: bool) -> None:
    import signal

    _die_with_parent(signal.SIGKILL)
    if reuse_memory:
        reuse_freed_memory()
    try:
        try:
            message: tuple = ("ok", work(job))
        except BaseException as exc:  # noqa: BLE001 - whatever it was, the parent raises it with its words
            message = _message(exc)
        send.send(message)
    finally:
        send.close()


def _message(exc: BaseException) -> tuple:
    """A failure as it travels from a child to its parent (``_failure`` makes it an exception again)."""
    if isinstance(exc, ExportError):
        return ("coded", exc.code, exc.params)
    if isinstance(exc, OSError):
        return ("os", exc.errno, exc.strerror, exc.filename)
    return ("other", type(exc).__name__, str(exc))


def _failure(message: tuple, job: Job | None, exitcode: int | None) -> BaseException:
    """The exception a child's failure message stands for; it keeps the message (``child_message``), so that a
    manager passes it on unchanged."""
    exc = _exception(message, job or Job("", ()), exitcode)
    exc.child_message = message if message[0] == "other" else _message(exc)  # type: ignore[attr-defined]
    return exc


def _exception(message: tuple, job: Job, exitcode: int | None) -> BaseException:
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
