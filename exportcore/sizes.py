"""Sizes as the Hub shows them, in decimal units: the one way every message of ours says a size (the pre-flight's
figures, ``disk_full``, ``insufficient_memory``, download progress, the app). Light: no imports."""

from __future__ import annotations


def format_size(num_bytes: int | None) -> str:
    """Human-readable size in decimal units, as the Hub shows them ("1.2 MB"); "?" when unknown."""
    if num_bytes is None:
        return "?"
    value = float(num_bytes)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
