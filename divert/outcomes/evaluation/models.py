"""What the evaluation keeps: the last runs' results (aggregates only), comparison cohorts an evaluator imported,
data-use agreements, and the de-identified extracts made under them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EvaluationRun(models.Model):
    """One run of the whole evaluation: its results as JSON (aggregates only, never identities), when, on what."""

    class Trigger(models.TextChoices):
        EVALUATOR = "evaluator", _("Run on request")
        TICK = "tick", _("New data (scheduled)")
        COMMAND = "command", _("Command line")

    ran_at = models.DateTimeField(_("ran at"), default=timezone.now, db_index=True)
    ran_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.COMMAND)
    # The comparison group used: "feeds" (the justice data), or an imported cohort.
    comparison = models.CharField(max_length=20, default="feeds")
    cohort = models.ForeignKey("ImportedCohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cutoff = models.DateField(_("data cutoff"))
    # What the data looked like: counts and high-water marks; a tick re-runs when it changes.
    fingerprint = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    results = models.JSONField(default=dict)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"evaluation run {self.pk} at {self.ran_at:%Y-%m-%d %H:%M}"


class ImportedCohort(models.Model):
    """A comparison cohort an evaluator uploaded: de-identified subjects with their index date and events."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("how it was drawn"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    subjects = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ImportedSubject(models.Model):
    cohort = models.ForeignKey(ImportedCohort, on_delete=models.CASCADE, related_name="members")
    subject_key = models.CharField(max_length=64)  # the evaluator's own de-identified id
    index_date = models.DateField()
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    race = models.CharField(max_length=1, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "subject_key"], name="imported_subject_once")]

    def __str__(self) -> str:
        return f"imported subject {self.pk}"


class ImportedEvent(models.Model):
    subject = models.ForeignKey(ImportedSubject, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12)
    occurred_on = models.DateField()
    severity = models.CharField(max_length=12, blank=True)
    released_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class DateDetail(models.TextChoices):
    MONTH = "month", _("Month and year only")
    SHIFTED = "shifted", _("Exact days shifted by a random offset per person")


# The fields an extract can carry; a data-use agreement allows some of them.
EXTRACT_FIELDS = {
    "group": _("Group (participant or comparison)"),
    "door": _("Door (how referred)"),
    "index_month": _("Index date (month, or shifted day)"),
    "age_band": _("Age band at the index date"),
    "sex": _("Sex"),
    "race": _("Race"),
    "area": _("Area (coarsened)"),
    "status": _("Enrollment status now"),
    "counts": _("Counts of arrests, charges, bookings and jail days before and after, by period"),
    "first_rearrest": _("Days to first re-arrest (or censoring)"),
}


class DataUseAgreement(models.Model):
    """A data-use agreement with an evaluator: recorded by the project manager before any extract is made."""

    recipient_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("evaluator agency"))
    parties = models.TextField(_("parties"))
    purpose = models.TextField(_("purpose"))
    starts_on = models.DateField(_("period from"))
    expires_on = models.DateField(_("expires on"))
    signed_on = models.DateField(_("signed on"))
    fields = models.JSONField(_("fields allowed"), default=list)
    date_detail = models.CharField(_("dates"), max_length=10, choices=DateDetail.choices, default=DateDetail.MONTH)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"data-use agreement {self.pk} ({self.recipient_agency})"

    def in_effect_on(self, day) -> bool:
        return self.starts_on <= day <= self.expires_on and self.signed_on <= day


class EvaluatorExtract(models.Model):
    """One de-identified extract made under a data-use agreement: the disclosure record, with the files."""

    agreement = models.ForeignKey(DataUseAgreement, on_delete=models.PROTECT, related_name="extracts")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    fields = models.JSONField(default=list)
    rows = models.PositiveIntegerField()
    csv_sha256 = models.CharField(max_length=64)
    parquet_sha256 = models.CharField(max_length=64)
    csv = models.BinaryField()
    parquet = models.BinaryField()

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"extract {self.pk} under agreement {self.agreement_id}"
