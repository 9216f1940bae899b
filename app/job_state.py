"""The states of an export job, how a worker's exit status maps to them, and how the app colours and words them."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QCoreApplication


class JobState(StrEnum):
    """Where an export job is. A str, so that saved history entries and signals carry the plain word."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    VALIDATION_FAILED = "validation_failed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    CRASHED = "crashed"

    @property
    def is_done(self) -> bool:
        return self not in (JobState.QUEUED, JobState.RUNNING)


#: outcome per worker exit status (docs/interfaces.md)
EXIT_OUTCOMES = {0: JobState.SUCCEEDED, 1: JobState.VALIDATION_FAILED, 2: JobState.FAILED, 3: JobState.FAILED,
                 130: JobState.CANCELLED}

STATE_COLOURS = {
    JobState.QUEUED: "#757575", JobState.RUNNING: "#1565c0", JobState.SUCCEEDED: "#2e7d32",
    JobState.VALIDATION_FAILED: "#c62828", JobState.FAILED: "#c62828", JobState.CRASHED: "#c62828",
    JobState.CANCELLED: "#ef6c00",
}


def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, "#000000")  # type: ignore[call-overload]


def state_text(state: str) -> str:
    """The state in words (a history entry may hold a state this version does not know: shown as it is)."""
    translate = QCoreApplication.translate
    return {
        JobState.QUEUED: translate("JobState", "queued"),
        JobState.RUNNING: translate("JobState", "running"),
        JobState.SUCCEEDED: translate("JobState", "succeeded"),
        JobState.VALIDATION_FAILED: translate("JobState", "validation failed"),
        JobState.FAILED: translate("JobState", "failed"),
        JobState.CRASHED: translate("JobState", "crashed"),
        JobState.CANCELLED: translate("JobState", "cancelled"),
    }.get(state, state)  # type: ignore[call-overload]
