"""glibc's allocator, tuned for the two kinds of process an export runs: the long-lived export process, which must
give freed weights back to the system, and the short-lived variant builders, which must not (docs/decisions.md
134 and 198). On anything but glibc every call here does nothing.
"""

from __future__ import annotations

#: mallopt's parameter numbers (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_MMAP_MAX = -4  # how many blocks may be mapped on their own; 0 takes every block, however large, from the heap

#: The export process: glibc's own default, pinned.
EXPORT_MMAP_THRESHOLD = 128 * 1024
#: A builder keeps up to this much free memory at the top of its heap: all it freed, for a builder's life is short.
BUILDER_TRIM_THRESHOLD = 2**30


def _libc():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def _mallopt(libc, parameter: int, value: int) -> None:
    try:
        libc.mallopt(parameter, value)
    except AttributeError:
        pass  # not glibc: nothing to tune


def give_freed_memory_back() -> None:
    """The export process: pin the mmap threshold at its 128 KiB default so that freed tensors go back to the system.

    glibc raises the threshold (up to 32 MiB) each time a large block is freed; after torch has freed some, later
    weight-sized blocks come from the heap and stay there when freed. Measured on BERT-base: the model freed
    before validation, onnxruntime's load then peaked 225 MB higher and the process kept 330 MB more.
    """
    libc = _libc()
    if libc is not None:
        _mallopt(libc, _M_MMAP_THRESHOLD, EXPORT_MMAP_THRESHOLD)


def reuse_freed_memory() -> None:
    """A variant builder (a forked child that ends when its files are written) when two run at once, which they do
    only where the memory is there: every block from the heap, and what it frees kept there for its next copy.

    It inherits the export process's 128 KiB threshold, under which every weight copy that protobuf and
    onnxruntime's tools make (each read of a tensor's bytes is one) is a fresh mapping, zeroed page by page by the
    kernel and unmapped when freed: GPT-2-small-sized's builders faulted 3.7 M pages and spent two thirds of their
    CPU in the kernel. With no mapping of its own for any block (glibc's largest threshold, 32 MiB, still mapped
    the tied LM head and every serialized model) and nothing trimmed below 1 GiB, a builder faults each page of
    its peak once: 1.3 M faults (decisions 198, 201). The price is memory — a builder ends at its peak instead of
    shrinking between steps, about 200 MiB more on GPT-2-small-sized — which is why a single builder, chosen where
    memory is short, keeps the export's setting and its memory.
    """
    libc = _libc()
    if libc is not None:
        _mallopt(libc, _M_MMAP_MAX, 0)
        _mallopt(libc, _M_TRIM_THRESHOLD, BUILDER_TRIM_THRESHOLD)


def release_free_memory() -> None:
    """Give the pages the allocator holds free back to the system (before forking: what the parent freed is then
    not mapped into every child)."""
    libc = _libc()
    if libc is not None:
        try:
            libc.malloc_trim(0)
        except AttributeError:
            pass
