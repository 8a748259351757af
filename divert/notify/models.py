"""Notifications: one row per recipient, the inbox entry and the record of what email and SMS did with it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    NOT_SENT = "not_sent", _("not sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    NO_ADDRESS = "no_address", _("no address")


class Notification(models.Model):
    """Something needs a staff member's attention. Carries no casework: only a title, a line and a link."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(_("email"), max_length=20, choices=Delivery.choices, default=Delivery.NOT_SENT)
    sms_status = models.CharField(_("text message"), max_length=20, choices=Delivery.choices,
                                  default=Delivery.NOT_SENT)
    # Lets a periodic job call notify() again without notifying anyone twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="one_notification_per_dedupe_key"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} for {self.recipient_id}"

    @property
    def unread(self) -> bool:
        return self.read_at is None
