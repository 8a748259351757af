from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "divert.referrals"
    label = "referrals"

    def ready(self):
        from divert.lib.jobs import register
        from divert.referrals.actions import record_lapses, send_intake_reminders

        register("intake reminders", send_intake_reminders, order=10,
                 summary="intake reminders sent for {n} referrals")
        register("intake lapses", record_lapses, order=20, summary="{n} intake deadlines lapsed")
