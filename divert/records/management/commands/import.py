"""`divert import <kind> FILE --profile P`: import one justice-data file, with progress, from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from divert.records.commandline import finish, get_profile, progress_printer
from divert.records.importer import ProfileBusy, create_import, run_import
from divert.records.profiles import KINDS
from divert.records.report import report_name


class Command(BaseCommand):
    help = "Import a justice-data file (bookings, releases, arrests, charges, dispositions) through a profile."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*KINDS, "mixed"],
                            help='what the file holds; "mixed" when its rows say their own kind')
        parser.add_argument("file", type=Path)
        parser.add_argument("--profile", required=True, help="the import profile's short name")
        parser.add_argument("--report", type=Path, help="where to write the problem report (default: beside the "
                                                        "file, as FILE.errors.csv)")
        parser.add_argument("--quiet", action="store_true", help="no progress line")

    def handle(self, *args, kind, file: Path, profile: str, report: Path | None, quiet: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        prof = get_profile(profile)
        try:
            imp = create_import(profile=prof, path=file.resolve(), kind=kind, via="cli")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            imp = run_import(imp, progress=None if quiet else progress_printer(self.stderr))
        except ProfileBusy as exc:
            raise CommandError(f"Not started: {exc}. Import #{imp.pk} waits; `divert tick` runs it later.") from None
        finish(self, imp, report or file.with_name(report_name(imp)))
