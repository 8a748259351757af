from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Audit codes of this app (registered with divert.audit.codes at start-up).
CODES = {
    "divert.notification.preferences_changed": _("changed how they are notified"),
    "divert.notification.digest_sent": _("sent the daily notification digests"),
}


class NotifyConfig(AppConfig):
    name = "divert.notify"
    label = "notify"

    def ready(self) -> None:
        from divert.audit.codes import register as register_codes
        from divert.lib.jobs import register as register_job
        from divert.notify import checks  # noqa: F401 - registers the system checks
        from divert.notify.actions import send_daily_digests

        register_codes(CODES)
        # Last: digests list what the other jobs of the same run notified.
        register_job("daily digests", send_daily_digests, order=900, summary="{n} daily digests sent")
