"""What the interop app keeps: the HMIS exports made, and the webhook endpoints with their delivery log."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HmisExport(models.Model):
    """One export to the continuum of care's HMIS: when, by whom, for which period, and how many records went."""

    class Via(models.TextChoices):
        WEB = "web", _("Web page")
        COMMAND = "command", _("Command line")

    export_id = models.CharField(_("export id"), max_length=32, unique=True)
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("made by"))
    via = models.CharField(_("made from"), max_length=10, choices=Via.choices)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    persons = models.PositiveIntegerField(_("participants"))
    # File name -> number of data rows.
    rows = models.JSONField(_("rows per file"), default=dict)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"HMIS export {self.export_id}"

    @property
    def enrollments(self) -> int:
        return self.rows.get("Enrollment.csv", 0)

    @property
    def exits(self) -> int:
        return self.rows.get("Exit.csv", 0)

    @property
    def services(self) -> int:
        return self.rows.get("Services.csv", 0)


class WebhookEvent(models.TextChoices):
    REFERRAL_CREATED = "referral.created", _("Referral created")
    ENROLLMENT_CHANGED = "enrollment.changed", _("Enrollment changed (opened, status, case manager)")
    ALERT_RAISED = "alert.raised", _("Alert raised (justice-data update)")


class WebhookEndpoint(models.Model):
    """A URL the site administrator configured to receive signed event notices. The secret is shown once, when it
    is made; it is kept because every delivery is signed with it."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(_("why it is off"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(e, e)) for e in self.events]


class WebhookDelivery(models.Model):
    """One event for one endpoint, tried until it is delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("took (ms)"), default=0)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"attempt at {self.at:%Y-%m-%d %H:%M} ({self.status_code or self.error})"
