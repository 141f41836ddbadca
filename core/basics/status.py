"""The status of a run, from queued to its end. On disk and in links it is the plain string value."""
from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """A str: compares equal to its value ("finished") and is written to JSON as it."""

    QUEUED = "queued"  # waiting for a free slot
    RUNNING = "running"
    FINISHED = "finished"  # every epoch done
    STOPPED = "stopped"  # ended early when asked; the weights so far are kept
    DIVERGED = "diverged"  # the loss blew up; the last good weights are kept
    FAILED = "failed"  # an error ended it
    INTERRUPTED = "interrupted"  # the process that trained it ended while it was live (read from disk)
    IMPORTED = "imported"  # uploaded weights, never trained here

    @property
    def is_live(self) -> bool:
        """Queued or running: the run may still change."""
        return self in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def trained_a_model(self) -> bool:
        """Training ran and left a usable model (finished, stopped or diverged)."""
        return self in (RunStatus.FINISHED, RunStatus.STOPPED, RunStatus.DIVERGED)

    @classmethod
    def read(cls, value: object) -> "RunStatus":
        """The status a status.json holds; an unknown or missing value reads as failed."""
        try:
            return cls(value)
        except ValueError:
            return cls.FAILED
