"""What the import commands share: the progress line, the summary line, finding a profile."""

import time
from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from divert.records.models import FeedImport, ImportProfile, ImportStatus
from divert.records.report import save_report


def progress_printer(stream):
    started = time.monotonic()
    write = partial(stream.write, ending="") if isinstance(stream, OutputWrapper) else stream.write

    def show(imp: FeedImport) -> None:
        rate = imp.rows_read / max(time.monotonic() - started, 1e-6)
        percent = f"{imp.percent}%, " if imp.percent is not None and not imp.done else ""
        end = "\n" if imp.done else "\r"
        write(f"{imp.file_name}: {imp.rows_read:,} rows ({percent}{rate:,.0f} rows/s){end}")
        stream.flush()

    return show


def summary_line(imp: FeedImport) -> str:
    return (f"Import #{imp.pk} {imp.get_status_display().lower()}: {imp.rows_read:,} rows read, {imp.rows_added:,} "
            f"new, {imp.rows_corrected:,} corrections, {imp.rows_unchanged:,} already imported, "
            f"{imp.rows_repeated:,} repeated, {imp.rows_bad:,} bad ({imp.rows_quarantined:,} quarantined), "
            f"{imp.rows_warned:,} kept with warnings.")


def get_profile(slug: str) -> ImportProfile:
    profile = ImportProfile.objects.filter(slug=slug).first()
    if profile is None:
        known = ", ".join(ImportProfile.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No import profile {slug!r} (known: {known}). `divert import-profiles` loads the shipped "
                           "ones; `divert import-profiles --file P.json` adds your own.")
    return profile


def finish(command: BaseCommand, imp: FeedImport, report_path: Path | None) -> None:
    command.stdout.write(summary_line(imp))
    if imp.status == ImportStatus.FINISHED:
        if (imp.rows_quarantined or imp.rows_warned) and report_path:
            save_report(imp, report_path)
            command.stdout.write(f"Quarantined rows and warnings are listed in {report_path}")
        return
    if report_path:
        save_report(imp, report_path)
    where = f" The report is at {report_path}" if report_path else ""
    raise CommandError(f"{imp.message}{where}")
