"""`divert import-profiles`: load the shipped import profiles, or your own with --file, checking each one."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from divert.records.profiles import ProfileError, read_profile_file, save_profile, shipped_profile_files


class Command(BaseCommand):
    help = "Load or update import profiles: the shipped ones, or the JSON files given with --file."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, action="append", default=[],
                            help="a profile JSON file (repeatable); without it the shipped profiles load")
        parser.add_argument("--check", action="store_true", help="only check the files, save nothing")

    def handle(self, *args, file: list[Path], check: bool, **options):
        paths = file or shipped_profile_files()
        try:
            profiles = [read_profile_file(p) for p in paths]
        except ProfileError as exc:
            raise CommandError("The profile is not valid:\n  " + "\n  ".join(exc.problems)) from None
        for data in profiles:
            if check:
                self.stdout.write(f"{data['slug']}: valid")
                continue
            profile, outcome = save_profile(data)
            self.stdout.write(f"{profile.slug}: {outcome}")
