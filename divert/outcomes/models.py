"""Models of the outcomes app: the declared unit costs, the cohort table the metrics filter on, computed figure
sets kept until new data arrives, the log of suppression decisions, and the kept quarterly reports.

No model here holds anything a participant said or a name: the cohort row is the enrollment's door, area,
provider, dates and banded demographics, which the metrics need to filter and nothing else reads.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


class UnitCostDeclaration(models.Model):
    """What a jail bed-day, a booking and a participant-month of the program cost, as the project manager declares
    them, from an effective date. The declaration in effect on a day is the latest one effective by then."""

    effective_on = models.DateField(_("effective from"), unique=True)
    bed_day_average = models.DecimalField(_("jail bed-day, average cost"), **MONEY)
    bed_day_marginal = models.DecimalField(_("jail bed-day, marginal cost"), **MONEY,
                                           help_text=_("What one more or one fewer day actually costs the jail."))
    booking = models.DecimalField(_("cost of one booking"), **MONEY)
    program_per_participant_month = models.DecimalField(_("program cost per participant-month"), **MONEY)
    source = models.TextField(_("where the figures come from"),
                              help_text=_("For example: the county jail's 2025 budget, page 14."))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-effective_on"]

    def __str__(self) -> str:
        return f"unit costs from {self.effective_on}"


class CohortMember(models.Model):
    """One row per enrollment, rebuilt from the source tables whenever they change (see cohort.py), so every
    metric filters by door, area, provider and banded demographics with plain column comparisons."""

    enrollment = models.OneToOneField("participants.Enrollment", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("participants.Person", on_delete=models.CASCADE, related_name="outcome_cohort")
    door = models.CharField(max_length=10)
    area = models.CharField(max_length=100, blank=True)
    provider = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    referred_on = models.DateField()
    enrolled_on = models.DateField(null=True, blank=True)
    exited_on = models.DateField(null=True, blank=True)
    # The year before and the year after referral, stored so event windows are column comparisons.
    before_from = models.DateField()
    after_until = models.DateField()
    # The person's first enrollment: before/after justice figures count each person once.
    first = models.BooleanField(default=True)
    race = models.CharField(max_length=40, blank=True)  # one OMB category, "multiple" or "unknown"
    gender = models.CharField(max_length=30, blank=True)
    age_band = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["referred_on"]), models.Index(fields=["person", "first"])]

    def __str__(self) -> str:
        return f"cohort row of enrollment {self.enrollment_id}"


class CohortJustice(models.Model):
    """A person's justice events in the year before and the year after their first referral (cut at `as_of`),
    counted in one pass over the events whenever the cohort or the events change (see cohort.ensure_justice), so
    the before-and-after figures for any filter are sums over the cohort. Only people with an event have a row."""

    member = models.OneToOneField(CohortMember, on_delete=models.CASCADE, primary_key=True, related_name="justice")
    as_of = models.DateField()
    before_arrests = models.PositiveIntegerField(default=0)
    before_felony = models.PositiveIntegerField(default=0)
    before_misdemeanor = models.PositiveIntegerField(default=0)
    before_bookings = models.PositiveIntegerField(default=0)
    before_jail = models.PositiveIntegerField(default=0)
    after_arrests = models.PositiveIntegerField(default=0)
    after_felony = models.PositiveIntegerField(default=0)
    after_misdemeanor = models.PositiveIntegerField(default=0)
    after_bookings = models.PositiveIntegerField(default=0)
    after_jail = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"justice counts of cohort row {self.member_id}"


class FigureSnapshot(models.Model):
    """Figures computed for one key (a metric and its filter, a public release), kept while `version` (the
    signature of the data they came from) still matches. New data changes the signature; the next read recomputes."""

    key = models.CharField(max_length=255, unique=True)
    version = models.CharField(max_length=255)
    payload = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return self.key


class SuppressionDecision(models.Model):
    """Why one cell of a set of published figures was hidden: a small count (primary) or so that a small count
    cannot be worked out from what is shown (complementary), under which threshold, for which data."""

    class Reason(models.TextChoices):
        PRIMARY = "primary", _("Small count (1 to k-1)")
        COMPLEMENTARY = "complementary", _("Hidden so a small count cannot be worked out")
        RATE = "rate", _("Rate hidden: its numerator or denominator is hidden")

    release = models.CharField(_("figure set"), max_length=120)
    version = models.CharField(max_length=255)
    table = models.CharField(_("table"), max_length=120)
    cell = models.CharField(_("cell"), max_length=200)
    reason = models.CharField(_("reason"), max_length=15, choices=Reason.choices)
    threshold = models.PositiveSmallIntegerField(_("k"))
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "release", "table", "cell"]
        indexes = [models.Index(fields=["release", "version"])]

    def __str__(self) -> str:
        return f"{self.release}/{self.table}/{self.cell}: {self.reason}"


class QuarterlyReport(models.Model):
    """The Policy Coordinating Group's quarterly outcomes report, kept as the PDF it was sent as."""

    quarter_start = models.DateField(_("quarter starting"))
    quarter_end = models.DateField(_("quarter ending"))
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    scheduled = models.BooleanField(default=False)
    pdf = models.BinaryField()

    class Meta:
        ordering = ["-quarter_start", "-made_at"]

    def __str__(self) -> str:
        return f"report for the quarter from {self.quarter_start}"
