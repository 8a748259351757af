import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from divert.demo.seed import clear_participants, seed_people, seed_site


def progress_printer(stream, label: str):
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-6)
        end = "\n" if done >= total else "\r"
        stream.write(f"{label}: {done:,}/{total:,} ({100 * done // max(total, 1)}%, {rate:,.0f}/s){end}")
        stream.flush()

    return show


def stage_printer(stream):
    """Announce each step after the participants, and how long the one before it took."""
    started: list[float] = []

    def announce(label: str) -> None:
        now = time.monotonic()
        if started:
            stream.write(f"  done in {now - started[0]:.0f} s\n")
        stream.write(f"{label}...\n")
        stream.flush()
        started[:] = [now]

    return announce


class Command(BaseCommand):
    help = "Fill the database with a deterministic synthetic site (agencies, staff, participants)."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="remove existing participants first")
        parser.add_argument("--people-only", action="store_true",
                            help="only persons with their aliases and identifiers (as many as --participants), "
                                 "drawn as the full seed draws them; added to what the database holds")
        parser.add_argument("--enrolled", type=int, default=0,
                            help="with --people-only: how many of them also get enrollments and case managers")
        parser.add_argument("--events", type=int, default=None,
                            help="synthetic justice events before and after referral (default: 12 a participant)")

    def handle(self, *args, participants: int, seed: int, reset: bool, people_only: bool = False, enrolled: int = 0,
               events: int | None = None, **options):
        if events is not None and not 0 <= events <= 100_000_000:
            raise CommandError("--events must be between 0 and 100,000,000")
        if settings.PRODUCTION:
            # The seeder creates accounts with the published demo password.
            raise CommandError("divert seed never runs in production (DIVERT_ENV=production): it creates demo "
                               "accounts with a published password.")
        if reset:
            clear_participants()
        if people_only:
            try:
                report = seed_people(participants, seed, enrolled=enrolled,
                                     progress=progress_printer(sys.stderr, "people"))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Seeded {participants:,} people, {report.participants:,} of them enrolled "
                              f"({report.enrollments:,} enrollments, {report.staff:,} case managers; seed {seed}).")
            return
        if enrolled:
            raise CommandError("--enrolled goes with --people-only")
        try:
            report = seed_site(participants, seed, progress=progress_printer(sys.stderr, "participants"),
                               stage=stage_printer(sys.stderr), events=events,
                               events_progress=progress_printer(sys.stderr, "justice events"))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Seeded {report.participants:,} participants ({report.enrollments:,} enrollments), "
            f"{report.staff:,} case managers, {report.agencies} agencies (seed {seed})."
        )
