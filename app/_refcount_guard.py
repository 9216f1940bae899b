"""Work around a reference-count bug of PySide6 6.12.0 on Python < 3.12 (measured here, 2026-11).

With PySide6-Essentials/shiboken6 6.12.0 (abi3 wheels) on CPython 3.11, every call of a void Qt method from Python
(``setText``, ``setChecked``, ``setEnabled``, …) releases one reference to ``None`` that it never took, and some
bool conversions do the same to ``True``/``False``. On Python 3.12+ these singletons are immortal and nothing
happens; on 3.11 the process aborts ("Fatal Python error: none_dealloc") once ``None``'s count reaches zero — after a
few tens of thousands of calls, i.e. minutes of real use or one test session. 6.11.3 does not have the bug.

The guard makes the three singletons practically immortal, as 3.12 does, by raising their reference counts by 2**40
(never freed anyway: they are static objects). It only acts on the affected combination.
"""

from __future__ import annotations

import sys

_BUMP = 1 << 40
_done = False


def affected(version: str, python: tuple[int, int] = sys.version_info[:2]) -> bool:
    return python < (3, 12) and version.startswith("6.12.")


def apply() -> bool:
    global _done
    if _done:
        return True
    try:
        import shiboken6
    except ImportError:
        return False
    if not affected(str(getattr(shiboken6, "__version__", ""))):
        return False
    if sys.implementation.name != "cpython":
        return False
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BUMP  # ob_refcnt is the first field of PyObject
    _done = True
    return True
