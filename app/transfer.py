"""Download progress in bytes: how much, how fast, how long still — for the run view and the Hub pane's download.

:class:`Transfer` is one reading (the worker's ``progress`` event carries ``bytes_done``, ``bytes_total``,
``bytes_per_second``); the Hub pane's own download, which reports only bytes, measures its rate with
``exportcore.hub.TransferMeter``. The ``*_text`` functions word them (context ``Transfer``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from exportcore.events import Progress
from exportcore.hub import format_size


@dataclass(frozen=True)
class Transfer:
    done: int
    total: int | None = None
    rate: float | None = None  # bytes per second
    name: str = ""  # the file being downloaded

    @classmethod
    def from_progress(cls, ev: Progress) -> "Transfer | None":
        """The byte fields of a ``progress`` event, or None when it has none (not a download)."""
        done, total, rate = ev.bytes_done, ev.bytes_total, ev.bytes_per_second
        if not isinstance(done, (int, float)) or isinstance(done, bool):
            return None
        return cls(int(done), int(total) if isinstance(total, (int, float)) and total > 0 else None,
                   float(rate) if isinstance(rate, (int, float)) and rate > 0 else None,
                   file_of(str(ev.message or "")))

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total else None

    @property
    def seconds_left(self) -> float | None:
        if not self.total or not self.rate:
            return None
        return max(0.0, (self.total - self.done) / self.rate)


def file_of(message: str) -> str:
    """The file name in the core's "downloading <file>" message ("" when it names none, e.g. "None")."""
    words = message.split(" ", 1)
    if len(words) == 2 and words[0].lower() == "downloading":
        name = words[1].strip()
        return "" if name in ("", "None") else name
    return ""


def clean_message(message: str) -> str:
    """A progress message without a dangling "None" (the core's "downloading None" before the first file)."""
    words = message.split()
    return " ".join(w for w in words if w != "None")


def duration_text(seconds: float) -> str:
    s = int(round(seconds))
    if s < 60:
        return QCoreApplication.translate("Transfer", "%1 s").replace("%1", str(max(s, 1)))
    if s < 600:
        return (QCoreApplication.translate("Transfer", "%1 min %2 s").replace("%1", str(s // 60))
                .replace("%2", str(s % 60)))
    if s < 3600:
        return QCoreApplication.translate("Transfer", "%1 min").replace("%1", str(round(s / 60)))
    return (QCoreApplication.translate("Transfer", "%1 h %2 min").replace("%1", str(s // 3600))
            .replace("%2", str((s % 3600) // 60)))


def short_text(t: Transfer) -> str:
    """"1.2 GB of 3.5 GB · 25.3 MB/s · 1 min 32 s left" (a progress bar)."""
    if t.total:
        parts = [QCoreApplication.translate("Transfer", "%1 of %2").replace("%1", format_size(t.done))
                 .replace("%2", format_size(t.total))]
    else:
        parts = [format_size(t.done)]
    if t.rate:
        parts.append(QCoreApplication.translate("Transfer", "%1/s").replace("%1", format_size(int(t.rate))))
    left = t.seconds_left
    if left is not None:
        parts.append(QCoreApplication.translate("Transfer", "%1 left").replace("%1", duration_text(left)))
    return " · ".join(parts)


def sentence(t: Transfer) -> str:
    """"Downloading model.safetensors: 1.2 GB of 3.5 GB (34%) at 25.3 MB/s, about 1 min 32 s left." """
    if t.name:
        what = QCoreApplication.translate("Transfer", "Downloading %1:").replace("%1", t.name)
    else:
        what = QCoreApplication.translate("Transfer", "Downloading the model:")
    amount = format_size(t.done)
    if t.total:
        amount = (QCoreApplication.translate("Transfer", "%1 of %2 (%3%)").replace("%1", amount)
                  .replace("%2", format_size(t.total)).replace("%3", str(int(100 * (t.fraction or 0)))))
    text = f"{what} {amount}"
    if t.rate:
        text += QCoreApplication.translate("Transfer", " at %1/s").replace("%1", format_size(int(t.rate)))
    left = t.seconds_left
    if left is not None:
        text += QCoreApplication.translate("Transfer", ", about %1 left").replace("%1", duration_text(left))
    return text + "."
