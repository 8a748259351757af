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
    HELD_FOR_DIGEST = "digest", _("held for the daily digest")
    TURNED_OFF = "off", _("turned off by the recipient")


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


class EmailPreference(models.TextChoices):
    EACH = "each", _("Each time")
    DIGEST = "digest", _("A daily digest")
    NONE = "none", _("No email")


class SMSPreference(models.TextChoices):
    URGENT = "urgent", _("Urgent only (a hand-off: an officer is waiting)")
    NONE = "none", _("No text messages")


class NotificationPreference(models.Model):
    """How a user wants to hear about notifications beyond the inbox, which always has them. No row: the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email = models.CharField(_("email"), max_length=10, choices=EmailPreference.choices, default=EmailPreference.EACH)
    sms = models.CharField(_("text messages"), max_length=10, choices=SMSPreference.choices,
                           default=SMSPreference.URGENT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(email__in=EmailPreference.values), name="preference_email_valid"),
            models.CheckConstraint(condition=models.Q(sms__in=SMSPreference.values), name="preference_sms_valid"),
        ]

    def __str__(self) -> str:
        return f"email {self.email}, sms {self.sms} for {self.user_id}"


class Digest(models.Model):
    """One daily digest email to one user: at most one a day (the constraint is the lock between two ticks)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    count = models.PositiveIntegerField(_("notifications listed"), default=0)
    status = models.CharField(_("email"), max_length=20, choices=Delivery.choices, default=Delivery.NOT_SENT)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_user_per_day")]

    def __str__(self) -> str:
        return f"digest of {self.day} for {self.recipient_id}"
