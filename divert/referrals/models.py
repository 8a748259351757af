"""Referrals through the three doors, the warm hand-off and the on-call roster.

A referral keeps the protocol version it was judged under and the eligibility answer with its reasons. The
intake deadline is computed from the referral time and that version, never stored as a flag.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.lib.choices import Weekday
from divert.participants.models import Door
from divert.protocol.eligibility import Outcome


class ReferralStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PENDING_INTAKE = "pending_intake", _("Pending intake")
    ENROLLED = "enrolled", _("Enrolled")
    INELIGIBLE = "ineligible", _("Not eligible")
    DECLINED = "declined", _("Declined by the person")
    INTAKE_LAPSED = "intake_lapsed", _("Intake not completed in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Referrals still moving toward enrollment; intake may still be completed after a lapse while the charge is held.
OPEN_REFERRAL_STATUSES = [ReferralStatus.AWAITING_APPROVAL, ReferralStatus.PENDING_INTAKE,
                          ReferralStatus.INTAKE_LAPSED]
INTAKE_POSSIBLE = [ReferralStatus.PENDING_INTAKE, ReferralStatus.INTAKE_LAPSED]


class ChargeStatus(models.TextChoices):
    HELD = "held", _("Held, awaiting review")
    ACCEPTED = "accepted", _("Diversion accepted, charge held")
    NOT_ELIGIBLE = "not_eligible", _("Found not eligible")
    FILED = "filed", _("Filed")
    DECLINED = "declined", _("Declined to file")


# Lapsed intake on a charge the prosecutor has not yet filed or declined: the prosecutor's queue and home count.
AWAITING_CHARGE_DECISION = (models.Q(status=ReferralStatus.INTAKE_LAPSED)
                            & ~models.Q(charge_status__in=[ChargeStatus.FILED, ChargeStatus.DECLINED]))


class ProbationStatus(models.TextChoices):
    NONE = "none", _("Neither")
    PROBATION = "probation", _("On probation")
    PAROLE = "parole", _("On parole")
    UNKNOWN = "unknown", _("Not sure")


class Need(models.TextChoices):
    HOUSING = "housing", _("Housing or shelter")
    SUBSTANCE_USE = "substance_use", _("Drug or alcohol use")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    FOOD = "food", _("Food")
    MEDICAL = "medical", _("Medical care")
    ID = "id", _("ID and documents")
    INCOME = "income", _("Income, benefits or work")
    LEGAL = "legal", _("Legal trouble")
    OTHER = "other", _("Something else")


class Referral(models.Model):
    door = models.CharField(_("door"), max_length=10, choices=Door.choices)
    protocol = models.ForeignKey("protocol.DiversionProtocol", on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    # The intake clock starts here.
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    incident_at = models.DateTimeField(_("incident time"), null=True, blank=True)
    incident_number = models.CharField(_("incident or report number"), max_length=40, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    offenses = models.ManyToManyField("protocol.DivertibleOffense", blank=True, related_name="referrals",
                                      verbose_name=_("offenses"))

    # The person as the referrer described them. Linked to a Person by the case-management team.
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    aliases = models.CharField(_("other names"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    how_to_reach = models.TextField(_("how to reach them"), blank=True)
    probation_status = models.CharField(_("probation or parole"), max_length=10, choices=ProbationStatus.choices,
                                        blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    needs_note = models.TextField(_("about their needs"), blank=True)
    unsure_if_qualifies = models.BooleanField(_("referrer is not sure they qualify"), default=False)
    agreed_to_talk = models.BooleanField(_("agreed to talk to a case manager"), default=False)

    # Who referred. Community referrers have no account.
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="referrals_made")
    referring_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="referrals_made")
    referrer_name = models.CharField(_("your name"), max_length=200, blank=True)
    referrer_organization = models.CharField(_("organization"), max_length=200, blank=True)
    referrer_relationship = models.CharField(_("relationship to the person"), max_length=200, blank=True)
    referrer_phone = models.CharField(_("your phone"), max_length=40, blank=True)
    referrer_email = models.EmailField(_("your email"), blank=True)

    # The eligibility answer, as the protocol gave it.
    eligibility = models.CharField(_("eligibility"), max_length=12, choices=Outcome.CHOICES)
    findings = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    approver_role = models.CharField(_("approver"), max_length=20)

    # Approval (social, community) or review (arrest diversion: the liaison prosecutor).
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    overrode_protocol = models.BooleanField(default=False)
    review_checks = models.JSONField(default=dict, blank=True)
    charge_status = models.CharField(_("charge"), max_length=15, choices=ChargeStatus.choices, blank=True)

    provider = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="referrals_received", verbose_name=_("case-management provider"))
    person = models.ForeignKey("participants.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="referrals")
    enrollment = models.OneToOneField("participants.Enrollment", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="referral")
    intake_completed_at = models.DateTimeField(null=True, blank=True)
    intake_lapsed_at = models.DateTimeField(null=True, blank=True)
    deadline_extension_days = models.PositiveSmallIntegerField(default=0)
    deadline_extension_reason = models.TextField(blank=True)

    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        indexes = [models.Index(fields=["status", "referred_at"]), models.Index(fields=["door", "status"]),
                   models.Index(fields=["referred_by", "referred_at"]), models.Index(fields=["charge_status"])]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_door_display()})"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:06d}" if self.pk else "R-new"

    @property
    def person_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def intake_deadline(self) -> datetime:
        """The end of the last day intake may be completed, in the site's time zone."""
        days = self.protocol.intake_deadline_days + self.deadline_extension_days
        last_day = timezone.localdate(self.referred_at) + timedelta(days=days)
        return timezone.make_aware(datetime.combine(last_day, time.max))

    def days_left(self, now: datetime | None = None) -> int:
        """Whole days left until the deadline's day; 0 on the last day, negative once it has passed."""
        today = timezone.localdate(now or timezone.now())
        return (timezone.localdate(self.intake_deadline) - today).days

    def deadline_passed(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) > self.intake_deadline

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    @property
    def officer_view_status(self) -> str:
        """What the referring officer learns: pending, enrolled or not enrolled — nothing more."""
        if self.status == ReferralStatus.ENROLLED:
            return str(_("Enrolled"))
        if self.status in (ReferralStatus.AWAITING_APPROVAL, ReferralStatus.PENDING_INTAKE):
            return str(_("Pending"))
        return str(_("Not enrolled"))


