"""`divert tick`: turn computed deadlines into reminders and notices. Run it every few minutes (cron, a timer).

The jobs are registered by the apps that own them (divert.lib.jobs); each is safe to run as often as you like.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from divert.lib.jobs import jobs


class Command(BaseCommand):
    help = ("Send the reminders and notices that deadlines call for: intake deadlines, lapses, tasks, meetings, "
            "renewals, digests. Safe to run as often as you like.")

    def handle(self, *args, **options):
        now = timezone.now()
        lines = [job.summary.format(n=job.run(now)) for job in jobs()]
        self.stdout.write("; ".join(lines))
