"""The diversion protocol as data: the Policy Coordinating Group owns the rules, so the rules are versions.

A version is edited as a draft, approved by the policy group with an effective date, and is immutable from
then on. Every referral keeps the version it was judged under.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.accounts.roles import Role
from divert.participants.models import Door

MAX_INTAKE_DEADLINE_DAYS = 30  # California caps it at 30 days after referral; no site we know goes longer.

APPROVER_CHOICES = [
    (Role.SERGEANT, _("Sergeant")),
    (Role.PROJECT_MANAGER, _("Project manager")),
    (Role.PROSECUTOR, _("Liaison prosecutor")),
]


class ProtocolLocked(Exception):
    """Raised when something tries to change an approved protocol version."""


class ProtocolQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=DiversionProtocol.State.APPROVED)

    def in_effect(self, on: date | None = None) -> "DiversionProtocol | None":
        """The approved version in effect on a day: the latest one whose effective date has come."""
        on = on or timezone.localdate()
        return self.approved().filter(effective_on__lte=on).order_by("-effective_on", "-version").first()


class DiversionProtocol(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, editable=False,
                                 related_name="+", verbose_name=_("based on"))
    summary = models.TextField(_("what changed"), blank=True)

    # Doors and who approves a referral through each. Arrest diversions always go to the liaison prosecutor,
    # who holds the charge.
    arrest_door_open = models.BooleanField(_("arrest diversion door open"), default=True)
    social_door_open = models.BooleanField(_("social contact door open"), default=True)
    community_door_open = models.BooleanField(_("community referral door open"), default=False)
    social_approver = models.CharField(_("who approves social contact referrals"), max_length=20,
                                       choices=APPROVER_CHOICES, default=Role.SERGEANT)
    community_approver = models.CharField(_("who approves community referrals"), max_length=20,
                                          choices=APPROVER_CHOICES, default=Role.PROJECT_MANAGER)
    capacity_gate = models.BooleanField(
        _("approve social and community referrals only while capacity remains"), default=False,
        help_text=_("Arrest diversions come first: social contact and community referrals are approved only while "
                    "case managers have room under the caseload maximum."))

    # Exclusion rules. Empty numbers mean the rule is off.
    drug_quantity_max_grams = models.DecimalField(
        _("drug quantity ceiling (grams)"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("Over this many grams is presumptively ineligible."))
    pill_exception = models.BooleanField(
        _("prescription-pill exception"), default=False,
        help_text=_("The quantity ceiling does not apply when the drugs are prescription pills."))
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True,
                                                   validators=[MaxValueValidator(30)])
    exclude_dealing_for_profit = models.BooleanField(_("exclude dealing above subsistence"), default=True)
    exclude_exploits_minors = models.BooleanField(_("exclude exploiting minors"), default=True)
    exclude_promotes_prostitution = models.BooleanField(_("exclude promoting prostitution"), default=True)
    violent_lookback_years = models.PositiveSmallIntegerField(
        _("violent conviction look-back (years)"), null=True, blank=True, validators=[MaxValueValidator(50)])
    exclude_pending_treatment_court = models.BooleanField(
        _("exclude a pending drug or mental-health court case"), default=False)
    exclude_no_contact_order = models.BooleanField(
        _("exclude a no-contact order protecting a current participant"), default=False)
    exclude_informant = models.BooleanField(
        _("exclude confidential informants"), default=True,
        help_text=_("Checked by the approver at review. No officer screen ever asks about informants."))
    catchment_areas = models.JSONField(_("catchment areas"), default=list, blank=True,
                                       help_text=_("Named areas; empty means no area restriction."))
    catchment_polygon = models.JSONField(
        _("catchment polygon"), default=list, blank=True,
        help_text=_("Optional list of [latitude, longitude] points; a referral with a location must fall inside."))
    catchment_doors = models.JSONField(_("doors the catchment applies to"), default=list, blank=True)
    social_recency_months = models.PositiveSmallIntegerField(
        _("social contact: qualifying conduct no older than (months)"), null=True, blank=True,
        validators=[MaxValueValidator(120)])
    require_victim_agreement = models.BooleanField(
        _("arrest diversion: any victim or complainant present must agree"), default=False)

    # Time and capacity.
    intake_deadline_days = models.PositiveSmallIntegerField(
        _("intake deadline (days after referral)"), default=14,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INTAKE_DEADLINE_DAYS)])
    handoff_target_minutes = models.PositiveSmallIntegerField(
        _("hand-off target (minutes)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(720)])
    caseload_warning = models.PositiveSmallIntegerField(_("caseload warning level"), default=20,
                                                        validators=[MinValueValidator(1)])
    caseload_maximum = models.PositiveSmallIntegerField(_("caseload maximum"), default=25,
                                                        validators=[MinValueValidator(1)])
    suppression_threshold = models.PositiveSmallIntegerField(
        _("public figures: suppress counts below"), default=11, validators=[MinValueValidator(1)])

    # Approval by the Policy Coordinating Group.
    approved_on = models.DateField(_("approved by the policy group on"), null=True, blank=True, editable=False)
    effective_on = models.DateField(_("effective from"), null=True, blank=True, editable=False)
    approval_record = models.TextField(_("approval record"), blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(intake_deadline_days__gte=1, intake_deadline_days__lte=MAX_INTAKE_DEADLINE_DAYS),
                name="protocol_intake_deadline_1_to_30"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version}, {self.get_state_display().lower()})"

    def save(self, *args, **kwargs):
        if self.pk and DiversionProtocol.objects.filter(pk=self.pk, state=self.State.APPROVED).exists():
            raise ProtocolLocked(f"protocol version {self.version} is approved and cannot change")
        if self.version is None:
            last = DiversionProtocol.objects.aggregate(models.Max("version"))["version__max"] or 0
            self.version = last + 1
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_approved:
            raise ProtocolLocked(f"protocol version {self.version} is approved and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def open_doors(self) -> list[str]:
        flags = {Door.ARREST_DIVERSION: self.arrest_door_open, Door.SOCIAL_CONTACT: self.social_door_open,
                 Door.COMMUNITY: self.community_door_open}
        return [door for door, is_open in flags.items() if is_open]

    def is_door_open(self, door: str) -> bool:
        return door in self.open_doors

    def approver_for(self, door: str) -> str:
        if door == Door.ARREST_DIVERSION:
            return Role.PROSECUTOR
        return self.social_approver if door == Door.SOCIAL_CONTACT else self.community_approver

    def clean(self) -> None:
        errors = {}
        if not self.open_doors:
            errors["arrest_door_open"] = _("Open at least one door.")
        if self.caseload_warning and self.caseload_maximum and self.caseload_warning > self.caseload_maximum:
            errors["caseload_warning"] = _("The warning level cannot be above the maximum.")
        if self.pill_exception and self.drug_quantity_max_grams is None:
            errors["pill_exception"] = _("The pill exception only means something with a quantity ceiling.")
        unknown = set(self.catchment_doors or []) - set(Door.values)
        if unknown:
            errors["catchment_doors"] = _("Unknown door: %(doors)s.") % {"doors": ", ".join(sorted(unknown))}
        if self.catchment_polygon:
            try:
                points = [(float(lat), float(lon)) for lat, lon in self.catchment_polygon]
            except (TypeError, ValueError):
                points = []
            if len(points) < 3 or any(not (-90 <= lat <= 90 and -180 <= lon <= 180) for lat, lon in points):
                errors["catchment_polygon"] = _("A polygon needs at least three [latitude, longitude] points.")
        if errors:
            raise ValidationError(errors)

DEFAULT_CASELOAD_WARNING = 20  # the LEAD toolkit's figures, used until a protocol version is in effect
DEFAULT_CASELOAD_MAXIMUM = 25


def caseload_limits(on: date | None = None) -> tuple[int, int]:
    """(warning, maximum) open enrollments per case manager under the protocol in effect."""
    protocol = DiversionProtocol.objects.in_effect(on)
    if protocol is None:
        return DEFAULT_CASELOAD_WARNING, DEFAULT_CASELOAD_MAXIMUM
    return protocol.caseload_warning, protocol.caseload_maximum


class OffenseCategory(models.TextChoices):
    DRUG = "drug", _("Drug possession or use")
    DRUG_DELIVERY = "drug_delivery", _("Drug delivery or possession with intent (subsistence)")
    SEX_WORK = "sex_work", _("Sex work")
    THEFT = "theft", _("Low-level theft")
    PUBLIC_ORDER = "public_order", _("Public order (trespass, park, transit)")
    OTHER = "other", _("Other non-violent offense")


DRUG_CATEGORIES = {OffenseCategory.DRUG, OffenseCategory.DRUG_DELIVERY}


class DivertibleOffense(models.Model):
    protocol = models.ForeignKey(DiversionProtocol, on_delete=models.CASCADE, related_name="offenses")
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=OffenseCategory.choices)

    class Meta:
        ordering = ["label", "code"]
        constraints = [models.UniqueConstraint(fields=["protocol", "code"], name="offense_code_unique_per_protocol")]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    def save(self, *args, **kwargs):
        self._check_unlocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_unlocked()
        return super().delete(*args, **kwargs)

    @property
    def involves_drugs(self) -> bool:
        return self.category in DRUG_CATEGORIES

    def _check_unlocked(self) -> None:
        if DiversionProtocol.objects.filter(pk=self.protocol_id, state=DiversionProtocol.State.APPROVED).exists():
            raise ProtocolLocked("the offenses of an approved protocol version cannot change")
