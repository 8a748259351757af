"""`divert tick`: turn computed deadlines into reminders and notices. Run it every few minutes (cron, a timer)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from divert.referrals.actions import record_lapses, send_intake_reminders


class Command(BaseCommand):
    help = "Send intake-deadline reminders and record lapsed intake deadlines. Safe to run as often as you like."

    def handle(self, *args, **options):
        now = timezone.now()
        reminded = send_intake_reminders(now)
        lapsed = record_lapses(now)
        self.stdout.write(f"intake reminders sent for {reminded} referrals; {lapsed} intake deadlines lapsed")
