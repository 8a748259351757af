"""Legal matters and charge coordination (category: legal).

A `LegalMatter` is one case a person has with the justice system: a case that was open before they enrolled, a
warrant, a new arrest, or a charge filed after enrollment. It names the prosecuting office and, when known, the
defending agency; those two decide which prosecutor and which defender may see it (divert/privacy/policy.py). Its
charges and court dates are its children. Incident date and filing date are kept apart, so a new filing about an
old incident shows as such (lead-programs.md §7.2).

A `CoordinationRequest` is the liaison prosecutor asking the participant's case manager, before a decision on a
matter, what would help: the Second Golden Rule (lead-programs.md §7.1, §9.2). The case manager answers in the
form of the First Golden Rule (engagement, relevant goals, what would help, what would set the person back), as
text written for partners; the prosecutor reads it only under a release naming their office for the partner
summary. The prosecutor then records a decision, which closes the request. Every step is a `CoordinationEvent`,
so both sides see the same timeline.

Rows come from people (`source="manual"`) or, later, from justice-data feeds (`source="feed"`, with the feed's
`source_key`, unique per source so an import can run twice).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.accounts.roles import AgencyKind

__all__ = [
    "COORDINATION_OPEN_STATUSES", "AnswerKind", "Charge", "CoordinationDecision", "CoordinationEvent",
    "CoordinationRequest", "CoordinationStatus", "CourtDate", "CourtPurpose", "Disposition", "LegalMatter",
    "MatterKind", "MatterSource", "MatterStatus", "Severity",
]


class MatterKind(models.TextChoices):
    PRE_EXISTING = "pre_existing", _("Case open before enrollment")
    WARRANT = "warrant", _("Warrant")
    NEW_ARREST = "new_arrest", _("New arrest")
    NEW_CHARGE = "new_charge", _("Charge filed after enrollment")


class MatterStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class MatterSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    FEED = "feed", _("Justice-data feed")


class Severity(models.TextChoices):
    FELONY = "felony", _("Felony")
    MISDEMEANOR = "misdemeanor", _("Misdemeanor")
    VIOLATION = "violation", _("Violation or infraction")


class Disposition(models.TextChoices):
    DECLINED = "declined", _("Declined to file")
    DISMISSED = "dismissed", _("Dismissed")
    DIVERTED = "diverted", _("Diverted")
    DEFERRED = "deferred", _("Deferred or held in abeyance")
    ACQUITTED = "acquitted", _("Acquitted")
    CONVICTED = "convicted", _("Convicted or pleaded guilty")
    WARRANT_QUASHED = "warrant_quashed", _("Warrant quashed")
    OTHER = "other", _("Other")


class CourtPurpose(models.TextChoices):
    ARRAIGNMENT = "arraignment", _("Arraignment")
    PRETRIAL = "pretrial", _("Pretrial conference")
    MOTION = "motion", _("Motion hearing")
    TRIAL = "trial", _("Trial")
    SENTENCING = "sentencing", _("Sentencing")
    REVIEW = "review", _("Review hearing")
    WARRANT = "warrant", _("Warrant hearing")
    OTHER = "other", _("Other hearing")


class LegalMatter(models.Model):
    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="legal_matters",
                               verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=20, choices=MatterKind.choices)
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    prosecuting_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                           limit_choices_to={"kind": AgencyKind.PROSECUTOR},
                                           verbose_name=_("prosecuting office"))
    defending_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", limit_choices_to={"kind": AgencyKind.DEFENDER},
                                         verbose_name=_("defending agency"))
    incident_on = models.DateField(_("incident date"), null=True, blank=True)
    arrested_on = models.DateField(_("arrest date"), null=True, blank=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    warrant_issued_on = models.DateField(_("warrant issued on"), null=True, blank=True)
    warrant_quashed_on = models.DateField(_("warrant quashed or served on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MatterStatus.choices, default=MatterStatus.OPEN)
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices, blank=True)
    disposed_on = models.DateField(_("disposition date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=MatterSource.choices, default=MatterSource.MANUAL)
    source_key = models.CharField(_("key in the source"), max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Each save moves it on: an edit made on an older copy is refused.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["prosecuting_agency", "status"]),
                   models.Index(fields=["defending_agency", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], condition=~Q(source_key=""),
                                    name="legal_matter_source_key_once"),
            models.CheckConstraint(condition=Q(status="open", disposition="") | Q(status="closed"),
                                   name="legal_matter_open_has_no_disposition"),
        ]

    def __str__(self) -> str:
        number = f" {self.case_number}" if self.case_number else ""
        return f"{self.get_kind_display()}{number}"

    def get_absolute_url(self) -> str:
        return reverse("legal_matter", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == MatterStatus.OPEN

    @property
    def warrant_active(self) -> bool:
        return self.warrant_issued_on is not None and self.warrant_quashed_on is None

    @property
    def filed_later(self) -> bool:
        """Filed a month or more after the incident: an old incident, newly charged (lead-programs.md §7.2)."""
        return bool(self.incident_on and self.filed_on and (self.filed_on - self.incident_on).days >= 30)


class Charge(models.Model):
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="charges")
    offense = models.CharField(_("offense"), max_length=300)
    statute = models.CharField(_("statute or code section"), max_length=100, blank=True)
    severity = models.CharField(_("severity"), max_length=15, choices=Severity.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.offense} ({self.get_severity_display().lower()})"


class CourtDate(models.Model):
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="court_dates")
    scheduled_at = models.DateTimeField(_("date and time"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=CourtPurpose.choices)
    courtroom = models.CharField(_("courtroom"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["scheduled_at", "id"]
        # The same hearing twice (a double submit, a feed run again) is one row.
        constraints = [models.UniqueConstraint(fields=["matter", "scheduled_at", "purpose"],
                                               name="court_date_once")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {timezone.localtime(self.scheduled_at):%Y-%m-%d %H:%M}"


# --- Charge coordination -------------------------------------------------------------------------------------

class CoordinationStatus(models.TextChoices):
    AWAITING_ANSWER = "awaiting_answer", _("Awaiting the case manager's answer")
    ANSWERED = "answered", _("Answered, awaiting the prosecutor's decision")
    DECIDED = "decided", _("Decided")


OPEN_STATUSES = (CoordinationStatus.AWAITING_ANSWER, CoordinationStatus.ANSWERED)
# Exported under this name from divert.coordination.models (participants has its own OPEN_STATUSES).
COORDINATION_OPEN_STATUSES = OPEN_STATUSES


class AnswerKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("A recommendation tied to the plan")
    NOTHING_TO_SHARE = "nothing_to_share", _("Nothing I can share under the current consent")


class CoordinationDecision(models.TextChoices):
    DECLINE = "decline", _("Decline to file")
    HOLD = "hold", _("Hold for the plan")
    DIVERT = "divert", _("Divert")
    FILE = "file", _("File, with a recommendation")


class CoordinationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class CoordinationRequest(models.Model):
    OPEN_STATUSES = OPEN_STATUSES

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="coordination_requests")
    matter = models.ForeignKey(LegalMatter, on_delete=models.PROTECT, related_name="coordination_requests")
    prosecuting_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("prosecuting office"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text=_("Empty when a feed opened it."))
    opened_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("what the prosecutor asks"), blank=True, max_length=2000)
    # Who was assigned when it was opened: the person it was sent to.
    case_manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("case manager"))
    status = models.CharField(_("status"), max_length=20, choices=CoordinationStatus.choices,
                              default=CoordinationStatus.AWAITING_ANSWER)

    # The answer: partner-shareable text, written for the prosecutor.
    answer_kind = models.CharField(_("answer"), max_length=20, choices=AnswerKind.choices, blank=True)
    engagement = models.TextField(_("engagement"), blank=True, max_length=2000)
    goals = models.ManyToManyField("casework.Goal", blank=True, related_name="+",
                                   verbose_name=_("goals of the plan it concerns (seen by the team only)"))
    goals_text = models.TextField(_("relevant goals, as the prosecutor may read them"), blank=True, max_length=2000)
    helps = models.TextField(_("what would help"), blank=True, max_length=2000)
    setbacks = models.TextField(_("what would set the person back"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # The release that let the prosecutor's office read the recommendation when it was written.
    answer_release = models.ForeignKey("privacy.ReleaseOfInformation", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")

    # The prosecutor's decision, which closes the request.
    decision = models.CharField(_("decision"), max_length=10, choices=CoordinationDecision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CoordinationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["prosecuting_agency", "status"]),
                   models.Index(fields=["case_manager", "status"])]
        constraints = [
            # One open request per matter: a second "open" (a double submit, a feed run again) finds the first.
            models.UniqueConstraint(fields=["matter"], condition=Q(status__in=OPEN_STATUSES),
                                    name="coordination_one_open_per_matter"),
            models.CheckConstraint(condition=~Q(status="decided") | ~Q(decision=""),
                                   name="coordination_decided_has_decision"),
            models.CheckConstraint(condition=~Q(decision="hold") | Q(review_by__isnull=False),
                                   name="coordination_hold_has_review_date"),
        ]

    def __str__(self) -> str:
        return _("Coordination request %(ref)s") % {"ref": self.reference}

    def get_absolute_url(self) -> str:
        return reverse("coordination_request", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"CR-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_recommendation(self) -> bool:
        return self.answer_kind == AnswerKind.RECOMMENDATION


class CoordinationEvent(models.Model):
    """One step of a request, for the timeline both sides see. Never edited; texts stay on the request."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTIFIED = "notified", _("Case manager notified")
        ANSWERED = "answered", _("Answered")
        DECIDED = "decided", _("Decided")

    request = models.ForeignKey(CoordinationRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # For "answered" and "decided": which answer or decision, so the timeline reads as a sentence.
    value = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
