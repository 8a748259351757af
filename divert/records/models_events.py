"""Models of justice events, alerts and comparison data (the events area).

A `JusticeEvent` is one linked feed row on a person: a booking (with its release, hence its jail days), a release, an
arrest, a charge or a disposition. It is known by where it came from (profile, kind, source key), so linking a row
again, or importing it again, finds the same event, and a corrected row (the next revision) updates it.

People in the feeds who are not participants become `ComparisonSubject`s once the review window has passed: a
salted pseudonym, birth year, sex and race, and their `ComparisonEvent`s (kind, date, offense, severity, jail days).
No names, no identifiers, no raw rows. See docs/justice-events.md.
"""

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.records.models import Kind, Severity

__all__ = ["ComparisonEvent", "ComparisonKey", "ComparisonSubject", "JusticeEvent", "custody_days"]


def custody_days(booked_on: date, released_on: date) -> int:
    """Jail days of one stay: the nights in custody counted on the site's calendar, a same-day release counting
    one. Dates, not hours, so a stay across a clock change counts the same as any other."""
    return max(1, (released_on - booked_on).days)


class JusticeEvent(models.Model):
    person = models.ForeignKey("participants.Person", on_delete=models.CASCADE, related_name="justice_events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    # The day on the site's calendar (settings.TIME_ZONE): what jail days and outcome windows count in.
    occurred_on = models.DateField(_("day"))

    booking_number = models.CharField(_("booking number"), max_length=64, blank=True)
    case_number = models.CharField(_("case number"), max_length=64, blank=True)
    agency = models.CharField(_("agency"), max_length=100, blank=True)
    charge_code = models.CharField(_("charge code"), max_length=64, blank=True)
    charge_description = models.CharField(_("charge"), max_length=300, blank=True)
    offense_category = models.CharField(_("offense category"), max_length=60, blank=True)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices, blank=True)
    warrant = models.BooleanField(_("on a warrant only"), null=True, blank=True)
    release_reason = models.CharField(_("release reason"), max_length=40, blank=True)
    disposition = models.CharField(_("disposition"), max_length=40, blank=True)

    # A booking: its release once known; jail days are stored when it closes (an open one counts up to today).
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    jail_days = models.PositiveIntegerField(_("jail days"), null=True, blank=True)
    # A release: the booking it ends; a release with none known is kept and flagged.
    booking = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="releases",
                                limit_choices_to={"kind": Kind.BOOKING})
    unmatched_release = models.BooleanField(_("release without a known booking"), default=False)

    # Where it came from: (profile, kind, source key) is the event's identity at its source.
    source_profile = models.ForeignKey("records.ImportProfile", on_delete=models.PROTECT, related_name="+")
    source_key = models.CharField(max_length=255)
    source_revision = models.PositiveIntegerField(default=1)
    staged = models.ForeignKey("records.StagedRecord", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="justice_events")

    # What the event set off: the alert to the team, the legal matter a new charge recorded.
    alerted_at = models.DateTimeField(null=True, blank=True)
    legal_matter = models.ForeignKey("coordination.LegalMatter", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="justice_events")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_profile", "kind", "source_key"], name="justice_event_source_once"),
        ]
        indexes = [
            models.Index(fields=["person", "kind", "occurred_on"]),
            models.Index(fields=["kind", "occurred_on"]),
            models.Index(fields=["person", "booking_number"]),
            # Covers what the outcomes read of every event (the evaluation's scan, each person's counts before
            # and after referral), so those passes read this narrow index, not the wide rows.
            models.Index(fields=["person", "kind", "occurred_on", "severity", "released_on", "jail_days"],
                         name="justice_event_outcomes"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"

    @property
    def is_open_booking(self) -> bool:
        return self.kind == Kind.BOOKING and self.released_on is None

    def jail_days_on(self, today: date | None = None) -> int | None:
        """A booking's jail days: stored once released; while open, counted as if released `today`."""
        if self.kind != Kind.BOOKING:
            return None
        if self.released_on is not None:
            return custody_days(self.occurred_on, self.released_on)
        return custody_days(self.occurred_on, today or timezone.localdate())


class ComparisonSubject(models.Model):
    """Someone in the feeds who is not a participant, as the outcomes' comparison group needs them: no identity."""

    # HMAC-SHA256 (site key) of their strongest identifier, or of their normalised name and date of birth.
    pseudonym = models.CharField(max_length=64, unique=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    race = models.CharField(max_length=1, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The retention rule counts from here.
    last_event_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"comparison subject {self.pk}"


class ComparisonKey(models.Model):
    """Every pseudonymised identifier a subject was seen with, so later rows carrying any one of them join it."""

    subject = models.ForeignKey(ComparisonSubject, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.key[:12]


class ComparisonEvent(models.Model):
    subject = models.ForeignKey(ComparisonSubject, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    occurred_on = models.DateField()
    # The statute code decides whether a charge was divertible under the protocol; it names no one.
    charge_code = models.CharField(max_length=64, blank=True)
    offense_category = models.CharField(max_length=60, blank=True)
    severity = models.CharField(max_length=12, choices=Severity.choices, blank=True)
    disposition = models.CharField(max_length=40, blank=True)
    # A booking: pseudonymised booking number (a later release finds it), release day and jail days once released.
    booking_key = models.CharField(max_length=64, blank=True, db_index=True)
    released_on = models.DateField(null=True, blank=True)
    jail_days = models.PositiveIntegerField(null=True, blank=True)
    # HMAC of (profile, kind, source key): running the job again, or a corrected row, finds the same event.
    source_hash = models.CharField(max_length=64, unique=True)
    source_revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["subject", "occurred_on", "id"]
        indexes = [models.Index(fields=["kind", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"
