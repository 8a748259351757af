"""`divert import-drop DIR --profile P`: import each file left in a drop folder once (for a nightly cron job).

Done files move to DIR/done/, refused ones to DIR/rejected/ with their report beside them. A file still being
written is left for the next run: only files unchanged for --settle seconds are taken, and names ending in
.part or .tmp or starting with a dot are ignored.
"""

import shutil
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from divert.records.commandline import get_profile, progress_printer, summary_line
from divert.records.importer import ProfileBusy, create_import, run_import
from divert.records.models import ImportStatus
from divert.records.profiles import KINDS
from divert.records.report import report_name, save_report

IGNORED_SUFFIXES = (".part", ".tmp", ".partial", ".errors.csv")


def waiting_files(folder: Path, settle: int) -> list[Path]:
    now = time.time()
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(IGNORED_SUFFIXES)
        and now - p.stat().st_mtime >= settle
    )


def move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():  # a file of the same name came before: keep both
        target = folder / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), target)
    return target


class Command(BaseCommand):
    help = "Import every new file in a drop folder through one profile, moving each to done/ or rejected/."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--profile", required=True)
        parser.add_argument("--kind", choices=[*KINDS, "mixed"], default="mixed")
        parser.add_argument("--settle", type=int, default=60,
                            help="seconds a file must be unchanged before it is taken (default 60)")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, folder: Path, profile: str, kind: str, settle: int, quiet: bool, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        prof = get_profile(profile)
        refused = 0
        files = waiting_files(folder, settle)
        for path in files:
            try:
                imp = create_import(profile=prof, path=path.resolve(), kind=kind, via="drop folder")
                imp = run_import(imp, progress=None if quiet else progress_printer(self.stderr))
            except ProfileBusy as exc:
                self.stderr.write(f"{path.name}: left for the next run ({exc}).")
                continue
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{path.name}: {summary_line(imp)}")
            if imp.status == ImportStatus.FINISHED:
                done = move(path, folder / "done")
                if imp.rows_quarantined or imp.rows_warned:
                    save_report(imp, done.with_name(report_name(imp)))
            else:
                refused += 1
                moved = move(path, folder / "rejected")
                report = save_report(imp, moved.with_name(report_name(imp)))
                self.stderr.write(f"{path.name}: refused ({imp.message}) Report: {report}")
        self.stdout.write(f"{len(files)} files taken, {refused} refused.")
        if refused:
            raise CommandError(f"{refused} of {len(files)} files were refused; see {folder / 'rejected'}.")
