"""`divert tick`: turn computed deadlines into reminders and notices. Run it every few minutes (cron, a timer)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from divert.casework.reminders import send_task_reminders
from divert.referrals.actions import record_lapses, send_intake_reminders


class Command(BaseCommand):
    help = ("Send intake-deadline reminders, record lapsed intake deadlines and remind workers of tasks due. "
            "Safe to run as often as you like.")

    def handle(self, *args, **options):
        now = timezone.now()
        reminded = send_intake_reminders(now)
        lapsed = record_lapses(now)
        tasks = send_task_reminders(now)
        self.stdout.write(f"intake reminders sent for {reminded} referrals; {lapsed} intake deadlines lapsed; "
                          f"{tasks} task reminders sent")
