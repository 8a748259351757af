"""`divert export-hmis OUT --from DATE --to DATE`: the HUD HMIS CSV export, to a zip file or a directory."""

import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from divert.interop.hmis import SetupMissing


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = ("Export the participants who consented to HMIS sharing in the HUD HMIS CSV format (FY2024) for the "
            "continuum of care: to OUT.zip, or as CSV files into the directory OUT. Each participant exported is "
            "logged as a disclosure against the release that allowed it.")

    def add_arguments(self, parser):
        parser.add_argument("out", help="a .zip file to write, or a directory for the CSV files")
        parser.add_argument("--from", dest="period_from", required=True, help="first day of the period, YYYY-MM-DD")
        parser.add_argument("--to", dest="period_to", required=True, help="last day of the period, YYYY-MM-DD")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, out, period_from, period_to, quiet, **options):
        from divert.interop.actions import do_export_hmis
        from divert.interop.models import HmisExport

        start, end = _day(period_from), _day(period_to)
        if end < start:
            raise CommandError("--to is before --from")
        target = Path(out)
        as_zip = target.suffix.lower() == ".zip"
        if as_zip and target.exists():
            raise CommandError(f"{target} already exists; nothing was written")
        if not as_zip and target.exists() and any(target.iterdir()):
            raise CommandError(f"the directory {target} is not empty; nothing was written")

        def progress(done: int, total: int) -> None:
            if not quiet and (done == total or done % 100 == 0):
                self.stderr.write(f"  participants checked: {done:,}/{total:,}", ending="\r" if done < total else "\n")

        try:
            record, data = do_export_hmis(start, end, actor=None, via=HmisExport.Via.COMMAND, progress=progress)
        except SetupMissing as exc:
            raise CommandError(str(exc)) from None
        if as_zip:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        else:
            target.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(BytesIO(data)) as archive:
                archive.extractall(target)
        rows = ", ".join(f"{name} {count}" for name, count in record.rows.items())
        self.stdout.write(f"Exported {record.persons} participants to {target} (export {record.export_id}): {rows}.")
