"""Periodic jobs: what `divert tick` runs. Each app registers its own at start-up, so the command needs to know
none of them (a lower app's command must not import a higher app).

A job is ``fn(now) -> int`` (how many things it did) and must be safe to run as often as tick runs: reminders
carry dedupe keys, a missed day is caught up once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Job:
    order: int
    name: str
    summary: str  # "{n} task reminders sent"
    run: Callable[[datetime], int]


_jobs: dict[str, Job] = {}


def register(name: str, run: Callable[[datetime], int], *, summary: str, order: int = 100) -> None:
    """Register a job once under `name` (a second registration with the same name replaces the first)."""
    _jobs[name] = Job(order, name, summary, run)


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: (job.order, job.name))
