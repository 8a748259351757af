import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from divert.accounts.seats import DEMO_LOGINS, DEMO_PASSWORD
from divert.demo.management.commands.seed import progress_printer, stage_printer
from divert.demo.seed import seed_site
from divert.participants.models import Person


class Command(BaseCommand):
    help = "Migrate, seed a synthetic site (once) and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--reset", action="store_true", help="throw away the demo data and start over")
        parser.add_argument("--participants", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-serve", action="store_true", help="prepare the data, print the logins, exit")

    def handle(self, *args, port, host, reset, participants, seed, no_serve, **options):
        if not settings.DIVERT_DEMO:
            raise CommandError("divert demo runs in demo mode only (DIVERT_DEMO=1); it never runs in production.")
        if reset:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if Person.objects.exists():
            self.stdout.write("Reusing the existing demo data (--reset starts over).")
        else:
            seed_site(participants, seed, progress=progress_printer(sys.stderr, "synthetic participants"),
                      stage=stage_printer(sys.stderr))
        self._print_logins(host, port)
        if not no_serve:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)

    def _reset(self) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                path = Path(f"{db['NAME']}{suffix}")
                if path.exists():
                    os.remove(path)
        else:
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("Demo data removed; starting over.")

    def _print_logins(self, host: str, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Divert demo: http://{host}:{port}/"))
        self.stdout.write(f"Sign in with any of these accounts; the password is {DEMO_PASSWORD!r} for all:")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<12} {login.label}")
        self.stdout.write("")