class ReferralEvent(models.Model):
    """The referral's own timeline: every decision and step, in order."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Referred")
        APPROVED = "approved", _("Approved")
        FOUND_INELIGIBLE = "found_ineligible", _("Found not eligible")
        REVIEW_ACCEPTED = "review_accepted", _("Prosecutor accepted the diversion")
        REVIEW_NOT_ELIGIBLE = "review_not_eligible", _("Prosecutor found it not eligible")
        DEADLINE_EXTENDED = "deadline_extended", _("Intake deadline extended")
        REMINDER_SENT = "reminder_sent", _("Intake deadline reminder sent")
        INTAKE_LAPSED = "intake_lapsed", _("Intake not completed by the deadline")
        CHARGE_FILED = "charge_filed", _("Prosecutor filed the charge")
        CHARGE_KEPT_HELD = "charge_kept_held", _("Prosecutor kept holding the charge")
        CHARGE_DECLINED = "charge_declined", _("Prosecutor declined to file")
        HANDOFF_REQUESTED = "handoff_requested", _("Case manager requested")
        HANDOFF_ACKNOWLEDGED = "handoff_acknowledged", _("Case manager acknowledged")
        HANDOFF_ARRIVED = "handoff_arrived", _("Case manager arrived")
        CUSTODY_TRANSFERRED = "custody_transferred", _("Person handed to the case manager")
        PERSON_LINKED = "person_linked", _("Linked to a known person")
        MATCH_DISMISSED = "match_dismissed", _("Possible match dismissed")
        INTAKE_COMPLETED = "intake_completed", _("Intake completed")
        DECLINED = "declined", _("Person declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        PROVIDER_ASSIGNED = "provider_assigned", _("Provider assigned")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral.reference}: {self.get_kind_display()}"


class HandOff(models.Model):
    """The warm hand-off: requested by the officer, acknowledged and reached by a case manager."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="handoff")
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    target_minutes = models.PositiveSmallIntegerField()
    paged = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="handoffs_paged")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    arrived_at = models.DateTimeField(null=True, blank=True)
    arrived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    custody_transferred_at = models.DateTimeField(null=True, blank=True)
    custody_transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"hand-off for {self.referral.reference}"

    @property
    def minutes_to_arrival(self) -> int | None:
        if self.arrived_at is None:
            return None
        return int((self.arrived_at - self.requested_at).total_seconds() // 60)

    def minutes_waiting(self, now: datetime | None = None) -> int:
        end = self.arrived_at or now or timezone.now()
        return int((end - self.requested_at).total_seconds() // 60)

    @property
    def met_target(self) -> bool | None:
        minutes = self.minutes_to_arrival
        return None if minutes is None else minutes <= self.target_minutes

    @property
    def stage(self) -> str:
        if self.custody_transferred_at:
            return "transferred"
        if self.arrived_at:
            return "arrived"
        if self.acknowledged_at:
            return "acknowledged"
        return "requested"


class OnCallShift(models.Model):
    """The on-call roster by day of the week and hour. A shift ending at or before its start runs past midnight."""

    Weekday = Weekday

    case_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call_shifts",
                                     verbose_name=_("who is on call"))
    provider = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="on_call_shifts")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "starts", "id"]

    def __str__(self) -> str:
        return f"{self.case_manager} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def covers(self, moment: datetime) -> bool:
        local = timezone.localtime(moment)
        clock = local.time()
        if self.starts < self.ends:
            return self.weekday == local.weekday() and self.starts <= clock < self.ends
        # Overnight: from `starts` on `weekday` to `ends` the next morning.
        if self.weekday == local.weekday() and clock >= self.starts:
            return True
        return (self.weekday + 1) % 7 == local.weekday() and clock < self.ends


class PossibleMatch(models.Model):
    """A known person the referral might be. The case-management team links or dismisses it."""

    class State(models.TextChoices):
        OPEN = "open", _("To check")
        LINKED = "linked", _("Linked")
        DISMISSED = "dismissed", _("Not the same person")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="possible_matches")
    person = models.ForeignKey("participants.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "person"], name="one_match_per_person")]

    def __str__(self) -> str:
        return f"{self.referral.reference} ~ person {self.person_id} ({self.score:.2f})"

