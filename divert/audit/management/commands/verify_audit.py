import sys

from django.core.management.base import BaseCommand, CommandError

from divert.audit.log import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain. Exits 0 when intact, 1 naming the first broken event."

    def handle(self, *args, **options):
        report = verify_chain(progress=lambda n: sys.stderr.write(f"checked {n:,} events\r"))
        if report.intact:
            self.stdout.write(f"Audit trail intact: {report.checked:,} events checked.")
            return
        raise CommandError(
            f"Audit trail broken at event #{report.broken_event_id}: {report.problem}. "
            f"{report.checked:,} events before it are intact."
        )
