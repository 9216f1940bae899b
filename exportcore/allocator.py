"""glibc's allocator, tuned for the two kinds of process an export runs: the long-lived export process, which must
give freed weights back to the system, and the short-lived variant builders, which must not (docs/decisions.md
134 and 198). On anything but glibc every call here does nothing.
"""

from __future__ import annotations

#: mallopt's parameter numbers (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

#: The export process: glibc's own default, pinned.
EXPORT_MMAP_THRESHOLD = 128 * 1024
#: A builder: the largest threshold glibc accepts (half its 64 MiB heap limit), so that every block up to a large
#: weight is taken from memory the process freed before, not from fresh pages the kernel must zero.
BUILDER_MMAP_THRESHOLD = 32 * 2**20
#: A builder keeps up to this much free memory at the top of its heap instead of giving it back after every large
#: free (twice the mmap threshold, as glibc's own adjustment sets it).
BUILDER_TRIM_THRESHOLD = 64 * 2**20


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
    only where the memory is there: weight-sized blocks from the heap.

    It inherits the export process's 128 KiB threshold, under which every weight copy that protobuf and
    onnxruntime's tools make (each read of a tensor's bytes is one) is a fresh mapping, zeroed page by page by the
    kernel and unmapped when freed: GPT-2-small-sized's builders faulted 3.7 M pages and spent two thirds of their
    CPU in the kernel. Blocks up to 32 MiB now come back from the heap, for about 80 MiB more at a builder's peak
    (BERT-base-sized), which is why a single builder — chosen where memory is short — keeps the export's setting.
    """
    libc = _libc()
    if libc is not None:
        _mallopt(libc, _M_MMAP_THRESHOLD, BUILDER_MMAP_THRESHOLD)
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
